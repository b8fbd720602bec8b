package search

import (
	"container/heap"
	"context"

	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// topHits keeps the best k matches of a search in Vigie's score order:
// score descending, ties by passage id. It replaces bleve's collector for
// score-ordered searches, as the document-match handler bleve calls for
// every match: bleve's own collector, asked for that order, loads the id of
// every match (12% of a broad search), where topHits loads ids only to break
// a tie. It also counts the facets (facetCounts) and applies a cursor.
type topHits struct {
	k      int
	items  hitHeap
	reader index.IndexReader
	fc     *facetCounts
	// after, when set, drops the matches up to and including the cursor's
	// position: (score, id).
	after   *position
	loadErr error
	spare   *hitItem // reused for the next offer
}

// position is a place in the score order.
type position struct {
	score float64
	id    string
}

// hitItem is a kept match: enough to order it and fetch it after.
type hitItem struct {
	score    float64
	internal index.IndexInternalID
	id       string // loaded on demand
}

// hitHeap is a heap whose top is the worst kept match.
type hitHeap struct {
	items []*hitItem
	t     *topHits
}

func (h hitHeap) Len() int           { return len(h.items) }
func (h hitHeap) Less(i, j int) bool { return h.t.before(h.items[j], h.items[i]) }
func (h hitHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *hitHeap) Push(x any)        { h.items = append(h.items, x.(*hitItem)) }
func (h *hitHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// id returns a kept match's passage id, loading it once.
func (t *topHits) id(it *hitItem) string {
	if it.id == "" && t.loadErr == nil {
		id, err := t.reader.ExternalID(it.internal)
		if err != nil {
			t.loadErr = err
			return ""
		}
		it.id = id
	}
	return it.id
}

// before reports whether a comes before b in the score order.
func (t *topHits) before(a, b *hitItem) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return t.id(a) < t.id(b)
}

// handler returns the document-match handler bleve calls with every match
// (and nil at the end).
func (t *topHits) handler(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
	t.reader = sctx.IndexReader
	t.items.t = t
	return func(d *bsearch.DocumentMatch) error {
		if d == nil {
			// The end: load the ids of the kept matches while the reader
			// is open.
			return t.loadIDs()
		}
		defer sctx.DocumentMatchPool.Put(d)
		if t.fc != nil {
			t.fc.add(d.IndexInternalID.Value())
		}
		t.offer(d.Score, d.IndexInternalID.Value())
		return t.loadErr
	}, false, nil
}

// offer keeps the match of passage n (bleve's internal number) with
// score when it belongs among the best k after the cursor.
func (t *topHits) offer(score float64, n uint64) {
	if t.k == 0 {
		return
	}
	t.items.t = t
	it := t.spare
	if it == nil {
		it = &hitItem{internal: make(index.IndexInternalID, 0, 8)}
	}
	it.score, it.id = score, ""
	it.internal = index.NewIndexInternalID(it.internal[:0], n)
	if a := t.after; a != nil && (it.score > a.score || it.score == a.score && t.id(it) <= a.id) {
		t.spare = it
		return
	}
	switch {
	case t.items.Len() < t.k:
		heap.Push(&t.items, it)
		t.spare = nil
	case t.before(it, t.items.items[0]):
		t.spare = t.items.items[0]
		t.items.items[0] = it
		heap.Fix(&t.items, 0)
	default:
		t.spare = it
	}
}

// loadIDs loads the passage ids of the kept matches (while the reader is
// open).
func (t *topHits) loadIDs() error {
	for _, it := range t.items.items {
		t.id(it)
	}
	return t.loadErr
}

// sorted returns the kept matches, best first.
func (t *topHits) sorted() []*hitItem {
	out := make([]*hitItem, t.items.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&t.items).(*hitItem)
	}
	return out
}

// withHandler returns ctx set so that bleve hands every match of the
// search run with it to make's handler instead of its own collector.
func withHandler(ctx context.Context, make bsearch.MakeDocumentMatchHandler) context.Context {
	return context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, make)
}
