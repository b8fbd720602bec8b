package search

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
)

// Highlights are computed from the query, not from bleve's term
// locations: the terms a text query looks for in each language are
// collected once from the query tree, and a page's passages are analysed
// again (a few kilobytes) to find them. Asking bleve for locations meant
// running the whole query a second time over the page.

// termSet is what a query looks for in the fields of one language, as
// that language's analyzer makes it.
type termSet struct {
	terms    map[string]bool
	phrases  [][]phraseTerm
	prefixes []string
	// starts holds the first keyRunes runes (fewer for a shorter one) of
	// every term, phrase term and prefix: a word whose own start is not
	// among them cannot analyse to any of them (marks).
	starts map[string]bool
	// first holds the first byte of every key of starts: a word whose
	// folded first byte is not there is no candidate, without a lookup.
	first [256]bool
}

// keyRunes is how many leading runes of a word the candidate test reads.
// The analyzers only cut and change the ends of words (stemming,
// possessives, a final y made i), fold case and accents and (the French
// stemmer) make doubled letters single, which the test does too, so a word's term
// starts as the word does, folded (TestMarksCandidates checks it on
// every word of the seeds and guardrails).
const keyRunes = 3

// index fills starts.
func (ts *termSet) index() {
	ts.starts = map[string]bool{}
	add := func(term string) {
		var arr [4 * keyRunes]byte
		if b, ends, n := wordStart(arr[:0], []byte(term)); n > 0 {
			ts.starts[string(b[:ends[n-1]])] = true
			ts.first[b[0]] = true
		}
	}
	for t := range ts.terms {
		add(t)
	}
	for _, ph := range ts.phrases {
		for _, pt := range ph {
			add(pt.term)
		}
	}
	for _, p := range ts.prefixes {
		add(p)
	}
}

