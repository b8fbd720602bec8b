package search

import (
	"context"
	"slices"

	"github.com/vigie/vigie/lang"
)

// retrieve runs a parsed query the way a user expects: its words (and
// their translations into the other language) first; when that finds
// little, again with most of the words of a long question (soft), then
// with words close to the ones typed (fuzzy: true) and a
// "did you mean" from the vocabulary; when nothing has every word, with
// any word (relaxed: true). Twins are attached to the hits returned.
//
// A request with a cursor (after) continues the strict or relaxed search
// the cursor was made in; the fuzzy retry and the suggestion are not redone.
func (s *View) retrieve(ctx context.Context, q Query, r Request, after *cursor) (*Result, error) {
	ti := s.sn.titles.Load()
	var named []string
	section := ""
	// A citation is read from the words as typed: the gazetteer makes one
	// phrase of a name inside a title ("Foreign Affairs"), which the title
	// field cannot match; the title's words are searched as plain words.
	prefer := ""
	if lgs := r.Filters["lang"]; len(lgs) == 1 {
		prefer = lgs[0]
	}
	v := s.sn.vocab.Load()
	unknown := s.acronymWord(v)
	var scoped []string
	if c := ti.cite(Parse(r.Query), prefer, unknown); c != nil {
		q = c.rewrite(q)
		named, section = c.docs, c.section
	} else if docs, rest := ti.scope(q, unknown); docs != nil {
		q, scoped = rest, docs
	} else {
		named = ti.named(q)
	}
	src := v.queryLang(q)
	spans := keepSource(src, translate(q, s.opts.Lexicon))
	p := plan{q: q, spans: spans, src: src, variants: v.spellingVariants(q)}
	bonus, err := s.namedBonus(ctx, p, named, section)
	if err != nil {
		return nil, err
	}
	p.named = append(bonus, s.scopeBonus(p, scoped)...)
	// The strict query's tree is built once: counted against the clause
	// limit, then run.
	strict := textQuery(p, false)
	if err := s.checkClauses(strict, r.Filters); err != nil {
		return nil, err
	}
	if after != nil {
		p.soft = after.Soft
		res, err := s.run(ctx, p, r, after.Relaxed && len(q.Groups) > 1, after, nil)
		if err != nil {
			return nil, err
		}
		if r.deferHits {
			return res, nil
		}
		return res, s.attachTwins(ctx, res.Hits)
	}
	res, err := s.run(ctx, p, r, false, nil, strict)
	if err != nil {
		return nil, err
	}
	// A long query that finds only a few passages is a question that
	// happens to have all its words in them, unless one of them is the
	// section the query names (a heading looked up): then those few are
	// the answer and no retry would better them.
	soft := res.Total < softBelow && len(q.Groups) >= minShouldFrom && !namesHeading(q, res.Hits)
	if soft && p.softens() {
		sp := p
		sp.soft = true
		sres, err := s.run(ctx, sp, r, false, nil, nil)
		if err != nil {
			return nil, err
		}
		if sres.Total > res.Total {
			res, p = sres, sp
		}
	}
	suggestion := ""
	// Few hits, or none in the query's language and a word no passage's
	// text holds ("privacy commisioner": the misspelt word found nothing
	// in English, and its French stem matched "Commission" in nine French
	// passages): retried with close words, and a suggestion, the close
	// words kept only when they find passages of the query's language. Not
	// for a search restricted to the other language (it finds no other),
	// nor for a word the hits' headings or titles hold (namedIn).
	few := res.Total < fuzzyBelow
	foreign := false
	if !few && v != nil && src != "" && (len(r.Filters["lang"]) == 0 || slices.Contains(r.Filters["lang"], src)) && !hitsIn(res.Hits, src) {
		unknown := v.unknownWords(q)
		foreign = len(unknown) > 0 && !namedIn(res.Hits, unknown)
	}
	if v != nil && (few || foreign) {
		memo := newCloseMemo()
		if fv := v.fuzzyVariants(memo, q); len(fv) > 0 {
			acronymEntities(fv, q, s.sn.gaz, func(w string) bool { _, df := v.rare(w); return df > 0 })
			fp := p
			fp.variants = mergeVariants(p.variants, fv)
			fres, err := s.run(ctx, fp, r, false, nil, nil)
			if err != nil {
				return nil, err
			}
			if fres.Total > res.Total && (!foreign || hitsIn(fres.Hits, src)) {
				res = fres
				res.Fuzzy = true
			}
		}
		suggestion = v.didYouMean(memo, r.Query, q)
	}
	if (res.Total == 0 || soft && res.Total < relaxBelow) && len(q.Groups) > 1 {
		if len(q.Groups) >= commonFrom {
			p.common = v.commonGroups(q)
		}
		if res, err = s.run(ctx, p, r, true, nil, nil); err != nil {
			return nil, err
		}
		res.Relaxed = true
	}
	res.Suggestion = suggestion
	if r.deferHits {
		return res, nil
	}
	if err := s.attachTwins(ctx, res.Hits); err != nil {
		return nil, err
	}
	return res, nil
}

