package search

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/vigie/vigie/lang"
)

// Limits bound the work one request may ask for. A request beyond a limit
// fails with an *InputError whose Limit names the limit. Zero fields take
// their value from DefaultLimits.
type Limits struct {
	// MaxQueryBytes caps the length of Request.Query, in bytes.
	MaxQueryBytes int
	// MaxTerms caps the words of a query: each word, prefix or excluded
	// word counts one, a phrase counts its words.
	MaxTerms int
	// MaxSize caps Request.Size.
	MaxSize int
	// MaxWindow caps page × size, how deep page-based paging goes (bleve
	// keeps from+size hits in memory). Deeper results are reached with the
	// cursor of Result.Next.
	MaxWindow int
	// MaxClauses caps the clauses of the query built for bleve, counted
	// after analysis (a word that analyses to two tokens counts two per
	// field) and after prefix expansion (a prefix counts one per indexed
	// term it matches).
	MaxClauses int
	// MaxFuzziness caps the edit distance of fuzzy terms. bleve itself
	// rejects more than 2.
	MaxFuzziness int
}

// Names of the limits, as reported in InputError.Limit.
const (
	LimitQueryBytes = "max_query_bytes"
	LimitTerms      = "max_terms"
	LimitSize       = "max_size"
	LimitWindow     = "max_window"
	LimitClauses    = "max_clauses"
	LimitFuzziness  = "max_fuzziness"
)

// DefaultLimits are the limits of a Searcher whose Options leave them
// zero.
var DefaultLimits = Limits{
	MaxQueryBytes: 1024,
	MaxTerms:      32,
	MaxSize:       100,
	MaxWindow:     10000,
	MaxClauses:    1024,
	MaxFuzziness:  2,
}

// maxCursorBytes caps the length of Request.After before it is decoded.
const maxCursorBytes = 4096

// withDefaults returns l with zero fields set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.MaxQueryBytes, DefaultLimits.MaxQueryBytes)
	def(&l.MaxTerms, DefaultLimits.MaxTerms)
	def(&l.MaxSize, DefaultLimits.MaxSize)
	def(&l.MaxWindow, DefaultLimits.MaxWindow)
	def(&l.MaxClauses, DefaultLimits.MaxClauses)
	def(&l.MaxFuzziness, DefaultLimits.MaxFuzziness)
	return l
}

// Validate reports a limit that cannot be used: negative, a window
// smaller than one page, or a fuzziness bleve does not support.
func (l Limits) Validate() error {
	l = l.withDefaults()
	for _, f := range []struct {
		name string
		v    int
	}{
		{LimitQueryBytes, l.MaxQueryBytes}, {LimitTerms, l.MaxTerms}, {LimitSize, l.MaxSize},
		{LimitWindow, l.MaxWindow}, {LimitClauses, l.MaxClauses},
	} {
		if f.v < 1 {
			return fmt.Errorf("limit %s must be 1 or more, not %d", f.name, f.v)
		}
	}
	if l.MaxWindow < l.MaxSize {
		return fmt.Errorf("limit %s (%d) must be at least %s (%d)", LimitWindow, l.MaxWindow, LimitSize, l.MaxSize)
	}
	if l.MaxFuzziness < 0 || l.MaxFuzziness > 2 {
		return fmt.Errorf("limit %s must be 0, 1 or 2, not %d", LimitFuzziness, l.MaxFuzziness)
	}
	return nil
}

// limitErrorf returns an InputError naming the limit it enforces.
func limitErrorf(limit, format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...), Limit: limit}
}

// CheckFuzziness returns an InputError when a fuzzy term asks for an edit
// distance beyond the limit.
func (l Limits) CheckFuzziness(n int) error {
	l = l.withDefaults()
	if n < 0 || n > l.MaxFuzziness {
		return limitErrorf(LimitFuzziness, "fuzziness %d: at most %d edits are allowed", n, l.MaxFuzziness)
	}
	return nil
}

// checkQueryBytes rejects a query text longer than the limit, before it
// is parsed.
func (l Limits) checkQueryBytes(raw string) error {
	if len(raw) > l.MaxQueryBytes {
		return limitErrorf(LimitQueryBytes, "the query is %d bytes long; at most %d bytes are allowed", len(raw), l.MaxQueryBytes)
	}
	return nil
}

// Terms returns the number of words in q: each word, prefix or excluded
// word counts one, a phrase counts its words. Filters do not count.
func (q Query) Terms() int {
	n := 0
	count := func(t Term) {
		if t.Phrase {
			n += len(strings.Fields(t.Text))
			return
		}
		n++
	}
	for _, g := range q.Groups {
		for _, t := range g {
			count(t)
		}
	}
	for _, t := range q.Excluded {
		count(t)
	}
	return n
}

