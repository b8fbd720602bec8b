package entity

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Years bounds: the years a passage can refer to.
const (
	minYear = 1900
	maxYear = 2099
)

// Years returns the sorted, unique years that text refers to, nil if none.
// A year is a standalone four-digit number from 1900 to 2099: "in 2013",
// "(2015)", "février 2018", "18 September 2017", "2013 and 2016", both ends of
// "2013-2016" and of fiscal "2017-18", dates such as "2017-09-18",
// "18.09.2017" and "18/09/2017", and "2016/679" in EU act numbers.
//
// It is not a year when it is part of a longer number or of an identifier
// ("1234567", "SC-2013", "ITSP.40.111", "2017a", the "2017-01" of
// "SPIN 2017-01", "27001:2013"); when a reference word or sign precedes it
// ("section 2013", "art. 2013", "n° 2013", "ISO 2013", "EN 2013" but not
// French "en 2013", and the Markdown heading mark of "### 2013", a section
// number in the laws corpus); when it is an amount, a count or a time ("2000
// €", "$2000", "2013 persons", "1930 hours"). A range gives its two ends, not
// the years between. Two-digit years ("04.10.17") and decades ("1990s") are
// not extracted.
func Years(text string) []int {
	var seen [maxYear - minYear + 1]bool
	found := 0
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j-i == 4 {
			if y := atoi4(text[i:j]); y >= minYear && y <= maxYear && isYear(text, i, j) {
				if !seen[y-minYear] {
					seen[y-minYear] = true
					found++
				}
			}
		}
		i = j
	}
	if found == 0 {
		return nil
	}
	out := make([]int, 0, found)
	for k, ok := range seen {
		if ok {
			out = append(out, minYear+k)
		}
	}
	return out
}

// isYear reports whether the four digits text[i:j] are a year, judging by
// what surrounds them.
func isYear(text string, i, j int) bool {
	return yearBefore(text, i) && yearAfter(text, i, j)
}

// yearBefore judges the text before a four-digit number at i.
func yearBefore(text string, i int) bool {
	if i == 0 {
		return true
	}
	r, size := utf8.DecodeLastRuneInString(text[:i])
	switch {
	case r == '.' || r == ',':
		// "18.09.2017" is a date; "40.2013", "1,2013" and "ITSP.2013" are not.
		return isDate(text[:i-size], r)
	case r == '/':
		return true // "18/09/2017", "45/2001"
	case r == '-' || r == '\u2010' || r == '\u2011' || r == '\u2013':
		return afterDash(text[:i-size], atoi4(text[i:i+4]))
	case r == ':' || r == '+' || isRefSign(r):
		return false
	case isWordChar(r):
		return false // "SC2013", "x2013"
	}
	// A reference word before the number: "section 2013", "art. 2013".
	k := i
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:k])
		if !isBlank(r) {
			break
		}
		k -= size
	}
	if k == i || k == 0 {
		return true
	}
	if isRefSign(lastRune(text[:k])) {
		return false // "n° 2016", "§ 2018", "€ 2000"
	}
	dot := false
	if text[k-1] == '.' {
		dot = true
		k--
	}
	e := k
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:k])
		if !unicode.IsLetter(r) {
			break
		}
		k -= size
	}
	w := text[k:e]
	if w == "" {
		return true
	}
	if dot {
		return !refAbbrevs[w]
	}
	return !refCodes[w] && !refWords[strings.ToLower(w)]
}

// isDate reports whether text, which came before a separator sep and a
// four-digit number, ends with the day and month of a date: "18.09", "1.9".
func isDate(text string, sep rune) bool {
	m := trailingDigits(text)
	if m < 1 || m > 2 {
		return false
	}
	text = text[:len(text)-m]
	if !strings.HasSuffix(text, string(sep)) {
		return false
	}
	d := trailingDigits(text[:len(text)-1])
	if d < 1 || d > 2 {
		return false
	}
	rest := text[:len(text)-1-d]
	return rest == "" || !isDigit(rest[len(rest)-1]) && rest[len(rest)-1] != '.'
}

// afterDash judges a four-digit number y after a dash, given the text
// before the dash: the end of a range ("2013-2016"), a date ("09-2017",
// "18-09-2017") or a word ("mid-2017") are fine; an identifier ("SC-2013",
// "ITSG-2013"), another number ("12345-2013") or the number in "P.C.
// 1991-1925" (an order in council of 1991) are not.
func afterDash(text string, y int) bool {
	n := trailingDigits(text)
	switch {
	case n == 4:
		return atoi4(text[len(text)-4:]) < y
	case n == 1 || n == 2:
		rest := text[:len(text)-n]
		return rest == "" || !isWordChar(lastRune(rest))
	case n > 0:
		return false
	}
	k := len(text)
	lower := false
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:k])
		if !isWordChar(r) {
			break
		}
		if unicode.IsLower(r) {
			lower = true
		}
		k -= size
	}
	return k == len(text) || lower
}

