package discover

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/lang"
)

// lawsAnnotation is the hand-made ground truth of one laws-canada passage.
type lawsAnnotation struct {
	Passage string   `json:"passage"`
	Prefix  string   `json:"prefix"` // the passage's first 40 bytes
	Actors  []string `json:"actors"` // ids of the gazetteer
	Other   []string `json:"other"`  // named institutions the gazetteer lacks (misses)
	Note    string   `json:"note"`
}

// prf counts micro precision and recall over (passage, actor) pairs.
type prf struct{ tp, fp, fn int }

func (c prf) precision() float64 { return float64(c.tp) / float64(max(1, c.tp+c.fp)) }
func (c prf) recall() float64    { return float64(c.tp) / float64(max(1, c.tp+c.fn)) }

// TestLawsAnnotations measures the actor tagging of laws-canada with the
// gazetteer made by discovery and review (docs/examples), on 120 passages
// annotated by hand, and with the embedded gazetteer alone for comparison.
// Figures: docs/gazetteer.md.
func TestLawsAnnotations(t *testing.T) {
	dir := testutil.Corpus(t, "laws-canada")
	var ann struct {
		Passages []lawsAnnotation `json:"passages"`
	}
	b, err := os.ReadFile("testdata/laws_annotations.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ann); err != nil {
		t.Fatal(err)
	}
	if len(ann.Passages) < 100 {
		t.Fatalf("%d annotated passages, want at least 100", len(ann.Passages))
	}
	raw, err := os.ReadFile("../../docs/examples/laws-canada-gazetteer.yaml")
	if err != nil {
		t.Fatal(err)
	}
	laws, err := entity.CombineSource("laws-canada-gazetteer.yaml", raw, entity.Merge)
	if err != nil {
		t.Fatal(err)
	}
	texts := lawsPassages(t, dir, ann.Passages)

	measure := func(g *entity.Gazetteer, verbose bool) prf {
		var c prf
		for _, a := range ann.Passages {
			got, _ := g.Extract(texts[a.Passage])
			for _, id := range got {
				if slices.Contains(a.Actors, id) {
					c.tp++
				} else {
					c.fp++
					if verbose {
						t.Logf("%s: +%s", a.Passage, id)
					}
				}
			}
			for _, id := range a.Actors {
				if !slices.Contains(got, id) {
					c.fn++
					if verbose {
						t.Logf("%s: -%s", a.Passage, id)
					}
				}
			}
			c.fn += len(a.Other)
		}
		return c
	}
	for _, a := range ann.Passages {
		for _, id := range a.Actors {
			if !laws.IsType(id, entity.Actor) {
				t.Errorf("%s: annotated %q is not an actor of the gazetteer", a.Passage, id)
			}
		}
	}
	c := measure(laws, testing.Verbose())
	base := measure(entity.Default(), false)
	t.Logf("laws-canada gazetteer (merged): precision %.3f recall %.3f (tp %d, fp %d, fn %d)", c.precision(), c.recall(), c.tp, c.fp, c.fn)
	t.Logf("embedded gazetteer alone:       precision %.3f recall %.3f (tp %d, fp %d, fn %d)", base.precision(), base.recall(), base.tp, base.fp, base.fn)
	const minP, minR = 0.90, 0.80
	if c.precision() < minP || c.recall() < minR {
		t.Errorf("laws-canada actors: precision %.3f, recall %.3f; floors %.2f, %.2f", c.precision(), c.recall(), minP, minR)
	}
}

// lawsPassages reads the documents of the annotated passages and returns
// their texts by passage id, checking each annotation's prefix.
func lawsPassages(t *testing.T, dir string, anns []lawsAnnotation) map[string]string {
	t.Helper()
	out := map[string]string{}
	read := map[string]bool{}
	for _, a := range anns {
		doc, _, _ := strings.Cut(a.Passage, "~")
		if read[doc] {
			continue
		}
		read[doc] = true
		rel := strings.ReplaceAll(doc, "--", "/") + ".md"
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := indexer.Parse(rel, b, lang.English)
		if err != nil {
			t.Fatal(err)
		}
		d.ID = doc
		for _, p := range indexer.Split(d, indexer.SplitOptions{}) {
			out[p.ID] = p.Text
		}
	}
	for _, a := range anns {
		if text, ok := out[a.Passage]; !ok {
			t.Errorf("passage %s not found", a.Passage)
		} else if !strings.HasPrefix(text, a.Prefix) {
			t.Errorf("passage %s starts %q, annotated %q", a.Passage, text[:min(40, len(text))], a.Prefix)
		}
	}
	return out
}
