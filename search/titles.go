package search

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
	// langOf maps a document id to its language, titleOf to its title.
	langOf, titleOf map[string]string
	// byCode maps a document code (codeOf, upper case) to the documents
	// bearing it, in every language.
	byCode map[string][]string
	// byAcronym maps an acronym of titles (acronymsOf) to the one document
	// of a language bearing it (an acronym two documents of one language
	// share is left out).
	byAcronym map[string][]string
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
	n := len(gen.Manifest.Documents)
	ti := &titleIndex{byKey: map[string][]string{}, twins: gen.Twins, byCode: map[string][]string{}, byAcronym: map[string][]string{},
		langOf: make(map[string]string, n), titleOf: make(map[string]string, n)}
	for _, d := range gen.Manifest.Documents {
		if !slices.Contains(lang.Languages, d.Lang) {
			continue
		}
		terms := lang.Terms(lang.AnalyzerFor(d.Lang), d.Title)
		ti.langOf[d.ID], ti.titleOf[d.ID] = d.Lang, d.Title
		if c := codeOf(d.ID); c != "" {
			ti.byCode[c] = append(ti.byCode[c], d.ID)
		}
		for _, a := range acronymsOf(d.Title, d.Lang) {
			ti.byAcronym[a] = append(ti.byAcronym[a], d.ID)
		}
		if len(terms) < minTitleTerms {
			continue
		}
		k := titleKey(d.Lang, terms)
		ti.byKey[k] = append(ti.byKey[k], d.ID)
	}
	for a, ids := range ti.byAcronym {
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[ti.langOf[id]] {
				delete(ti.byAcronym, a)
				break
			}
			seen[ti.langOf[id]] = true
		}
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
// is none or its title names no document. A document's code, alone or in
// its formal citation ("P-21", "R.S.C. 1985, c. P-21"), or its title's
// acronym ("PIPEDA", when unknown reports it is in no passage) is a
// citation without a section; such a document is searched by its title in
// prefer (a language, or "": the citation's).
func (ti *titleIndex) cite(q Query, prefer string, unknown func(word string) bool) *citation {
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
		title = text // perhaps a code
	}
	title = strings.TrimRight(title, " ,;:")
	if docs, t := ti.coded(title, prefer); len(docs) > 0 {
		return &citation{docs: docs, section: number, title: t}
	}
	if docs, t := ti.acronym(title, prefer, unknown); len(docs) > 0 {
		return &citation{docs: docs, section: number, title: t}
	}
	if number == "" {
		return nil
	}
	docs := ti.titled(plainTerms(title))
	if len(docs) == 0 {
		return nil
	}
	return &citation{docs: docs, section: number, title: title}
}

// plainTerms returns the words of text as plain terms.
func plainTerms(text string) []Term {
	var out []Term
	for _, w := range strings.Fields(text) {
		out = append(out, Term{Text: w})
	}
	return out
}

// A document's code names it as its title does. The code is the last
// segment of its id, when it has the shape of a statute's chapter code
// (codeShape): laws-canada's en/P-21.md and fr/P-21.md are the Privacy Act
// and its French version, whose formal citation is "R.S.C. 1985, c.
// P-21". A query that is a code, alone or in such a citation (after the
// title or not: "Privacy Act, R.S.C. 1985, c. P-21", "L.R.C. (1985), ch.
// P-21", "c. P-21"), or a section cited by code ("P-21 s. 8", "art. 8,
// ch. P-21"), names the documents of that code; the search looks for
// their title (a code is no word of any passage).
var (
	codeShape = regexp.MustCompile(`^[A-Za-z]{1,3}-[0-9]+(?:\.[0-9]+)*$`)
	codeCite  = regexp.MustCompile(`(?i)^(?:(.+?)\s*,\s*)??` +
		`(?:(?:r\.?\s*s\.?\s*c\.?|l\.?\s*r\.?\s*c\.?|s\.?\s*r\.?\s*c\.?|s\.?\s*c\.?|l\.?\s*c\.?)\s*,?\s*\(?[0-9]{4}\)?\s*,?\s*)?` +
		`(?:(?:c|ch|chap)\.\s*|(?:c|ch|chap|chapter|chapitre)\s+)?` +
		`([a-z]{1,3}-[0-9]+(?:\.[0-9]+)*)\.?$`)
	// frenchCite tells a citation written the French way.
	frenchCite = regexp.MustCompile(`(?i)(?:^|[\s,(])(?:l\.?\s*r\.?\s*c\.?|ch\.|chapitre|art\.?|article)(?:$|[\s(0-9])`)
)

// codeOf returns the code of document id (upper case), or "" when the last
// segment of its id has no code's shape.
func codeOf(id string) string {
	if i := strings.LastIndex(id, "--"); i >= 0 {
		id = id[i+2:]
	}
	if !codeShape.MatchString(id) {
		return ""
	}
	return strings.ToUpper(id)
}

// coded returns the documents text names by code, with their twins, and
// the title to search for them: the title of the one in prefer, or in the
// citation's language, or the first's. A title before the code must be
// the code's (a citation "Privacy Act, R.S.C. 1985, c. P-21"); otherwise
// text names nothing.
func (ti *titleIndex) coded(text, prefer string) ([]string, string) {
	if len(ti.byCode) == 0 || !strings.ContainsRune(text, '-') {
		return nil, "" // the common case, without the regexp
	}
	m := codeCite.FindStringSubmatch(text)
	if m == nil {
		return nil, ""
	}
	ids := ti.byCode[strings.ToUpper(m[2])]
	if len(ids) == 0 {
		return nil, ""
	}
	if m[1] != "" && !slices.ContainsFunc(ti.titled(plainTerms(m[1])), func(id string) bool { return slices.Contains(ids, id) }) {
		return nil, ""
	}
	if prefer == "" && frenchCite.MatchString(text) {
		prefer = lang.French
	}
	return ti.withTwins(ids, prefer)
}

