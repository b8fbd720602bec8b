package entity

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/vigie/vigie/lang"
)

// Mention is one alias occurrence in a text, byte offsets into that text:
// text[Start:End] is the name as written, without elided article ("l’") or
// possessive ("’s").
type Mention struct {
	ID         string
	Start, End int
}

// Find returns the entity mentions in text, in text order and without
// overlaps: at each word the longest alias that matches wins. Names match
// regardless of case and accents, acronyms only as written; both only as
// whole words. Mentions inside URLs and e-mail addresses are ignored.
func (g *Gazetteer) Find(text string) []Mention {
	var out []Mention
	g.scan(text, func(ent, start, end int) {
		out = append(out, Mention{ID: g.entities[ent].ID, Start: start, End: end})
	})
	return out
}

// Extract returns the sorted, unique IDs of the actors and of the forums
// mentioned in text. An entity of both types is in both lists. Either list
// is nil when empty.
func (g *Gazetteer) Extract(text string) (actors, forums []string) {
	var small [128]bool // no allocation for gazetteers of up to 128 entities
	var seen []bool
	if n := len(g.entities); n <= len(small) {
		seen = small[:n]
	} else {
		seen = make([]bool, n)
	}
	g.scan(text, func(ent, _, _ int) { seen[ent] = true })
	for i, ok := range seen {
		if !ok {
			continue
		}
		e := &g.entities[i]
		for _, t := range e.Types {
			switch t {
			case Actor:
				actors = append(actors, e.ID)
			case Forum:
				forums = append(forums, e.ID)
			}
		}
	}
	return actors, forums
}

// Annotate returns what a passage refers to: the actors and forums it
// mentions (as Extract) with their ancestors (see Entity.Parent), and the
// years it refers to (as Years). Its signature is the indexer's Extractor.
func (g *Gazetteer) Annotate(text string) (actors, forums []string, years []int) {
	actors, forums = g.Extract(text)
	if g.hasParents() {
		actors, forums = g.withAncestors(actors, forums)
	}
	return actors, forums, Years(text)
}

// Lookup returns the ID of the entity that name designates as a whole, for
// instance a query term or a facet value: an ID ("nato"), a label or an alias
// in either language ("otan", "Organisation du traité de l'Atlantique nord").
// Unlike Find it ignores case for acronyms too, since queries are often
// typed in lowercase. ok is false when no entity, or more than one, has that
// name.
func (g *Gazetteer) Lookup(name string) (id string, ok bool) {
	if _, ok := g.byID[name]; ok {
		return name, true
	}
	toks, buf := tokenize(name, nil, nil)
	i, ok := g.names[foldKey(toks, buf)]
	if !ok || i < 0 {
		return "", false
	}
	return g.entities[i].ID, true
}

// Gaps between two tokens. A multi-word alias matches only across soft gaps,
// or across the one comma or full stop that the alias itself has there
// ("ministère de l’Économie, des Finances…", "U.S. Cyber Command"): a name
// does not run over a sentence end, a parenthesis, a table cell or a blank
// line.
const (
	gapSoft   uint8 = iota // spaces, one line break, hyphens, apostrophes
	gapComma               // as soft, plus one comma
	gapPeriod              // as soft, plus one full stop
	gapHard                // anything else
)

// token is one word of a text: a maximal run of letters, digits, combining
// marks and underscores. Apostrophes split words, so that the elided article
// of "l’OTAN" and the possessive of "NATO’s" are tokens of their own.
type token struct {
	start, end int32 // the word in the text
	fs, fe     int32 // its folded form in the scratch buffer
	gap        uint8 // gap between the previous token and this one
}

// ptok is one word of an alias.
type ptok struct {
	s     string // folded form, or the form as written when exact
	exact bool   // an acronym: matched as written
	gap   uint8  // the gap the alias has before this word
}

// pattern is one compiled alias.
type pattern struct {
	toks   []ptok
	fold   []string // folded form of every word, exact or not
	entity int
	alias  string
}

// match reports whether p matches the tokens at the start of toks.
func (p *pattern) match(text string, buf []byte, toks []token) bool {
	if len(p.toks) > len(toks) {
		return false
	}
	for k := range p.toks {
		pt, t := &p.toks[k], &toks[k]
		if k > 0 && t.gap != gapSoft && t.gap != pt.gap {
			return false
		}
		if pt.exact {
			if text[t.start:t.end] != pt.s {
				return false
			}
		} else if string(buf[t.fs:t.fe]) != pt.s {
			return false
		}
	}
	return true
}

