package indexer

import (
	"strings"
	"unicode/utf8"
)

// Folding is the innermost loop of indexing: every French token with an
// accent goes through it. Fold's general path builds a
// transform.Chain(NFD, remove Mn, NFC), which allocates its buffers
// (~12 KB) on every call; profiles of laws-canada showed it as 70% of the
// bytes allocated by the French analyzer. foldFast answers the common case
// from a table instead.

// foldTableEnd bounds the runes foldFast folds from the table: Latin-1
// Supplement and Latin Extended-A and -B, which hold every accented letter
// of French and the other Western European languages.
const foldTableEnd = 0x250

// foldTable[r-0x80] is Fold(string(r)) for 0x80 ≤ r < foldTableEnd.
var foldTable = func() []string {
	t := make([]string, foldTableEnd-0x80)
	for r := rune(0x80); r < foldTableEnd; r++ {
		t[r-0x80] = foldSlow(string(r))
	}
	return t
}()

// foldFast folds s rune by rune from foldTable and reports false, leaving
// the work to the general path, when s holds a rune beyond the table.
// Rune by rune is exact there: no rune of the table decomposes into
// something that starts with a combining mark, so NFD and the removal of
// marks act on each rune alone, and the letters left cannot compose with
// each other under NFC.
func foldFast(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case r < foldTableEnd:
			b.WriteString(foldTable[r-0x80])
		default:
			return "", false
		}
	}
	return b.String(), true
}

// apostrophes maps typographic apostrophes to ASCII (built once: a
// strings.Replacer is costly to make and safe for concurrent use).
var apostrophes = strings.NewReplacer("’", "'", "‘", "'", "ʼ", "'", "＇", "'")
