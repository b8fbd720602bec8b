package lexicon

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vigie/vigie/lang"
)

func TestReadWriteRoundTrip(t *testing.T) {
	pairs := []Pair{
		{EN: "international law", FR: "droit international", Weight: 0.867, Count: 26, Source: SourceDice},
		{EN: "personal information", FR: "renseignements personnels", Weight: 0.833, Count: 358, Source: "dice+def"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, pairs, "a header"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "# a header\n") {
		t.Errorf("header missing:\n%s", buf.String())
	}
	got, err := Read(&buf, SourceGlossary)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(pairs) {
		t.Fatalf("read %d pairs, want %d", len(got), len(pairs))
	}
	for i := range pairs {
		if got[i] != pairs[i] {
			t.Errorf("pair %d = %+v, want %+v", i, got[i], pairs[i])
		}
	}
}

func TestReadGlossaryFormatAndErrors(t *testing.T) {
	got, err := Read(strings.NewReader("# comment\n\ncloud\tnuage\nlaw\tdroit\t0.6\n"), SourceGlossary)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{EN: "cloud", FR: "nuage", Weight: 1, Source: SourceGlossary}, {EN: "law", FR: "droit", Weight: 0.6, Source: SourceGlossary}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Read = %+v, want %+v", got, want)
	}
	for name, in := range map[string]string{
		"one column":   "cloud\n",
		"empty french": "cloud\t \n",
		"bad weight":   "cloud\tnuage\tlots\n",
		"weight > 1":   "cloud\tnuage\t1.5\n",
		"bad count":    "cloud\tnuage\t1\t-3\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Read(strings.NewReader("# x\n"+in), SourceGlossary)
			if err == nil || !strings.Contains(err.Error(), "line 2") {
				t.Errorf("error = %v, want one naming line 2", err)
			}
		})
	}
}

func TestLookupByStems(t *testing.T) {
	l := New([]Pair{
		{EN: "data at rest", FR: "données inactives", Weight: 1},
		{EN: "law", FR: "droit", Weight: 0.6},
		{EN: "law", FR: "loi", Weight: 0.7},
		{EN: "the", FR: "le", Weight: 1}, // stop words: dropped
	})
	tests := []struct {
		lg, text string
		want     []string
	}{
		// Any form of the words finds the entry: stems are compared.
		{"en", "data at rest", []string{"données inactives"}},
		{"en", "Data rest", []string{"données inactives"}},
		{"fr", "donnees inactive", []string{"data at rest"}},
		{"en", "laws", []string{"loi", "droit"}}, // best first
		{"en", "rest", nil},
		{"en", "the", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, tr := range l.Lookup(tt.lg, lang.Terms(lang.AnalyzerFor(tt.lg), tt.text)) {
			got = append(got, tr.Text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Lookup(%s, %q) = %q, want %q", tt.lg, tt.text, got, tt.want)
		}
	}
	if l.MaxWords() != 2 {
		t.Errorf("MaxWords = %d, want 2", l.MaxWords())
	}
	var nilLex *Lexicon
	if nilLex.Lookup("en", []string{"law"}) != nil || nilLex.MaxWords() != 0 {
		t.Error("a nil lexicon must be empty")
	}
}

// TestGlossaryShadowsBuiltPairs: a term of the glossary keeps the
// glossary's translations only; the laws' sense of "security" (a financial
// security) must not leak into policy searches.
func TestGlossaryShadowsBuiltPairs(t *testing.T) {
	glossary := []Pair{{EN: "security", FR: "sécurité", Weight: 1}}
	built := []Pair{
		{EN: "security", FR: "valeurs mobilières", Weight: 0.9},
		{EN: "securities", FR: "titres", Weight: 0.9}, // same stem as "security"? then shadowed too
		{EN: "privacy", FR: "vie privée", Weight: 0.7},
	}
	l := New(glossary, built)
	got := l.Lookup("en", lang.Terms(lang.AnalyzerEN, "security"))
	if len(got) != 1 || got[0].Text != "sécurité" {
		t.Errorf("security → %+v, want the glossary's sécurité only", got)
	}
	if got := l.Lookup("en", lang.Terms(lang.AnalyzerEN, "privacy")); len(got) != 1 || got[0].Text != "vie privée" {
		t.Errorf("privacy → %+v, want vie privée from the built pairs", got)
	}
}

// TestDefault checks the embedded lexicon: it parses, and holds the pairs
// the issue names, in both directions.
func TestDefault(t *testing.T) {
	l := Default()
	if l.Len() < 1000 {
		t.Fatalf("embedded lexicon has %d pairs, want more than 1000 (was lexicon.tsv built?)", l.Len())
	}
	tests := []struct{ from, text, want string }{
		{"en", "cyber defence", "cyberdéfense"},
		{"fr", "cyberdéfense", "cyber defence"},
		{"en", "information systems", "système d'information"},
		{"fr", "systèmes d’information", "information system"},
		{"en", "international law", "droit international"},
		{"fr", "droit international", "international law"},
		{"en", "data location", "emplacement des données"},
		{"en", "personal information", "renseignements personnels"},
		{"fr", "renseignements personnels", "personal information"},
		{"en", "encryption", "chiffrement"},
		{"en", "data at rest", "données inactives"},
		{"en", "cloud", "nuage"},
		{"en", "privacy", "vie privée"},
		{"fr", "vie privée", "privacy"},
	}
	for _, tt := range tests {
		found := false
		var got []string
		for _, tr := range l.Lookup(tt.from, lang.Terms(lang.AnalyzerFor(tt.from), tt.text)) {
			got = append(got, tr.Text)
			found = found || tr.Text == tt.want
		}
		if !found {
			t.Errorf("%s %q → %q, want %q among them", tt.from, tt.text, got, tt.want)
		}
	}
}

func TestEmbeddedFilesAreSmall(t *testing.T) {
	if n := len(lexiconTSV) + len(glossaryTSV); n > 600<<10 {
		t.Errorf("embedded lexicon is %d KB; keep it under 600 KB (raise --min-dice)", n>>10)
	}
}

func TestMerge(t *testing.T) {
	got := Merge([]Pair{
		{EN: "a b", FR: "c", Weight: 0.5, Count: 3, Source: SourceDice},
		{EN: "x", FR: "y", Weight: 0.9, Count: 1, Source: SourceDefinition},
		{EN: "a b", FR: "c", Weight: 0.7, Count: 2, Source: SourceDefinition},
	})
	want := []Pair{
		{EN: "x", FR: "y", Weight: 0.9, Count: 1, Source: SourceDefinition},
		{EN: "a b", FR: "c", Weight: 0.7, Count: 5, Source: "dice+def"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Merge = %+v, want %+v", got, want)
	}
}
