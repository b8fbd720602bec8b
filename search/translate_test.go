package search

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigie/vigie/search/lexicon"
)

var testLex = lexicon.New([]lexicon.Pair{
	{EN: "international law", FR: "droit international", Weight: 0.9},
	{EN: "law", FR: "droit", Weight: 0.6},
	{EN: "encryption", FR: "chiffrement", Weight: 1},
	{EN: "data at rest", FR: "données inactives", Weight: 1},
	{EN: "data", FR: "données", Weight: 1},
	{EN: "cyber defence", FR: "cyberdéfense", Weight: 1},
})

// spansString renders translate's result: "fr[0,2)=droit international".
func spansString(m map[string][]span) string {
	var out []string
	for _, lang := range []string{"en", "fr"} {
		for _, sp := range m[lang] {
			var alts []string
			for _, a := range sp.alts {
				alts = append(alts, a.Text)
			}
			out = append(out, fmt.Sprintf("%s[%d,%d)=%s", lang, sp.from, sp.to, strings.Join(alts, "|")))
		}
	}
	return strings.Join(out, " ")
}

func TestTranslate(t *testing.T) {
	tests := []struct{ q, want string }{
		// The longest run wins: "international law" as one term.
		{"international law", "fr[0,2)=droit international"},
		{"law", "fr[0,1)=droit"},
		// Stop words of the source language ride along inside a run.
		{"encryption of data at rest", "fr[0,1)=chiffrement fr[2,5)=données inactives"},
		{"chiffrement des données inactives", "en[0,1)=encryption en[2,4)=data at rest"},
		{"cyberdéfense", "en[0,1)=cyber defence"},
		// A quoted phrase translates only as a whole.
		{`"international law"`, "fr[0,1)=droit international"},
		{`"law school"`, ""},
		// Prefixes, OR groups and excluded words are left alone.
		{"law*", ""},
		{"law OR encryption", ""},
		{"-law", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := spansString(translate(Parse(tt.q), testLex)); got != tt.want {
			t.Errorf("translate(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
	if got := translate(Parse("international law"), nil); got != nil {
		t.Errorf("nil lexicon translated: %v", got)
	}
}

func TestKeepSource(t *testing.T) {
	spans := translate(Parse("law données"), testLex)
	if got := spansString(keepSource("en", spans)); got != "fr[0,1)=droit" {
		t.Errorf("keepSource(en) = %q", got)
	}
	if got := spansString(keepSource("fr", spans)); got != "en[1,2)=data" {
		t.Errorf("keepSource(fr) = %q", got)
	}
	if got := keepSource("", spans); got != nil {
		t.Errorf("an undecided language kept translations: %v", got)
	}
}

func TestFuzziness(t *testing.T) {
	for n, want := range map[int]int{1: 0, 3: 0, 4: 1, 7: 1, 8: 2, 20: 2} {
		if got := fuzziness(n); got != want {
			t.Errorf("fuzziness(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestMatchCaseAndRewrite(t *testing.T) {
	for _, tt := range []struct{ typed, word, want string }{
		{"COMCYBRE", "comcyber", "COMCYBER"},
		{"Intenational", "international", "International"},
		{"intenational", "international", "international"},
		{"éta", "état", "état"},
	} {
		if got := matchCase(tt.typed, tt.word); got != tt.want {
			t.Errorf("matchCase(%q, %q) = %q, want %q", tt.typed, tt.word, got, tt.want)
		}
	}
	got := rewrite(`intenational "law" -NATO lang:fr COMCYBRE`, map[string]string{"intenational": "international", "COMCYBRE": "COMCYBER"})
	if want := `international "law" -NATO lang:fr COMCYBER`; got != want {
		t.Errorf("rewrite = %q, want %q", got, want)
	}
}

// TestTextQueryEdgeCases: queries with nothing to require build without
// panicking, relaxed or not (found by FuzzParse: "-x" relaxed).
func TestTextQueryEdgeCases(t *testing.T) {
	for _, q := range []string{"-x", "-x -y", "the", "de la", "", `"`} {
		for _, anyGroup := range []bool{false, true} {
			p := plan{q: Parse(q), spans: translate(Parse(q), testLex)}
			_ = textQuery(p, anyGroup)
		}
	}
}

func TestTwinWeight(t *testing.T) {
	tests := []struct {
		q, src string
		want   float64
	}{
		// Every word translated (stop words of the source ride along or
		// are left out): the lexicon route leads.
		{"encryption of data", "en", fuseTwin},
		{"international law", "en", fuseTwin},
		{"the encryption", "en", fuseTwin},
		{"chiffrement des données", "fr", fuseTwin},
		// A word the lexicon does not know: the twin route carries it.
		{"encryption keys", "en", fuseTwinLong},
		{"passwords", "en", fuseTwinLong},
		// A long query (stop words count), translated or not.
		{"encryption of data at rest", "en", fuseTwinLong},
	}
	for _, tt := range tests {
		q := Parse(tt.q)
		p := plan{q: q, src: tt.src, spans: keepSource(tt.src, translate(q, testLex))}
		if got := twinWeight(p); got != tt.want {
			t.Errorf("twinWeight(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}
