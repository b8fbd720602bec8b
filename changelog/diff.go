package changelog

import (
	"html"
	"strings"
	"unicode"

	"github.com/blevesearch/segment"
)

// Diff is a word-level comparison of a passage's previous and new text.
type Diff struct {
	// Removed and Added are the runs of words that went and came, in text
	// order, each run as written (words with their punctuation and spaces).
	Removed []string `json:"removed"`
	Added   []string `json:"added"`
	// HTML is the new text with the removed runs in <del> and the added
	// ones in <ins>, everything else HTML-escaped.
	HTML string `json:"html"`
}

// token is a word or punctuation mark with the white space that follows it.
type token struct {
	text, space string
}

// tokens splits s at Unicode word boundaries (UAX #29): words, numbers and
// each punctuation mark are tokens; white space is attached to the token
// before it.
func tokens(s string) []token {
	var out []token
	lead := ""
	seg := segment.NewWordSegmenterDirect([]byte(s))
	for seg.Segment() {
		t := seg.Text()
		if strings.TrimFunc(t, unicode.IsSpace) == "" {
			if len(out) == 0 {
				lead += t
			} else {
				out[len(out)-1].space += t
			}
			continue
		}
		out = append(out, token{text: t})
	}
	if seg.Err() != nil || (lead != "" && len(out) == 0) {
		// The segmenter gives up only on invalid input; fall back to
		// fields, which never fails.
		out = out[:0]
		for _, f := range strings.Fields(s) {
			out = append(out, token{text: f, space: " "})
		}
	}
	return out
}

// op is one step of an edit script.
type op struct {
	kind byte // '=', '-', '+'
	tok  token
}

// maxCells bounds the dynamic-programming table of one diff (after the
// common prefix and suffix are set aside): beyond it the middles are
// reported as wholly removed and added.
const maxCells = 4_000_000

// script returns the edit script turning a into b: longest common
// subsequence of tokens compared by text.
func script(a, b []token) []op {
	var out []op
	p := 0
	for p < len(a) && p < len(b) && a[p].text == b[p].text {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s].text == b[len(b)-1-s].text {
		s++
	}
	for i := 0; i < p; i++ {
		out = append(out, op{'=', b[i]})
	}
	ma, mb := a[p:len(a)-s], b[p:len(b)-s]
	n, m := len(ma), len(mb)
	if n*m > maxCells {
		for _, t := range ma {
			out = append(out, op{'-', t})
		}
		for _, t := range mb {
			out = append(out, op{'+', t})
		}
	} else if n > 0 || m > 0 {
		// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
		w := m + 1
		lcs := make([]int32, (n+1)*w)
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i].text == mb[j].text {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i].text == mb[j].text:
				out = append(out, op{'=', mb[j]})
				i++
				j++
			case i < n && (j == m || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
				out = append(out, op{'-', ma[i]})
				i++
			default:
				out = append(out, op{'+', mb[j]})
				j++
			}
		}
	}
	for i := len(b) - s; i < len(b); i++ {
		out = append(out, op{'=', b[i]})
	}
	return out
}

// WordDiff compares two texts word by word.
func WordDiff(prev, next string) Diff {
	ops := script(tokens(prev), tokens(next))
	d := Diff{Removed: []string{}, Added: []string{}}
	var h strings.Builder
	var run strings.Builder
	flush := func(kind byte) {
		if run.Len() == 0 {
			return
		}
		words := strings.TrimSpace(run.String())
		tag := "del"
		if kind == '+' {
			tag = "ins"
			d.Added = append(d.Added, words)
		} else {
			d.Removed = append(d.Removed, words)
		}
		h.WriteString("<" + tag + ">" + html.EscapeString(words) + "</" + tag + ">")
		// The run's trailing space goes outside the mark.
		if tail := run.String()[len(strings.TrimRightFunc(run.String(), unicode.IsSpace)):]; tail != "" {
			h.WriteString(html.EscapeString(tail))
		}
		run.Reset()
	}
	cur := byte('=')
	for _, o := range ops {
		if o.kind != cur {
			flush(cur)
			cur = o.kind
		}
		if o.kind == '=' {
			h.WriteString(html.EscapeString(o.tok.text + o.tok.space))
			continue
		}
		run.WriteString(o.tok.text + o.tok.space)
	}
	flush(cur)
	d.HTML = h.String()
	return d
}

// Similarity is the share of words two texts have in common (Dice's
// coefficient over word multisets, case-folded): 1 for the same words, 0
// for none in common.
func Similarity(a, b string) float64 {
	ca := map[string]int{}
	na := 0
	for _, t := range tokens(a) {
		if isWord(t.text) {
			ca[strings.ToLower(t.text)]++
			na++
		}
	}
	common, nb := 0, 0
	for _, t := range tokens(b) {
		if isWord(t.text) {
			nb++
			k := strings.ToLower(t.text)
			if ca[k] > 0 {
				ca[k]--
				common++
			}
		}
	}
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(common) / float64(na+nb)
}

func isWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}
