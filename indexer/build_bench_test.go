package indexer

import (
	"context"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
)

// benchBuild times full builds, and incremental builds where nothing
// changed, of a corpus folder. Run with:
//
//	go test ./indexer -run '^$' -bench Build -benchtime 3x
//	go test ./indexer -run '^$' -bench BuildLaws -benchtime 1x -timeout 1h
func benchBuild(b *testing.B, seeds string) {
	b.Run("full", func(b *testing.B) {
		var m *Manifest
		for b.Loop() {
			var err error
			if m, err = Build(context.Background(), Options{Seeds: seeds, Data: b.TempDir(), Full: true}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(m.Documents)), "docs")
		b.ReportMetric(float64(m.Passages), "passages")
	})
	b.Run("unchanged", func(b *testing.B) {
		data := b.TempDir()
		if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
			b.Fatal(err)
		}
		var m *Manifest
		for b.Loop() {
			var err error
			if m, err = Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
				b.Fatal(err)
			}
		}
		if m.Changes.Reused != len(m.Documents) {
			b.Fatalf("unchanged corpus: %+v", m.Changes)
		}
		b.ReportMetric(float64(m.Changes.Reused), "reused")
	})
}

func BenchmarkBuildSeeds(b *testing.B) { benchBuild(b, testutil.Seeds()) }

func BenchmarkBuildLaws(b *testing.B) { benchBuild(b, testutil.Corpus(b, "laws-canada")) }

func BenchmarkReadLaws(b *testing.B) {
	dir := testutil.Corpus(b, "laws-canada")
	for b.Loop() {
		if _, _, err := ReadDir(context.Background(), dir, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
