package search

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
)

// A query that is a document's title, word for word once analysed
// ("Privacy Act", "the privacy act", "loi sur les langues officielles"),
// names that document: its first passage (an Act's short title) comes
// first, before the sections of other documents headed by the title (the
// consequential amendments "58 Privacy Act" of other Acts), in the
// document's language and, through its twin, in the other. Its other
// passages keep their ranks. Act titles as queries over all of
// laws-canada: the Act first 83.0% → 99.5%, its other version (search
// restricted to the other language) 81.8% → 99.5% (docs/relevance.md).

// minTitleTerms is the fewest analysed words a query must have to name a
// title: one word is a subject more often than a document.
const minTitleTerms = 2

// titleIndex maps each language's analysed titles to the documents that
// bear them, and each document to its other-language version.
type titleIndex struct {
	// byKey maps a language and the analysed words of a title (titleKey)
	// to the ids of the documents of that language bearing it.
	byKey map[string][]string
	// langOf maps a document id to its language.
	langOf map[string]string
	// twin maps a document id to the id of its other-language version,
	// read from the passages' twins on the first title named (twins).
	twin     map[string]string
	twinOnce sync.Once
	twins    map[string]string // the generation's passage twins
	// entries maps a document id and a section number ("" for none) to
	// the passage a reader naming them wants, once found (entryPassage).
	entries sync.Map
}

// newTitleIndex reads the titles of gen's documents, and pairs the
// documents through their passages' twins.
func newTitleIndex(gen *indexer.Generation) *titleIndex {
	ti := &titleIndex{byKey: map[string][]string{}, twins: gen.Twins,
		langOf: make(map[string]string, len(gen.Manifest.Documents))}
	for _, d := range gen.Manifest.Documents {
		if !slices.Contains(lang.Languages, d.Lang) {
			continue
		}
		terms := lang.Terms(lang.AnalyzerFor(d.Lang), d.Title)
		ti.langOf[d.ID] = d.Lang
		if len(terms) < minTitleTerms {
			continue
		}
		k := titleKey(d.Lang, terms)
		ti.byKey[k] = append(ti.byKey[k], d.ID)
	}
	return ti
}

// twinOf returns the other-language version of document id, or "". The
// documents are paired on the first call (10 ms for laws-canada's 138,000
// passages): only a query that names a title needs them.
func (ti *titleIndex) twinOf(id string) string {
	ti.twinOnce.Do(func() {
		ti.twin = map[string]string{}
		for from, to := range ti.twins {
			a, b := passageDoc(from), passageDoc(to)
			if _, ok := ti.twin[a]; !ok && a != b {
				ti.twin[a] = b
			}
		}
	})
	return ti.twin[id]
}

// titleKey is the key of a title's (or query's) analysed words in lg.
func titleKey(lg string, terms []string) string {
	return lg + "\x00" + strings.Join(terms, " ")
}

// passageDoc returns the document id of a passage id (indexer's
// "<doc id>~<hash>").
func passageDoc(id string) string {
	if i := strings.LastIndexByte(id, '~'); i >= 0 {
		return id[:i]
	}
	return id
}

// named returns the documents whose title q is, word for word once
// analysed in the title's language, and their twins; nil when q is not
// a sequence of words and phrases (OR, prefixes) or names none.
func (ti *titleIndex) named(q Query) []string {
	words, ok := queryWords(q)
	if ti == nil || !ok {
		return nil
	}
	return ti.titled(words)
}

// queryWords returns the words (and phrases) of q in order, or false when
// a group is not one word or phrase (OR, a prefix) or q has none.
func queryWords(q Query) ([]Term, bool) {
	if len(q.Groups) == 0 {
		return nil, false
	}
	out := make([]Term, 0, len(q.Groups))
	for _, g := range q.Groups {
		if len(g) != 1 || g[0].Prefix {
			return nil, false
		}
		out = append(out, g[0])
	}
	return out, true
}

