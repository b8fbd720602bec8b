package search

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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

// TestEvaluatorBlocks: scored in blocks of four matches, a conjunction
// whose rarest child matches nothing in a block is not asked about its
// other children there; in a later block those must start past the
// earlier blocks' matches, and every score is bleve's.
func TestEvaluatorBlocks(t *testing.T) {
	files := map[string]string{}
	for i := range 40 {
		body := "alpha beta filler"
		if i >= 30 {
			body += " gamma"
		}
		files[fmt.Sprintf("doc%02d.txt", i)] = fmt.Sprintf("Document %d\n\n%s number %d\n", i, body, i)
	}
	s := openCorpus(t, writeCorpus(t, files))
	vw := s.Acquire()
	defer vw.Release()
	was := scoreBlock
	scoreBlock = 4
	defer func() { scoreBlock = was }()
	term := func(w string, boost float64) query.Query {
		q := bleve.NewTermQuery(w)
		q.SetField("text_en")
		q.SetBoost(boost)
		return q
	}
	q := bleve.NewDisjunctionQuery(bleve.NewConjunctionQuery(term("gamma", 1), term("alpha", 3)), term("beta", 0.5))
	ctx := context.Background()
	mine := &topHits{k: 40}
	total, ok, err := evaluateOwn(ctx, vw.sn.gen.Index, q, mine, nil)
	if err != nil || !ok {
		t.Fatalf("evaluator: %v, %v", ok, err)
	}
	ref := &topHits{k: 40}
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	res, err := vw.sn.gen.Index.SearchInContext(withHandler(ctx, ref.handler), req)
	if err != nil {
		t.Fatal(err)
	}
	a, b := mine.sorted(), ref.sorted()
	if total != res.Total || total != 40 || len(a) != len(b) {
		t.Fatalf("total %d (%d hits), bleve %d (%d)", total, len(a), res.Total, len(b))
	}
	for i := range a {
		if a[i].id != b[i].id || math.Abs(a[i].score-b[i].score) > 1e-12 {
			t.Fatalf("hit %d: %s %v, bleve %s %v", i, a[i].id, a[i].score, b[i].id, b[i].score)
		}
	}
}
