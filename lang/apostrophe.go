package lang

import (
	"bytes"
	"strings"
)

// apostrophes maps typographic apostrophes to ASCII (built once: a
// strings.Replacer is costly to make and safe for concurrent use).
var apostrophes = strings.NewReplacer("’", "'", "‘", "'", "ʼ", "'", "＇", "'")

// apostropheRunes are the runes apostrophes replaces.
const apostropheRunes = "’‘ʼ＇"

// Apostrophes maps typographic apostrophes (’ ‘ ʼ ＇) to ASCII, so that
// elision and possessive rules see one form.
func Apostrophes(s string) string {
	if !strings.ContainsAny(s, apostropheRunes) {
		return s
	}
	return apostrophes.Replace(s)
}

// ApostrophesBytes is Apostrophes for token terms; it returns its input
// when there is nothing to replace.
func ApostrophesBytes(b []byte) []byte {
	if !bytes.ContainsAny(b, apostropheRunes) {
		return b
	}
	return []byte(apostrophes.Replace(string(b)))
}

// Elisions are the French words that elide before a vowel ("l'", "qu'",
// "jusqu'"), lower case: bleve's elision_fr filter drops the same.
var Elisions = []string{"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}

var elisionSet = func() map[string]bool {
	m := make(map[string]bool, len(Elisions))
	for _, e := range Elisions {
		m[e] = true
	}
	return m
}()

// StripElision drops a leading French elision from a word, whatever its
// apostrophe and case: "l’ANSSI" → "ANSSI", "Qu'il" → "il". Other words are
// returned as they are.
func StripElision(w string) string {
	w2 := Apostrophes(w)
	i := strings.IndexByte(w2, '\'')
	if i <= 0 || i > 6 || i == len(w2)-1 || !elisionSet[strings.ToLower(w2[:i])] {
		return w
	}
	return w2[i+1:]
}

// IsElision reports whether w (any case) is a French elided word without
// its apostrophe: "l", "Qu", "jusqu".
func IsElision(w string) bool { return elisionSet[strings.ToLower(w)] }
