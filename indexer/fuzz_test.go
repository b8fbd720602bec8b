package indexer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigie/vigie/lang"
)

// FuzzParse feeds any bytes to the document readers, as plain text and
// as Markdown: Parse returns a document or an error, never panics, and a
// document it returns is consistent: valid UTF-8 text, blocks inside the
// text on rune boundaries, passages that are exactly the text at their
// offsets, in order, with unique ids.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"../seeds", "../testdata/hostile"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil {
				f.Add(b, strings.HasSuffix(e.Name(), ".md"))
			}
		}
	}
	for _, s := range []string{
		"", "\x00", "\xff\xfe", "Title\n\nBody.", "---\ntitle: x\n---\n# H\n\ntext", "---\n: [\n---\n", "# \n\n- a\n  - b\n",
		"| a | b |\n|---|---|\n| <ul><li>x</li></ul> | y |", "Intro:\n• one\n• two\n", "Publié le 28 Juillet 2022\n\nTexte.",
		"\ufeffTitle\r\nline\rline", strings.Repeat("Sentence. ", 500),
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, raw []byte, markdown bool) {
		name := "fuzz.txt"
		if markdown {
			name = "fuzz.md"
		}
		doc, _, err := Parse(name, raw, lang.English)
		if err != nil {
			if doc != nil {
				t.Fatal("a document and an error")
			}
			return
		}
		if !utf8.ValidString(doc.Text) || !utf8.ValidString(doc.Title) {
			t.Fatal("invalid UTF-8 in the document")
		}
		if doc.Lang != lang.English && doc.Lang != lang.French {
			t.Fatalf("language %q", doc.Lang)
		}
		boundary := func(i int) bool { return i == len(doc.Text) || utf8.RuneStart(doc.Text[i]) }
		for _, b := range doc.Blocks {
			if b.Start < 0 || b.End > len(doc.Text) || b.Start > b.End || !boundary(b.Start) || !boundary(b.End) {
				t.Fatalf("block %+v outside the %d-byte text or inside a rune", b, len(doc.Text))
			}
		}
		ps := Split(doc, DefaultSplitOptions)
		ids := map[string]bool{}
		prevEnd := 0
		for i, p := range ps {
			if p.Start < prevEnd || p.End > len(doc.Text) || p.Start > p.End {
				t.Fatalf("passage %d [%d,%d) out of order or outside the text", i, p.Start, p.End)
			}
			prevEnd = p.End
			if p.Text != doc.Text[p.Start:p.End] {
				t.Fatalf("passage %d text differs from the document at its offsets", i)
			}
			if p.Ordinal != i || ids[p.ID] || !strings.HasPrefix(p.ID, doc.ID+"~") {
				t.Fatalf("passage %d: ordinal %d, id %q", i, p.Ordinal, p.ID)
			}
			ids[p.ID] = true
		}
	})
}
