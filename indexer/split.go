package indexer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitOptions sets passage lengths, in characters.
type SplitOptions struct {
	// Target is the length a passage grows to before a new one starts.
	Target int
	// Max is the length above which a single paragraph or list is cut, at
	// sentence or item boundaries.
	Max int
	// Limit is the longest passage: a sentence longer than this (a table
	// dump, text without punctuation) is cut at a space, or anywhere if it
	// has none. Zero means 8,000; Max and Target are lowered to it.
	Limit int
}

// DefaultSplitOptions suit citation: a passage is a paragraph or two.
var DefaultSplitOptions = SplitOptions{Target: 1200, Max: 2000, Limit: 8000}

// withDefaults fills zero values and keeps Target ≤ Max ≤ Limit.
func (opts SplitOptions) withDefaults() SplitOptions {
	if opts.Target <= 0 {
		opts.Target, opts.Max = DefaultSplitOptions.Target, max(opts.Max, DefaultSplitOptions.Max)
	}
	if opts.Limit <= 0 {
		opts.Limit = DefaultSplitOptions.Limit
	}
	opts.Target = min(opts.Target, opts.Limit)
	if opts.Max < opts.Target {
		opts.Max = opts.Target
	}
	opts.Max = min(opts.Max, opts.Limit)
	return opts
}

// span is a run of document text that must stay in one passage.
type span struct{ start, end int }

// Split cuts a document into passages: each heading starts a new passage;
// paragraphs accumulate up to opts.Target characters; a lead-in ending in
// ':' stays with its list; a paragraph longer than opts.Max is cut between
// sentences, never inside one.
func Split(doc *Document, opts SplitOptions) []Passage {
	opts = opts.withDefaults()
	text := doc.Text
	runes := func(s span) int { return utf8.RuneCountInString(text[s.start:s.end]) }

	var passages []Passage
	heading := ""
	var cur []span
	curLen := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		start, end := cur[0].start, cur[len(cur)-1].end
		passages = append(passages, Passage{
			DocID:   doc.ID,
			Lang:    doc.Lang,
			Title:   doc.Title,
			Heading: heading,
			Ordinal: len(passages),
			Text:    text[start:end],
			Start:   start,
			End:     end,
		})
		cur, curLen = nil, 0
	}
	add := func(u span) {
		n := runes(u)
		if len(cur) > 0 && curLen+n > opts.Target {
			flush()
		}
		cur = append(cur, u)
		curLen += n
	}
	addUnit := func(u span, items []span) {
		// u covers a lead-in and its items (items empty for a paragraph).
		if runes(u) <= opts.Max {
			add(u)
			return
		}
		if len(items) == 0 {
			for _, s := range sentences(text, u, opts.Target) {
				for _, piece := range hardCut(text, s, opts.Limit) {
					add(piece)
				}
			}
			return
		}
		// A long list: the lead-in goes with as many items as fit, the rest
		// follow in passages of their own.
		for _, it := range items {
			if runes(it) > opts.Max {
				for _, s := range sentences(text, it, opts.Target) {
					for _, piece := range hardCut(text, s, opts.Limit) {
						add(piece)
					}
				}
				continue
			}
			add(it)
		}
	}

	blocks := doc.Blocks
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		switch b.Kind {
		case TitleLine, Meta:
			continue
		case Heading:
			flush()
			heading = strings.TrimSpace(text[b.Start:b.End])
			continue
		case Paragraph:
			// A lead-in: a paragraph ending with ':' followed by list items.
			if strings.HasSuffix(strings.TrimSpace(text[b.Start:b.End]), ":") && i+1 < len(blocks) && blocks[i+1].Kind == ListItem {
				items := []span{{b.Start, b.End}}
				j := i + 1
				for ; j < len(blocks) && blocks[j].Kind == ListItem; j++ {
					items = append(items, span{blocks[j].Start, blocks[j].End})
				}
				addUnit(span{b.Start, blocks[j-1].End}, items)
				i = j - 1
				continue
			}
			addUnit(span{b.Start, b.End}, nil)
		case ListItem:
			addUnit(span{b.Start, b.End}, nil)
		}
	}
	flush()
	assignIDs(doc.ID, passages)
	return passages
}

