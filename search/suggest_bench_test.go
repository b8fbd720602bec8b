package search

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/lang"
)

// typed is what a user types, keystroke by keystroke.
var typed = []string{"c", "cy", "cyb", "cybe", "s", "se", "sec", "secu", "p", "pr", "pri", "priv", "d", "do", "don",
	"donn", "l", "la", "law", "minist", "ministere des a", "national secu", "renseignements pers", "o", "ot", "ota", "e", "en", "enc"}

// benchSuggest runs Suggest over the typed prefixes and reports the 99th
// percentile of one call, the figure that matters for a keystroke.
func benchSuggest(b *testing.B, sg *suggester) {
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := typed[i%len(typed)]
		start := time.Now()
		sg.suggest(q, "", 8)
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(len(sg.keys)), "keys")
}

// BenchmarkSuggestSeeds: completions over the seeds' index.
func BenchmarkSuggestSeeds(b *testing.B) {
	s := openCorpus(b, "../seeds")
	benchSuggest(b, s.live.vocab.Load().sugg)
}

var lawsVocab struct {
	once sync.Once
	sg   *suggester
	df   map[string]map[string]int
	m    *indexer.Manifest
}

// BenchmarkSuggestLaws: completions over the vocabulary of all of
// laws-canada (both languages, every word of every paragraph, plus the
// gazetteer and the 1,806 titles), the largest corpus Vigie is tested on.
// The setup reads 78 MB; the benchmark times Suggest only.
func BenchmarkSuggestLaws(b *testing.B) {
	benchSuggest(b, lawsSuggester(b))
}

// BenchmarkSuggesterBuildLaws: the cost, when a generation opens, of the
// completion structure for all of laws-canada's vocabulary.
func BenchmarkSuggesterBuildLaws(b *testing.B) {
	lawsSuggester(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		newSuggester(lawsVocab.df, map[string]int{}, entity.Default(), lawsVocab.m)
	}
}

func lawsSuggester(b *testing.B) *suggester {
	laws := testutil.Corpus(b, "laws-canada")
	lawsVocab.once.Do(func() {
		df := map[string]map[string]int{lang.English: {}, lang.French: {}}
		m := &indexer.Manifest{}
		a, err := lang.Analyzer(lang.AnalyzerWords)
		if err != nil {
			b.Fatal(err)
		}
		for _, lg := range lang.Languages {
			files, _ := filepath.Glob(filepath.Join(laws, lg, "*.md"))
			for _, f := range files {
				fh, err := os.Open(f)
				if err != nil {
					b.Fatal(err)
				}
				sc := bufio.NewScanner(fh)
				sc.Buffer(make([]byte, 1<<20), 16<<20)
				for sc.Scan() {
					line := sc.Text()
					if t, ok := strings.CutPrefix(line, "title: "); ok {
						m.Documents = append(m.Documents, indexer.DocInfo{Document: indexer.Document{Title: strings.Trim(t, `"`), Lang: lg}, Passages: 50})
						continue
					}
					seen := map[string]bool{}
					for _, tok := range a.Analyze([]byte(line)) {
						w := string(tok.Term)
						if !seen[w] {
							seen[w] = true
							df[lg][w]++
						}
					}
				}
				fh.Close()
			}
		}
		lawsVocab.df, lawsVocab.m = df, m
		lawsVocab.sg = newSuggester(df, map[string]int{}, entity.Default(), m)
	})
	return lawsVocab.sg
}
