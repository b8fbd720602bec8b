package lang

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The table path of Fold must give exactly what the general path gives.
func TestFoldFastMatchesSlow(t *testing.T) {
	for r := rune(0x80); r < tableEnd; r++ {
		for _, s := range []string{string(r), "a" + string(r) + "b", string(r) + string(r), "L’" + string(r)} {
			if !utf8.ValidString(s) {
				continue
			}
			want := foldString(s)
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
		if got, want := Fold(s), foldString(s); got != want {
			t.Errorf("Fold(%q) = %q, general path %q", s, got, want)
		}
	})
}
