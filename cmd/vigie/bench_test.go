package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vigie/vigie/internal/loadgen"
)

func TestBenchSubsetKeepsTranslationsTogether(t *testing.T) {
	root := t.TempDir()
	for _, lang := range []string{"en", "fr"} {
		for _, name := range []string{"A-1.md", "B-2.md", "C-3.md", "D-4.md", "E-5.md", "F-6.md", "G-7.md", "H-8.md", "I-9.md", "J-10.md"} {
			p := filepath.Join(root, lang, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("# "+name+"\n\ntext\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		fraction float64
		want     int
	}{{0.1, 2}, {0.3, 6}, {0.5, 10}, {1, 20}} {
		files, err := benchSubset(root, tc.fraction)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != tc.want {
			t.Errorf("fraction %v: %d files, want %d", tc.fraction, len(files), tc.want)
		}
		perName := map[string]int{}
		for _, f := range files {
			perName[filepath.Base(f.rel)]++
		}
		for name, n := range perName {
			if n != 2 {
				t.Errorf("fraction %v: %s kept in %d languages, want both", tc.fraction, name, n)
			}
		}
		again, _ := benchSubset(root, tc.fraction)
		if len(again) != len(files) || (len(files) > 0 && again[0] != files[0]) {
			t.Errorf("fraction %v: subset not deterministic", tc.fraction)
		}
	}
	if _, err := benchSubset(t.TempDir(), 0.5); err == nil {
		t.Error("empty corpus: no error")
	}
}

func TestBenchRequestMatchesAPIParameters(t *testing.T) {
	r, err := benchRequest(mixQuery(t, "k\tcyber\tlang=en,fr&year=2016&page=2&size=5"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Query != "cyber" || r.Page != 2 || r.Size != 5 || len(r.Filters["lang"]) != 2 || r.Filters["year"][0] != "2016" {
		t.Errorf("benchRequest = %+v", r)
	}
	if _, err := benchRequest(mixQuery(t, "k\tcyber\tpage=x")); err == nil {
		t.Error("page=x: no error")
	}
}

func mixQuery(t *testing.T, line string) loadgen.Query {
	t.Helper()
	m, err := loadgen.ParseMix(strings.NewReader(line + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return m.Searches[0]
}

// TestBenchCommand runs `vigie bench` on the seeds with short phases and
// checks that every stage produced figures.
func TestBenchCommand(t *testing.T) {
	bin := buildBinary(t)
	out, err := exec.Command(bin, "bench", "--corpus", "../../seeds", "--duration", "500ms",
		"--rate", "40", "--concurrency", "2", "--rounds", "1", "--json").Output()
	if err != nil {
		t.Fatalf("vigie bench: %v", err)
	}
	var r benchReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("bench --json: %v\n%s", err, out)
	}
	if r.Documents != 2 || r.Passages == 0 || r.IndexTime <= 0 || r.FirstSearch <= 0 {
		t.Errorf("indexing figures missing: %+v", r)
	}
	if r.Closed.Requests == 0 || r.Closed.Errors != 0 || r.Open.Requests != 20 || r.Open.Errors != 0 {
		t.Errorf("load phases: closed %+v, open %+v", r.Closed, r.Open)
	}
	if r.Overhead.InProcessMS <= 0 || r.Overhead.HTTPMS <= 0 {
		t.Errorf("overhead not measured: %+v", r.Overhead)
	}
	if r.Suggest == nil && r.SuggestNote == "" {
		t.Error("suggest neither measured nor explained")
	}
	if runtime.GOOS == "linux" && (r.IndexPeak <= 0 || r.Serve.RSS <= 0) {
		t.Errorf("RSS missing: index %d, serve %+v", r.IndexPeak, r.Serve)
	}
}

func TestBenchRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "--corpus", "x", "--fraction", "0"},
		{"bench", "--corpus", "x", "--fraction", "1.5"},
		{"bench", "--corpus", "x", "--rate", "0"},
		{"bench", "--corpus", "x", "stray"},
	} {
		var stdout, stderr strings.Builder
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("vigie %v: exit %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}
