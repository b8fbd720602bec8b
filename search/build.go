package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
)

// plan is a parsed query with what expansion adds to it: translations of
// runs of words into the other language, spelling variants and, on a
// fuzzy retry, close words from the index's vocabulary.
type plan struct {
	q Query
	// spans lists, per language, the runs of groups translated into it.
	spans map[string][]span
	// src is the query's language when the lexicon recognised terms of one
	// language only; every match in the other language then weighs less,
	// words that happen to be the same in both ("plan", "force") too.
	src string
	// variants maps a language and a typed word (lower case) to other words
	// of that language's vocabulary to match as well.
	variants map[string]map[string][]variant
	// soft asks a long query for most of its words, not every one
	// (required).
	soft bool
	// common lists, per language, the groups a relaxed search leaves out
	// (vocabulary.commonGroups).
	common map[string]map[int]bool
	// named holds the bonus queries of the documents whose title the
	// query is, and their twins (titles.go): nil when it names none.
	named []query.Query
}

// variant is a word to match in place of a typed one, with its weight.
type variant struct {
	word  string
	boost float64
	// entity is the gazetteer entity the word names, if any: a misspelt
	// acronym ("NATTO") then also finds the passages tagged with the
	// entity in either language ("OTAN").
	entity string
}

// entities lists the gazetteer entities p matches: those its terms name
// and those of its variants.
func (p plan) entities() map[string]bool {
	ids := entityIDs(p.q)
	for _, words := range p.variants {
		for _, vs := range words {
			for _, v := range vs {
				if v.entity != "" {
					ids[v.entity] = true
				}
			}
		}
	}
	return ids
}

// textQuery builds the bleve query for the terms of p, or nil when it has
// none (the caller then matches everything). anyGroup relaxes "every
// group must match" to "at least one group must match".
func textQuery(p plan, anyGroup bool) query.Query {
	q := p.q
	if q.Empty() {
		return nil
	}
	var perLang []query.Query
	tagged := len(p.entities()) > 0
	for _, lg := range lang.Languages {
		lq := bleve.NewBooleanQuery()
		mult := p.weight(lg)
		clauses := p.clauses(lg, mult, anyGroup)
		for _, t := range q.Excluded {
			if c := termQuery(t, lg, 1); c != nil {
				lq.AddMustNot(c)
			}
		}
		n := len(clauses)
		if n == 0 && len(q.Groups) > 0 {
			continue // nothing to match in this language
		}
		if n == 0 {
			lq.AddMust(bleve.NewMatchAllQuery())
		}
		switch need := required(n, anyGroup, p.soft); {
		case need == n:
			for _, c := range clauses {
				lq.AddMust(c)
			}
		case need == n-1 && !anyGroup:
			// All words but one (a long question): one conjunction
			// leaving out each word in turn, cheap where a minimum of
			// should clauses over common words is not, as a filter; the
			// words score as should clauses, bleve's coordination factor
			// ranking a passage with every word first. (Scored, the
			// conjunctions summed a passage with every word n times and
			// put it n² times above one lacking a word, whatever the
			// word.)
			alts := make([]query.Query, n)
			for i := range clauses {
				rest := make([]query.Query, 0, n-1)
				rest = append(rest, clauses[:i]...)
				rest = append(rest, clauses[i+1:]...)
				alts[i] = bleve.NewConjunctionQuery(rest...)
			}
			addFilter(lq, bleve.NewDisjunctionQuery(alts...))
			for _, c := range clauses {
				lq.AddShould(c)
			}
		default:
			// Any (relaxed) or most of the words: bleve's coordination
			// factor ranks the passages holding more of them first.
			for _, c := range clauses {
				lq.AddShould(c)
			}
			lq.SetMinShould(float64(need))
		}
		if n == 0 || tagged {
			// The analysed fields hold one language's passages each;
			// match all and entity tags do not.
			lf := bleve.NewTermQuery(lg)
			lf.SetField(indexer.FieldLang)
			addFilter(lq, lf)
		}
		var branch query.Query = lq
		if !anyGroup && (p.src == "" || p.src == lg) {
			// The query's words in a row in a section heading: the
			// section the reader names ("income tax deduction for
			// charitable donations") before those that only hold the
			// words somewhere in their text.
			if ph := headingPhrase(q, lg, mult); ph != nil {
				branch = withBonus(lq, ph)
			}
		}
		perLang = append(perLang, branch)
	}
	var out query.Query
	switch len(perLang) {
	case 0:
		return bleve.NewMatchNoneQuery()
	case 1:
		out = perLang[0]
	default:
		out = bleve.NewDisjunctionQuery(perLang...)
	}
	return withBonus(out, p.named...)
}

// weight is what a match in lg weighs: less in the other language than
// the query's own, when that is known.
func (p plan) weight(lg string) float64 {
	if p.src != "" && p.src != lg {
		return boostTranslate
	}
	return 1
}

