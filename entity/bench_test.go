package entity

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigie/vigie/internal/testutil"
)

// seedTexts returns the seed documents by language.
func seedTexts(tb testing.TB) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for lang, name := range map[string]string{"en": "000_00170ef7a4690722.txt", "fr": "004_dca60fb814a64a17.txt"} {
		b, err := os.ReadFile(filepath.Join("..", "seeds", name))
		if err != nil {
			tb.Fatal(err)
		}
		out[lang] = string(b)
	}
	return out
}

// BenchmarkFind scans each whole seed document.
func BenchmarkFind(b *testing.B) {
	g := Default()
	for _, lang := range []string{"en", "fr"} {
		text := seedTexts(b)[lang]
		b.Run(lang, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				g.Find(text)
			}
		})
	}
}

// BenchmarkExtract runs Extract on every seed paragraph, the size of an
// indexed passage; ns/op is per paragraph.
func BenchmarkExtract(b *testing.B) {
	g := Default()
	var paras []string
	for _, text := range seedTexts(b) {
		paras = append(paras, paragraphs(text)...)
	}
	slices.Sort(paras)
	benchExtract(b, g, paras)
}

// benchExtract runs g.Extract on each paragraph in turn.
func benchExtract(b *testing.B, g *Gazetteer, paras []string) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		g.Extract(paras[i%len(paras)])
		i++
	}
}

// BenchmarkExtractLaws runs Extract on paragraphs of the Privacy Act in both
// languages from the shared corpora; ns/op is per paragraph.
func BenchmarkExtractLaws(b *testing.B) {
	var paras []string
	for _, lang := range []string{"en", "fr"} {
		text, err := os.ReadFile(filepath.Join(testutil.Corpus(b, "laws-canada"), lang, "P-21.md"))
		if err != nil {
			b.Fatal(err)
		}
		paras = append(paras, paragraphs(string(text))...)
	}
	benchExtract(b, Default(), paras)
}

func BenchmarkYears(b *testing.B) {
	for _, lang := range []string{"en", "fr"} {
		text := seedTexts(b)[lang]
		b.Run(lang, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				Years(text)
			}
		})
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(bytes.NewReader(embedded)); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzFind checks that mentions are in order, do not overlap, lie on rune
// boundaries and name known entities, and that Extract agrees with Find.
func FuzzFind(f *testing.F) {
	for _, text := range seedTexts(f) {
		for _, p := range paragraphs(text) {
			f.Add(p)
		}
	}
	f.Add("l’OTAN, UN GGE, CERT-EU, U.S. Cyber Command, https://www.nato.int, a@b.c, ministe\u0300re")
	g := Default()
	f.Fuzz(func(t *testing.T, text string) {
		end := 0
		ids := map[string]bool{}
		for _, m := range g.Find(text) {
			if m.Start < end || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("bad mention %v after offset %d in %q", m, end, text)
			}
			if utf8.Valid([]byte(text)) && (!utf8.RuneStart(text[m.Start]) || m.End < len(text) && !utf8.RuneStart(text[m.End])) {
				t.Fatalf("mention %v splits a rune in %q", m, text)
			}
			if _, ok := g.Entity(m.ID); !ok {
				t.Fatalf("unknown id %q", m.ID)
			}
			ids[m.ID] = true
			end = m.End
		}
		actors, forums := g.Extract(text)
		for _, id := range append(actors, forums...) {
			if !ids[id] {
				t.Fatalf("Extract found %q, Find did not", id)
			}
		}
		for id := range ids {
			if !slices.Contains(actors, id) && !slices.Contains(forums, id) {
				t.Fatalf("Find found %q, Extract did not", id)
			}
		}
	})
}

// FuzzYears checks that years are sorted, unique, in range and written in
// the text.
func FuzzYears(f *testing.F) {
	for _, text := range seedTexts(f) {
		for _, p := range paragraphs(text) {
			f.Add(p)
		}
	}
	f.Add("2013-2016, 2017-18, 18.09.2017, n° 2009-834, SPIN 2017-01, $2000")
	f.Fuzz(func(t *testing.T, text string) {
		ys := Years(text)
		if !slices.IsSorted(ys) || len(slices.Compact(slices.Clone(ys))) != len(ys) {
			t.Fatalf("Years(%q) = %v: not sorted and unique", text, ys)
		}
		for _, y := range ys {
			if y < minYear || y > maxYear || !strings.Contains(text, strconv.Itoa(y)) {
				t.Fatalf("Years(%q) = %v: %d", text, ys, y)
			}
		}
	})
}
