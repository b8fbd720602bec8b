package bench

import (
	"bytes"
	"os"
	"path/filepath"
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

func TestMetricValue(t *testing.T) {
	text := "# HELP vigie_search_cache_hits_total x\n# TYPE vigie_search_cache_hits_total counter\n" +
		"vigie_search_cache_hits_total 1.2345e+06\nvigie_search_cache_hits_total_other 3\n" +
		"vigie_search_cache_misses_total{x=\"y\"} 9\nvigie_search_cache_misses_total 42\n"
	for _, tt := range []struct {
		name string
		want uint64
	}{{"vigie_search_cache_hits_total", 1234500}, {"vigie_search_cache_misses_total", 42}, {"absent", 0}} {
		if got := metricValue(text, tt.name); got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, got, tt.want)
		}
	}
	if got := metricFloat("vigie_search_queue_wait_seconds_total 0.0125\n", "vigie_search_queue_wait_seconds_total"); got != 0.0125 {
		t.Errorf("metricFloat = %v, want 0.0125", got)
	}
	if got := benchWait(MixReport{}); got != "no limit" {
		t.Errorf("wait without workers: %q", got)
	}
	if got := benchWait(MixReport{Workers: 4, QueueWaitMS: 12.34}); got != "12.3 ms (4 workers)" {
		t.Errorf("wait with 4 workers: %q", got)
	}
	if got := benchHitRate(0, 0, 0, 0); got != "off" {
		t.Errorf("hit rate with no counts: %q", got)
	}
	if got := benchHitRate(1, 3, 2, 3<<20); got != "25% (2 kept, 3.0 MiB)" {
		t.Errorf("hit rate 1/4: %q", got)
	}
}

// TestBenchPrintMixErrors: the text report names the first error of a mix
// that had some (the table only counts them), and says nothing for a mix
// without.
func TestBenchPrintMixErrors(t *testing.T) {
	r := &Report{Mixes: []MixReport{
		{Name: "headings-30k", Closed: loadgen.Report{Errors: 3, FirstError: "HTTP status 400"}},
		{Name: "broad-5k"},
	}}
	var buf bytes.Buffer
	benchPrint(&buf, r)
	out := buf.String()
	if !strings.Contains(out, `First error of headings-30k: "HTTP status 400"`) {
		t.Errorf("report lacks the mix's first error:\n%s", out)
	}
	if strings.Contains(out, "First error of broad-5k") {
		t.Errorf("report names an error for a mix without:\n%s", out)
	}
}
