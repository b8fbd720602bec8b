package loadgen

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"net/url"
	"strings"
)

//go:embed queries.txt
var defaultMix string

// Query is one entry of a query mix.
type Query struct {
	// Kind groups queries in reports: "sel-en", "broad-fr", "filter-en"…
	Kind string
	// Text is the search-box text.
	Text string
	// Params holds extra URL parameters (filters, paging).
	Params url.Values
}

// Values returns the URL parameters of the query: q plus Params.
func (q Query) Values() url.Values {
	v := url.Values{}
	for k, vs := range q.Params {
		v[k] = append([]string(nil), vs...)
	}
	v.Set("q", q.Text)
	return v
}

// Mix is the query mix of `vigie bench`: searches, and the prefixes used
// for suggestions.
type Mix struct {
	Searches []Query
	Suggest  []string
}

// DefaultMix returns the embedded mix (queries.txt).
func DefaultMix() Mix {
	m, err := ParseMix(strings.NewReader(defaultMix))
	if err != nil {
		panic(fmt.Sprintf("loadgen: embedded queries.txt: %v", err)) // a build mistake, caught by the tests
	}
	return m
}

// ParseMix reads a mix: one query a line, KIND<TAB>QUERY[<TAB>PARAMS];
// blank lines and lines starting with # are ignored; KIND "suggest" lines
// hold suggestion prefixes.
func ParseMix(r io.Reader) (Mix, error) {
	var m Mix
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || strings.TrimSpace(parts[1]) == "" {
			return Mix{}, fmt.Errorf("line %d: want KIND<TAB>QUERY[<TAB>PARAMS], got %q", n, line)
		}
		if parts[0] == "suggest" {
			m.Suggest = append(m.Suggest, parts[1])
			continue
		}
		q := Query{Kind: parts[0], Text: parts[1], Params: url.Values{}}
		if len(parts) == 3 {
			p, err := url.ParseQuery(parts[2])
			if err != nil {
				return Mix{}, fmt.Errorf("line %d: params %q: %w", n, parts[2], err)
			}
			q.Params = p
		}
		m.Searches = append(m.Searches, q)
	}
	if err := sc.Err(); err != nil {
		return Mix{}, err
	}
	if len(m.Searches) == 0 {
		return Mix{}, fmt.Errorf("no search in the mix")
	}
	return m, nil
}