// withTwins returns ids and their twins, and the title to search for them:
// the title of the one in language prefer, or of the first.
func (ti *titleIndex) withTwins(ids []string, prefer string) ([]string, string) {
	docs := slices.Clone(ids)
	title := ti.titleOf[ids[0]]
	for _, id := range ids {
		if ti.langOf[id] == prefer {
			title = ti.titleOf[id]
		}
		if t := ti.twinOf(id); t != "" && !slices.Contains(docs, t) {
			docs = append(docs, t)
			if ti.langOf[t] == prefer {
				title = ti.titleOf[t]
			}
		}
	}
	return docs, title
}

// A title's acronym names its document as its code does: "PIPEDA" the
// Personal Information Protection and Electronic Documents Act, "LPRPDE"
// its French version, "IRPA" and "LIPR" the Immigration and Refugee
// Protection Act. The acronyms of a title (acronymsOf) are the initials of
// its words but the stop words of its language, and of all its words
// ("ATIA": Access to Information Act), of three letters or more. An acronym
// two documents of one language share names none; a word some passage
// holds ("GST") is a word, not an acronym, and neither is a name of the
// gazetteer: View.acronymWord says so.

// scope returns the documents that one word of q names by code or acronym
// ("PIPEDA consent", "P-21 disclosure"), with their twins, and q without
// that word, when q has other words to search for; nil and q otherwise.
// The other words are then searched for, the named documents' passages
// first (scopeBonus).
func (ti *titleIndex) scope(q Query, unknown func(string) bool) ([]string, Query) {
	if ti == nil || len(q.Groups) < 2 || len(ti.byCode)+len(ti.byAcronym) == 0 {
		return nil, q
	}
	for i, g := range q.Groups {
		if len(g) != 1 || g[0].Phrase || g[0].Prefix || g[0].Entity != "" {
			continue
		}
		docs := ti.namedBy(strings.TrimRight(g[0].Text, ",;:"), unknown)
		if len(docs) == 0 {
			continue
		}
		rest := q
		rest.Groups = slices.Delete(slices.Clone(q.Groups), i, i+1)
		return docs, rest
	}
	return nil, q
}

// namedBy returns the documents one word names by code ("P-21") or
// acronym ("PIPEDA": unknown must report it in no passage), with their
// twins; nil when it names none.
func (ti *titleIndex) namedBy(w string, unknown func(string) bool) []string {
	if strings.ContainsRune(w, '-') && codeShape.MatchString(w) {
		if ids := ti.byCode[strings.ToUpper(w)]; len(ids) > 0 {
			docs, _ := ti.withTwins(ids, "")
			return docs
		}
		return nil
	}
	docs, _ := ti.acronym(w, "", unknown)
	return docs
}

// acronymWord returns the test a word passes to be read as an acronym
// (titleIndex.acronym): no passage of v holds it and it names no actor or
// forum of the gazetteer, as query expansion would find it ("GST" is a
// word of the laws, "NATO" a forum).
func (s *View) acronymWord(v *vocabulary) func(string) bool {
	return func(w string) bool {
		if v == nil {
			return false
		}
		if _, df := v.rare(w); df > 0 {
			return false
		}
		if g := s.sn.gaz; g != nil && plausibleName(w) {
			if _, ok := g.Lookup(w); ok {
				return false
			}
		}
		return true
	}
}

// minAcronym is the fewest letters of an acronym.
const minAcronym = 3

// acronymsOf returns the acronyms of a title in lg, upper case, accents
// folded.
func acronymsOf(title, lg string) []string {
	analyzer := lang.AnalyzerFor(lg)
	var content, all strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' }) {
		if s := lang.StripElision(w); s != "" {
			w = s
		}
		w = strings.Trim(w, "'’")
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) {
			continue
		}
		initial := strings.ToUpper(lang.Fold(string(r)))
		all.WriteString(initial)
		if len(lang.Terms(analyzer, w)) > 0 {
			content.WriteString(initial)
		}
	}
	var out []string
	for _, a := range []string{content.String(), all.String()} {
		if utf8.RuneCountInString(a) >= minAcronym && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// acronym returns the documents text names by acronym, with their twins,
// and the title to search for them (withTwins; prefer "" is the acronym's
// language). text must be one word of letters that unknown reports in no
// passage.
func (ti *titleIndex) acronym(text, prefer string, unknown func(string) bool) ([]string, string) {
	if len(ti.byAcronym) == 0 || utf8.RuneCountInString(text) < minAcronym || strings.ContainsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		return nil, ""
	}
	ids := ti.byAcronym[strings.ToUpper(lang.Fold(text))]
	if len(ids) == 0 || unknown == nil || !unknown(text) {
		return nil, ""
	}
	if prefer == "" {
		prefer = ti.langOf[ids[0]]
	}
	return ti.withTwins(ids, prefer)
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

// scopeBonus returns the bonus queries of the documents a word of p's
// query names (scope): every passage of each, weighed boostTitleNamed
// times what a match in the document's language weighs, over the query's
// own matches.
func (s *View) scopeBonus(p plan, docs []string) []query.Query {
	ti := s.sn.titles.Load()
	if ti == nil {
		return nil
	}
	out := make([]query.Query, 0, len(docs))
	for _, id := range docs {
		t := bleve.NewTermQuery(id)
		t.SetField(indexer.FieldDocID)
		t.SetBoost(boostTitleNamed * p.weight(ti.langOf[id]))
		out = append(out, t)
	}
	return out
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
