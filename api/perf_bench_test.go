package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// Benchmarks of the API's own work on top of a search: routing,
// middleware, parameter parsing and JSON encoding. Run with
//
//	go test -run '^$' -bench . -benchmem ./api

func benchSearcher(b *testing.B) *search.Searcher {
	b.Helper()
	data := b.TempDir()
	g := entity.Default()
	extract := g.Annotate
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: "../seeds", Data: data, Extract: extract}); err != nil {
		b.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		b.Fatal(err)
	}
	s := search.New(gen, search.Options{Gazetteer: g})
	b.Cleanup(func() { s.Close() })
	return s
}

// discard is a ResponseWriter that keeps nothing, so that the benchmark
// measures encoding, not a growing buffer.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkEncodeResult encodes a page of 10 highlighted hits with facets
// (the seeds' answer to "cyber") as the search handler does.
func BenchmarkEncodeResult(b *testing.B) {
	res, err := benchSearcher(b).Search(context.Background(), search.Request{Query: "cyber"})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Hits) < 5 {
		b.Fatalf("%d hits: want a full page", len(res.Hits))
	}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		writeJSON(w, http.StatusOK, res)
	}
}

// BenchmarkSearchOverhead runs the same searches in process and through
// the router (no network): the difference is the API's own cost.
func BenchmarkSearchOverhead(b *testing.B) {
	s := benchSearcher(b)
	h := &Handle{}
	h.SetSearcher(s)
	router := NewRouter(h, Options{})
	for _, q := range []string{"cyber", "OTAN", "cyber attacks"} {
		b.Run("searcher/"+q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Search(context.Background(), search.Request{Query: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
		target := "/api/v1/search?" + url.Values{"q": {q}}.Encode()
		b.Run("router/"+q, func(b *testing.B) {
			b.ReportAllocs()
			w := &discard{h: http.Header{}}
			for b.Loop() {
				clear(w.h)
				router.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
			}
		})
	}
}