// wordStart writes into buf the first keyRunes runes of word, lower
// case, accents folded, doubled letters single (the French stemmer makes
// "attache" "atach") and y read as i ("key" stems to "kei"), and returns
// them with the byte length of each of its 1 to keyRunes first runes.
func wordStart(buf []byte, word []byte) ([]byte, [keyRunes]int, int) {
	var ends [keyRunes]int
	n := 0
	last := rune(-1)
	add := func(r rune) {
		if r == 'y' {
			r = 'i'
		}
		if r == last || n == keyRunes {
			return
		}
		last = r
		buf = utf8.AppendRune(buf, r)
		ends[n] = len(buf)
		n++
	}
	for i := 0; i < len(word) && n < keyRunes; {
		if c := word[i]; c < utf8.RuneSelf { // ASCII: AppendKey lowers case only
			add(rune(asciiKey(c)))
			i++
			continue
		}
		r, size := utf8.DecodeRune(word[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			add(r) // an apostrophe, a dash, a digit: nothing to fold
			continue
		}
		var key [8]byte
		for _, f := range string(lang.AppendKey(key[:0], r)) { // "É" → "e", "œ" → "oe"
			add(f)
		}
	}
	return buf, ends, n
}

// asciiKey is the key wordStart makes of an ASCII byte: lower case, y
// read as i.
func asciiKey(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	if c == 'y' {
		c = 'i'
	}
	return c
}

// candidate reports whether a word as the tokenizer cut it may analyse
// to a term of ts: its start (or, after an elision such as "l'", the
// start of what follows) is the start of one of them.
func (ts *termSet) candidate(word []byte) bool {
	if ts.startsWith(word) {
		return true
	}
	if i := bytes.LastIndexAny(word, "'’"); i >= 0 {
		_, n := utf8.DecodeRune(word[i:])
		return ts.startsWith(word[i+n:])
	}
	return false
}

func (ts *termSet) startsWith(word []byte) bool {
	if len(word) == 0 {
		return false
	}
	if c := word[0]; c < utf8.RuneSelf && !ts.first[asciiKey(c)] {
		return false
	}
	var arr [4 * keyRunes]byte
	b, ends, n := wordStart(arr[:0], word)
	if n == 0 || !ts.first[b[0]] {
		return false
	}
	for _, e := range ends[:n] {
		if ts.starts[string(b[:e])] {
			return true
		}
	}
	return false
}

// phraseTerm is one term of a phrase and its position relative to the
// phrase's first term (stop words leave gaps, as in the index).
type phraseTerm struct {
	term string
	pos  int
}

// queryMarks is a query's termSet by language.
type queryMarks map[string]*termSet

// markFields are the analysed fields whose terms are highlighted in a
// passage's heading and text.
var markFields = map[string]bool{indexer.FieldText: true, indexer.FieldHeading: true,
	indexer.FieldTitle: true}

// collectMarks walks a text query (nil: no marks) and gathers the terms
// of its positive clauses by language.
func collectMarks(q query.Query) queryMarks {
	m := queryMarks{}
	m.walk(q)
	for _, ts := range m {
		ts.index()
	}
	return m
}

func (m queryMarks) set(field string) *termSet {
	i := strings.LastIndexByte(field, '_')
	if i < 0 || !markFields[field[:i]] {
		return nil
	}
	lg := field[i+1:]
	if !slices.Contains(lang.Languages, lg) {
		return nil
	}
	ts := m[lg]
	if ts == nil {
		ts = &termSet{terms: map[string]bool{}}
		m[lg] = ts
	}
	return ts
}

func (m queryMarks) walk(q query.Query) {
	switch q := q.(type) {
	case *query.BooleanQuery:
		m.walk(q.Must)
		m.walk(q.Should)
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			m.walk(c)
		}
	case *query.DisjunctionQuery:
		for _, c := range q.Disjuncts {
			m.walk(c)
		}
	case *query.MatchQuery:
		if ts := m.set(q.FieldVal); ts != nil {
			for _, t := range analyse(q.Analyzer, q.Match) {
				ts.terms[string(t.Term)] = true
			}
		}
	case *query.MatchPhraseQuery:
		if ts := m.set(q.FieldVal); ts != nil {
			toks := analyse(q.Analyzer, q.MatchPhrase)
			if len(toks) == 1 {
				ts.terms[string(toks[0].Term)] = true
				return
			}
			var ph []phraseTerm
			for _, t := range toks {
				ph = append(ph, phraseTerm{string(t.Term), t.Position - toks[0].Position})
			}
			if len(ph) > 0 {
				ts.phrases = append(ts.phrases, ph)
			}
		}
	case *query.TermQuery:
		if ts := m.set(q.FieldVal); ts != nil {
			ts.terms[q.Term] = true
		}
	case *query.PrefixQuery:
		if ts := m.set(q.FieldVal); ts != nil {
			ts.prefixes = append(ts.prefixes, q.Prefix)
		}
	}
}

// analyse runs a registered analyzer (none named: nothing).
func analyse(name, text string) analysis.TokenStream {
	if name == "" {
		return nil
	}
	a, err := lang.Analyzer(name)
	if err != nil {
		return nil
	}
	return a.Analyze([]byte(text))
}

// analyse analyses text as the named analyzer does, keeping only the
// tokens that may be terms of ts: the text is cut into words, and only
// the candidates go through the analyzer's filters (stemming, folding),
// most of the cost of analysing a passage. Positions are the
// tokenizer's, as in the index.
func (ts *termSet) analyse(name, text string, every bool) analysis.TokenStream {
	a, err := lang.Analyzer(name)
	if err != nil {
		return nil
	}
	da, ok := a.(*analysis.DefaultAnalyzer)
	if every || !ok || da.CharFilters != nil || ts.starts == nil {
		return a.Analyze([]byte(text))
	}
	var toks analysis.TokenStream
	if wins, ok := ts.windows(text); ok {
		// Only the stretches of text holding candidates are cut into
		// words: the Unicode word segmenter is most of the cost.
		for w, win := range wins {
			for _, t := range da.Tokenizer.Tokenize([]byte(text[win[0]:win[1]])) {
				t.Start += win[0]
				t.End += win[0]
				t.Position += w * windowPositions
				toks = append(toks, t)
			}
		}
	} else {
		toks = da.Tokenizer.Tokenize([]byte(text))
	}
	cand := toks[:0]
	for _, t := range toks {
		if ts.candidate(t.Term) {
			cand = append(cand, t)
		}
	}
	for _, f := range da.TokenFilters {
		cand = f.Filter(cand)
	}
	return cand
}