// yearAfter judges the text after a four-digit number text[i:j].
func yearAfter(text string, i, j int) bool {
	if j == len(text) {
		return true
	}
	r, size := utf8.DecodeRuneInString(text[j:])
	next := text[j+size:]
	switch {
	case isWordChar(r):
		return false // "2017a", "2013th", "1990s", "2015h"
	case r == '.' || r == ',' || r == ':':
		return next == "" || !isDigit(next[0]) // "2013.5", "2013,50", "2013:15"
	case r == '-' || r == '\u2010' || r == '\u2011' || r == '\u2013':
		n := leadingDigits(next)
		switch {
		case n == 0:
			return true // "2030-ready"
		case n == 4:
			return true // "2013-2016"
		case n == 2:
			if strings.HasPrefix(next[2:], "-") && leadingDigits(next[3:]) == 2 {
				return true // "2017-09-18"
			}
			y := atoi4(text[i:j])
			return int(next[0]-'0')*10+int(next[1]-'0') == (y+1)%100 // fiscal "2017-18", not "2017-01"
		}
		return false // "2009-834"
	}
	// An amount, a count or a time: "2000 €", "2013 persons", "1930 hours".
	k := j
	for k < len(text) {
		r, size := utf8.DecodeRuneInString(text[k:])
		if !isBlank(r) {
			break
		}
		k += size
	}
	if k == len(text) {
		return true
	}
	if c := text[k]; c == '%' || c == '$' || strings.HasPrefix(text[k:], "€") || strings.HasPrefix(text[k:], "£") {
		return false
	}
	e := k
	for e < len(text) {
		r, size := utf8.DecodeRuneInString(text[e:])
		if !unicode.IsLetter(r) {
			break
		}
		e += size
	}
	return !unitWords[strings.ToLower(text[k:e])]
}

// refWords precede numbers that are references, not years (lowercased).
var refWords = setOf(
	"section", "sections", "subsection", "subsections", "paragraph", "paragraphs", "subparagraph",
	"article", "articles", "paragraphe", "paragraphes", "alinéa", "alinéas",
	"chapter", "chapters", "chapitre", "chapitres", "page", "pages", "rule", "rules", "règle", "règles",
	"annex", "annexe", "annexes", "appendix", "schedule", "item", "items", "figure", "figures",
	"table", "tables", "tableau", "tableaux", "clause", "clauses", "number", "numéro", "numéros", "numero",
	"line", "lines", "ligne", "lignes", "point", "points",
)

// refCodes are identifiers of standards and notices before numbers, matched
// as written: "EN 2013" is a standard, French "en 2013" a year.
var refCodes = setOf("ISO", "IEC", "RFC", "EN", "NF", "ITSP", "ITSG", "SPIN", "AMOPS", "CVE", "STANAG")

// refAbbrevs are abbreviations, with their full stop in the text, before
// numbers that are references: "art. 2013", "p. 2013". They are matched as
// written: "S.C. 2019" (Statutes of Canada) is a year, "s. 2019" a section.
var refAbbrevs = setOf(
	"art", "Art", "arts", "para", "paras", "Para", "p", "pp", "no", "No", "nos", "Nos", "n", "N",
	"c", "ch", "s", "ss", "sec", "Sec", "fig", "Fig", "vol", "Vol", "r",
)

// unitWords follow numbers that are amounts, counts or times (lowercased).
var unitWords = setOf(
	"euro", "euros", "eur", "dollar", "dollars", "usd", "cad", "francs",
	"persons", "people", "personnes", "employees", "employés", "salariés", "agents",
	"km", "kg", "m", "mb", "gb", "mo", "go", "ko", "kb", "bytes", "octets", "tonnes", "tons",
	"h", "hr", "hrs", "hours", "heures", "minutes", "min", "fois", "times",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordChar(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func atoi4(s string) int {
	return int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
}

func trailingDigits(s string) int {
	n := 0
	for n < len(s) && isDigit(s[len(s)-1-n]) {
		n++
	}
	return n
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

// isRefSign reports whether r, before a number, makes it a reference or an
// amount.
func isRefSign(r rune) bool {
	switch r {
	case '#', '§', '°', 'º', '$', '€', '£':
		return true
	}
	return false
}

// isBlank reports whether r is a space within a line.
func isBlank(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}
