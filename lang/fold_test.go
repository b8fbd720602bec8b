package lang

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldSlow is Fold's definition applied to a whole string at once: the
// tables, applied rune by rune, must give the same.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	var b strings.Builder
	for _, r := range out {
		if l, ok := letters[r]; ok {
			b.WriteString(l)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// The table path of Fold must give exactly what the general path gives.
func TestFoldFastMatchesSlow(t *testing.T) {
	for r := rune(0x80); r < tableEnd; r++ {
		for _, s := range []string{string(r), "a" + string(r) + "b", string(r) + string(r), "L’" + string(r)} {
			if !utf8.ValidString(s) {
				continue
			}
			want := foldSlow(s)
			if got := Fold(s); got != want {
				t.Errorf("Fold(%q) = %q, want %q", s, got, want)
			}
			if got, want := Key(s), strings.ToLower(want); got != want {
				t.Errorf("Key(%q) = %q, want %q", s, got, want)
			}
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"Sécurité", "Securite"},
		{"œuvre", "oeuvre"},
		{"cafe\u0301", "cafe"}, // a combining mark: the general path
		{"Ελλάδα", "Ελλαδα"},   // Greek: beyond the table
		{"ministère’s", "ministere’s"},
		{"ﬁchier", "fichier"}, // compatibility decomposition
		{"Œuvre", "OEuvre"},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Sécurité", "œuvre", "cafe\u0301", "Ελλάδα", "", "l’ANSSI", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, general path %q", s, got, want)
		}
	})
}