// compile builds the index from the first folded word of every alias to
// the aliases that start with it, longest first, and the whole-name table
// of Lookup. It fails when an alias has no word or has punctuation that no
// text could match, and when two entities have aliases that match the same
// text.
func (g *Gazetteer) compile() error {
	g.index = map[string][]*pattern{}
	g.names = map[string]int{}
	bySig := map[string]int{} // signature → entity
	byFold := map[string][]*pattern{}
	var errs []error
	for ei, e := range g.entities {
		for _, lang := range langs {
			for _, a := range append([]string{e.Label[lang]}, e.Aliases[lang]...) {
				p, err := compileAlias(a)
				if err != nil {
					errs = append(errs, fmt.Errorf("gazetteer: entity %q: %s alias %q: %w", e.ID, lang, a, err))
					continue
				}
				p.entity = ei
				sig := p.signature()
				if j, ok := bySig[sig]; ok && j == ei {
					continue // the same form in both languages, or a label repeated as alias
				}
				bySig[sig] = ei
				key := strings.Join(p.fold, " ")
				for _, q := range byFold[key] {
					if q.entity != ei && overlap(p, q) {
						errs = append(errs, fmt.Errorf("gazetteer: alias %q of %q and alias %q of %q match the same text",
							q.alias, g.entities[q.entity].ID, a, e.ID))
					}
				}
				byFold[key] = append(byFold[key], p)
				if j, ok := g.names[key]; !ok {
					g.names[key] = ei
				} else if j != ei {
					g.names[key] = -1 // ambiguous without case: Lookup refuses it
				}
				g.index[p.fold[0]] = append(g.index[p.fold[0]], p)
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, ps := range g.index {
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].toks) > len(ps[j].toks) })
	}
	return nil
}

// compileAlias splits alias a into words with the tokenizer used on texts.
func compileAlias(a string) (*pattern, error) {
	toks, buf := tokenize(a, nil, nil)
	if len(toks) == 0 {
		return nil, errors.New("no word")
	}
	p := &pattern{alias: a}
	for k, t := range toks {
		if k > 0 && t.gap == gapHard {
			return nil, fmt.Errorf("punctuation before %q cannot be matched: use spaces, hyphens, apostrophes, or one comma or full stop", a[t.start:t.end])
		}
		raw, folded := a[t.start:t.end], string(buf[t.fs:t.fe])
		pt := ptok{s: folded, gap: t.gap}
		if isAcronym(raw) {
			pt = ptok{s: raw, exact: true, gap: t.gap}
		}
		p.toks = append(p.toks, pt)
		p.fold = append(p.fold, folded)
	}
	return p, nil
}

// signature identifies the texts a pattern matches.
func (p *pattern) signature() string {
	var b strings.Builder
	for _, t := range p.toks {
		if t.exact {
			b.WriteByte('=')
		}
		b.WriteString(t.s)
		b.WriteByte(' ' + t.gap)
	}
	return b.String()
}

// overlap reports whether two patterns with the same folded words can match
// the same text: they can unless, at some word, both are acronyms written
// differently.
func overlap(p, q *pattern) bool {
	for k := range p.toks {
		if p.toks[k].exact && q.toks[k].exact && p.toks[k].s != q.toks[k].s {
			return false
		}
	}
	return true
}

// isAcronym reports whether an alias word is written in capitals: two or
// more characters, at least one letter, no lowercase letter ("UN", "G7",
// "CERT"). Such words match case-sensitively, so that "UN" is not French
// "un" and "EU" is not French "eu".
func isAcronym(w string) bool {
	if utf8.RuneCountInString(w) < 2 {
		return false
	}
	letter := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letter = true
		}
	}
	return letter
}

// foldKey joins the folded words of toks, as compile does for Lookup.
func foldKey(toks []token, buf []byte) string {
	var b strings.Builder
	for k, t := range toks {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.Write(buf[t.fs:t.fe])
	}
	return b.String()
}

