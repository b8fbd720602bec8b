package search

import (
	"container/list"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// DefaultCacheBytes is the result cache's memory bound that vigie serve
// uses unless told otherwise (--cache-size). An answer on laws-canada
// takes about 22 KB (ten passages with their text, highlights and twins,
// four facets), so this holds about 1,500; the process's RSS grows by
// about twice the bound once the cache is full (the garbage collector's
// headroom), which keeps serve under its 512 MiB budget.
const DefaultCacheBytes = 32 << 20

// The result cache keeps the answers of recent searches, bounded in bytes
// (Options.CacheBytes), least recently used out first.
//
// Each snapshot (one generation) has its own cache, made with it and
// emptied when Swap replaces it: an answer is keyed by its generation by
// construction, and a swap can never serve the old generation's answers.
// Within a generation, the key is the request (cacheKey): every field that
// can change the answer, normalised only where Search itself treats two
// values as one.
//
// Only complete answers are kept: never an error (input errors, timeouts),
// never an answer whose context ended while it was computed (a part of it
// may have been cut short), and nothing while the generation's vocabulary
// is still being read in the background (the query-language guess, the
// translation and the fuzzy retry wait for it, so answers change when it
// arrives). Identical searches that miss at the same time are computed
// once: the others wait for the first (each within its own deadline) and
// take its answer, or compute their own if it is not kept.
//
// Results are shared by nobody: the cache keeps a copy of what it stores
// and hands out a fresh copy on every hit, so a caller may change the
// result it gets (the API replaces a nil Hits) without touching the cache.

// CacheStats describe the result cache of a Searcher. Hits, Misses and
// Evictions count since the Searcher was made, across generations; Bytes
// and Entries are the live generation's.
type CacheStats struct {
	// Capacity is the memory bound in bytes (Options.CacheBytes); 0 when
	// the cache is off.
	Capacity int64
	// Hits counts searches answered from the cache; Misses, searches the
	// cache was asked for and computed (an answer not kept counts too).
	Hits, Misses uint64
	// Evictions counts answers dropped to make room (not those emptied by
	// a swap).
	Evictions uint64
	// Bytes is the estimated memory of the answers kept; Entries, their
	// number.
	Bytes   int64
	Entries int
}

// cacheCounters are a Searcher's cache counters, shared by the caches of
// its successive snapshots.
type cacheCounters struct {
	hits, misses, evictions atomic.Uint64
}

// CacheStats returns the result cache's figures (all zero when it is off).
func (s *Searcher) CacheStats() CacheStats {
	st := CacheStats{
		Hits:      s.counters.hits.Load(),
		Misses:    s.counters.misses.Load(),
		Evictions: s.counters.evictions.Load(),
	}
	s.mu.RLock()
	c := s.live.cache
	s.mu.RUnlock()
	if c != nil {
		st.Capacity = c.max
		c.mu.Lock()
		st.Bytes, st.Entries = c.bytes, len(c.entries)
		c.mu.Unlock()
	}
	return st
}

// Search answers a request from the view's generation (see View.search),
// from the generation's result cache when it holds the answer.
func (s *View) Search(ctx context.Context, r Request) (*Result, error) {
	c := s.sn.cache
	if c == nil || s.sn.vocab.Load() == nil {
		return s.admitted(ctx, r)
	}
	began := time.Now()
	key := cacheKey(r)
	for {
		res, wait := c.lookup(key)
		if res != nil {
			res.TookMS = float64(time.Since(began).Microseconds()) / 1000
			return res, nil
		}
		if wait == nil {
			break // this request computes the answer
		}
		select {
		case <-wait:
			// The answer is now kept (look again), or was not: then this
			// request computes its own, as the leader of the next round.
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	var res *Result
	var err error
	defer func() {
		var keep *Result
		if err == nil && res != nil && ctx.Err() == nil {
			keep = res
		}
		c.done(key, keep) // also when search panics: the waiters go on
	}()
	res, err = s.admitted(ctx, r)
	return res, err
}

// admitted runs search once a worker is free (Options.Workers).
func (s *View) admitted(ctx context.Context, r Request) (*Result, error) {
	leave, err := s.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return s.search(ctx, r)
}

// cacheKey encodes every field of a request that can change its answer,
// each length-prefixed so that no two requests share a key by accident.
// Normalised only as Search does it: page 0 is page 1, size 0 is 10, a
// UI other than "fr" is "en", no group is GroupNone, no sort is
// SortRelevance, filter values are sorted and empty filters dropped (OR
// within a facet: the order of values changes nothing, cursors included).
// The query text is kept exactly as typed: the did-you-mean suggestion
// and the cursor's digest are made from it.
//
// A field added to Request must be added here: TestCacheKeyCoversRequest
// fails until it is.
func cacheKey(r Request) string {
	var b strings.Builder
	b.Grow(len(r.Query) + len(r.After) + 64)
	put := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	page, size := r.Page, r.Size
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = 10
	}
	ui := "en"
	if r.UI == "fr" {
		ui = "fr"
	}
	group := r.Group
	if group == "" {
		group = GroupNone
	}
	sort := r.Sort
	if sort == "" {
		sort = SortRelevance
	}
	put(r.Query)
	put(strconv.Itoa(page))
	put(strconv.Itoa(size))
	put(ui)
	put(r.After)
	put(sort)
	put(r.DateFrom)
	put(r.DateTo)
	put(group)
	if r.deferHits {
		put("deferred") // never cached today (an inner read), never confused
	}
	names := make([]string, 0, len(r.Filters))
	for name, vals := range r.Filters {
		if len(vals) > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	put(strconv.Itoa(len(names)))
	for _, name := range names {
		vals := slices.Clone(r.Filters[name])
		slices.Sort(vals) // not deduplicated: a repeated value counts as a clause
		put(name)
		put(strconv.Itoa(len(vals)))
		for _, v := range vals {
			put(v)
		}
	}
	return b.String()
}

// resultCache is one generation's LRU of answers, bounded in bytes.
type resultCache struct {
	max      int64
	counters *cacheCounters

	mu      sync.Mutex
	closed  bool
	bytes   int64
	order   list.List // of *cacheEntry, most recently used first
	entries map[string]*list.Element
	// flight holds the searches being computed, by key: identical misses
	// wait for the first.
	flight map[string]chan struct{}
}

type cacheEntry struct {
	key  string
	res  *Result
	size int64
}

// newResultCache returns a cache of max bytes, nil (no cache) when max is
// not positive.
func newResultCache(max int64, counters *cacheCounters) *resultCache {
	if max <= 0 {
		return nil
	}
	return &resultCache{max: max, counters: counters,
		entries: map[string]*list.Element{}, flight: map[string]chan struct{}{}}
}

// lookup returns a copy of the answer kept under key (a hit); else a
// channel closed when the identical search in flight is done; else
// (nil, nil): a miss, and the caller must compute the answer and call
// done.
func (c *resultCache) lookup(key string) (*Result, <-chan struct{}) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.order.MoveToFront(el)
		res := el.Value.(*cacheEntry).res
		c.mu.Unlock()
		c.counters.hits.Add(1)
		return cloneResult(res), nil
	}
	if wait, ok := c.flight[key]; ok {
		c.mu.Unlock()
		return nil, wait
	}
	wait := make(chan struct{})
	c.flight[key] = wait
	c.mu.Unlock()
	c.counters.misses.Add(1)
	return nil, nil
}

// done ends the search in flight under key, keeping a copy of res unless
// it is nil, too large (over a quarter of the cache) or the cache has been
// emptied by a swap, and evicting the least recently used answers over
// the bound.
func (c *resultCache) done(key string, res *Result) {
	var e *cacheEntry
	if res != nil {
		if size := resultSize(key, res); size <= c.max/4 {
			e = &cacheEntry{key: key, res: cloneResult(res), size: size}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if wait, ok := c.flight[key]; ok {
		delete(c.flight, key)
		close(wait)
	}
	if e == nil || c.closed {
		return
	}
	if old, ok := c.entries[key]; ok { // cannot happen with the flight map; stay exact anyway
		c.remove(old)
	}
	c.entries[key] = c.order.PushFront(e)
	c.bytes += e.size
	for c.bytes > c.max {
		c.remove(c.order.Back())
		c.counters.evictions.Add(1)
	}
}

func (c *resultCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.bytes -= e.size
}

// close empties the cache and keeps it empty: its generation is no longer
// live (Swap). Searches still running on it are answered, not kept.
func (c *resultCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.entries = map[string]*list.Element{}
	c.order.Init()
	c.bytes = 0
}

// cloneResult copies a result deeply enough that no change to the copy
// (its hits, their lists and twins, its facets) reaches the original.
// Strings are shared: Go strings cannot change.
func cloneResult(r *Result) *Result {
	out := *r
	if r.Hits != nil {
		out.Hits = make([]Hit, len(r.Hits))
		for i, h := range r.Hits {
			h.Actors = slices.Clone(h.Actors)
			h.Forums = slices.Clone(h.Forums)
			h.Years = slices.Clone(h.Years)
			if h.Twin != nil {
				t := *h.Twin
				h.Twin = &t
			}
			out.Hits[i] = h
		}
	}
	if r.Facets != nil {
		out.Facets = make(map[string][]FacetValue, len(r.Facets))
		for name, vals := range r.Facets {
			out.Facets[name] = slices.Clone(vals)
		}
	}
	return &out
}

// entryOverhead is a rough cost of an entry besides its result: the list
// element, the map slot and the entry itself.
const entryOverhead = 160

// resultSize estimates the memory a kept result takes: its structs and
// every string and list it holds (strings counted even where they may be
// shared, so the estimate errs high).
func resultSize(key string, r *Result) int64 {
	const (
		strHdr   = int64(unsafe.Sizeof(""))
		sliceHdr = int64(unsafe.Sizeof([]string(nil)))
	)
	n := int64(entryOverhead) + int64(len(key)) + int64(unsafe.Sizeof(*r)) +
		int64(len(r.Suggestion)+len(r.Next))
	for i := range r.Hits {
		h := &r.Hits[i]
		n += int64(unsafe.Sizeof(*h)) + int64(len(h.ID)+len(h.DocID)+len(h.Lang)+len(h.Title)+len(h.Heading)+
			len(h.Text)+len(h.Highlight)+len(h.HeadingHighlight)+len(h.Date)+len(h.GroupKey))
		for _, s := range h.Actors {
			n += strHdr + int64(len(s))
		}
		for _, s := range h.Forums {
			n += strHdr + int64(len(s))
		}
		n += 8 * int64(len(h.Years))
		if t := h.Twin; t != nil {
			n += int64(unsafe.Sizeof(*t)) + int64(len(t.ID)+len(t.DocID)+len(t.Lang)+len(t.Title)+len(t.Heading)+len(t.Text))
		}
	}
	for name, vals := range r.Facets {
		n += 48 + strHdr + int64(len(name)) + sliceHdr // map slot
		for _, v := range vals {
			n += int64(unsafe.Sizeof(v)) + int64(len(v.Value)+len(v.Label)+len(v.Parent))
		}
	}
	// The allocator rounds each object up to its size class: measured on
	// laws-canada answers, the heap grew 7% more than the sum above.
	return n + n/8
}
