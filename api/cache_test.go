package api

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

// TestSearchCache: a repeated search is answered from the result cache
// (the metrics move, the body is the same but for took_ms), and after a
// swap the new generation answers.
func TestSearchCache(t *testing.T) {
	m := NewMetrics("test")
	g := entity.Default()
	ts, h := serveCorpus(t, testutil.Seeds(), g, search.Options{Gazetteer: g, CacheBytes: 1 << 20}, Options{Metrics: m})
	metric := func(name string) float64 { return value(scrape(t, ts), name) }
	took := regexp.MustCompile(`"took_ms":[0-9.e+-]+`)
	search := func(path string) (string, string) {
		t.Helper()
		status, hdr, body := get(t, ts, path)
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		return took.ReplaceAllString(string(body), `"took_ms":0`), hdr.Get(GenerationHeader)
	}
	steps := []struct {
		path         string
		hits, misses float64 // cumulative
	}{
		{"/api/v1/search?q=OTAN", 0, 1},
		{"/api/v1/search?q=OTAN", 1, 1},
		{"/api/v1/search?q=OTAN&page=1&size=10", 2, 1},
		{"/api/v1/search?q=OTAN&ui=fr", 2, 2},      // labels change
		{"/api/v1/search?q=zzzznothingzzzz", 2, 3}, // no hits:
		{"/api/v1/search?q=zzzznothingzzzz", 3, 3}, // still "hits":[]
		{"/api/v1/search?q=OTAN&lang=xx", 3, 4},    // 400
		{"/api/v1/search?q=OTAN&lang=xx", 3, 5},    // errors are not kept
		{"/api/v1/facets", 3, 6},                   // the facets endpoint
		{"/api/v1/facets", 4, 6},                   // searches too
	}
	bodies := map[string]string{}
	for i, st := range steps {
		status, _, body := get(t, ts, st.path)
		if status == 200 {
			b := took.ReplaceAllString(string(body), `"took_ms":0`)
			if prev, ok := bodies[st.path]; ok && prev != b {
				t.Errorf("step %d %s: cached body differs:\n%s\n%s", i, st.path, prev, b)
			}
			bodies[st.path] = b
			var res struct{ Hits *[]any }
			if json.Unmarshal(body, &res) == nil && res.Hits == nil && st.path != "/api/v1/facets" {
				t.Errorf("step %d %s: hits missing or null: %s", i, st.path, body)
			}
		}
		if h, ms := metric("vigie_search_cache_hits_total"), metric("vigie_search_cache_misses_total"); h != st.hits || ms != st.misses {
			t.Errorf("step %d %s: cache hits %v misses %v, want %v %v", i, st.path, h, ms, st.hits, st.misses)
		}
	}
	if b, c := metric("vigie_search_cache_bytes"), metric("vigie_search_cache_capacity_bytes"); b <= 0 || b > c || c != 1<<20 {
		t.Errorf("cache bytes %v of capacity %v", b, c)
	}

	// Swap to a generation of one English seed: the answer changes.
	before, genBefore := search("/api/v1/search?size=1")
	src, data := t.TempDir(), t.TempDir()
	b, err := os.ReadFile(filepath.Join(testutil.Seeds(), "000_00170ef7a4690722.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "000_00170ef7a4690722.txt"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: src, Data: data, Extract: g.Annotate}); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Searcher().Swap(gen); err != nil {
		t.Fatal(err)
	}
	if v := metric("vigie_search_cache_entries"); v != 0 {
		t.Errorf("%v entries after the swap, want 0", v)
	}
	after, genAfter := search("/api/v1/search?size=1")
	if genAfter == genBefore || after == before {
		t.Errorf("after the swap: generation %s (was %s), body %s (was %s)", genAfter, genBefore, after, before)
	}
	_, man := h.Searcher().Generation()
	var res struct{ Total int }
	if err := json.Unmarshal([]byte(after), &res); err != nil || res.Total != man.Passages {
		t.Errorf("total %d after the swap, the new generation has %d passages (%v)", res.Total, man.Passages, err)
	}
}
