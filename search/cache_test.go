package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
)

// TestCacheKeyCoversRequest changes each field of Request in turn and
// checks that the key changes: a field added to Request without being
// added to cacheKey fails here, before two different requests can share
// an answer.
func TestCacheKeyCoversRequest(t *testing.T) {
	// Values that Search does not treat as the zero value's (UI "x" would
	// be "en", as is "").
	special := map[string]any{
		"UI":    "fr",
		"Sort":  SortDate,
		"Group": GroupSection,
	}
	base := Request{}
	rt := reflect.TypeOf(base)
	for i := range rt.NumField() {
		f := rt.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			r := base
			v := reflect.ValueOf(&r).Elem().Field(i)
			if !f.IsExported() { // an internal field, set as the package sets it
				v = reflect.NewAt(f.Type, unsafe.Pointer(v.UnsafeAddr())).Elem()
			}
			if s, ok := special[f.Name]; ok {
				v.Set(reflect.ValueOf(s))
			} else {
				switch f.Type.Kind() {
				case reflect.String:
					v.SetString("x")
				case reflect.Int, reflect.Int64, reflect.Int32:
					v.SetInt(7)
				case reflect.Bool:
					v.SetBool(true)
				case reflect.Map:
					if f.Type != reflect.TypeOf(map[string][]string(nil)) {
						t.Fatalf("Request.%s is a %s: teach cacheKey (and this test) about it", f.Name, f.Type)
					}
					v.Set(reflect.ValueOf(map[string][]string{"lang": {"fr"}}))
				default:
					t.Fatalf("Request.%s is a %s: teach cacheKey (and this test) about it", f.Name, f.Type)
				}
			}
			if cacheKey(r) == cacheKey(base) {
				t.Errorf("Request.%s is not part of the cache key: two requests that differ in it would share an answer", f.Name)
			}
		})
	}
}

func TestCacheKey(t *testing.T) {
	f := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	tests := []struct {
		name string
		a, b Request
		same bool
	}{
		{"page 0 is page 1", Request{Query: "q"}, Request{Query: "q", Page: 1}, true},
		{"size 0 is 10", Request{Query: "q"}, Request{Query: "q", Size: 10}, true},
		{"ui other than fr is en", Request{UI: "de"}, Request{UI: "en"}, true},
		{"no group is none", Request{}, Request{Group: GroupNone}, true},
		{"no sort is relevance", Request{}, Request{Sort: SortRelevance}, true},
		{"filter order", Request{Filters: f("year", "2016", "year", "2013")}, Request{Filters: f("year", "2013", "year", "2016")}, true},
		{"empty filter dropped", Request{Filters: map[string][]string{"lang": {}}}, Request{}, true},
		{"query kept as typed: spaces", Request{Query: "cyber  attacks"}, Request{Query: "cyber attacks"}, false},
		{"query kept as typed: case", Request{Query: "Otan"}, Request{Query: "OTAN"}, false},
		{"repeated filter value kept", Request{Filters: f("lang", "fr", "lang", "fr")}, Request{Filters: f("lang", "fr")}, false},
		{"filter name", Request{Filters: f("actor", "nato")}, Request{Filters: f("forum", "nato")}, false},
		{"value moved across facets", Request{Filters: f("actor", "a", "forum", "b")}, Request{Filters: f("actor", "b", "forum", "a")}, false},
		{"separators cannot collide", Request{Query: "a", DateFrom: "b"}, Request{Query: "a1:b"}, false},
		{"from vs to", Request{DateFrom: "2020"}, Request{DateTo: "2020"}, false},
		{"page 2", Request{}, Request{Page: 2}, false},
		{"size 20", Request{}, Request{Size: 20}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cacheKey(tt.a) == cacheKey(tt.b); got != tt.same {
				t.Errorf("same key = %v, want %v\n%q\n%q", got, tt.same, cacheKey(tt.a), cacheKey(tt.b))
			}
		})
	}
}

// fakeResult is a result of about n bytes of text.
func fakeResult(n int) *Result {
	return &Result{Total: 1, Hits: []Hit{{ID: "p", Text: strings.Repeat("x", n), Actors: []string{"a"}, Years: []int{2016},
		Twin: &Twin{ID: "t", Text: "twin"}}},
		Facets: map[string][]FacetValue{"lang": {{Value: "en", Label: "English", Count: 1}}}}
}

