package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
)

// TestEvalTopical runs the topical set over two Acts of laws-canada: both
// rankers, both modes, and the index kept in --laws-data for the next run.
func TestEvalTopical(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes two Acts")
	}
	laws := testutil.Corpus(t, "laws-canada")
	dir := t.TempDir()
	corpus := filepath.Join(dir, "laws")
	for _, f := range []string{"en/A-1.md", "fr/A-1.md", "en/P-21.md", "fr/P-21.md"} {
		b, err := os.ReadFile(filepath.Join(laws, f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(corpus, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(corpus, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set := filepath.Join(dir, "topical.json")
	os.WriteFile(set, []byte(`{"corpus":"laws-canada","questions":[
		{"id":"en-01","q":"who can request access to government records","kind":"en","acts":{"A-1":2,"P-21":1},"top":"A-1","sections":["4","6"]},
		{"id":"en-fr-01","q":"right of access to records","kind":"en-fr","acts":{"A-1":2},"top":"A-1","sections":["4"]}]}`), 0o644)
	data := filepath.Join(dir, "data")
	args := []string{"eval", "--sets", "topical", "--laws", corpus, "--laws-data", data, "--topical", set}
	code, out, errOut := runCmd(args...)
	if code != 0 {
		t.Fatalf("eval: %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"indexing all of", "vigie (lang)", "vigie (all)", "vigie (own)", "plain BM25 (lang)", "plain BM25 (all)", "en-fr", "Act MRR"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	found := false
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 7 && f[0] == "vigie" && f[1] == "(lang)" && f[2] == "en" {
			found = f[4] == "1.000"
		}
	}
	if !found {
		t.Errorf("the English question does not find the Access to Information Act first:\n%s", out)
	}
	// The second run reuses both indexes.
	code, out, errOut = runCmd(append(args, "--modes", "lang")...)
	if code != 0 || strings.Contains(out, "indexing all of") || strings.Contains(out, "plain BM25 index:") || strings.Contains(out, "vigie (all)") {
		t.Errorf("second run (index reused, lang mode only): %d\n%s%s", code, out, errOut)
	}
	for _, bad := range [][]string{{"eval", "--sets", "nope"}, {"eval", "--sets", "topical", "--laws-data", data, "--modes", "some"}} {
		if code, _, errOut := runCmd(bad...); code != 2 || errOut == "" {
			t.Errorf("%v: status %d, want 2 with a message", bad, code)
		}
	}
	if code, _, errOut := runCmd("eval", "--sets", "judged", "--lexicon", filepath.Join(dir, "nope.tsv")); code != 1 || !strings.Contains(errOut, "nope.tsv") {
		t.Errorf("eval with a missing lexicon file: %d %s", code, errOut)
	}
	if code, _, errOut := runCmd("eval", "--sets", "topical", "--topical", set, "--laws-data", filepath.Join(dir, "empty")); code != 1 || !strings.Contains(errOut, "--laws") {
		t.Errorf("eval --laws-data without an index nor --laws: %d %s", code, errOut)
	}
}

func TestActFilesExcept(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"en/A-1.md", "fr/A-1.md", "en/B-2.md", "fr/B-2.md", "en/C-3.md"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	got, err := actFilesExcept(dir, []string{"B-2", " "})
	if err != nil || !slices.Equal(got, []string{"A-1.md"}) {
		t.Errorf("actFilesExcept = %v, %v; want [A-1.md] (C-3 has no French version)", got, err)
	}
	if _, err := actFilesExcept(dir, []string{"A-1", "B-2"}); err == nil {
		t.Error("no Act left: no error")
	}
}
