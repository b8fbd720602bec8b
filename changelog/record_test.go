package changelog

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCompare(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	prev := []Passage{
		{ID: "d~1", DocID: "d", Heading: "Intro", Ordinal: 0, Text: "Canada will strengthen its cyber defence capabilities."},
		{ID: "d~2", DocID: "d", Heading: "Goals", Ordinal: 1, Text: "Protect critical infrastructure."},
		{ID: "d~3", DocID: "d", Heading: "Old", Ordinal: 2, Text: "A section that goes away entirely."},
	}
	next := []Passage{
		{ID: "d~1b", DocID: "d", Heading: "Intro", Ordinal: 0, Text: "Canada will expand its cyber defence capabilities."},
		{ID: "d~2", DocID: "d", Heading: "Goals", Ordinal: 1, Text: "Protect critical infrastructure."},
		{ID: "d~4", DocID: "d", Heading: "New", Ordinal: 2, Text: "Quantum computing research is funded."},
	}
	got := Compare("gen-2", at, prev, next)
	want := []struct {
		kind Kind
		id   string
	}{{Changed, "d~1b"}, {Added, "d~4"}, {Removed, "d~3"}}
	if len(got) != len(want) {
		t.Fatalf("got %d changes %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if got[i].Kind != w.kind || got[i].PassageID != w.id {
			t.Errorf("change %d: %s %s, want %s %s", i, got[i].Kind, got[i].PassageID, w.kind, w.id)
		}
		if got[i].ID != "gen-2/"+w.id || got[i].Generation != "gen-2" || !got[i].Time.Equal(at) {
			t.Errorf("change %d: id %q gen %q time %v", i, got[i].ID, got[i].Generation, got[i].Time)
		}
	}
	c := got[0]
	if c.Previous == nil || c.Previous.ID != "d~1" || c.Diff == nil {
		t.Fatalf("changed passage without previous or diff: %+v", c)
	}
	if len(c.Diff.Removed) != 1 || c.Diff.Removed[0] != "strengthen" || len(c.Diff.Added) != 1 || c.Diff.Added[0] != "expand" {
		t.Errorf("diff %+v", c.Diff)
	}
}

func TestCompareHeadingEdited(t *testing.T) {
	prev := []Passage{{ID: "a", Heading: "Objectives", Text: "Protect critical infrastructure against cyber attacks from hostile states."}}
	next := []Passage{{ID: "b", Heading: "Goals", Text: "Protect critical infrastructure against cyber attacks from hostile states."}}
	got := Compare("g", time.Now(), prev, next)
	if len(got) != 1 || got[0].Kind != Changed || got[0].Previous.Heading != "Objectives" {
		t.Fatalf("got %+v", got)
	}
}

func rec(gen, base string, at time.Time) *Record {
	return &Record{Generation: gen, Base: base, Time: at, Documents: []Doc{{ID: "d", Kind: Changed}},
		Changes: []Change{{ID: gen + "/p", Kind: Added, Generation: gen, Time: at, PassageID: "p", DocID: "d", Text: "x\ny"}}}
}

func TestChainAndPrune(t *testing.T) {
	dir := t.TempDir()
	l := Open(dir)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := &Record{Generation: "gen-1", Time: t0, Baseline: true, Documents: []Doc{{ID: "d", Kind: Baseline}}}
	for _, r := range []*Record{base, rec("gen-2", "gen-1", t0.Add(time.Hour)), rec("gen-3", "gen-2", t0.Add(2*time.Hour)),
		rec("gen-2x", "gen-2", t0.Add(90*time.Minute))} { // gen-2x: a build that never went live
		if err := l.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	// A fresh Log reads from disk.
	l = Open(dir)
	chain, err := l.Chain("gen-3")
	if err != nil {
		t.Fatal(err)
	}
	var gens []string
	for _, r := range chain {
		gens = append(gens, r.Generation)
	}
	if len(gens) != 3 || gens[0] != "gen-3" || gens[2] != "gen-1" {
		t.Fatalf("chain %v", gens)
	}
	if got := Since(chain, t0.Add(30*time.Minute), ""); len(got) != 2 || got[0].Generation != "gen-3" {
		t.Errorf("since a time: %+v", got)
	}
	if got := Since(chain, time.Time{}, "gen-2"); len(got) != 1 || got[0].Generation != "gen-3" || got[0].Text != "x\ny" {
		t.Errorf("since a generation: %+v", got)
	}
	if h := History(chain, "d"); len(h) != 3 || h[2].Kind != Baseline || len(h[0].Changes) != 1 {
		t.Errorf("history %+v", h)
	}
	if err := os.WriteFile(filepath.Join(dir, Dir, "gen-4.jsonl.tmp"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := l.Prune("gen-3"); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, Dir))
	if len(entries) != 3 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("after prune: %v, want the three records of the chain", names)
	}
	if c, err := l.Chain("gen-unknown"); err != nil || len(c) != 0 {
		t.Errorf("chain of a generation without a record: %v %v", c, err)
	}
}
