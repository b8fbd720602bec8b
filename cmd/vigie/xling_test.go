package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs a subcommand in-process and returns its status and output.
func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestLexiconCommand(t *testing.T) {
	code, out, _ := runCmd("lexicon", "show", "international law", "cyberdéfense")
	if code != 0 || !strings.Contains(out, "droit international") || !strings.Contains(out, "cyber defence") {
		t.Errorf("lexicon show: %d\n%s", code, out)
	}
	code, out, _ = runCmd("lexicon", "show", "--top", "3", "--source", "glossary")
	if code != 0 || strings.Count(out, "glossary") != 3 {
		t.Errorf("lexicon show --top 3 --source glossary: %d\n%s", code, out)
	}
	for _, args := range [][]string{{"lexicon"}, {"lexicon", "build"}, {"lexicon", "frobnicate"}} {
		if code, _, errOut := runCmd(args...); code != 2 || errOut == "" {
			t.Errorf("%v: status %d, want 2 with a message", args, code)
		}
	}
	// A small parallel corpus builds a lexicon file that show can read.
	corpus := t.TempDir()
	for lang, text := range map[string]string{
		"en": "# Act\n\n### 1 Definitions\n\npersonal information means information about an individual; (renseignements personnels)\n",
		"fr": "# Loi\n\n### 1 Définitions\n\nrenseignements personnels Les renseignements concernant un individu. (personal information)\n",
	} {
		os.MkdirAll(filepath.Join(corpus, lang), 0o755)
		os.WriteFile(filepath.Join(corpus, lang, "A-1.md"), []byte(text), 0o644)
	}
	file := filepath.Join(t.TempDir(), "lex.tsv")
	code, out, errOut := runCmd("lexicon", "build", "--corpus", corpus, "--out", file, "--min-count", "1", "--log-level", "warn")
	if code != 0 || !strings.Contains(out, "Wrote") {
		t.Fatalf("lexicon build: %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCmd("lexicon", "show", "--file", file, "personal information")
	if code != 0 || !strings.Contains(out, "renseignements personnels") {
		t.Errorf("lexicon show --file: %d\n%s", code, out)
	}
	if code, _, errOut := runCmd("lexicon", "build", "--corpus", filepath.Join(corpus, "nope")); code != 1 || errOut == "" {
		t.Errorf("build on a missing folder: status %d", code)
	}
}

func TestEvalCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the seeds")
	}
	judgments := filepath.Join("..", "..", "search", "testdata", "relevance.json")
	code, out, errOut := runCmd("eval", "--corpus", filepath.Join("..", "..", "seeds"), "--judgments", judgments)
	if code != 0 {
		t.Fatalf("eval: %d\n%s", code, errOut)
	}
	for _, want := range []string{"nDCG@10", "MRR", "recall@10", "xling-en-fr", "\nall "} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := runCmd("eval", "--judgments", "nope.json"); code != 1 || !strings.Contains(errOut, "nope.json") {
		t.Errorf("eval with a missing judgments file: %d %s", code, errOut)
	}
}