// clauses returns the clauses of p's query in lg, one a group or
// translated run (stop words left out): a passage must match all of them
// (or most, or one: required). A relaxed query (anyGroup) leaves out
// common words when a rarer one can match.
func (p plan) clauses(lg string, mult float64, anyGroup bool) []query.Query {
	q := p.q
	var clauses, common []query.Query
	spans := p.spans[lg]
	// Words of the other language that only hold a translated query
	// together ("des" in "chiffrement des données") are not required
	// in this one.
	fromOther := len(spans) > 0
	for i := 0; i < len(q.Groups); {
		if len(spans) > 0 && spans[0].from == i {
			sp := spans[0]
			spans = spans[1:]
			if c := p.spanQuery(sp, lg, mult); c != nil {
				clauses = append(clauses, c)
			}
			i = sp.to
			continue
		}
		g := q.Groups[i]
		i++
		if fromOther && isStopWord(g, other(lg)) {
			continue
		}
		gq := p.groupQuery(g, lg, mult)
		switch {
		case gq == nil:
		case anyGroup && p.common[lg][i-1]:
			common = append(common, gq)
		default:
			clauses = append(clauses, gq)
		}
	}
	if len(clauses) == 0 {
		// A relaxed query's common words, left out only when a rarer
		// word can match.
		return common
	}
	return clauses
}

// softens reports whether asking p for most of its words (soft) changes
// its query: whether some language has enough clauses for required to
// leave one out.
func (p plan) softens() bool {
	for _, lg := range lang.Languages {
		n := len(p.clauses(lg, p.weight(lg), false))
		if required(n, false, true) < n {
			return true
		}
	}
	return false
}

// required is how many of a query's n clauses (groups or translated
// runs, stop words left out) a passage must match in one language: all
// of a short query, all but one of every minShouldEvery of a long one
// (a natural-language question rarely has each of its words in the
// passage that answers it), one when relaxed.
func required(n int, anyGroup, soft bool) int {
	switch {
	case n == 0:
		return 0
	case anyGroup:
		return 1
	case !soft || n < minShouldFrom:
		return n
	}
	return n - (n+minShouldEvery-1)/minShouldEvery
}