func TestResultCacheLRU(t *testing.T) {
	var counters cacheCounters
	c := newResultCache(4*resultSize("k0", fakeResult(1000))+10, &counters) // room for four results of 1000 bytes
	put := func(key string, n int) {
		t.Helper()
		if res, wait := c.lookup(key); res != nil || wait != nil {
			t.Fatalf("%s: want a miss", key)
		}
		c.done(key, fakeResult(n))
	}
	has := func(key string) bool {
		res, wait := c.lookup(key)
		if wait != nil {
			t.Fatalf("%s: in flight", key)
		}
		if res == nil {
			c.done(key, nil)
		}
		return res != nil
	}
	for _, k := range []string{"k0", "k1", "k2", "k3"} {
		put(k, 1000)
	}
	if !has("k0") { // k0 is now the most recent: k1 goes first
		t.Fatal("k0 not kept")
	}
	put("k4", 1000)
	if has("k1") {
		t.Error("k1, the least recently used, was not evicted")
	}
	for _, k := range []string{"k0", "k2", "k3", "k4"} {
		if !has(k) {
			t.Errorf("%s evicted", k)
		}
	}
	if n := counters.evictions.Load(); n != 1 {
		t.Errorf("evictions = %d, want 1", n)
	}
	if c.bytes > c.max || c.bytes != 4*resultSize("k0", fakeResult(1000)) {
		t.Errorf("bytes = %d, want %d (max %d)", c.bytes, 4*resultSize("k0", fakeResult(1000)), c.max)
	}
	// One result over a quarter of the cache is not kept (it would empty
	// the cache for itself).
	put("big", int(c.max/4))
	if has("big") {
		t.Error("a result larger than a quarter of the cache was kept")
	}
	c.close()
	if len(c.entries) != 0 || c.bytes != 0 || c.order.Len() != 0 {
		t.Errorf("closed cache holds %d entries, %d bytes", len(c.entries), c.bytes)
	}
	put("late", 10) // a search of the old generation ending after the swap
	if has("late") {
		t.Error("a closed cache kept a result")
	}
}

// openCached builds an index of the files of dir (all, or those named)
// in its own data folder and returns a Searcher with a result cache.
func openCached(t *testing.T, dir string, cacheBytes int64, files ...string) (*Searcher, string) {
	t.Helper()
	data := t.TempDir()
	if len(files) > 0 {
		src := t.TempDir()
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(src, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		dir = src
	}
	g := entity.Default()
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: dir, Data: data, Extract: g.Annotate}); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	s := New(gen, Options{Gazetteer: g, CacheBytes: cacheBytes})
	t.Cleanup(func() { s.Close() })
	return s, data
}

// sameAnswer reports whether two results are equal but for the time
// they took.
func sameAnswer(a, b *Result) bool {
	x, y := *a, *b
	x.TookMS, y.TookMS = 0, 0
	return reflect.DeepEqual(x, y)
}

