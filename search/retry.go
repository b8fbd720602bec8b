package search

import "context"

// retrieve runs a parsed query the way a user expects: its words (and
// their translations into the other language) first; when that finds
// little, again with words close to the ones typed (fuzzy: true) and a
// "did you mean" from the vocabulary; when nothing has every word, with
// any word (relaxed: true). Twins are attached to the hits returned.
func (s *Searcher) retrieve(ctx context.Context, q Query, r Request) (*Result, error) {
	s.mu.RLock()
	v := s.vocab
	s.mu.RUnlock()
	src := v.queryLang(q)
	spans := keepSource(src, translate(q, s.opts.Lexicon))
	p := plan{q: q, spans: spans, src: src, variants: v.spellingVariants(q)}
	res, _, err := s.run(ctx, p, r, false)
	if err != nil {
		return nil, err
	}
	suggestion := ""
	if res.Total < fuzzyBelow && v != nil {
		if fv := v.fuzzyVariants(q); len(fv) > 0 {
			fp := p
			fp.variants = mergeVariants(p.variants, fv)
			fres, _, err := s.run(ctx, fp, r, false)
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
	if res.Total == 0 && len(q.Groups) > 1 {
		if res, _, err = s.run(ctx, p, r, true); err != nil {
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
