package indexer

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/vigie/vigie/changelog"
)

var watchCorpus = map[string]string{
	"policy.md": "# Cyber policy\n\n## Defence\n\nCanada will strengthen its cyber defence capabilities with its allies.\n\n" +
		"## Research\n\nThe government funds research on secure networks.\n",
	"gone.txt": "Old note\n\nThis note about fisheries will be deleted before the second build.\n",
}

// edit applies the second version of watchCorpus: one passage of policy.md
// edited, gone.txt deleted, new.txt added.
func edit(t *testing.T, seeds string) {
	t.Helper()
	writeFiles(t, seeds, map[string]string{
		"policy.md": "# Cyber policy\n\n## Defence\n\nCanada will expand its cyber defence capabilities with its allies.\n\n" +
			"## Research\n\nThe government funds research on secure networks.\n",
		"new.txt": "Quantum note\n\nQuantum computing threatens current encryption.\n",
	})
	if err := os.Remove(filepath.Join(seeds, "gone.txt")); err != nil {
		t.Fatal(err)
	}
}

type kindDoc struct{ kind, doc string }

func changeKinds(t *testing.T, data string) []kindDoc {
	t.Helper()
	cur, err := Current(data)
	if err != nil {
		t.Fatal(err)
	}
	chain, err := changelog.Open(data).Chain(cur)
	if err != nil {
		t.Fatal(err)
	}
	var out []kindDoc
	for _, c := range changelog.Since(chain, time.Time{}, "") {
		out = append(out, kindDoc{string(c.Kind), c.DocID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].doc+out[i].kind < out[j].doc+out[j].kind })
	return out
}

func TestChangeLogRecorded(t *testing.T) {
	for _, full := range []bool{false, true} {
		t.Run(map[bool]string{false: "incremental", true: "full"}[full], func(t *testing.T) {
			seeds, data := t.TempDir(), t.TempDir()
			writeFiles(t, seeds, watchCorpus)
			m1, err := Build(context.Background(), Options{Seeds: seeds, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			chain, err := changelog.Open(data).Chain(m1.Generation)
			if err != nil || len(chain) != 1 || !chain[0].Baseline || len(chain[0].Documents) != 2 || len(chain[0].Changes) != 0 {
				t.Fatalf("first build: chain %+v, %v; want one baseline record of 2 documents", chain, err)
			}
			edit(t, seeds)
			m2, err := Build(context.Background(), Options{Seeds: seeds, Data: data, Full: full})
			if err != nil {
				t.Fatal(err)
			}
			got := changeKinds(t, data)
			want := []kindDoc{{"removed", "gone"}, {"added", "new"}, {"changed", "policy"}}
			if len(got) != len(want) {
				t.Fatalf("changes %v, want %v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("change %d = %v, want %v", i, got[i], want[i])
				}
			}
			chain, _ = changelog.Open(data).Chain(m2.Generation)
			for _, c := range chain[0].Changes {
				if c.Kind == changelog.Changed {
					if c.Diff == nil || len(c.Diff.Removed) != 1 || c.Diff.Removed[0] != "strengthen" || c.Diff.Added[0] != "expand" {
						t.Errorf("diff %+v", c.Diff)
					}
					if c.Previous.Heading != "Defence" || c.Heading != "Defence" || c.Title != "Cyber policy" {
						t.Errorf("changed passage %+v", c)
					}
				}
			}
			// A third build with nothing changed records an empty record
			// and prunes generation 1: the log keeps everything.
			if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(data, m1.Generation)); !os.IsNotExist(err) {
				t.Fatalf("generation 1 not pruned: %v", err)
			}
			if got := changeKinds(t, data); len(got) != 3 {
				t.Errorf("after pruning: %v", got)
			}
			cur, _ := Current(data)
			chain, _ = changelog.Open(data).Chain(cur)
			if h := changelog.History(chain, "policy"); len(h) != 2 || h[0].Kind != changelog.Changed || h[1].Kind != changelog.Baseline {
				t.Errorf("history of policy: %+v", h)
			}
		})
	}
}

// TestChangeLogCrashWindow copies the data folder at the worst moment, the
// record written and CURRENT not yet switched, as a kill -9 would leave
// it: the log must read as before, and the next build must clean up and
// record the changes once.
func TestChangeLogCrashWindow(t *testing.T) {
	seeds, data, crashed := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "data")
	writeFiles(t, seeds, watchCorpus)
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	before := changeKinds(t, data)
	edit(t, seeds)
	testHookBeforeSwitch = func(d, gen string) {
		if err := copyDir(d, crashed); err != nil {
			t.Error(err)
		}
	}
	defer func() { testHookBeforeSwitch = nil }()
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	testHookBeforeSwitch = nil
	if recs, _ := os.ReadDir(filepath.Join(crashed, changelog.Dir)); len(recs) != 2 {
		t.Fatalf("the crash copy holds %d records, want the live one and the orphan", len(recs))
	}
	if got := changeKinds(t, crashed); len(got) != len(before) {
		t.Fatalf("after a crash before the switch: %v, want %v", got, before)
	}
	// The next build on the crashed folder cleans up the orphan record.
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: crashed}); err != nil {
		t.Fatal(err)
	}
	if got := changeKinds(t, crashed); len(got) != 3 {
		t.Errorf("after the next build: %v, want the 3 changes once", got)
	}
	if recs, _ := os.ReadDir(filepath.Join(crashed, changelog.Dir)); len(recs) != 2 {
		t.Errorf("%d records after clean-up, want 2", len(recs))
	}
	// A crash just after the switch: the record counts, since CURRENT names it.
	if got := changeKinds(t, data); len(got) != 3 {
		t.Errorf("live folder: %v", got)
	}
}

// TestChangeLogAfterUpgrade: a live generation built before the change log
// existed (no record) is the base of the next build, which records its
// changes and lists the untouched documents as the baseline.
func TestChangeLogAfterUpgrade(t *testing.T) {
	seeds, data := t.TempDir(), t.TempDir()
	writeFiles(t, seeds, watchCorpus)
	m1, err := Build(context.Background(), Options{Seeds: seeds, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(data, changelog.Dir)); err != nil { // as older versions left it
		t.Fatal(err)
	}
	writeFiles(t, seeds, map[string]string{"new.txt": "Quantum note\n\nQuantum computing threatens current encryption.\n"})
	m2, err := Build(context.Background(), Options{Seeds: seeds, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	chain, err := changelog.Open(data).Chain(m2.Generation)
	if err != nil || len(chain) != 1 || chain[0].Base != m1.Generation || chain[0].Baseline {
		t.Fatalf("chain %+v %v", chain, err)
	}
	kinds := map[string]changelog.Kind{}
	for _, d := range chain[0].Documents {
		kinds[d.ID] = d.Kind
	}
	if kinds["new"] != changelog.Added || kinds["policy"] != changelog.Baseline || kinds["gone"] != changelog.Baseline {
		t.Errorf("documents %v", kinds)
	}
	if len(chain[0].Changes) != 1 || chain[0].Changes[0].Kind != changelog.Added {
		t.Errorf("changes %+v", chain[0].Changes)
	}
}
