package search

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// TestPostingsCache: a decoded list holds what zap's iterator gives
// (passage, frequency, norm), find reaches every passage from any
// earlier cursor, a second get is a hit, and the cache stays within its
// bound by dropping the least recently used lists.
func TestPostingsCache(t *testing.T) {
	files := map[string]string{}
	for i := range 300 {
		// "alpha" in every document, "beta" in every third, "gamma" in
		// every seventh, repeated i%4+1 times.
		body := "alpha text " + strings.Repeat("gamma ", i%4+1)
		if i%3 == 0 {
			body += " beta"
		}
		if i%7 != 0 {
			body = strings.ReplaceAll(body, "gamma", "delta")
		}
		files[fmt.Sprintf("doc%03d.txt", i)] = "Document " + fmt.Sprint(i) + "\n\n" + body + "\n"
	}
	s := openCorpus(t, writeCorpus(t, files))
	vw := s.Acquire()
	defer vw.Release()
	reader, err := openReader(vw.sn.gen.Index)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	ss := reader.(*scorch.IndexSnapshot).Segments()[0]
	list := func(term string) segment.PostingsList {
		dict, err := ss.Segment().Dictionary("text_en")
		if err != nil {
			t.Fatal(err)
		}
		pl, err := dict.PostingsList([]byte(term), ss.Deleted(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return pl
	}
	for _, term := range []string{"alpha", "beta", "gamma"} {
		pl := list(term)
		d, err := decode(pl)
		if err != nil {
			t.Fatal(err)
		}
		if uint64(len(d.docs)) != pl.Count() || len(d.docs) == 0 {
			t.Fatalf("%s: %d decoded, list holds %d", term, len(d.docs), pl.Count())
		}
		it := pl.Iterator(true, true, false, nil)
		for i := 0; ; i++ {
			p, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			if p == nil {
				break
			}
			if d.docs[i] != uint32(p.Number()) || uint64(d.freqs[i]) != p.Frequency() || d.norm(i) != p.Norm() {
				t.Fatalf("%s #%d: decoded %d/%d/%v, iterator %d/%d/%v", term, i, d.docs[i], d.freqs[i], d.norm(i), p.Number(), p.Frequency(), p.Norm())
			}
			for _, from := range []int{0, i / 2, i} {
				if got := d.find(d.docs[i], from); got != i {
					t.Fatalf("%s: find(%d, from %d) = %d, want %d", term, d.docs[i], from, got, i)
				}
			}
			if d.find(d.docs[i]+1, i) >= 0 && (i+1 == len(d.docs) || d.docs[i+1] != d.docs[i]+1) {
				t.Fatalf("%s: find of a passage not in the list found one", term)
			}
		}
	}
	alpha, beta := list("alpha"), list("beta")
	// Room for alpha (300 postings, 2,400 bytes) and beta, not for both
	// with alpha again after it: max/4 must hold the largest list.
	c := newPostingsCache(int64(alpha.Count()*8) * 4)
	key := func(term string) postingsKey { return postingsKey{seg: ss.Segment(), field: "text_en", term: term} }
	for _, step := range []struct {
		term   string
		pl     segment.PostingsList
		hits   int64
		misses int64
	}{
		{"alpha", alpha, 0, 1},
		{"alpha", alpha, 1, 1},
		{"beta", beta, 1, 2},
		{"alpha", alpha, 2, 2},
	} {
		d, err := c.get(key(step.term), step.pl)
		if err != nil || d == nil {
			t.Fatalf("%s: %v, %v", step.term, d, err)
		}
		bytes, _, hits, misses := c.stats()
		if hits != step.hits || misses != step.misses || bytes > c.max {
			t.Fatalf("after %s: %d hits, %d misses, %d bytes; want %d, %d, ≤ %d", step.term, hits, misses, bytes, step.hits, step.misses, c.max)
		}
	}
	// A cache a third the size of alpha's list: lists beyond a quarter of
	// it are not kept.
	small := newPostingsCache(int64(alpha.Count()*8) / 3)
	if d, err := small.get(key("alpha"), alpha); d != nil || err != nil {
		t.Fatalf("a list larger than a quarter of the cache was kept: %v, %v", d, err)
	}
	// Eviction: a cache with room for alpha alone drops beta, the older.
	one := newPostingsCache(int64(alpha.Count() * 8))
	one.maxList = one.max
	for _, term := range []string{"beta", "alpha"} {
		if _, err := one.get(key(term), list(term)); err != nil {
			t.Fatal(err)
		}
	}
	if bytes, lists, _, _ := one.stats(); bytes != int64(alpha.Count()*8) || lists != 1 {
		t.Fatalf("%d lists, %d bytes in a cache of %d", lists, bytes, one.max)
	}
	var nilCache *postingsCache
	if d, err := nilCache.get(key("alpha"), alpha); d != nil || err != nil {
		t.Fatal("a nil cache (off) returned a list")
	}
}