// assignIDs gives each passage an id made of its document id and a hash
// of its heading and text, so that ids survive reindexing and edits
// elsewhere in the document.
func assignIDs(docID string, ps []Passage) {
	seen := map[string]int{}
	for i := range ps {
		h := sha256.Sum256([]byte(ps[i].Heading + "\x00" + ps[i].Text))
		id := docID + "~" + hex.EncodeToString(h[:5])
		seen[id]++
		if n := seen[id]; n > 1 {
			id = fmt.Sprintf("%s-%d", id, n)
		}
		ps[i].ID = id
	}
}

// reSentenceEnd finds a possible sentence end: terminal punctuation,
// optional closing quote or bracket, then space.
var reSentenceEnd = regexp.MustCompile(`[.!?…;]["»”’)\]]*\s+`)

// abbreviations that end with a period without ending a sentence.
var abbreviations = wordSet("e.g i.e etc mr mrs ms dr st no nos art p pp vol ch cf fig al approx inc ltd co jr sr vs m mme mm av apr env ex art. sect s ss para paras subs")

// sentences cuts the span u into pieces of about target characters, each
// ending at a sentence boundary. A sentence longer than target is never
// cut: it becomes a piece of its own.
func sentences(text string, u span, target int) []span {
	s := text[u.start:u.end]
	var cuts []int // offsets in s where a new sentence starts
	for _, m := range reSentenceEnd.FindAllStringIndex(s, -1) {
		next := m[1]
		if next >= len(s) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[next:])
		if !(unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("«\"“(•-–", r)) {
			continue
		}
		if s[m[0]] == '.' {
			// The word before the period.
			w := s[:m[0]]
			if k := strings.LastIndexFunc(w, func(r rune) bool { return unicode.IsSpace(r) || r == '(' }); k >= 0 {
				w = w[k+1:]
			}
			if abbreviations[strings.ToLower(w)] || utf8.RuneCountInString(w) == 1 {
				continue
			}
		}
		cuts = append(cuts, next)
	}
	var out []span
	start := 0
	last := 0 // the last cut not yet used
	for _, c := range cuts {
		if utf8.RuneCountInString(s[start:c]) > target && last > start {
			out = append(out, trimSpan(text, span{u.start + start, u.start + last}))
			start = last
		}
		last = c
	}
	if utf8.RuneCountInString(s[start:]) > target && last > start {
		out = append(out, trimSpan(text, span{u.start + start, u.start + last}))
		start = last
	}
	out = append(out, trimSpan(text, span{u.start + start, u.end}))
	return out
}

func trimSpan(text string, s span) span {
	for s.end > s.start && (text[s.end-1] == ' ' || text[s.end-1] == '\n' || text[s.end-1] == '\t') {
		s.end--
	}
	for s.start < s.end && (text[s.start] == ' ' || text[s.start] == '\n' || text[s.start] == '\t') {
		s.start++
	}
	return s
}

// hardCut cuts a span longer than limit characters into pieces of at most
// limit, each ending at the last space that fits, or at a character
// boundary when there is none.
func hardCut(text string, u span, limit int) []span {
	var out []span
	for utf8.RuneCountInString(text[u.start:u.end]) > limit {
		// Byte offset just past limit runes.
		end, n := u.start, 0
		for end < u.end && n < limit {
			_, size := utf8.DecodeRuneInString(text[end:u.end])
			end += size
			n++
		}
		cut := end
		if i := strings.LastIndexAny(text[u.start:end], " \n\t"); i > 0 {
			cut = u.start + i
		}
		out = append(out, trimSpan(text, span{u.start, cut}))
		u = trimSpan(text, span{cut, u.end})
	}
	return append(out, u)
}
