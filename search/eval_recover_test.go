package search

import (
	"context"
	"reflect"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
)

// TestEvaluatorFailureFallsBack: a panic inside the evaluator costs the
// reader nothing: bleve answers the search, with the same hits and facet
// counts as when the evaluator works, and the failure is counted.
func TestEvaluatorFailureFallsBack(t *testing.T) {
	s := openCorpus(t, testutil.Seeds())
	ctx := context.Background()
	for _, r := range []Request{
		{Query: "cyber"},
		{Query: "sécurité nationale", Filters: map[string][]string{"lang": {"fr"}}},
	} {
		want, err := s.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		before := s.EvaluatorStats().Failures
		evalTestHook = func() { panic("evaluator bug") }
		got, err := s.Search(ctx, r)
		evalTestHook = nil
		if err != nil {
			t.Fatalf("%q: %v", r.Query, err)
		}
		if s.EvaluatorStats().Failures <= before {
			t.Errorf("%q: the failure was not counted", r.Query)
		}
		if got.Total != want.Total || !reflect.DeepEqual(got.Facets, want.Facets) || len(got.Hits) != len(want.Hits) {
			t.Fatalf("%q after a failure: total %d, facets %v; want %d, %v", r.Query, got.Total, got.Facets, want.Total, want.Facets)
		}
		for i := range got.Hits {
			if got.Hits[i].ID != want.Hits[i].ID {
				t.Errorf("%q hit %d: %s, want %s", r.Query, i, got.Hits[i].ID, want.Hits[i].ID)
			}
		}
	}
}