func TestCachedSearch(t *testing.T) {
	s, _ := openCached(t, "../seeds", 8<<20)
	ctx := context.Background()
	expired, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	type step struct {
		ctx        context.Context
		req        Request
		err        bool
		hit        bool // answered from the cache
		wantKeptUp bool // the cache holds one more answer after
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"repeat is a hit", []step{
			{req: Request{Query: "OTAN"}, wantKeptUp: true},
			{req: Request{Query: "OTAN"}, hit: true},
			{req: Request{Query: "OTAN", Page: 1, Size: 10, UI: "en"}, hit: true},
		}},
		{"anything that changes the answer misses", []step{
			{req: Request{Query: "cyber"}, wantKeptUp: true},
			{req: Request{Query: "cyber", UI: "fr"}, wantKeptUp: true},
			{req: Request{Query: "cyber", Size: 3}, wantKeptUp: true},
			{req: Request{Query: "cyber", Filters: map[string][]string{"lang": {"fr"}}}, wantKeptUp: true},
			{req: Request{Query: "cyber", Group: GroupDocument}, wantKeptUp: true},
			{req: Request{Query: "cyber", Sort: SortDate}, wantKeptUp: true},
		}},
		{"input errors are not kept", []step{
			{req: Request{Query: "cyber", Filters: map[string][]string{"lang": {"de"}}}, err: true},
			{req: Request{Query: "cyber", Filters: map[string][]string{"lang": {"de"}}}, err: true},
			{req: Request{Query: "cyber", Size: -1}, err: true},
		}},
		{"timeouts are not kept", []step{
			{ctx: expired, req: Request{Query: "strategy"}, err: true},
			{req: Request{Query: "strategy"}, wantKeptUp: true},
			{req: Request{Query: "strategy"}, hit: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, st := range tt.steps {
				c := st.ctx
				if c == nil {
					c = ctx
				}
				before := s.CacheStats()
				res, err := s.Search(c, st.req)
				after := s.CacheStats()
				if (err != nil) != st.err {
					t.Fatalf("step %d: err = %v, want error %v", i, err, st.err)
				}
				if hit := after.Hits - before.Hits; hit != map[bool]uint64{true: 1}[st.hit] {
					t.Errorf("step %d: %d hits, want hit %v", i, hit, st.hit)
				}
				if up := after.Entries - before.Entries; up != map[bool]int{true: 1}[st.wantKeptUp] {
					t.Errorf("step %d: %d more entries, want %v", i, up, st.wantKeptUp)
				}
				if err == nil && st.hit {
					// The cached answer is the one computed afresh.
					v := s.Acquire()
					fresh, ferr := v.search(ctx, st.req)
					v.Release()
					if ferr != nil {
						t.Fatal(ferr)
					}
					if !sameAnswer(fresh, res) {
						t.Errorf("step %d: cached answer differs from a fresh one:\nfresh  %+v\ncached %+v", i, fresh, res)
					}
				}
			}
		})
	}
	if st := s.CacheStats(); st.Capacity != 8<<20 || st.Bytes <= 0 || st.Bytes > st.Capacity {
		t.Errorf("stats %+v: want capacity 8 MiB and 0 < bytes ≤ capacity", st)
	}
}

// TestCachedResultIsACopy changes everything a caller could change in a
// result and checks that the next hit is unchanged.
func TestCachedResultIsACopy(t *testing.T) {
	s, _ := openCached(t, "../seeds", 8<<20)
	ctx := context.Background()
	req := Request{Query: "OTAN"}
	first, err := s.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want := cloneResult(first)
	if len(want.Hits) == 0 || len(want.Facets) == 0 {
		t.Fatal("the test query finds nothing")
	}
	twinSeen := false
	for _, res := range []*Result{first, mustSearch(t, s, req)} {
		res.Total = 999
		res.Hits[0].Text = "changed"
		res.Hits[0].Actors = append(res.Hits[0].Actors[:0], "changed")
		if len(res.Hits[0].Years) > 0 {
			res.Hits[0].Years[0] = 1
		}
		for i := range res.Hits {
			if res.Hits[i].Twin != nil {
				res.Hits[i].Twin.Text = "changed"
				twinSeen = true
			}
		}
		res.Hits = append(res.Hits[:0], Hit{ID: "injected"})
		for name := range res.Facets {
			if len(res.Facets[name]) > 0 {
				res.Facets[name][0].Count = -1
			}
		}
		res.Facets["injected"] = nil
	}
	if !twinSeen {
		t.Log("no twin in the seeds' answer: twins not exercised")
	}
	got := mustSearch(t, s, req)
	if !sameAnswer(want, got) {
		t.Errorf("a caller's change reached the cache:\nwant %+v\ngot  %+v", want, got)
	}
}

