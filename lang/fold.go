package lang

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Folding is compatibility decomposition (NFKD), combining marks removed,
// recomposition (NFC), and the letters that do not decompose spelled as
// readers type them: œ → oe, æ → ae, ß → ss, ø → o, ł → l, đ → d, ı → i.
// "Sécurité" → "Securite", "Œuvre" → "OEuvre", "ﬁchier" → "fichier".
//
// It is the innermost loop of indexing (every French token with an accent
// goes through it), so runes of the Latin blocks are folded from tables
// built once; a transform.Chain allocates ~12 KB per call.

// tableEnd bounds the runes folded from the tables: Latin-1 Supplement and
// Latin Extended-A and -B, which hold every accented letter of French and
// the other Western European languages.
const tableEnd = 0x250

// letters are folded by hand: canonical and compatibility decomposition
// leave them whole.
var letters = map[rune]string{
	'œ': "oe", 'Œ': "OE", 'æ': "ae", 'Æ': "AE", 'ß': "ss", 'ẞ': "SS",
	'ø': "o", 'Ø': "O", 'đ': "d", 'Đ': "D", 'ł': "l", 'Ł': "L", 'ı': "i",
}

var (
	// foldTable[r] is Fold(string(r)) and keyTable[r] is Key(string(r))
	// for utf8.RuneSelf ≤ r < tableEnd.
	foldTable, keyTable = func() (f, k [tableEnd]string) {
		for r := rune(utf8.RuneSelf); r < tableEnd; r++ {
			f[r] = foldRune(r)
			k[r] = strings.ToLower(f[r])
		}
		return f, k
	}()
)

// foldRune folds one rune.
func foldRune(r rune) string {
	if s, ok := letters[r]; ok {
		return s
	}
	return foldString(string(r))
}

// foldString is the definition of Fold, applied to s at once with
// golang.org/x/text: the tables must agree with it (TestFoldFastMatchesSlow).
// Safe for concurrent use: each call builds its own transformer.
func foldString(in string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, err := transform.String(t, in)
	if err != nil {
		return in
	}
	// A decomposition may produce a letter that folds further ("ǆ" → "dž"
	// → "dz"); one more pass settles it.
	var b strings.Builder
	for _, c := range s {
		if l, ok := letters[c]; ok {
			b.WriteString(l)
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Fold removes diacritics and spells out ligatures and the letters that do
// not decompose: "Sécurité" → "Securite", "œuvre" → "oeuvre". Case is kept.
// It is the accent-insensitive form used by the analyzers, document ids and
// prefix queries.
func Fold(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		appendRune(&b, r, false)
	}
	return b.String()
}

// Key is the form in which text is compared: Fold, lower-cased. Gazetteer
// names, completions, vocabulary look-ups and the lexicon compare keys.
func Key(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		appendRune(&b, r, true)
	}
	return b.String()
}

func appendRune(b *strings.Builder, r rune, lower bool) {
	switch {
	case r < utf8.RuneSelf:
		if lower && 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteByte(byte(r))
	case r < tableEnd:
		if lower {
			b.WriteString(keyTable[r])
		} else {
			b.WriteString(foldTable[r])
		}
	case unicode.Is(unicode.Mn, r):
	default:
		s := foldRune(r)
		if lower {
			s = strings.ToLower(s)
		}
		b.WriteString(s)
	}
}

// AppendKey appends the key (lower-cased fold) of the rune r to buf: Key
// for tokenizers that fold as they scan.
func AppendKey(buf []byte, r rune) []byte {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(buf, byte(r))
	case r < tableEnd:
		return append(buf, keyTable[r]...)
	case unicode.Is(unicode.Mn, r):
		return buf
	default:
		return append(buf, strings.ToLower(foldRune(r))...)
	}
}

// FoldBytes is Fold for token terms; it returns its input when there is
// nothing to fold.
func FoldBytes(b []byte) []byte {
	if bytes.IndexFunc(b, func(r rune) bool { return r >= utf8.RuneSelf }) < 0 {
		return b
	}
	return []byte(Fold(string(b)))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