// windowPositions sets the words of one window of text apart from the
// next's: more positions than a passage has words, so that no phrase
// spans two windows.
const windowPositions = 1 << 20

// windows returns the stretches of text that hold every word the
// tokenizer could cut that may be a candidate (its start is the start of
// a term of ts), as byte ranges between white space: the word segmenter
// never joins across white space, so it cuts a stretch as it cuts the
// whole text. Stretches are joined when fewer words than the longest
// phrase of ts spans lie between them, so that a phrase's words and the
// stop words between them are cut together (positions within a stretch
// are the text's, shifted). ok is false for a text holding a letter
// outside the Latin script, where words may start inside a run of
// letters: the caller then cuts the whole text.
func (ts *termSet) windows(text string) (out [][2]int, ok bool) {
	gap := -1 // words allowed between two stretches still joined
	for _, ph := range ts.phrases {
		gap = max(gap, ph[len(ph)-1].pos)
	}
	between := 0 // chunks with a letter or digit since the last stretch
	for i := 0; i < len(text); {
		if r, size := utf8.DecodeRuneInString(text[i:]); unicode.IsSpace(r) {
			i += size
			continue
		}
		start, cand, word, prevWord := i, false, false, false
		var size int
		for i < len(text) {
			var isWord bool
			if c := text[i]; c < utf8.RuneSelf {
				if asciiSpace[c] {
					break
				}
				size, isWord = 1, asciiWord[c]
			} else {
				var r rune
				r, size = utf8.DecodeRuneInString(text[i:])
				if unicode.IsSpace(r) {
					break
				}
				if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
					return nil, false
				}
				isWord = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
			}
			if isWord && !prevWord && !cand && ts.startsWith([]byte(text[i:min(len(text), i+4*keyRunes)])) {
				cand = true
			}
			word = word || isWord
			prevWord = isWord
			i += size
		}
		switch {
		case cand && len(out) > 0 && between <= gap:
			out[len(out)-1][1] = i
			between = 0
		case cand:
			out = append(out, [2]int{start, i})
			between = 0
		case word:
			between++
		}
	}
	return out, true
}

// asciiSpace and asciiWord classify ASCII bytes as windows does runes:
// white space (unicode.IsSpace), and letters, digits and '_'.
var asciiSpace, asciiWord = func() (sp, w [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		r := rune(c)
		sp[c] = unicode.IsSpace(r)
		w[c] = unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
	}
	return sp, w
}()

// marks returns the spans of text (a passage in lg) that the query looks
// for, sorted and merged.
func (m queryMarks) marks(text, lg string) []markSpan {
	return m.marksOf(text, lg, false)
}

// marksOf is marks, analysing every word of text when every is set (the
// candidate test skipped: what the test of that test compares with).
func (m queryMarks) marksOf(text, lg string, every bool) []markSpan {
	ts := m[lg]
	if ts == nil || text == "" {
		return nil
	}
	toks := ts.analyse(lang.AnalyzerFor(lg), text, every)
	var out []markSpan
	add := func(t *analysis.Token) {
		if t.Start >= 0 && t.End <= len(text) && t.Start < t.End {
			out = append(out, markSpan{t.Start, t.End})
		}
	}
	for _, t := range toks {
		term := string(t.Term)
		if ts.terms[term] {
			add(t)
			continue
		}
		for _, p := range ts.prefixes {
			if strings.HasPrefix(term, p) {
				add(t)
				break
			}
		}
	}
	for _, ph := range ts.phrases {
		for i, t := range toks {
			if string(t.Term) != ph[0].term {
				continue
			}
			at := []int{i}
			for _, pt := range ph[1:] {
				want := t.Position + pt.pos
				j := at[len(at)-1]
				for j < len(toks) && toks[j].Position < want {
					j++
				}
				if j == len(toks) || toks[j].Position != want || string(toks[j].Term) != pt.term {
					at = nil
					break
				}
				at = append(at, j)
			}
			// Each word of the phrase is marked, as bleve's locations did.
			for _, j := range at {
				add(toks[j])
			}
		}
	}
	return mergeSpans(out)
}
