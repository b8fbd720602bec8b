package search

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
)

// Highlights are computed from the query, not from bleve's term
// locations: the terms a text query looks for in each language are
// collected once from the query tree, and a page's passages are analysed
// again (a few kilobytes) to find them. Asking bleve for locations meant
// running the whole query a second time over the page.

// termSet is what a query looks for in the fields of one language, as
// that language's analyzer makes it.
type termSet struct {
	terms    map[string]bool
	phrases  [][]phraseTerm
	prefixes []string
}

// phraseTerm is one term of a phrase and its position relative to the
// phrase's first term (stop words leave gaps, as in the index).
type phraseTerm struct {
	term string
	pos  int
}

// queryMarks is a query's termSet by language.
type queryMarks map[string]*termSet

// markFields are the analysed fields whose terms are highlighted in a
// passage's heading and text.
var markFields = map[string]bool{indexer.FieldText: true, indexer.FieldHeading: true,
	indexer.FieldTitle: true}

// collectMarks walks a text query (nil: no marks) and gathers the terms
// of its positive clauses by language.
func collectMarks(q query.Query) queryMarks {
	m := queryMarks{}
	m.walk(q)
	return m
}

func (m queryMarks) set(field string) *termSet {
	i := strings.LastIndexByte(field, '_')
	if i < 0 || !markFields[field[:i]] {
		return nil
	}
	lg := field[i+1:]
	if !slices.Contains(lang.Languages, lg) {
		return nil
	}
	ts := m[lg]
	if ts == nil {
		ts = &termSet{terms: map[string]bool{}}
		m[lg] = ts
	}
	return ts
}

func (m queryMarks) walk(q query.Query) {
	switch q := q.(type) {
	case *query.BooleanQuery:
		m.walk(q.Must)
		m.walk(q.Should)
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			m.walk(c)
		}
	case *query.DisjunctionQuery:
		for _, c := range q.Disjuncts {
			m.walk(c)
		}
	case *query.MatchQuery:
		if ts := m.set(q.FieldVal); ts != nil {
			for _, t := range analyse(q.Analyzer, q.Match) {
				ts.terms[string(t.Term)] = true
			}
		}
	case *query.MatchPhraseQuery:
		if ts := m.set(q.FieldVal); ts != nil {
			toks := analyse(q.Analyzer, q.MatchPhrase)
			if len(toks) == 1 {
				ts.terms[string(toks[0].Term)] = true
				return
			}
			var ph []phraseTerm
			for _, t := range toks {
				ph = append(ph, phraseTerm{string(t.Term), t.Position - toks[0].Position})
			}
			if len(ph) > 0 {
				ts.phrases = append(ts.phrases, ph)
			}
		}
	case *query.TermQuery:
		if ts := m.set(q.FieldVal); ts != nil {
			ts.terms[q.Term] = true
		}
	case *query.PrefixQuery:
		if ts := m.set(q.FieldVal); ts != nil {
			ts.prefixes = append(ts.prefixes, q.Prefix)
		}
	}
}

// analyse runs a registered analyzer (none named: nothing).
func analyse(name, text string) analysis.TokenStream {
	if name == "" {
		return nil
	}
	a, err := lang.Analyzer(name)
	if err != nil {
		return nil
	}
	return a.Analyze([]byte(text))
}

// marks returns the spans of text (a passage in lg) that the query looks
// for, sorted and merged.
func (m queryMarks) marks(text, lg string) []markSpan {
	ts := m[lg]
	if ts == nil || text == "" {
		return nil
	}
	toks := analyse(lang.AnalyzerFor(lg), text)
	var out []markSpan
	add := func(t *analysis.Token) {
		if t.Start >= 0 && t.End <= len(text) && t.Start < t.End {
			out = append(out, markSpan{t.Start, t.End})
		}
	}
	for _, t := range toks {
		term := string(t.Term)
		if ts.terms[term] {
			add(t)
			continue
		}
		for _, p := range ts.prefixes {
			if strings.HasPrefix(term, p) {
				add(t)
				break
			}
		}
	}
	for _, ph := range ts.phrases {
		for i, t := range toks {
			if string(t.Term) != ph[0].term {
				continue
			}
			at := []int{i}
			for _, pt := range ph[1:] {
				want := t.Position + pt.pos
				j := at[len(at)-1]
				for j < len(toks) && toks[j].Position < want {
					j++
				}
				if j == len(toks) || toks[j].Position != want || string(toks[j].Term) != pt.term {
					at = nil
					break
				}
				at = append(at, j)
			}
			// Each word of the phrase is marked, as bleve's locations did.
			for _, j := range at {
				add(toks[j])
			}
		}
	}
	return mergeSpans(out)
}
