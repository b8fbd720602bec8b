package search

import "context"

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
	v := s.sn.vocab.Load()
	src := v.queryLang(q)
	spans := keepSource(src, translate(q, s.opts.Lexicon))
	p := plan{q: q, spans: spans, src: src, variants: v.spellingVariants(q)}
	if err := s.checkClauses(p, r.Filters); err != nil {
		return nil, err
	}
	if after != nil {
		p.soft = after.Soft
		res, err := s.run(ctx, p, r, after.Relaxed && len(q.Groups) > 1, after)
		if err != nil {
			return nil, err
		}
		return res, s.attachTwins(ctx, res.Hits)
	}
	res, err := s.run(ctx, p, r, false, nil)
	if err != nil {
		return nil, err
	}
	soft := res.Total < softBelow && len(q.Groups) >= minShouldFrom
	if soft {
		sp := p
		sp.soft = true
		sres, err := s.run(ctx, sp, r, false, nil)
		if err != nil {
			return nil, err
		}
		if sres.Total > res.Total {
			res, p = sres, sp
		}
	}
	suggestion := ""
	if res.Total < fuzzyBelow && v != nil {
		if fv := v.fuzzyVariants(q); len(fv) > 0 {
			acronymEntities(fv, q, s.sn.gaz, func(w string) bool { _, df := v.rare(w); return df > 0 })
			fp := p
			fp.variants = mergeVariants(p.variants, fv)
			fres, err := s.run(ctx, fp, r, false, nil)
			if err != nil {
				return nil, err
			}
			if fres.Total > res.Total {
				res = fres
				res.Fuzzy = true
			}
		}
		suggestion = v.didYouMean(r.Query, q)
	}
	if (res.Total == 0 || soft && res.Total < relaxBelow) && len(q.Groups) > 1 {
		if len(q.Groups) >= commonFrom {
			p.common = v.commonGroups(q)
		}
		if res, err = s.run(ctx, p, r, true, nil); err != nil {
			return nil, err
		}
		res.Relaxed = true
	}
	res.Suggestion = suggestion
	if err := s.attachTwins(ctx, res.Hits); err != nil {
		return nil, err
	}
	return res, nil
}