func mustSearch(t *testing.T, s *Searcher, r Request) *Result {
	t.Helper()
	res, err := s.Search(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestCacheSwap checks that a swap empties the cache: the new
// generation's answer is returned, never the old one's.
func TestCacheSwap(t *testing.T) {
	s, _ := openCached(t, "../seeds", 8<<20)
	_, dataB := openCached(t, "../seeds", 0, "000_00170ef7a4690722.txt")
	all := Request{} // lists every passage: Total is the generation's passages
	a := mustSearch(t, s, all)
	if again := mustSearch(t, s, all); again.Total != a.Total || s.CacheStats().Hits != 1 {
		t.Fatalf("second search not a hit: %+v", s.CacheStats())
	}
	gen, err := indexer.Open(dataB)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Swap(gen); err != nil {
		t.Fatal(err)
	}
	if st := s.CacheStats(); st.Entries != 0 || st.Bytes != 0 {
		t.Errorf("after a swap the cache holds %d entries, %d bytes", st.Entries, st.Bytes)
	}
	b := mustSearch(t, s, all)
	if b.Total == a.Total {
		t.Fatalf("same total %d after the swap: the old generation's answer", b.Total)
	}
	_, m := s.Generation()
	if b.Total != uint64(m.Passages) {
		t.Errorf("total %d after the swap, the new generation has %d passages", b.Total, m.Passages)
	}
	if st := s.CacheStats(); st.Hits != 1 || st.Misses != 2 {
		t.Errorf("stats %+v: want 1 hit, 2 misses (counters survive the swap)", st)
	}
}

// TestCacheSingleFlight starts identical searches at once: one computes,
// the others wait for it and take its answer.
func TestCacheSingleFlight(t *testing.T) {
	s, _ := openCached(t, "../seeds", 8<<20)
	const n = 16
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			<-start
			res, err := s.Search(context.Background(), Request{Query: "cyber attacks"})
			if err == nil && res.Total == 0 {
				err = errors.New("no hits")
			}
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if st := s.CacheStats(); st.Misses != 1 || st.Hits != n-1 {
		t.Errorf("stats %+v: want 1 miss and %d hits", st, n-1)
	}
}

// TestCacheWaitsForVocabulary checks that answers computed before the
// generation's vocabulary is read (they lack translation and the fuzzy
// retry) are not kept.
func TestCacheWaitsForVocabulary(t *testing.T) {
	s, _ := openCached(t, "../seeds", 8<<20)
	v := s.live.vocab.Load()
	s.live.vocab.Store(nil)
	for range 2 {
		mustSearch(t, s, Request{Query: "OTAN"})
	}
	if st := s.CacheStats(); st.Entries != 0 || st.Hits+st.Misses != 0 {
		t.Errorf("stats %+v while the vocabulary is missing: want the cache untouched", st)
	}
	s.live.vocab.Store(v)
	for range 2 {
		mustSearch(t, s, Request{Query: "OTAN"})
	}
	if st := s.CacheStats(); st.Entries != 1 || st.Hits != 1 {
		t.Errorf("stats %+v once the vocabulary is read: want 1 entry, 1 hit", st)
	}
}

func TestCacheOff(t *testing.T) {
	s, _ := openCached(t, "../seeds", 0)
	for range 2 {
		mustSearch(t, s, Request{Query: "OTAN"})
	}
	if st := s.CacheStats(); st != (CacheStats{}) {
		t.Errorf("stats %+v with the cache off, want zero", st)
	}
}

// BenchmarkCacheHit is the cost of an answer from the cache (lookup and
// copy) on the seeds.
func BenchmarkCacheHit(b *testing.B) {
	data := b.TempDir()
	g := entity.Default()
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: "../seeds", Data: data, Extract: g.Annotate}); err != nil {
		b.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		b.Fatal(err)
	}
	s := New(gen, Options{Gazetteer: g, CacheBytes: DefaultCacheBytes})
	defer s.Close()
	ctx := context.Background()
	for i := range 10 {
		if _, err := s.Search(ctx, Request{Query: fmt.Sprintf("cyber %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; b.Loop(); i++ {
		if _, err := s.Search(ctx, Request{Query: fmt.Sprintf("cyber %d", i%10)}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCloneResultIsDeep changes every list and pointer of a copy and
// checks the original.
func TestCloneResultIsDeep(t *testing.T) {
	orig := fakeResult(10)
	want := fakeResult(10)
	c := cloneResult(orig)
	c.Hits[0].Actors[0] = "changed"
	c.Hits[0].Years[0] = 1
	c.Hits[0].Twin.Text = "changed"
	c.Hits[0].Text = "changed"
	c.Facets["lang"][0].Count = 99
	c.Facets["new"] = nil
	c.Hits = append(c.Hits, Hit{})
	if !reflect.DeepEqual(orig, want) {
		t.Errorf("changing the copy changed the original: %+v", orig)
	}
}
