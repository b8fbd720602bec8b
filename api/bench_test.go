package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

// BenchmarkSearchEndpoint measures a search through the whole router
// (middleware, metrics, logging off, JSON), to compare with
// BenchmarkSearchDirect: the difference is the HTTP layer's cost.
func BenchmarkSearchEndpoint(b *testing.B) {
	ts, _ := newServerOver(b, testutil.Seeds(), Options{})
	router := ts.Config.Handler
	for _, q := range []string{"cyber", "cy*", "cybersecurite+OTAN"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/search?q="+q, nil)
				rec := httptest.NewRecorder()
				router.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

func BenchmarkSearchDirect(b *testing.B) {
	_, h := newServerOver(b, testutil.Seeds(), Options{})
	sr := h.Searcher()
	for _, q := range []string{"cyber", "cy*", "cybersecurite OTAN"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := sr.Search(context.Background(), search.Request{Query: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
