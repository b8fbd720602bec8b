package search

import (
	"context"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/vigie/vigie/indexer"
)

// The twin route: on a parallel corpus, a query restricted to the other
// language than its own (an English question, lang=fr) is also run in its
// own language, and those hits are carried through their twins into the
// requested language. The two lists (the lexicon route: the query and its
// translations in the requested language; the twin route) are fused by
// their scores, each route's divided by its best (fuse). Documents without twins (the seeds) are left to
// the lexicon route, as are unrestricted searches and date-sorted ones.

// twinSource returns the language to run the twin route in, or "" when
// the request does not take it: the query's language is known, the
// request is restricted to the other language only, results are ordered
// by relevance, and the generation has twins.
func (s *View) twinSource(p plan, r Request) string {
	if p.src == "" || p.q.Empty() || r.Sort == SortDate || len(s.sn.gen.Twins) == 0 {
		return ""
	}
	if l := r.Filters["lang"]; len(l) != 1 || l[0] != other(p.src) {
		return ""
	}
	return p.src
}

// fused is a passage of the fused list with its fused score.
type fused struct {
	id    string
	score float64
}

// fuse merges the lexicon route's passages (best first) with the twin
// route's (best first, ids in the query's language, mapped through twins):
// each route's scores are divided by its best score, and a passage's fused
// score is the sum over the routes that found it, the twin route weighed
// by fuseTwin; ties by id.
func fuse(lexical, viaTwin []*hitItem, twins map[string]string, wTwin float64) []fused {
	scores := make(map[string]float64, len(lexical)+len(viaTwin))
	if len(lexical) > 0 && lexical[0].score > 0 {
		top := lexical[0].score
		for _, it := range lexical {
			scores[it.id] += fuseLexicon * it.score / top
		}
	}
	seen := make(map[string]bool, len(viaTwin))
	if len(viaTwin) > 0 && viaTwin[0].score > 0 {
		top := viaTwin[0].score
		for _, it := range viaTwin {
			t := twins[it.id]
			if t == "" || seen[t] {
				continue
			}
			seen[t] = true
			scores[t] += wTwin * it.score / top
		}
	}
	out := make([]fused, 0, len(scores))
	for id, sc := range scores {
		out = append(out, fused{id: id, score: sc})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].id < out[j].id
	})
	return out
}

// collectFused runs both routes to the depth of the page asked for, fuses
// them, and fetches the page's passages. Total and facets are the lexicon
// route's: passages matching the query in the requested language.
func (s *View) collectFused(ctx context.Context, p plan, main, viaTwin, text query.Query, r Request, fc *facetCounts, after *cursor) (*Result, []*bsearch.DocumentMatch, int, error) {
	skip := (r.Page - 1) * r.Size
	if after != nil {
		skip = after.Fused
	}
	depth := skip + r.Size + 1
	lex := &topHits{k: depth, fc: fc}
	req := bleve.NewSearchRequestOptions(main, 0, 0, false)
	req.SortBy([]string{"-_score"})
	res, err := s.sn.gen.Index.SearchInContext(withHandler(ctx, lex.handler), req)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("search: %w", err)
	}
	// Some of the query language's passages have no twin: read a little
	// deeper on the twin route.
	tw := &topHits{k: depth + depth/4 + 1}
	treq := bleve.NewSearchRequestOptions(viaTwin, 0, 0, false)
	treq.SortBy([]string{"-_score"})
	if _, err := s.sn.gen.Index.SearchInContext(withHandler(ctx, tw.handler), treq); err != nil {
		return nil, nil, 0, fmt.Errorf("search: %w", err)
	}
	out := &Result{Total: res.Total, Page: r.Page, Size: r.Size, Facets: map[string][]FacetValue{}}
	if after != nil {
		out.Page = 0
	}
	twinList := tw.sorted()
	w := twinWeight(p)
	if w == fuseTwin && len(twinList) > 0 {
		// The query names its own language's best passage's section (a
		// heading looked up): that section's twin is the one asked for.
		// Only a query the lexicon translated in full is in doubt: the
		// twin route weighs more for the others already (raising them
		// too: known items 0.836 instead of 0.838).
		named, err := s.namedSection(ctx, p.q, twinList[0].id)
		if err != nil {
			return nil, nil, 0, err
		}
		if named {
			w = fuseTwinNamed
		}
	}
	list := fuse(lex.sorted(), twinList, s.sn.gen.Twins, w)
	if skip >= len(list) {
		return out, nil, skip, nil
	}
	list = list[skip:min(len(list), depth)]
	ids := make([]string, len(list))
	for i, f := range list {
		ids[i] = f.id
	}
	byID, err := s.pageMatches(ctx, ids)
	if err != nil {
		return nil, nil, 0, err
	}
	page := make([]*bsearch.DocumentMatch, 0, len(list))
	for _, f := range list {
		if h := byID[f.id]; h != nil {
			h.Score = f.score
			page = append(page, h)
		}
	}
	return out, page, skip, nil
}

// twinWeight is the weight of the twin route in the fusion: fuseTwin for
// a short query that the lexicon translated word for word into the
// requested language, fuseTwinLong for a long one (a question the
// lexicon translates poorly) or one with a word the lexicon left as typed
// (the lexicon route then matches it only where the other language
// happens to use the same word). collectFused raises fuseTwin to
// fuseTwinNamed when the query names the section the twin route found
// first.
func twinWeight(p plan) float64 {
	if len(p.q.Groups) >= fuseLongFrom || !p.translated(other(p.src)) {
		return fuseTwinLong
	}
	return fuseTwin
}

// namedSection reports whether the passage id is in a section or
// document whose heading or title holds q (namesHeading).
func (s *View) namedSection(ctx context.Context, q Query, id string) (bool, error) {
	byID, err := s.pageMatches(ctx, []string{id})
	if err != nil {
		return false, err
	}
	h := byID[id]
	if h == nil {
		return false, nil
	}
	str := func(f string) string { v, _ := h.Fields[f].(string); return v }
	return namesHeading(q, []Hit{{Lang: str(indexer.FieldLang), Heading: str(indexer.FieldHeading), Title: str(indexer.FieldTitle)}}), nil
}
