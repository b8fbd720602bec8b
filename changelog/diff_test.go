package changelog

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWordDiff(t *testing.T) {
	tests := []struct {
		name, prev, next string
		removed, added   []string
		html             string
	}{
		{"same", "The cat sat.", "The cat sat.", []string{}, []string{}, "The cat sat."},
		{"one word", "Canada will strengthen cyber defence.", "Canada will expand cyber defence.",
			[]string{"strengthen"}, []string{"expand"}, "Canada will <del>strengthen</del> <ins>expand</ins> cyber defence."},
		{"added at end", "Le plan est publié.", "Le plan est publié, puis révisé.",
			[]string{}, []string{", puis révisé"}, "Le plan est publié<ins>, puis révisé</ins>."},
		{"removed run", "one two three four five", "one five",
			[]string{"two three four"}, []string{}, "one <del>two three four</del> five"},
		{"escaped", "a <b> & c", "a <i> & c",
			[]string{"b"}, []string{"i"}, "a &lt;<del>b</del><ins>i</ins>&gt; &amp; c"},
		{"apostrophe word", "l’ANSSI publie", "l’ANSSI a publié",
			[]string{"publie"}, []string{"a publié"}, "l’ANSSI <del>publie</del><ins>a publié</ins>"},
		{"empty previous", "", "New text.", []string{}, []string{"New text."}, "<ins>New text.</ins>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := WordDiff(tt.prev, tt.next)
			if strings.Join(d.Removed, "|") != strings.Join(tt.removed, "|") {
				t.Errorf("removed %q, want %q", d.Removed, tt.removed)
			}
			if strings.Join(d.Added, "|") != strings.Join(tt.added, "|") {
				t.Errorf("added %q, want %q", d.Added, tt.added)
			}
			if d.HTML != tt.html {
				t.Errorf("html\n got %s\nwant %s", d.HTML, tt.html)
			}
		})
	}
}

func TestSimilarity(t *testing.T) {
	if s := Similarity("a b c d", "a b c d"); s != 1 {
		t.Errorf("same text: %v", s)
	}
	if s := Similarity("alpha beta", "gamma delta"); s != 0 {
		t.Errorf("disjoint: %v", s)
	}
	if s := Similarity("Canada will strengthen cyber defence", "Canada will expand cyber defence"); s < 0.7 || s > 0.9 {
		t.Errorf("one word of five: %v", s)
	}
}

func FuzzWordDiff(f *testing.F) {
	f.Add("The cat sat.", "The dog sat down.")
	f.Add("l’ANSSI <b>", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return
		}
		d := WordDiff(a, b)
		if strings.Contains(d.HTML, "<script") {
			t.Fatalf("unescaped markup in %q", d.HTML)
		}
		for _, w := range d.Added {
			if !strings.Contains(b, w) {
				t.Fatalf("added %q not in new text %q", w, b)
			}
		}
	})
}
