package indexer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// line is one line of a document's text, with its offsets.
type line struct {
	start, end int // text[start:end] excludes the newline
}

func splitLines(text string) []line {
	var out []line
	start := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			out = append(out, line{start, i})
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, line{start, len(text)})
	}
	return out
}

// bulletPrefix reports whether s (already left-trimmed) starts with a list
// marker and returns the marker's length in bytes.
func bulletPrefix(s string) (int, bool) {
	r, n := utf8.DecodeRuneInString(s)
	switch r {
	case '•', '◦', '▪', '‣', '–', '—', '-', '*', '+', '·':
		if len(s) > n && (s[n] == ' ' || s[n] == '\t') {
			return n, true
		}
		if r == '•' || r == '◦' || r == '▪' || r == '‣' {
			return n, true
		}
		return 0, false
	}
	// Numbered items: "1.", "1)", "a)", "(a)", "(1)".
	i := 0
	paren := false
	if strings.HasPrefix(s, "(") {
		paren = true
		i = 1
	}
	j := i
	for j < len(s) && j-i < 3 && (s[j] >= '0' && s[j] <= '9' || (s[j] >= 'a' && s[j] <= 'z' && j-i < 1)) {
		j++
	}
	if j == i || j >= len(s) {
		return 0, false
	}
	if s[j] == ')' || (!paren && s[j] == '.' && s[i] >= '0' && s[i] <= '9') {
		if j+1 < len(s) && s[j+1] == ' ' {
			return j + 1, true
		}
	}
	return 0, false
}

// indentOf counts leading blanks (a tab counts as four).
func indentOf(s string) int {
	n := 0
	for _, c := range s {
		switch c {
		case ' ', '\u00a0':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

// finalPunct reports whether s ends like a sentence or a lead-in.
func finalPunct(s string) bool {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".,;:!?…»\")”", r)
}

// endsSentence reports whether s ends a sentence or a lead-in.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".:!?…»\")”", r)
}

// looksLikeHeading applies the plain-text heading rule: a short line that
// does not end with punctuation.
func looksLikeHeading(s string) bool {
	s = strings.TrimSpace(s)
	// A question may head a section ("Numérique et commerce : un enjeu ?").
	question := strings.HasSuffix(s, "?") && utf8.RuneCountInString(s) <= 100
	if s == "" || (finalPunct(s) && !question) || utf8.RuneCountInString(s) > 120 {
		return false
	}
	if len(strings.Fields(s)) > 16 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// parseText cuts plain text into blocks. Consecutive non-blank lines form a
// group; a group of one short unpunctuated line followed by more text is a
// heading; bullet lines are list items; other lines of a group are joined
// into one paragraph. The first line of the file is the title.
func parseText(text string) (title string, blocks []Block) {
	return parseTextBlocks(text, true)
}

// parseTextBlocks is parseText; withTitle false reads a body whose title
// is given elsewhere (a JSON Lines record), so its first line is text.
func parseTextBlocks(text string, withTitle bool) (title string, blocks []Block) {
	lines := splitLines(text)
	type group struct{ lines []line }
	var groups []group
	var cur group
	for _, l := range lines {
		if strings.TrimSpace(text[l.start:l.end]) == "" {
			if len(cur.lines) > 0 {
				groups = append(groups, cur)
				cur = group{}
			}
			continue
		}
		cur.lines = append(cur.lines, l)
	}
	if len(cur.lines) > 0 {
		groups = append(groups, cur)
	}
	trim := func(l line) (int, int) {
		s := text[l.start:l.end]
		left := len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace))
		right := len(strings.TrimRightFunc(s, unicode.IsSpace))
		return l.start + left, l.start + right
	}
	for gi, g := range groups {
		if withTitle && gi == 0 && len(g.lines) >= 1 {
			s, e := trim(g.lines[0])
			title = text[s:e]
			blocks = append(blocks, Block{Kind: TitleLine, Start: s, End: e})
			g.lines = g.lines[1:]
			if len(g.lines) == 0 {
				continue
			}
		}
		if isMetaGroup(text, g.lines) {
			s, _ := trim(g.lines[0])
			_, e := trim(g.lines[len(g.lines)-1])
			blocks = append(blocks, Block{Kind: Meta, Start: s, End: e})
			continue
		}
		if len(g.lines) == 1 && gi+1 < len(groups) {
			s, e := trim(g.lines[0])
			if _, bullet := bulletPrefix(text[s:e]); !bullet && looksLikeHeading(text[s:e]) {
				blocks = append(blocks, Block{Kind: Heading, Level: 2, Start: s, End: e})
				continue
			}
		}
		// Bullet lines are list items; an indented line after an item
		// continues it; other lines join the open paragraph unless it ended
		// a sentence (hard-wrapped text), or start a new one.
		last := -1
		for _, l := range g.lines {
			s, e := trim(l)
			if _, bullet := bulletPrefix(text[s:e]); bullet {
				level := indentOf(text[l.start:l.end])/4 + 1
				blocks = append(blocks, Block{Kind: ListItem, Level: level, Start: s, End: e})
				last = len(blocks) - 1
				continue
			}
			if last >= 0 {
				b := &blocks[last]
				if b.Kind == ListItem && indentOf(text[l.start:l.end]) > 0 ||
					b.Kind == Paragraph && !endsSentence(text[b.Start:b.End]) {
					b.End = e
					continue
				}
			}
			blocks = append(blocks, Block{Kind: Paragraph, Start: s, End: e})
			last = len(blocks) - 1
		}
	}
	return title, blocks
}

// isMetaGroup reports whether a group of lines only carries publication or
// update dates ("Updated: 04.10.17", "Publié le … Mis à jour le …").
func isMetaGroup(text string, lines []line) bool {
	first := strings.TrimSpace(text[lines[0].start:lines[0].end])
	if len(first) > 160 {
		return false
	}
	_, _, ok := parseDateLine(first)
	return ok
}
