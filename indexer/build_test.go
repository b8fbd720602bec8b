package indexer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// allPassages returns every passage of an index (up to 10,000) with the
// stored fields named.
func allPassages(t *testing.T, idx bleve.Index, fields ...string) search.DocumentMatchCollection {
	t.Helper()
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 10000, 0, false)
	req.Fields = fields
	res, err := idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	return res.Hits
}

// passageIDs lists the passage ids of the live generation, by document.
func passageIDs(t *testing.T, data string) map[string][]string {
	t.Helper()
	gen, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	out := map[string][]string{}
	for _, h := range allPassages(t, gen.Index, FieldDocID) {
		d, _ := h.Fields[FieldDocID].(string)
		out[d] = append(out[d], h.ID)
	}
	for _, ids := range out {
		sort.Strings(ids)
	}
	return out
}

func TestIncrementalBuild(t *testing.T) {
	seeds, data := t.TempDir(), t.TempDir()
	writeFiles(t, seeds, map[string]string{
		"keep.txt":         "Kept\n\nThe agency is responsible for the security of the information systems of the state.\n",
		"change.md":        "# Changed\n\nThe first version of this text is about the security of the networks.\n\n## Second\n\nThis section does not change between the two builds of the index.\n",
		"remove.txt":       "Removed\n\nThis document is deleted before the second build of the index.\n",
		"nolang.txt":       "Nolang\n\nDer Bundestag hat das Gesetz heute beschlossen.\n",
		"nolang.meta.json": `{"title": "Kein Titel", "extra": 1}`,
		"bulk.jsonl": `{"id": "a", "title": "A", "text": "The record a is the same in both builds of the index.", "actors": ["anssi"]}` + "\n" +
			`{"id": "b", "title": "B", "text": "The record b changes between the two builds of the index."}` + "\n",
	})
	var extracted atomic.Int32
	opts := Options{Seeds: seeds, Data: data, Extract: func(text string) ([]string, []string, []int) {
		extracted.Add(1)
		return nil, []string{"nato"}, nil
	}}
	m1, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if c := m1.Changes; c.Base != "" || c.Added != 6 || c.Reused != 0 {
		t.Errorf("first build changes = %+v", c)
	}
	before := passageIDs(t, data)
	if len(before["a"]) != 1 {
		t.Fatalf("passages of a: %v", before)
	}

	// Same corpus: nothing is analysed again.
	extracted.Store(0)
	m2, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if c := m2.Changes; c.Base != m1.Generation || c.Reused != 6 || c.Added+c.Changed+c.Removed != 0 || extracted.Load() != 0 {
		t.Errorf("unchanged rebuild: changes %+v, %d passages analysed", c, extracted.Load())
	}
	// Warnings about unchanged documents are repeated, once.
	if fmt.Sprint(m2.Problems) != fmt.Sprint(m1.Problems) || len(m1.Problems) != 2 {
		t.Errorf("problems: first build %v, unchanged rebuild %v", m1.Problems, m2.Problems)
	}
	if m2.Passages != m1.Passages {
		t.Errorf("passages %d, then %d", m1.Passages, m2.Passages)
	}

	// Edit, delete, add.
	writeFiles(t, seeds, map[string]string{
		"change.md": "# Changed\n\nThe second version of this text is about the security of the satellites.\n\n## Second\n\nThis section does not change between the two builds of the index.\n",
		"new.txt":   "New\n\nThis document is added before the third build of the index.\n",
		"bulk.jsonl": `{"id": "a", "title": "A", "text": "The record a is the same in both builds of the index.", "actors": ["anssi"]}` + "\n" +
			`{"id": "b", "title": "B", "text": "The record b has changed between the two builds of the index."}` + "\n",
	})
	if err := os.Remove(filepath.Join(seeds, "remove.txt")); err != nil {
		t.Fatal(err)
	}
	extracted.Store(0)
	m3, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if c := m3.Changes; c.Reused != 3 || c.Added != 1 || c.Changed != 2 || c.Removed != 1 {
		t.Errorf("third build changes = %+v", c)
	}
	// Analysed: change.md (2 passages), new.txt (1), b (1).
	if n := extracted.Load(); n != 4 {
		t.Errorf("%d passages analysed, want 4", n)
	}
	after := passageIDs(t, data)
	if len(after["remove"]) != 0 {
		t.Errorf("passages of a deleted document remain: %v", after["remove"])
	}
	if len(after["new"]) != 1 || len(after["change"]) != 2 || len(after["b"]) != 1 {
		t.Errorf("passages after edits: %v", after)
	}
	if strings.Join(after["keep"], ",") != strings.Join(before["keep"], ",") {
		t.Errorf("unchanged document's passages changed: %v → %v", before["keep"], after["keep"])
	}
	// The unchanged section of the edited document keeps its id; the
	// edited one has a new id and the old one is gone.
	common := 0
	for _, id := range after["change"] {
		for _, old := range before["change"] {
			if id == old {
				common++
			}
		}
	}
	if common != 1 {
		t.Errorf("edited document: %d passage ids kept, want 1 (%v → %v)", common, before["change"], after["change"])
	}
	// Document-level entities survive reuse, merged with extracted ones.
	for _, d := range m3.Documents {
		if d.ID == "a" && strings.Join(d.Actors, ",") != "anssi" || d.ID == "a" && strings.Join(d.Forums, ",") != "nato" {
			t.Errorf("reused document a: actors %v forums %v", d.Actors, d.Forums)
		}
	}
	// A full build gives the same passages.
	m4, err := Build(context.Background(), Options{Seeds: seeds, Data: data, Full: true, Extract: opts.Extract})
	if err != nil {
		t.Fatal(err)
	}
	full := passageIDs(t, data)
	if m4.Changes.Base != "" || m4.Passages != m3.Passages || len(full) != len(after) {
		t.Errorf("full build: %d passages in %d documents; incremental: %d in %d", m4.Passages, len(full), m3.Passages, len(after))
	}
	for d, ids := range after {
		if strings.Join(full[d], ",") != strings.Join(ids, ",") {
			t.Errorf("document %s: incremental %v, full %v", d, ids, full[d])
		}
	}
	// At most two generations are kept.
	gens, _ := generations(data)
	if len(gens) != 2 {
		t.Errorf("generations kept: %v", gens)
	}
}