// titled returns the documents whose title is words, analysed in the
// title's language, and their twins.
func (ti *titleIndex) titled(words []Term) []string {
	var out []string
	for _, lg := range lang.Languages {
		analyzer := lang.AnalyzerFor(lg)
		var terms []string
		for _, t := range words {
			w := t.Text
			if lg != lang.French && !t.Phrase {
				if s := lang.StripElision(w); s != "" {
					w = s
				}
			}
			terms = append(terms, lang.Terms(analyzer, w)...)
		}
		if len(terms) < minTitleTerms {
			continue
		}
		for _, id := range ti.byKey[titleKey(lg, terms)] {
			out = append(out, id)
			if t := ti.twinOf(id); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// A citation names a section of a document by its number and the
// document's title: "Privacy Act s. 8", "Privacy Act, section 8(2)",
// "section 8 of the Privacy Act", "article 8 de la Loi sur la protection
// des renseignements personnels", "art. 8 LPRP" (not: no title). The
// section's first passage (and its twin's) then comes first, and the words
// "s.", "section", "of the" are left out of the search, which looks for
// the title's words and the number.
var (
	citeFirst = regexp.MustCompile(`(?i)^(?:section|sec\.?|s\.|art\.?|article)\s*([0-9]+(?:\.[0-9]+)*)(?:\s*\([0-9a-z.]+\))*\s*,?\s+(?:(?:of|de|du)\s+)?(?:(?:the|la|le)\s+|l['’]\s*)?(.+)$`)
	citeLast  = regexp.MustCompile(`(?i)^(.+?)\s*,?\s+(?:section|sec\.?|s\.?|art\.?|article)\s*([0-9]+(?:\.[0-9]+)*)(?:\s*\([0-9a-z.]+\))*$`)
)

// citation is what a citation query names.
type citation struct {
	docs    []string // the documents whose title it gives, and their twins
	section string   // the section's number
	title   string   // the title as typed
}

// cite reads a citation from q (its words, joined), or returns nil when q
// is none or its title names no document.
func (ti *titleIndex) cite(q Query) *citation {
	words, ok := queryWords(q)
	if ti == nil || !ok || len(q.Excluded) > 0 {
		return nil
	}
	texts := make([]string, len(words))
	for i, t := range words {
		if t.Phrase {
			return nil
		}
		texts[i] = t.Text
	}
	text := strings.Join(texts, " ")
	var title, number string
	if m := citeFirst.FindStringSubmatch(text); m != nil {
		number, title = m[1], m[2]
	} else if m := citeLast.FindStringSubmatch(text); m != nil {
		title, number = m[1], m[2]
	} else {
		return nil
	}
	title = strings.TrimRight(title, " ,;:")
	var tw []Term
	for _, w := range strings.Fields(title) {
		tw = append(tw, Term{Text: w})
	}
	docs := ti.titled(tw)
	if len(docs) == 0 {
		return nil
	}
	return &citation{docs: docs, section: number, title: title}
}

// rewrite returns q searching for the cited title's words and the
// section's number, the citation's other words left out.
func (c *citation) rewrite(q Query) Query {
	out := Parse(c.title + " " + c.section)
	out.Filters, out.Excluded = q.Filters, q.Excluded
	return out
}

// namedBonus returns the bonus queries of the documents p's query names
// (named, or cited: then the section's first passage rather than the
// document's): each document's first passage, weighed boostTitleNamed times
// what a match in the document's language weighs (plan.weight), as a
// bonus over the query's own matches (withBonus). The first passage is the
// document's entry (an Act's short title); its other passages keep their
// own ranks among the other documents' passages.
func (s *View) namedBonus(ctx context.Context, p plan, docs []string, section string) ([]query.Query, error) {
	ti := s.sn.titles.Load()
	if len(docs) == 0 || ti == nil {
		return nil, nil
	}
	out := make([]query.Query, 0, len(docs))
	for _, id := range docs {
		lg, ok := ti.langOf[id]
		if !ok {
			continue
		}
		var first string
		var err error
		if section != "" {
			first, err = ti.entryPassage(ctx, s.sn.gen.Index, id, lg, section)
		}
		if first == "" && err == nil {
			// No such section (or none asked): the document's entry.
			first, err = ti.entryPassage(ctx, s.sn.gen.Index, id, lg, "")
		}
		if err != nil {
			return nil, err
		}
		if first == "" {
			continue
		}
		t := bleve.NewTermQuery(first)
		t.SetField("_id")
		t.SetBoost(boostTitleNamed * p.weight(lg))
		out = append(out, t)
	}
	return out, nil
}

// entryPassage returns the id of the passage of document id (in lg) a
// reader naming it wants: with a section number, the first passage whose
// heading is the number, alone or before its marginal note ("8
// Disclosure of personal information"); without, the document's first
// passage. "" when there is none. Found passages, and documents without
// any, are kept for the generation (not a missing section: numbers are
// the reader's).
func (ti *titleIndex) entryPassage(ctx context.Context, idx bleve.Index, id, lg, number string) (string, error) {
	key := id + "\x00" + number
	if v, ok := ti.entries.Load(key); ok {
		return v.(string), nil
	}
	doc := bleve.NewTermQuery(id)
	doc.SetField(indexer.FieldDocID)
	var q query.Query = doc
	size := 1
	if number != "" {
		num := bleve.NewMatchPhraseQuery(number)
		num.SetField(indexer.LangField(indexer.FieldHeading, lg))
		num.Analyzer = lang.AnalyzerFor(lg)
		q, size = bleve.NewConjunctionQuery(doc, num), 100
	}
	req := bleve.NewSearchRequestOptions(q, size, 0, false)
	req.SortBy([]string{indexer.FieldOrdinal})
	req.Score = "none"
	if number != "" {
		req.Fields = []string{indexer.FieldHeading}
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return "", fmt.Errorf("entry passage of %s (section %q): %w", id, number, err)
	}
	found := ""
	for _, h := range res.Hits {
		heading, _ := h.Fields[indexer.FieldHeading].(string)
		if number == "" || heading == number || strings.HasPrefix(heading, number+" ") {
			found = h.ID
			break
		}
	}
	if found != "" || number == "" {
		ti.entries.Store(key, found)
	}
	return found, nil
}