// namedIn reports whether the heading or title of one of hits holds one
// of words (as the vocabulary folds them): a word of headings only
// ("Conditional" of the marginal note "Conditional decisions") is no
// misspelling, though no passage's text holds it.
func namedIn(hits []Hit, words []string) bool {
	want := map[string]bool{}
	for _, w := range words {
		want[lang.Fold(normWord(w))] = true
	}
	for _, h := range hits {
		for _, w := range lang.Words(h.Heading + "\n" + h.Title) {
			if want[lang.Fold(w)] {
				return true
			}
		}
	}
	return false
}

// hitsIn reports whether one of hits is in language lg.
func hitsIn(hits []Hit, lg string) bool {
	return slices.ContainsFunc(hits, func(h Hit) bool { return h.Lang == lg })
}

// namesHeading reports whether one of hits is in a section or document
// whose heading or title holds every word of q (analysed in the hit's
// language; stop words and excluded terms aside): a group matches when
// one of its terms does.
func namesHeading(q Query, hits []Hit) bool {
	byLang := map[string][][][]string{}
	for _, h := range hits {
		analyzer := lang.AnalyzerFor(h.Lang)
		groups, ok := byLang[analyzer]
		if !ok {
			groups = analyseGroups(q, analyzer)
			byLang[analyzer] = groups
		}
		if holdsGroups(groups, lang.Terms(analyzer, h.Heading)) || holdsGroups(groups, lang.Terms(analyzer, h.Title)) {
			return true
		}
	}
	return false
}

// analyseGroups returns the terms analyzer makes of each term of each of
// q's groups, leaving out the terms it makes nothing of (stop words).
func analyseGroups(q Query, analyzer string) [][][]string {
	out := make([][][]string, 0, len(q.Groups))
	for _, g := range q.Groups {
		var alts [][]string
		for _, t := range g {
			if terms := lang.Terms(analyzer, t.Text); len(terms) > 0 {
				alts = append(alts, terms)
			}
		}
		out = append(out, alts)
	}
	return out
}

// holdsGroups reports whether the terms of a heading or title hold every
// analysed group that has terms (one of its alternatives in full), and
// there is at least one such group.
func holdsGroups(groups [][][]string, field []string) bool {
	words := 0
	for _, alts := range groups {
		if len(alts) == 0 {
			continue // stop words only
		}
		if !slices.ContainsFunc(alts, func(terms []string) bool { return containsAll(field, terms) }) {
			return false // a word the field lacks
		}
		words++
	}
	return words > 0
}

// containsAll reports whether every one of terms is in set.
func containsAll(set, terms []string) bool {
	for _, t := range terms {
		if !slices.Contains(set, t) {
			return false
		}
	}
	return true
}