// TestFingerprintForcesFullBuild: passages built with other settings or
// another gazetteer are not reused.
func TestFingerprintForcesFullBuild(t *testing.T) {
	seeds, data := t.TempDir(), t.TempDir()
	writeFiles(t, seeds, map[string]string{"a.txt": "A\n\nThe agency is responsible for the security of the state.\n"})
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data, Fingerprint: "gazetteer-1"}); err != nil {
		t.Fatal(err)
	}
	m, err := Build(context.Background(), Options{Seeds: seeds, Data: data, Fingerprint: "gazetteer-2"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Changes.Base != "" || m.Changes.Reused != 0 {
		t.Errorf("changes = %+v, want a full build", m.Changes)
	}
	// Defaults spelled out are the same settings.
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	m, err = Build(context.Background(), Options{Seeds: seeds, Data: data, Split: DefaultSplitOptions, Read: DefaultReadOptions})
	if err != nil {
		t.Fatal(err)
	}
	if m.Changes.Reused != 1 {
		t.Errorf("changes = %+v with the defaults spelled out, want the document reused", m.Changes)
	}
	m, err = Build(context.Background(), Options{Seeds: seeds, Data: data, Split: SplitOptions{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Changes.Reused != 0 {
		t.Errorf("changes = %+v after a new passage limit, want a full build", m.Changes)
	}
}

func TestFailedBuildKeepsLive(t *testing.T) {
	seeds, data := t.TempDir(), t.TempDir()
	files := map[string]string{}
	for i := range 40 {
		files[filepath.Join("d", string(rune('a'+i%26))+strings.Repeat("x", i/26)+".txt")] = "Doc\n\nThe agency is responsible for the security of the information systems of the state.\n"
	}
	writeFiles(t, seeds, files)
	m1, err := Build(context.Background(), Options{Seeds: seeds, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	// Cancel half-way through the next build.
	writeFiles(t, seeds, map[string]string{"d/new.txt": "New\n\nA document added for the build that fails.\n"})
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Build(ctx, Options{Seeds: seeds, Data: data, Full: true, Progress: func(p Progress) {
		if p.Files == 20 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled build: %v", err)
	}
	if cur, _ := Current(data); cur != m1.Generation {
		t.Errorf("live generation %s after a failed build, want %s", cur, m1.Generation)
	}
	gens, _ := generations(data)
	if len(gens) != 1 {
		t.Errorf("failed build left generations %v", gens)
	}
	// Strict: problems fail the build and the live generation stays.
	writeFiles(t, seeds, map[string]string{"d/empty.txt": ""})
	m, err := Build(context.Background(), Options{Seeds: seeds, Data: data, Strict: true})
	if !errors.Is(err, ErrProblems) || m == nil || len(m.Problems) != 1 {
		t.Fatalf("strict build: %v, %+v", err, m)
	}
	if cur, _ := Current(data); cur != m1.Generation {
		t.Errorf("strict failure switched to %s", cur)
	}
	// Nothing usable: the live generation stays too.
	empty := t.TempDir()
	writeFiles(t, empty, map[string]string{"x.txt": "", "y.bin": "ignored"})
	m, err = Build(context.Background(), Options{Seeds: empty, Data: data})
	if !errors.Is(err, ErrNoDocuments) || m == nil || len(m.Problems) != 1 {
		t.Fatalf("empty corpus: %v", err)
	}
	if cur, _ := Current(data); cur != m1.Generation {
		t.Errorf("empty corpus switched to %s", cur)
	}
	// The next build succeeds and is incremental from the live one.
	m2, err := Build(context.Background(), Options{Seeds: seeds, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if m2.Changes.Base != m1.Generation || m2.Changes.Added != 1 || len(m2.Documents) != 41 {
		t.Errorf("build after failures: %+v, %d documents", m2.Changes, len(m2.Documents))
	}
}

// TestLockHelper is not a test: TestBuildLockedByAnotherProcess runs it
// in a child process to hold the data folder's lock.
func TestLockHelper(t *testing.T) {
	data := os.Getenv("VIGIE_LOCK_HELPER")
	if data == "" {
		t.Skip("helper process for TestBuildLockedByAnotherProcess")
	}
	release, err := lock(data)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	os.Stdout.WriteString("locked\n")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
}

func TestBuildLockedByAnotherProcess(t *testing.T) {
	data := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "VIGIE_LOCK_HELPER="+data)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper: %q %v", line, err)
	}
	began := time.Now()
	_, err = Build(context.Background(), Options{Seeds: "../seeds", Data: data})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second build: %v, want ErrLocked", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("second build took %s to fail; it must not wait for the lock", d)
	}
	// Once the other process is gone, the lock is free.
	stdin.Close()
	_ = cmd.Wait()
	if _, err := Build(context.Background(), Options{Seeds: "../seeds", Data: data}); err != nil {
		t.Errorf("build after the other process ended: %v", err)
	}
}
