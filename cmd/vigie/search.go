package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"strings"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// facetUsage describes a facet's filter flag by the facet's kind.
var facetUsage = map[indexer.FacetKind]string{
	indexer.FacetLang:   "only passages in this language: en or fr (repeatable)",
	indexer.FacetEntity: "only passages naming this id or name (repeatable)",
	indexer.FacetYear:   "only passages about this year or range 2013..2016 (repeatable)",
	indexer.FacetTerms:  "only passages with this value (repeatable)",
}

// filterFlag collects a repeatable filter flag into filters[name].
type filterFlag struct {
	filters map[string][]string
	name    string
}

func (f filterFlag) String() string {
	if f.filters == nil {
		return ""
	}
	return strings.Join(f.filters[f.name], ",")
}

func (f filterFlag) Set(v string) error {
	f.filters[f.name] = append(f.filters[f.name], v)
	return nil
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func cmdSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", env("VIGIE_DATA", "data"), "data folder holding the index (env VIGIE_DATA)")
	asJSON := fs.Bool("json", false, "print the API's JSON response")
	size := fs.Int("size", 10, "number of results")
	page := fs.Int("page", 1, "result page")
	ui := fs.String("ui", "en", "language of facet labels: en or fr")
	filters := map[string][]string{}
	for _, f := range indexer.Facets {
		fs.Var(filterFlag{filters, f.Name}, f.Name, facetUsage[f.Kind])
	}
	sortBy := fs.String("sort", "relevance", "order of results: relevance or date (newest update or publication first)")
	from := fs.String("from", "", "only documents updated (or published) on or after this date: 2020, 2020-05 or 2020-05-17")
	to := fs.String("to", "", "only documents updated (or published) on or before this date")
	group := fs.String("group", "none", "collapse the passages of one section or document into one result: none, section or document (totals stay passage counts)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	s, err := openSearcher(*data, searchOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Search(ctx, search.Request{
		Query:   strings.Join(rest, " "),
		Filters: filters,
		Page:    *page, Size: *size, UI: *ui, Sort: *sortBy, DateFrom: *from, DateTo: *to, Group: *group,
	})
	if err != nil {
		var in *search.InputError
		if errors.As(err, &in) {
			return errors.New(in.Msg)
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printResults(stdout, res, isTerminal(stdout))
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printResults writes ranked hits with matches marked: reverse video on
// a terminal, **like this** elsewhere.
func printResults(w io.Writer, res *search.Result, tty bool) {
	open, close, dim, reset := "**", "**", "", ""
	if tty {
		open, close, dim, reset = "\x1b[1;7m", "\x1b[0m", "\x1b[2m", "\x1b[0m"
	}
	note := ""
	if res.Relaxed {
		note = " (no passage has every word; showing passages with some)"
	}
	if res.Fuzzy {
		note += " (words close to the ones typed)"
	}
	fmt.Fprintf(w, "%d passages in %.1f ms%s\n", res.Total, res.TookMS, note)
	if res.Suggestion != "" {
		fmt.Fprintf(w, "Did you mean: %s\n", res.Suggestion)
	}
	first := (res.Page-1)*res.Size + 1
	for i, h := range res.Hits {
		text := strings.NewReplacer("<mark>", open, "</mark>", close).Replace(h.Highlight)
		text = html.UnescapeString(text)
		heading := h.Title
		if h.Heading != "" {
			heading += " › " + h.Heading
		}
		fmt.Fprintf(w, "\n%d. [%s] %s %s(%.2f, %s)%s\n", first+i, h.Lang, heading, dim, h.Score, h.ID, reset)
		for _, line := range strings.Split(text, "\n") {
			fmt.Fprintf(w, "   %s\n", line)
		}
		if t := h.Twin; t != nil {
			fmt.Fprintf(w, "   %s[%s] %s › %s (%s)%s\n", dim, t.Lang, t.Title, t.Heading, t.ID, reset)
		}
		if h.More > 0 {
			fmt.Fprintf(w, "   %s+ %d more passages%s\n", dim, h.More, reset)
		}
	}
}
