package indexer

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/lang"
)

// Benchmarks of the indexing hot paths on the laws-canada corpus
// (../shared/corpora/laws-canada; skipped where it is absent). Run with
//
//	go test -run '^$' -bench . -benchmem ./indexer
//
// Figures and profiles are in docs/performance.md.

// lawsDoc reads and parses one Act of laws-canada.
func lawsDoc(b *testing.B, rel string) *Document {
	b.Helper()
	root := testutil.Corpus(b, "laws-canada")
	raw, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		b.Fatal(err)
	}
	doc, _, err := Parse(rel, raw, "")
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// lawsParagraph returns a section paragraph of a typical length (400 to
// 1,000 bytes) from the Access to Information Act in lang.
func lawsParagraph(b *testing.B, lg string) string {
	b.Helper()
	doc := lawsDoc(b, lg+"/A-1.md")
	for _, p := range strings.Split(doc.Text, "\n") {
		if len(p) >= 400 && len(p) <= 1000 {
			return p
		}
	}
	b.Fatal("no paragraph of 400 to 1,000 bytes in A-1")
	return ""
}

// BenchmarkAnalyze runs each language's analyzer on a laws paragraph: the
// per-field cost of indexing (each passage is analysed for its text,
// heading and title fields); "+words" analyses it as a build does a
// passage's text, with the vocabulary's words from the same tokens
// (lang.AnalyzeWords).
func BenchmarkAnalyze(b *testing.B) {
	for _, lg := range lang.Languages {
		text := []byte(lawsParagraph(b, lg))
		a, err := lang.Analyzer(lang.AnalyzerFor(lg))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(lg, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				a.Analyze(text)
			}
		})
		b.Run(lg+"+words", func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			buf := make([]byte, len(text))
			for b.Loop() {
				copy(buf, text) // the filters change the text in place
				lang.AnalyzeWords(a, buf)
			}
		})
	}
}

// BenchmarkParseLaws parses (normalises and renders the Markdown of) the
// largest Act, in each language.
func BenchmarkParseLaws(b *testing.B) {
	for _, lg := range lang.Languages {
		rel := lg + "/B-1.01.md"
		root := testutil.Corpus(b, "laws-canada")
		raw, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(lg, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Parse(rel, raw, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSplitLaws splits the largest Act into passages.
func BenchmarkSplitLaws(b *testing.B) {
	for _, lg := range lang.Languages {
		doc := lawsDoc(b, lg+"/B-1.01.md")
		b.Run(lg, func(b *testing.B) {
			b.SetBytes(int64(len(doc.Text)))
			b.ReportAllocs()
			var n int
			for b.Loop() {
				n = len(Split(doc, DefaultSplitOptions))
			}
			b.ReportMetric(float64(n), "passages")
		})
	}
}

// lawsSubset links every nth Act of laws-canada, in both languages, into a
// temporary corpus folder.
func lawsSubset(b testing.TB, every int) string {
	b.Helper()
	root := testutil.Corpus(b, "laws-canada")
	names, err := os.ReadDir(filepath.Join(root, lang.English))
	if err != nil {
		b.Fatal(err)
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name() < names[j].Name() })
	dst := b.TempDir()
	for i, n := range names {
		if i%every != 0 {
			continue
		}
		for _, lg := range lang.Languages {
			from, to := filepath.Join(root, lg, n.Name()), filepath.Join(dst, lg, n.Name())
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				b.Fatal(err)
			}
			raw, err := os.ReadFile(from)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(to, raw, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dst
}

// BenchmarkBuildLaws builds a generation of one Act in 20 (45 Acts in
// each language, about 5% of the corpus) with the gazetteer's extraction,
// as `vigie index` does; it reports passages indexed per second.
func BenchmarkBuildLawsSubset(b *testing.B) {
	seeds := lawsSubset(b, 20)
	g := entity.Default()
	extract := g.Annotate
	for _, batch := range []int{0, 2000} {
		name := "batch=default"
		if batch > 0 {
			name = "batch=" + strconv.Itoa(batch)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var passages int
			for b.Loop() {
				m, err := Build(context.Background(), Options{Seeds: seeds, Data: b.TempDir(), Extract: extract, BatchSize: batch})
				if err != nil {
					b.Fatal(err)
				}
				passages = m.Passages
			}
			b.ReportMetric(float64(passages)*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
		})
	}
}