// scratch holds the per-call buffers of scan.
type scratch struct {
	toks []token
	buf  []byte
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// scan calls emit for each mention in text, in order: a greedy left-to-right
// longest match over the tokens.
func (g *Gazetteer) scan(text string, emit func(ent, start, end int)) {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.toks, sc.buf = tokenize(text, sc.toks[:0], sc.buf[:0])
	toks, buf := sc.toks, sc.buf
	for i := 0; i < len(toks); {
		var best *pattern
		for _, p := range g.index[string(buf[toks[i].fs:toks[i].fe])] {
			if p.match(text, buf, toks[i:]) {
				best = p // candidates are longest first
				break
			}
		}
		if best == nil {
			i++
			continue
		}
		n := len(best.toks)
		emit(best.entity, int(toks[i].start), int(toks[i+n-1].end))
		i += n
	}
}

// asciiWord marks the ASCII bytes that belong to words.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// tokenize appends the words of text to toks and their folded forms to buf.
// Words inside URLs and e-mail addresses are skipped.
func tokenize(text string, toks []token, buf []byte) ([]token, []byte) {
	urls := urlSpans(text)
	gap, lines := gapHard, 0
	for i := 0; i < len(text); {
		c := text[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if !isWordRune(r) {
			switch r {
			case ' ', '\t', '\r', '\u00a0', '\u202f', '\u2009', '\u2007', '\u200b',
				'-', '\u2010', '\u2011', '\u2013',
				'\'', '\u2019', '\u2018', '\u02bc', '`', '\u00b4':
			case '\n':
				if lines++; lines > 1 {
					gap = gapHard
				}
			case ',':
				if gap == gapSoft {
					gap = gapComma
				} else {
					gap = gapHard
				}
			case '.':
				if gap == gapSoft {
					gap = gapPeriod
				} else {
					gap = gapHard
				}
			default:
				gap = gapHard
			}
			i += size
			continue
		}
		for len(urls) > 0 && urls[0][1] <= i {
			urls = urls[1:]
		}
		if len(urls) > 0 && urls[0][0] <= i {
			i = urls[0][1]
			gap, lines = gapHard, 0
			continue
		}
		t := token{start: int32(i), fs: int32(len(buf)), gap: gap}
		for i < len(text) {
			c := text[i]
			if c < utf8.RuneSelf {
				if !asciiWord[c] {
					break
				}
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf = append(buf, c)
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			buf = lang.AppendKey(buf, r)
			i += size
		}
		t.end, t.fe = int32(i), int32(len(buf))
		toks = append(toks, t)
		gap, lines = gapSoft, 0
	}
	return toks, buf
}

// urlSpans returns the byte spans of the URLs ("https://…", "www.…") and
// e-mail addresses in text, in order. Names in them are not mentions:
// "treasury-board-secretariat" in a link is no reference to the Secretariat.
func urlSpans(text string) [][2]int {
	if !strings.Contains(text, "://") && !strings.Contains(text, "www.") && !strings.Contains(text, "@") {
		return nil
	}
	var spans [][2]int
	for i := 0; i < len(text); {
		j := strings.IndexAny(text[i:], ":w@")
		if j < 0 {
			break
		}
		j += i
		var hit bool
		switch text[j] {
		case ':':
			hit = strings.HasPrefix(text[j:], "://")
		case 'w':
			hit = strings.HasPrefix(text[j:], "www.") && (j == 0 || isURLStop(text[j-1]))
		case '@':
			hit = j > 0 && !isURLStop(text[j-1]) && j+1 < len(text) && !isURLStop(text[j+1])
		}
		if !hit {
			i = j + 1
			continue
		}
		s, e := j, j
		for s > 0 && !isURLStop(text[s-1]) {
			s--
		}
		for e < len(text) && !isURLStop(text[e]) {
			e++
		}
		if n := len(spans); n > 0 && spans[n-1][1] >= s {
			spans[n-1][1] = max(spans[n-1][1], e)
		} else {
			spans = append(spans, [2]int{s, e})
		}
		i = e
	}
	return spans
}

// isURLStop reports whether byte c ends a URL: white space, brackets,
// quotes, table bars and angle brackets.
func isURLStop(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '(', ')', '[', ']', '<', '>', '"', '\'', '|', '{', '}':
		return true
	}
	return false
}

// fold returns s in the form in which names are compared (lang.Key:
// lower case, accents folded, œ and æ spelled out): "Ministère des Armées"
// → "ministere des armees".
func fold(s string) string { return lang.Key(s) }