// groupQuery matches any term of a group in lang (with the spelling and
// fuzzy variants of its words), or nil when none means anything in lang
// (stop words).
func (p plan) groupQuery(g []Term, lg string, mult float64) query.Query {
	var alts []query.Query
	for _, t := range g {
		if c := termQuery(t, lg, mult); c != nil {
			alts = append(alts, c)
		}
		if t.Phrase || t.Prefix || t.Entity != "" {
			continue
		}
		for _, v := range p.variants[lg][strings.ToLower(t.Text)] {
			if c := termQuery(Term{Text: v.word, Entity: v.entity}, lg, v.boost*mult); c != nil {
				alts = append(alts, c)
			}
		}
	}
	switch len(alts) {
	case 0:
		return nil
	case 1:
		return alts[0]
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// spanQuery matches a translated run of groups in lang: either every
// group as typed, or one of the translations (as a phrase, and, weighed
// less, as words anywhere in the passage). Words as typed weigh mult.
func (p plan) spanQuery(sp span, lg string, mult float64) query.Query {
	var alts []query.Query
	var conj []query.Query
	for _, g := range p.q.Groups[sp.from:sp.to] {
		if gq := p.groupQuery(g, lg, mult); gq != nil {
			conj = append(conj, gq)
		}
	}
	switch len(conj) {
	case 0:
		// Only stop words of this language ("de" read as English): the
		// run means nothing here, whatever the lexicon says.
		return nil
	case 1:
		alts = append(alts, conj[0])
	default:
		alts = append(alts, bleve.NewConjunctionQuery(conj...))
	}
	for _, tr := range sp.alts {
		boost := boostTranslate * tr.Weight
		if !isMultiWord(tr.Text) {
			if c := termQuery(Term{Text: tr.Text}, lg, boost); c != nil {
				alts = append(alts, c)
			}
			continue
		}
		// The words of the translation anywhere in the passage, and, as
		// a bonus over those matches only, the translation as a phrase.
		words := termQuery(Term{Text: tr.Text}, lg, boost*boostTranslateWords)
		if words == nil {
			continue
		}
		if ph := termQuery(Term{Text: tr.Text, Phrase: true}, lg, boost); ph != nil {
			words = withBonus(words, ph)
		}
		alts = append(alts, words)
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// plainWord returns the word of a group that is one plain word: no OR,
// quotes, prefix or gazetteer name.
func plainWord(g []Term) (string, bool) {
	if len(g) != 1 || g[0].Phrase || g[0].Prefix || g[0].Entity != "" {
		return "", false
	}
	return g[0].Text, true
}

// isStopWord reports whether a group is a single plain word that is a
// stop word in lang.
func isStopWord(g []Term, lg string) bool {
	w, ok := plainWord(g)
	return ok && len(lang.Terms(lang.AnalyzerFor(lg), w)) == 0
}

// addFilter adds an unscored condition to b, beside the one it may have.
func addFilter(b *query.BooleanQuery, f query.Query) {
	if b.Filter != nil {
		f = bleve.NewConjunctionQuery(b.Filter, f)
	}
	b.AddFilter(f)
}

// withBonus matches what q matches, adding the scores of the bonus
// queries that match too: bleve advances them to q's matches only, never
// walking them on their own.
func withBonus(q query.Query, bonus ...query.Query) query.Query {
	if len(bonus) == 0 {
		return q
	}
	b := bleve.NewBooleanQuery()
	b.Must = q // not AddMust: no conjunction of one to walk
	b.Should = bleve.NewDisjunctionQuery(bonus...)
	return b
}

// headingPhrase matches, in the section headings of lang, the longest run
// of consecutive plain words of q (at least two that mean something in
// lang) as a phrase, weighed boostHeadingPhrase × mult; nil when q has no
// such run. It is a bonus over the query's own matches (withBonus), never
// walked on its own.
func headingPhrase(q Query, lg string, mult float64) query.Query {
	analyzer := lang.AnalyzerFor(lg)
	var best, run []string
	bestTerms, runTerms := 0, 0
	flush := func() {
		if runTerms > bestTerms {
			best, bestTerms = run, runTerms
		}
		run, runTerms = nil, 0
	}
	for _, g := range q.Groups {
		w, ok := plainWord(g)
		if !ok {
			flush()
			continue
		}
		if lg != lang.French {
			if s := lang.StripElision(w); s != "" {
				w = s
			}
		}
		n := len(lang.Terms(analyzer, w))
		if n == 0 && runTerms == 0 {
			continue // a run does not start with a stop word
		}
		run = append(run, w)
		runTerms += n
	}
	flush()
	if bestTerms < 2 {
		return nil
	}
	ph := bleve.NewMatchPhraseQuery(strings.Join(best, " "))
	ph.SetField(indexer.LangField(indexer.FieldHeading, lg))
	ph.Analyzer = analyzer
	ph.SetBoost(boostHeadingPhrase * mult)
	return ph
}

// termQuery matches one term in the title, heading and text of passages
// in lang, analysed for lang, its weight multiplied by mult. It returns nil
// when the term analyses to nothing in lang (a stop word).
func termQuery(t Term, lg string, mult float64) query.Query {
	analyzer := lang.AnalyzerFor(lg)
	if t.Prefix {
		return prefixQuery(t.Text, lg)
	}
	if lg != lang.French && !t.Phrase {
		// A French elision ("l'ANSSI") means nothing to the other
		// language's analyzer: match the word it elides.
		if w := lang.StripElision(t.Text); w != "" && w != t.Text {
			t.Text = w
		}
	}
	var alts []query.Query
	if t.Entity != "" {
		// Passages tagged with the entity, whatever form they use; weighed
		// below a match of the words as typed.
		for _, f := range []string{indexer.FieldActors, indexer.FieldForums} {
			e := bleve.NewTermQuery(t.Entity)
			e.SetField(f)
			e.SetBoost(boostEntity * mult)
			alts = append(alts, e)
		}
	}
	if len(lang.Terms(analyzer, t.Text)) == 0 {
		if len(alts) > 0 {
			return bleve.NewDisjunctionQuery(alts...)
		}
		return nil
	}
	fields := []struct {
		name  string
		boost float64
	}{
		{indexer.FieldText, boostText},
		{indexer.FieldHeading, boostHeading},
		{indexer.FieldTitle, boostTitle},
	}
	for _, f := range fields {
		field := indexer.LangField(f.name, lg)
		if t.Phrase {
			if f.name == indexer.FieldTitle {
				continue
			}
			p := bleve.NewMatchPhraseQuery(t.Text)
			p.SetField(field)
			p.Analyzer = analyzer
			p.SetBoost(f.boost * mult)
			alts = append(alts, p)
			continue
		}
		m := bleve.NewMatchQuery(t.Text)
		m.SetField(field)
		m.Analyzer = analyzer
		m.SetOperator(query.MatchQueryOperatorAnd)
		m.SetBoost(f.boost * mult)
		alts = append(alts, m)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// prefixQuery matches terms starting with the typed prefix, accents and
// case folded, elision removed. Indexed terms are stemmed, so the stem of
// the prefix is tried too: "strategies*" still finds "strategi".
func prefixQuery(text, lg string) query.Query {
	p := lang.Key(lang.StripElision(text))
	if p == "" {
		return nil
	}
	prefixes := []string{p}
	if st := lang.Terms(lang.AnalyzerFor(lg), text); len(st) == 1 && st[0] != p && len(st[0]) >= minPrefix && strings.HasPrefix(p, st[0][:1]) {
		prefixes = append(prefixes, st[0])
	}
	var alts []query.Query
	for _, pre := range prefixes {
		for _, f := range []string{indexer.FieldText, indexer.FieldHeading, indexer.FieldTitle} {
			q := bleve.NewPrefixQuery(pre)
			q.SetField(indexer.LangField(f, lg))
			alts = append(alts, q)
		}
	}
	return bleve.NewDisjunctionQuery(alts...)
}