func (l Limits) checkTerms(q Query) error {
	if n := q.Terms(); n > l.MaxTerms {
		return limitErrorf(LimitTerms, "the query has %d words; at most %d are allowed", n, l.MaxTerms)
	}
	return nil
}

// checkPaging rejects a page size or a page-based window beyond the
// limits. A request with a cursor has no window: it starts after the
// cursor.
func (l Limits) checkPaging(r *Request) error {
	if r.Page < 1 {
		return inputErrorf("page must be 1 or more")
	}
	if r.Size < 1 || r.Size > l.MaxSize {
		return limitErrorf(LimitSize, "size must be between 1 and %d", l.MaxSize)
	}
	if r.After != "" {
		if r.Page != 1 {
			return inputErrorf("give either page or after, not both")
		}
		return nil
	}
	if r.Page > l.MaxWindow/r.Size {
		return limitErrorf(LimitWindow, "page × size must be at most %d (page %d × size %d); to read further, pass the response's next value as after",
			l.MaxWindow, r.Page, r.Size)
	}
	return nil
}

// dictionary lists the indexed terms of a field that start with a prefix.
type dictionary interface {
	countPrefix(field, prefix string, limit int) (int, error)
}

// countClauses returns the number of leaf clauses bleve runs for q:
// analysed match queries count one per token, prefixes one per indexed
// term they match. Counting stops once it passes limit.
//
// The same text is matched in several fields with one analyzer (text,
// heading and title of a language): each text is analysed once.
func countClauses(q query.Query, dict dictionary, limit int) (int, error) {
	n := 0
	type analysed struct{ analyzer, text string }
	tokens := map[analysed]int{}
	count := func(analyzer, text string) int {
		k := analysed{analyzer, text}
		c, ok := tokens[k]
		if !ok {
			c = tokenCount(analyzer, text)
			tokens[k] = c
		}
		return c
	}
	var walk func(q query.Query) error
	walk = func(q query.Query) error {
		if n > limit {
			return nil
		}
		switch q := q.(type) {
		case nil:
		case *query.BooleanQuery:
			for _, sub := range []query.Query{q.Must, q.Should, q.MustNot, q.Filter} {
				if err := walk(sub); err != nil {
					return err
				}
			}
		case *query.ConjunctionQuery:
			for _, sub := range q.Conjuncts {
				if err := walk(sub); err != nil {
					return err
				}
			}
		case *query.DisjunctionQuery:
			for _, sub := range q.Disjuncts {
				if err := walk(sub); err != nil {
					return err
				}
			}
		case *query.MatchQuery:
			n += max(1, count(q.Analyzer, q.Match))
		case *query.MatchPhraseQuery:
			n += max(1, count(q.Analyzer, q.MatchPhrase))
		case *query.PrefixQuery:
			if dict == nil {
				n++
				return nil
			}
			c, err := dict.countPrefix(q.FieldVal, q.Prefix, limit-n+1)
			if err != nil {
				return err
			}
			n += max(1, c)
		default:
			n++
		}
		return nil
	}
	err := walk(q)
	return n, err
}

func tokenCount(analyzer, text string) int {
	if analyzer == "" {
		return len(strings.Fields(text))
	}
	a, err := lang.Analyzer(analyzer)
	if err != nil {
		return len(strings.Fields(text))
	}
	return len(a.Analyze([]byte(text)))
}

// countPrefix counts the indexed terms of field starting with prefix, up
// to limit.
func (s *View) countPrefix(field, prefix string, limit int) (int, error) {
	d, err := s.sn.gen.Index.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return 0, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	defer d.Close()
	n := 0
	for n <= limit {
		e, err := d.Next()
		if err != nil {
			return 0, fmt.Errorf("dictionary of %s: %w", field, err)
		}
		if e == nil || !bytes.HasPrefix([]byte(e.Term), []byte(prefix)) {
			break
		}
		n++
	}
	return n, nil
}

func (l Limits) checkClauses(q query.Query, dict dictionary) error {
	n, err := countClauses(q, dict, l.MaxClauses)
	if err != nil {
		return err
	}
	if n > l.MaxClauses {
		return limitErrorf(LimitClauses, "the query expands to more than %d clauses (words × fields × languages, prefixes × the words they match); use fewer words or longer prefixes", l.MaxClauses)
	}
	return nil
}
