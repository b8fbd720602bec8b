package search

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
)

// lawsSubset copies the cyber-relevant Acts of laws-canada (both
// languages) into a temporary corpus folder.
func lawsSubset(b *testing.B) string {
	b.Helper()
	laws := testutil.Corpus(b, "laws-canada")
	dir := b.TempDir()
	for _, lang := range []string{"en", "fr"} {
		if err := os.MkdirAll(filepath.Join(dir, lang), 0o755); err != nil {
			b.Fatal(err)
		}
		for _, code := range []string{"A-1", "P-21", "P-8.6", "O-5", "C-35.3", "T-3.4"} {
			raw, err := os.ReadFile(filepath.Join(laws, lang, code+".md"))
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, lang, code+".md"), raw, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dir
}

var benchQueries = []struct{ name, q string }{
	{"acronym", "OTAN"},
	{"en-two-words", "cyber attacks"},
	{"fr-accent-free", "cybersecurite"},
	{"en-broad", "information"},
	{"fr-phrase", `"renseignements personnels"`},
	{"empty-facets", ""},
}

func benchSearch(b *testing.B, s *Searcher) {
	ctx := context.Background()
	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Search(ctx, Request{Query: bq.q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearchSeeds measures query latency (parse, two-language query,
// highlight, four facets) on the seeds.
func BenchmarkSearchSeeds(b *testing.B) {
	benchSearch(b, openCorpus(b, "../seeds"))
}

// BenchmarkSearchLaws does the same on six Acts of laws-canada in both
// languages (about 7,000 passages).
func BenchmarkSearchLaws(b *testing.B) {
	benchSearch(b, openCorpus(b, lawsSubset(b)))
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parse(`"cyber space" nato OR otan -terrorism lang:fr sécu* year:2013..2016`)
	}
}

func BenchmarkHighlight(b *testing.B) {
	s := openCorpus(b, "../seeds")
	res, err := s.Search(context.Background(), Request{Query: "cyber security", Size: 1})
	if err != nil || len(res.Hits) == 0 {
		b.Fatal(err)
	}
	text := res.Hits[0].Text
	marks := []markSpan{{10, 15}, {200, 208}, {400, 410}, {800, 805}}
	b.ReportAllocs()
	for b.Loop() {
		highlight(text, marks)
	}
}
