package search

import (
	"context"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
)

// TestLoadMatchesBleve: every passage of the cloud guardrails read by
// load (the id dictionaries and a visitor of the stored fields) holds the
// fields bleve's LoadAndHighlightFields gives it, multi-valued fields
// (actors, years) in the same order; an unknown id is left out.
func TestLoadMatchesBleve(t *testing.T) {
	s := openCorpus(t, testutil.Corpus(t, "cloud-guardrails"))
	vw := s.Acquire()
	defer vw.Release()
	idx := vw.sn.gen.Index
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 10000, 0, false)
	res, err := idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"no-such-passage"}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	if len(ids) < 100 {
		t.Fatalf("%d passages", len(ids))
	}
	got, err := vw.load(context.Background(), ids, indexer.StoredFields)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["no-such-passage"]; ok || len(got) != len(ids)-1 {
		t.Fatalf("%d passages loaded of %d, unknown one present: %v", len(got), len(ids)-1, ok)
	}
	reader, err := openReader(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	multi := 0
	for _, id := range ids[1:] {
		want := &bsearch.DocumentMatch{ID: id}
		if err, _ := bleve.LoadAndHighlightFields(want, &bleve.SearchRequest{Fields: indexer.StoredFields}, "", reader, nil); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[id].Fields, want.Fields) {
			t.Fatalf("%s: loaded %v, bleve %v", id, got[id].Fields, want.Fields)
		}
		for _, v := range want.Fields {
			if _, ok := v.([]any); ok {
				multi++
			}
		}
	}
	if multi == 0 {
		t.Error("no multi-valued field among the passages: the order of values is untested")
	}
}

// BenchmarkLoad reads the stored fields of a page of eleven passages of
// the cloud guardrails by id: with load, and (/bleve) with one
// LoadAndHighlightFields a passage, as before.
func BenchmarkLoad(b *testing.B) {
	s := openCorpus(b, testutil.Corpus(b, "cloud-guardrails"))
	vw := s.Acquire()
	defer vw.Release()
	idx := vw.sn.gen.Index
	res, err := idx.Search(bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 11, 40, false))
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	ctx := context.Background()
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if _, err := vw.load(ctx, ids, indexer.StoredFields); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bleve", func(b *testing.B) {
		req := &bleve.SearchRequest{Fields: indexer.StoredFields}
		for b.Loop() {
			reader, err := openReader(idx)
			if err != nil {
				b.Fatal(err)
			}
			for _, id := range ids {
				h := &bsearch.DocumentMatch{ID: id}
				if err, _ := bleve.LoadAndHighlightFields(h, req, "", reader, nil); err != nil {
					b.Fatal(err)
				}
			}
			reader.Close()
		}
	})
}
