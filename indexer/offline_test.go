package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/vigie/vigie/internal/testutil"
)

// smallOfflineSegments makes the offline builder write a segment every
// few passages, so that a small corpus goes through the final merge.
func smallOfflineSegments(t *testing.T) {
	chunk, batch, queue := offlineChunkSize, offlineBatch, offlineQueue
	offlineChunkSize, offlineBatch, offlineQueue = 3, 7, 2
	t.Cleanup(func() { offlineChunkSize, offlineBatch, offlineQueue = chunk, batch, queue })
}

// onlineIndex indexes the passages of seeds as a full build did before the
// offline builder, as an incremental build does: the documents prepareDoc
// makes into scorch's online index, one batch per document, merged
// into one segment at the end (compact). The merge matters: scorch's BM25
// statistics depend on how the index is cut into segments, and scores
// differ by up to 20% between one segment and several.
func onlineIndex(t *testing.T, seeds string) bleve.Index {
	t.Helper()
	docs, _, err := ReadDir(context.Background(), seeds, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.NewUsing(filepath.Join(t.TempDir(), "online"), NewMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	for _, d := range docs {
		b := idx.NewBatch()
		for _, p := range Split(d, SplitOptions{}) {
			p.Actors, p.Forums = union(d.Actors, nil), union(d.Forums, nil)
			doc, _, err := prepareDoc(idx.Mapping(), p.ID, record(&p, d))
			if err == nil {
				err = b.IndexAdvanced(doc)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := compact(context.Background(), idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// smallFullBuild builds the cloud guardrails in full, in small segments
// (smallOfflineSegments), into a new data folder: the seeds, the data
// folder and the manifest.
func smallFullBuild(t *testing.T) (string, string, *Manifest) {
	t.Helper()
	seeds := testutil.Corpus(t, "cloud-guardrails")
	smallOfflineSegments(t)
	data := t.TempDir()
	m, err := Build(context.Background(), Options{Seeds: seeds, Data: data, Full: true})
	if err != nil {
		t.Fatal(err)
	}
	return seeds, data, m
}

// keptLive checks that a failed build left the live generation as it was,
// and nothing else in the data folder.
func keptLive(t *testing.T, data, live, how string) {
	t.Helper()
	if cur, _ := Current(data); cur != live {
		t.Errorf("live generation %s after a %s build, want %s", cur, how, live)
	}
	if gens, _ := generations(data); len(gens) != 1 {
		t.Errorf("%s build left generations %v", how, gens)
	}
}

// TestFullBuildOffline: a full build (bleve's offline builder, documents
// analysed by a pool of goroutines, many segments merged at the end)
// writes one segment, with the index mapping, and the same terms, counts,
// scores and stored fields as scorch's online index; its twins, aligned
// from the passages in memory, are those read back from the index.
func TestFullBuildOffline(t *testing.T) {
	seeds, data, m := smallFullBuild(t)
	if m.Passages < 10*offlineBatch {
		t.Fatalf("%d passages: too few to test merging", m.Passages)
	}
	genDir := filepath.Join(data, m.Generation)
	entries, err := os.ReadDir(genDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != indexDir {
			t.Errorf("temporary folder %s left in the generation", e.Name())
		}
	}
	zaps, _ := filepath.Glob(filepath.Join(genDir, indexDir, "store", "*.zap"))
	if len(zaps) != 1 {
		t.Errorf("segments %v, want one", zaps)
	}
	gen, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()

	wantMapping, _ := json.Marshal(NewMapping())
	gotMapping, _ := json.Marshal(gen.Index.Mapping())
	if string(gotMapping) != string(wantMapping) {
		t.Errorf("stored mapping differs:\n got %s\nwant %s", gotMapping, wantMapping)
	}

	stored, err := linkStoredTwins(gen.Index, m.Documents)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) == 0 {
		t.Fatal("no twins in a corpus of en/ and fr/ pairs")
	}
	if !reflect.DeepEqual(stored, gen.Twins) {
		t.Errorf("twins from memory differ from twins read from the index:\nstored %v\nmemory %v", stored, gen.Twins)
	}

	online := onlineIndex(t, seeds)
	n1, _ := online.DocCount()
	n2, _ := gen.Index.DocCount()
	if n1 != n2 || int(n2) != m.Passages {
		t.Fatalf("documents: online %d, offline %d, manifest %d", n1, n2, m.Passages)
	}
	fields, err := online.Fields()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if f == "_all" {
			t.Errorf("the index has an _all field")
		}
		want, got := dictionary(t, online, f), dictionary(t, gen.Index, f)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("field %s: terms differ:\n online %q\noffline %q", f, want, got)
			continue
		}
		// Hits and scores (BM25: term and field-length statistics) of
		// every third term, and the stored fields of the hits.
		for i := 0; i < len(want); i += 3 {
			q := bleve.NewTermQuery(want[i])
			q.SetField(f)
			req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
			req.Fields = StoredFields
			a, err := online.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := gen.Index.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Hits) != len(b.Hits) {
				t.Fatalf("%s:%q: %d hits online, %d offline", f, want[i], len(a.Hits), len(b.Hits))
			}
			scores := map[string]float64{}
			stored := map[string]map[string]interface{}{}
			for _, h := range a.Hits {
				scores[h.ID], stored[h.ID] = h.Score, h.Fields
			}
			for _, h := range b.Hits {
				if s, ok := scores[h.ID]; !ok || math.Abs(s-h.Score) > 1e-9 {
					t.Errorf("%s:%q: hit %s scores %v offline, %v online", f, want[i], h.ID, h.Score, s)
				}
				if !reflect.DeepEqual(stored[h.ID], h.Fields) {
					t.Errorf("%s: stored fields\n online %v\noffline %v", h.ID, stored[h.ID], h.Fields)
				}
			}
		}
	}
}

// dictionary returns the terms of a field, in order. (Its entries'
// counts are not document frequencies: scorch adds up one per segment.)
func dictionary(t *testing.T, idx bleve.Index, field string) []string {
	t.Helper()
	d, err := idx.FieldDict(field)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []string
	for {
		e, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return out
		}
		out = append(out, e.Term)
	}
}

// TestFullBuildCancelled: a full build cancelled while the offline
// builder is writing leaves the live generation, and nothing else.
func TestFullBuildCancelled(t *testing.T) {
	seeds, data, m1 := smallFullBuild(t)
	for _, at := range []int{1, 15} {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Build(ctx, Options{Seeds: seeds, Data: data, Full: true, Progress: func(p Progress) {
			if p.Files == at {
				cancel()
			}
		}})
		cancel()
		if err == nil || ctx.Err() == nil {
			t.Fatalf("cancelled at file %d: %v", at, err)
		}
		keptLive(t, data, m1.Generation, "cancelled")
	}
}

// TestFullBuildSegmentFails: a segment that cannot be built, the first or
// one among many built on both cores, fails the build with its error and
// leaves the live generation as it was, with nothing of the failed build
// left in the data folder.
func TestFullBuildSegmentFails(t *testing.T) {
	seeds, data, m1 := smallFullBuild(t)
	t.Cleanup(func() { testHookSegment = nil })
	for _, at := range []int{0, 9} {
		testHookSegment = func(seq int) error {
			if seq == at {
				return errors.New("disk full")
			}
			return nil
		}
		_, err := Build(context.Background(), Options{Seeds: seeds, Data: data, Full: true})
		if err == nil || !strings.Contains(err.Error(), "build segment: disk full") {
			t.Fatalf("segment %d failing: build error %v", at, err)
		}
		keptLive(t, data, m1.Generation, "failed")
	}
}
