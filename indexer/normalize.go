package indexer

import (
	"strings"
	"unicode/utf8"

	"github.com/vigie/vigie/lang"
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

// slug turns a path segment into an id segment: ASCII letters, digits, '.'
// and '_', accents folded, anything else ('-' included) collapsed to one '-'.
func slug(s string) string {
	return strings.TrimRight(safeChars(s, func(r rune) bool { return r == '.' || r == '_' }), "-")
}

// safeChars folds s and keeps its ASCII letters and digits and the runes
// keep accepts; any other run of runes becomes one '-'.
func safeChars(s string, keep func(rune) bool) string {
	s = lang.Fold(s)
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || keep(r)):
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return b.String()
}

// wordSet makes a set of the space-separated words of s.
func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
