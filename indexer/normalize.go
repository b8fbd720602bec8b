package indexer

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// normalizeText prepares raw file text for display and analysis: a leading
// byte-order mark is dropped, line ends become LF, and the text is put in
// Unicode NFC so that "é" has one encoding whatever the source used.
func normalizeText(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return norm.NFC.String(s)
}

// ligatures are letters that canonical decomposition leaves whole but that
// French readers type as two letters.
var ligatures = strings.NewReplacer("œ", "oe", "Œ", "OE", "æ", "ae", "Æ", "AE", "ß", "ss", "ø", "o", "Ø", "O", "ł", "l", "Ł", "L", "đ", "d", "Đ", "D")

// Fold removes diacritics and expands ligatures: "Sécurité" → "Securite",
// "œuvre" → "oeuvre". Case is kept. It is the accent-insensitive form used
// by the analyzers, ids and prefix queries.
func Fold(s string) string {
	if isASCII(s) {
		return s
	}
	if out, ok := foldFast(s); ok {
		return out
	}
	return foldSlow(s)
}

// foldSlow is Fold's general path: NFD, marks removed, NFC, ligatures.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return ligatures.Replace(out)
}

// foldBytes is Fold for token terms; it returns the input slice when there
// is nothing to fold.
func foldBytes(b []byte) []byte {
	if isASCIIBytes(b) {
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

func isASCIIBytes(b []byte) bool {
	return bytes.IndexFunc(b, func(r rune) bool { return r >= utf8.RuneSelf }) < 0
}

// normalizeApostrophes maps typographic apostrophes to ASCII so that
// elision and possessive rules see one form.
func normalizeApostrophes(b []byte) []byte {
	if !bytes.ContainsAny(b, "’‘ʼ＇") {
		return b
	}
	s := apostrophes.Replace(string(b))
	return []byte(s)
}

// slug turns a path segment into an id segment: ASCII letters, digits, '.',
// '_' and '-', accents folded, anything else collapsed to one '-'.
func slug(s string) string {
	s = Fold(s)
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_'):
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimRight(b.String(), "-")
}
