package search

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"
)

// Highlight lengths, in bytes of passage text.
const (
	// wholePassage: passages up to this length are highlighted whole.
	wholePassage = 700
	// fragmentLen is the length of one fragment of a longer passage.
	fragmentLen  = 280
	maxFragments = 2
)

type markSpan struct{ start, end int }

// mergeSpans sorts spans and merges the overlapping ones.
func mergeSpans(out []markSpan) []markSpan {
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			if sp.end > merged[n-1].end {
				merged[n-1].end = sp.end
			}
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// markHTML returns text[from:to] HTML-escaped with <mark> around the
// spans that fall inside it.
func markHTML(text string, marks []markSpan, from, to int) string {
	var b strings.Builder
	pos := from
	for _, m := range marks {
		if m.end <= from || m.start >= to {
			continue
		}
		s, e := max(m.start, from), min(m.end, to)
		b.WriteString(html.EscapeString(text[pos:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s:e]))
		b.WriteString("</mark>")
		pos = e
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	return b.String()
}

// highlight renders a passage as HTML with its matches marked: the whole
// passage when it is short, else its best fragments joined by " … ".
func highlight(text string, marks []markSpan) string {
	if len(text) <= wholePassage {
		return markHTML(text, marks, 0, len(text))
	}
	if len(marks) == 0 {
		end := snapEnd(text, fragmentLen*maxFragments)
		return markHTML(text, nil, 0, end) + " …"
	}
	// Score each window starting at a match by how many distinct marks it
	// holds; take the best non-overlapping windows, in text order.
	type window struct{ start, end, score int }
	var ws []window
	for i, m := range marks {
		start := snapStart(text, max(0, m.start-fragmentLen/4))
		end := snapEnd(text, start+fragmentLen)
		score := 0
		for _, n := range marks[i:] {
			if n.end > end {
				break
			}
			score++
		}
		ws = append(ws, window{start, end, score})
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].score > ws[j].score })
	var chosen []window
	for _, w := range ws {
		overlap := false
		for _, c := range chosen {
			if w.start < c.end && c.start < w.end {
				overlap = true
				break
			}
		}
		if !overlap {
			chosen = append(chosen, w)
		}
		if len(chosen) == maxFragments {
			break
		}
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i].start < chosen[j].start })
	var parts []string
	for i, c := range chosen {
		frag := markHTML(text, marks, c.start, c.end)
		if i == 0 && c.start > 0 {
			frag = "… " + frag
		}
		parts = append(parts, frag)
	}
	out := strings.Join(parts, " … ")
	if last := chosen[len(chosen)-1]; last.end < len(text) {
		out += " …"
	}
	return out
}

// snapStart moves i back to the start of a word (never before 0).
func snapStart(text string, i int) int {
	if i <= 0 {
		return 0
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	for j := i; i-j < 30; {
		if j == 0 {
			return 0
		}
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if r == ' ' || r == '\n' {
			return j
		}
		j -= size
	}
	return i
}

// snapEnd moves i forward to the end of a word (never past len(text)).
func snapEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	for j := i; j < len(text) && j-i < 30; {
		r, size := utf8.DecodeRuneInString(text[j:])
		if r == ' ' || r == '\n' {
			return j
		}
		j += size
	}
	return i
}
