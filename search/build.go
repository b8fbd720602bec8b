package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vigie/vigie/indexer"
)

// Field weights: a match in a heading or title says more about a passage
// than one in its body.
const (
	boostText    = 1.0
	boostHeading = 2.0
	boostTitle   = 1.5
	// boostEntity weighs a match through the gazetteer (another form or
	// language of the name typed) below a match of the words themselves.
	boostEntity = 0.6
)

// textQuery builds the bleve query for the terms of q, or nil when q has
// none (the caller then matches everything). anyGroup relaxes "every
// group must match" to "at least one group must match".
func textQuery(q Query, anyGroup bool) query.Query {
	if q.Empty() {
		return nil
	}
	var perLang []query.Query
	for _, lang := range indexer.Languages {
		lq := bleve.NewBooleanQuery()
		n := 0
		for _, g := range q.Groups {
			var alts []query.Query
			for _, t := range g {
				if c := termQuery(t, lang); c != nil {
					alts = append(alts, c)
				}
			}
			if len(alts) == 0 {
				continue // stop words only, in this language
			}
			n++
			var gq query.Query = alts[0]
			if len(alts) > 1 {
				gq = bleve.NewDisjunctionQuery(alts...)
			}
			if anyGroup {
				lq.AddShould(gq)
			} else {
				lq.AddMust(gq)
			}
		}
		for _, t := range q.Excluded {
			if c := termQuery(t, lang); c != nil {
				lq.AddMustNot(c)
			}
		}
		if n == 0 && len(q.Groups) > 0 {
			continue // nothing to match in this language
		}
		if n == 0 {
			lq.AddMust(bleve.NewMatchAllQuery())
		}
		if anyGroup && n > 0 { // with no group there is no should clause to require
			lq.SetMinShould(1)
		}
		lang := bleve.NewTermQuery(lang)
		lang.SetField(indexer.FieldLang)
		lq.AddFilter(lang)
		perLang = append(perLang, lq)
	}
	switch len(perLang) {
	case 0:
		return bleve.NewMatchNoneQuery()
	case 1:
		return perLang[0]
	}
	return bleve.NewDisjunctionQuery(perLang...)
}

// termQuery matches one term in the title, heading and text of passages
// in lang, analysed for lang. It returns nil when the term analyses to
// nothing in lang (a stop word).
func termQuery(t Term, lang string) query.Query {
	analyzer := indexer.AnalyzerFor(lang)
	if t.Prefix {
		return prefixQuery(t.Text, lang)
	}
	var alts []query.Query
	if t.Entity != "" {
		// Passages tagged with the entity, whatever form they use; weighed
		// below a match of the words as typed.
		for _, f := range []string{indexer.FieldActors, indexer.FieldForums} {
			e := bleve.NewTermQuery(t.Entity)
			e.SetField(f)
			e.SetBoost(boostEntity)
			alts = append(alts, e)
		}
	}
	if len(indexer.Terms(analyzer, t.Text)) == 0 {
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
		field := indexer.LangField(f.name, lang)
		if t.Phrase {
			if f.name == indexer.FieldTitle {
				continue
			}
			p := bleve.NewMatchPhraseQuery(t.Text)
			p.SetField(field)
			p.Analyzer = analyzer
			p.SetBoost(f.boost)
			alts = append(alts, p)
			continue
		}
		m := bleve.NewMatchQuery(t.Text)
		m.SetField(field)
		m.Analyzer = analyzer
		m.SetOperator(query.MatchQueryOperatorAnd)
		m.SetBoost(f.boost)
		alts = append(alts, m)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// prefixQuery matches terms starting with the typed prefix, accents and
// case folded, elision removed. Indexed terms are stemmed, so the stem of
// the prefix is tried too: "strategies*" still finds "strategi".
func prefixQuery(text, lang string) query.Query {
	p := strings.ToLower(indexer.Fold(text))
	if i := strings.IndexAny(p, "'’"); i >= 0 && i <= 3 {
		p = p[i+1:]
	}
	if p == "" {
		return nil
	}
	prefixes := []string{p}
	if st := indexer.Terms(indexer.AnalyzerFor(lang), text); len(st) == 1 && st[0] != p && len(st[0]) >= minPrefix && strings.HasPrefix(p, st[0][:1]) {
		prefixes = append(prefixes, st[0])
	}
	var alts []query.Query
	for _, pre := range prefixes {
		for _, f := range []string{indexer.FieldText, indexer.FieldHeading, indexer.FieldTitle} {
			q := bleve.NewPrefixQuery(pre)
			q.SetField(indexer.LangField(f, lang))
			alts = append(alts, q)
		}
	}
	return bleve.NewDisjunctionQuery(alts...)
}
