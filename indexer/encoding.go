package indexer

import (
	"bytes"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Encoding names reported when a file is converted.
const (
	encUTF8        = "UTF-8"
	encUTF16LE     = "UTF-16LE"
	encUTF16BE     = "UTF-16BE"
	encWindows1252 = "Windows-1252"
)

var (
	errEmpty   = errors.New("empty file")
	errBinary  = errors.New("binary content (NUL bytes or control characters), not text")
	errEncoded = errors.New("not valid UTF-8 text, and not UTF-16 with a byte-order mark or Windows-1252/Latin-1 text")
)

// decodeText turns the raw bytes of a text file into UTF-8 (before
// normalisation). It accepts UTF-8 with or without a byte-order mark,
// UTF-16 with a byte-order mark, and Windows-1252 (a superset of the
// printable Latin-1 range) when the bytes are not valid UTF-8 but read as
// plausible Western European text. It returns the name of the encoding
// when the text was converted, "" when it was UTF-8 already.
func decodeText(raw []byte) (text, converted string, err error) {
	var dec *encoding.Decoder
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		dec, converted = xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder(), encUTF16LE
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		dec, converted = xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder(), encUTF16BE
	}
	if dec != nil {
		if len(raw)%2 != 0 {
			return "", "", errors.New("UTF-16 text with an odd number of bytes (truncated or not UTF-16)")
		}
		out, derr := dec.Bytes(raw)
		if derr != nil || bytes.ContainsRune(out, utf8.RuneError) || !mostlyLatin(string(out)) {
			return "", "", errors.New("starts with a UTF-16 byte-order mark but is not UTF-16 text in Latin script")
		}
		raw = out
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return "", "", errEmpty
	}
	if bytes.IndexByte(raw, 0) >= 0 {
		return "", "", errBinary
	}
	if !utf8.Valid(raw) {
		if dec != nil {
			return "", "", errEncoded
		}
		s, ok := decodeWindows1252(raw)
		if !ok {
			return "", "", errEncoded
		}
		return s, encWindows1252, nil
	}
	s := string(raw)
	if controlShare(s) > 0.01 {
		return "", "", errBinary
	}
	return s, converted, nil
}

// decodeWindows1252 converts raw from Windows-1252 when it reads as text:
// no byte that Windows-1252 leaves undefined, no control character other
// than tab and line ends, and every non-ASCII character a Latin letter or
// common typographic punctuation (é è à ç œ « » ’ – …). Random bytes and
// other single-byte encodings of other scripts fail the last test.
func decodeWindows1252(raw []byte) (string, bool) {
	for _, b := range raw {
		switch b {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D: // undefined in Windows-1252
			return "", false
		}
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return "", false
	}
	s := string(out)
	letters, high := 0, 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
				return "", false
			}
			if unicode.IsLetter(r) {
				letters++
			}
		case unicode.Is(unicode.Latin, r):
			letters++
			high++
		case strings.ContainsRune("’‘“”«»–—…•€°·§©®™ \u00a0", r):
			high++
		default:
			return "", false
		}
	}
	// Mostly letters: text, not a table of accented bytes.
	if high == 0 || letters < high {
		return "", false
	}
	return s, true
}

// controlShare is the share of runes in s that are control characters
// other than tab, line feed, carriage return and form feed.
func controlShare(s string) float64 {
	n, bad := 0, 0
	for _, r := range s {
		n++
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			bad++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(bad) / float64(n)
}

// mostlyLatin reports whether most letters of s are Latin: bytes that
// happen to start with a UTF-16 byte-order mark decode as CJK soup.
func mostlyLatin(s string) bool {
	latin, other := 0, 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && unicode.IsLetter(r), unicode.Is(unicode.Latin, r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
	}
	return latin >= other
}
