package search

import (
	"container/list"
	"math"
	"sort"
	"sync"
	"sync/atomic"

	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// zap's postings iterator, asked for frequencies and norms, reaches a
// passage by stepping through every posting before it: scoring one
// passage far down a frequent word's list costs the whole list. The
// evaluator keeps the postings of frequent words decoded, per generation
// (which never changes once written), so that a passage's frequency and
// norm are a binary search away.

// decodeFrom is the length of a postings list from which the evaluator
// decodes it whole and keeps it; shorter lists are stepped through.
const decodeFrom = 1024

// DefaultPostingsCacheBytes bounds the decoded postings of one generation.
const DefaultPostingsCacheBytes = 32 << 20

// decoded is a postings list read whole: passage numbers (ascending),
// frequencies and field lengths (zap stores a posting's norm as its
// field's length; the norm is computed from it as zap does), 8 bytes a
// posting.
type decoded struct {
	docs  []uint32
	freqs []uint16
	lens  []uint16
}

func (d *decoded) bytes() int64 { return int64(len(d.docs)) * 8 }

// norm is the norm of the i-th posting, as zap's Posting.Norm gives it.
func (d *decoded) norm(i int) float64 {
	return lengthNorm(uint64(d.lens[i]))
}

// lengthNorm is zap's norm of a field of n terms.
func lengthNorm(n uint64) float64 {
	return float64(float32(1.0 / math.Sqrt(float64(n))))
}

// find returns the index of passage n in d at or after from, or -1.
func (d *decoded) find(n uint32, from int) int {
	docs := d.docs[from:]
	// Gallop: the passages asked for come in ascending order.
	hi := 1
	for hi < len(docs) && docs[hi] < n {
		hi *= 2
	}
	lo := hi / 2
	hi = min(hi+1, len(docs))
	i := lo + sort.Search(hi-lo, func(i int) bool { return docs[lo+i] >= n })
	if i < len(docs) && docs[i] == n {
		return from + i
	}
	return -1
}

// decode reads a postings list whole; nil (no error) when some posting
// does not fit the compact form (a frequency or field length beyond
// 65,535): the list is then stepped through as before.
func decode(pl segment.PostingsList) (*decoded, error) {
	n := pl.Count()
	d := &decoded{docs: make([]uint32, 0, n), freqs: make([]uint16, 0, n), lens: make([]uint16, 0, n)}
	it := pl.Iterator(true, true, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return d, nil
		}
		norm := p.Norm()
		length := math.Round(1 / (norm * norm))
		if p.Frequency() > math.MaxUint16 || length < 1 || length > math.MaxUint16 || lengthNorm(uint64(length)) != norm {
			return nil, nil
		}
		d.docs = append(d.docs, uint32(p.Number()))
		d.freqs = append(d.freqs, uint16(p.Frequency()))
		d.lens = append(d.lens, uint16(length))
	}
}

// postingsKey names a postings list of a segment.
type postingsKey struct {
	seg   segment.Segment
	field string
	term  string
}

// postingsCache keeps decoded postings lists, least recently used out
// first, within a bound in bytes.
type postingsCache struct {
	max     int64
	maxList int64 // the largest list kept, in bytes: a quarter of max

	mu   sync.Mutex
	used int64
	lru  *list.List // of *postingsEntry, most recent first
	m    map[postingsKey]*list.Element

	hits, misses atomic.Int64
}

type postingsEntry struct {
	key postingsKey
	d   *decoded
}

func newPostingsCache(max int64) *postingsCache {
	if max <= 0 {
		return nil
	}
	return &postingsCache{max: max, maxList: max / 4, lru: list.New(), m: map[postingsKey]*list.Element{}}
}

// get returns the decoded postings of k, decoding pl on a miss; nil (and
// no error) when the cache is off or the list would not fit.
func (c *postingsCache) get(k postingsKey, pl segment.PostingsList) (*decoded, error) {
	if c == nil || int64(pl.Count())*8 > c.maxList {
		return nil, nil
	}
	c.mu.Lock()
	if e, ok := c.m[k]; ok {
		c.lru.MoveToFront(e)
		c.mu.Unlock()
		c.hits.Add(1)
		return e.Value.(*postingsEntry).d, nil
	}
	c.mu.Unlock()
	c.misses.Add(1)
	d, err := decode(pl)
	if err != nil || d == nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok { // decoded meanwhile by another search
		return e.Value.(*postingsEntry).d, nil
	}
	c.m[k] = c.lru.PushFront(&postingsEntry{key: k, d: d})
	c.used += d.bytes()
	for c.used > c.max {
		last := c.lru.Back()
		e := last.Value.(*postingsEntry)
		c.lru.Remove(last)
		delete(c.m, e.key)
		c.used -= e.d.bytes()
	}
	return d, nil
}

// stats reports the cache's size in bytes, lists, hits and misses.
func (c *postingsCache) stats() (bytes int64, lists int, hits, misses int64) {
	if c == nil {
		return 0, 0, 0, 0
	}
	c.mu.Lock()
	bytes, lists = c.used, len(c.m)
	c.mu.Unlock()
	return bytes, lists, c.hits.Load(), c.misses.Load()
}
