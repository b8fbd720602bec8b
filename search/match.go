package search

import (
	"context"

	"github.com/vigie/vigie/indexer"
)

// Matching returns the ids of the passages that a search for query with
// filters would find if they were in the index: the passages are indexed
// in memory with the same analysis and searched with the same query
// building (entities, translation, filters). It is how the change log, whose
// passages may have left the index, is filtered like a search. A relaxed
// match (only some of the words) does not count; the fuzzy retry does, as
// in a search. date gives each passage's document date by id.
func (v *View) Matching(ctx context.Context, query string, filters map[string][]string, ps []indexer.Passage, date map[string]string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ps) == 0 {
		return out, nil
	}
	// Indexing and searching the passages is a search's work: it waits
	// for one of the server's workers, and takes no more.
	leave, err := v.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	gen, err := indexer.MemGeneration(ps, date)
	if err != nil {
		return nil, err
	}
	opts := *v.opts
	opts.BackgroundVocabulary = false
	opts.Workers = 0    // this search has its worker already
	opts.CacheBytes = 0 // one search: nothing to keep
	opts.Limits.MaxSize = len(ps)
	opts.Limits.MaxWindow = len(ps)
	mem := New(gen, opts)
	defer mem.Close()
	res, err := mem.Search(ctx, Request{Query: query, Filters: filters, Size: len(ps)})
	if err != nil {
		return nil, err
	}
	if res.Relaxed {
		return out, nil
	}
	for _, h := range res.Hits {
		out[h.ID] = true
	}
	return out, nil
}
