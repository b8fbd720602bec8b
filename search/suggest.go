package search

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
)

// Suggestion kinds.
const (
	SuggestTerm   = "term"
	SuggestEntity = "entity"
	SuggestTitle  = "title"
)

// Suggestion is one completion of what the user is typing.
type Suggestion struct {
	// Text is the whole query to offer: the words typed before the last
	// one, then the completion.
	Text string `json:"text"`
	// Kind is "term" (a word of the corpus), "entity" (an actor or forum
	// of the gazetteer) or "title" (a document's title).
	Kind string `json:"kind"`
	// Lang is "en" or "fr", or "" for a name used in both languages.
	Lang string `json:"lang"`
}

// MaxSuggestions caps the number of completions asked for.
const MaxSuggestions = 20

// suggester answers completions from a sorted list of keys: the folded,
// lower-cased words of the vocabulary, and every word-start suffix of
// entity names and titles ("cyber security" and "security" for "Canadian
// Centre for Cyber Security"), so that a prefix is one binary search.
type suggester struct {
	entries []suggestEntry
	keys    []suggestKey // sorted by key
	short   map[shortKey][]cand
}

type suggestEntry struct {
	text  string // as displayed
	kind  string
	lg    string
	score float64
}

type suggestKey struct {
	key   string // folded, lower case
	entry int32
	inner bool // the key starts inside the text (a later word)
}

// Completion weights: an entity or title beats a word of similar
// frequency; a match at the start of a name beats one inside it.
const (
	minTermDF     = 2
	scoreEntity   = 2.0
	scoreTitle    = 1.5
	innerDiscount = 0.6
)

func newSuggester(df map[string]map[string]int, entityCount map[string]int, g *entity.Gazetteer, m *indexer.Manifest) *suggester {
	s := &suggester{}
	add := func(text, kind, lg string, score float64, words bool) {
		id := int32(len(s.entries))
		s.entries = append(s.entries, suggestEntry{text: text, kind: kind, lg: lg, score: score})
		key := foldKey(text)
		s.keys = append(s.keys, suggestKey{key: key, entry: id})
		if !words {
			return
		}
		for i := 1; i < len(key); i++ {
			if key[i-1] == ' ' && key[i] != ' ' {
				s.keys = append(s.keys, suggestKey{key: key[i:], entry: id, inner: true})
			}
		}
	}
	for _, lg := range lang.Languages {
		for w, n := range df[lg] {
			if n < minTermDF || utf8.RuneCountInString(w) < 3 || !completable(w) {
				continue
			}
			if len(lang.Terms(lang.AnalyzerFor(lg), w)) == 0 {
				continue // a stop word
			}
			add(w, SuggestTerm, lg, math.Log1p(float64(n)), false)
		}
	}
	if g != nil {
		for _, e := range g.Entities() {
			score := scoreEntity * math.Log1p(float64(entityCount[e.ID])+1)
			seen := map[string]bool{}
			for _, lg := range lang.Languages {
				names := append([]string{e.Label[lg]}, e.Aliases[lg]...)
				for _, n := range names {
					if n == "" || seen[n] {
						continue
					}
					seen[n] = true
					l := lg
					if inBoth(e, n) {
						l = ""
					}
					add(n, SuggestEntity, l, score, true)
				}
			}
		}
	}
	if m != nil {
		seen := map[string]bool{}
		for _, d := range m.Documents {
			if d.Title == "" || seen[d.Lang+"\x00"+d.Title] {
				continue
			}
			seen[d.Lang+"\x00"+d.Title] = true
			add(d.Title, SuggestTitle, d.Lang, scoreTitle*math.Log1p(float64(d.Passages)+1), true)
		}
	}
	sort.Slice(s.keys, func(i, j int) bool {
		if s.keys[i].key != s.keys[j].key {
			return s.keys[i].key < s.keys[j].key
		}
		return s.keys[i].entry < s.keys[j].entry
	})
	s.precompute()
	return s
}

// inBoth reports whether a name is listed for both languages.
func inBoth(e entity.Entity, name string) bool {
	n := 0
	for _, lg := range lang.Languages {
		for _, a := range append([]string{e.Label[lg]}, e.Aliases[lg]...) {
			if a == name {
				n++
				break
			}
		}
	}
	return n == 2
}

// completable keeps words made of letters (and inner hyphens or
// apostrophes): not numbers, identifiers or URLs.
func completable(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' {
			return false
		}
	}
	return true
}

// foldKey is the matching form of a text: accents folded, lower case,
// apostrophes and runs of spaces as one space.
func foldKey(s string) string {
	s = lang.Key(s)
	s = strings.Map(func(r rune) rune {
		if r == '’' || r == '\'' || r == '-' || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// cand is a scored entry.
type cand struct {
	entry int32
	score float64
}

// shortKey names a precomputed answer: the best entries for a prefix of one
// or two letters, where a scan would visit a large share of the keys.
type shortKey struct {
	prefix string
	terms  bool
	lg     string
}

// shortLen is the longest prefix, in runes, answered from precomputed lists;
// shortLimit is the length of those lists.
const (
	shortLen   = 2
	shortLimit = 3 * MaxSuggestions
)

// precompute fills the lists of best entries for every prefix of up to
// shortLen runes, so that no keystroke scans more than a narrow range.
func (s *suggester) precompute() {
	s.short = map[shortKey][]cand{}
	seen := map[string]bool{}
	for _, k := range s.keys {
		r := []rune(k.key)
		for n := 1; n <= shortLen && n <= len(r); n++ {
			seen[string(r[:n])] = true
		}
	}
	for p := range seen {
		for _, terms := range []bool{true, false} {
			for _, lg := range []string{"", lang.English, lang.French} {
				if c := s.scanRange(p, terms, lg, shortLimit); len(c) > 0 {
					s.short[shortKey{p, terms, lg}] = c
				}
			}
		}
	}
}

// scan returns the best entries (up to limit) whose keys start with
// prefix: words when terms is set, else names and titles.
func (s *suggester) scan(prefix string, terms bool, lg string, limit int) []cand {
	if prefix == "" {
		return nil
	}
	if utf8.RuneCountInString(prefix) <= shortLen && limit <= shortLimit {
		c := s.short[shortKey{prefix, terms, lg}]
		return c[:min(len(c), limit)]
	}
	return s.scanRange(prefix, terms, lg, limit)
}

func (s *suggester) scanRange(prefix string, terms bool, lg string, limit int) []cand {
	best := map[int32]float64{}
	i := sort.Search(len(s.keys), func(i int) bool { return s.keys[i].key >= prefix })
	for ; i < len(s.keys) && strings.HasPrefix(s.keys[i].key, prefix); i++ {
		k := s.keys[i]
		e := &s.entries[k.entry]
		if (e.kind == SuggestTerm) != terms {
			continue
		}
		if lg != "" && e.lg != "" && e.lg != lg {
			continue
		}
		sc := e.score
		if k.inner {
			sc *= innerDiscount
		}
		if sc > best[k.entry] {
			best[k.entry] = sc
		}
	}
	out := make([]cand, 0, len(best))
	for e, sc := range best {
		out = append(out, cand{e, sc})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return s.entries[out[i].entry].text < s.entries[out[j].entry].text
	})
	return out[:min(len(out), limit)]
}

// suggest returns up to n completions of text in lang ("" for both): the
// last word completed from the vocabulary, and entity names and titles
// that contain the whole text at a word start.
func (s *suggester) suggest(text, lg string, n int) []Suggestion {
	if s == nil || n <= 0 {
		return nil
	}
	key := foldKey(text)
	if key == "" {
		return nil
	}
	// The words before the last one are kept as typed.
	cut := strings.LastIndexFunc(text, func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '\'' || r == '’' })
	head, last := "", key
	if cut >= 0 {
		_, size := utf8.DecodeRuneInString(text[cut:])
		head, last = strings.TrimLeft(text[:cut+size], " "), foldKey(text[cut+size:])
	}
	limit := 2*n + 10 // room for duplicates
	cands := append(s.scan(key, false, lg, limit), s.scan(last, true, lg, limit)...)
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return s.entries[cands[i].entry].text < s.entries[cands[j].entry].text
	})
	out := []Suggestion{}
	seen := map[string]bool{}
	for _, c := range cands {
		e := s.entries[c.entry]
		t := e.text
		if e.kind == SuggestTerm {
			t = head + t
		}
		k := strings.ToLower(t) + "\x00" + e.lg
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, Suggestion{Text: t, Kind: e.kind, Lang: e.lg})
		if len(out) == n {
			break
		}
	}
	return out
}

// Suggest returns up to n completions of what the user is typing, in lang
// ("en", "fr", or "" for both): words of the corpus, entity names and
// document titles, best first. It works from a structure built when the
// generation was opened: no index search.
func (s *View) Suggest(text, lg string, n int) ([]Suggestion, error) {
	if lg != "" && lg != lang.English && lg != lang.French {
		return nil, inputErrorf("lang %q: want en, fr or nothing", lg)
	}
	if n <= 0 || n > MaxSuggestions {
		return nil, inputErrorf("size must be between 1 and %d", MaxSuggestions)
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	v := s.sn.vocab.Load()
	if v == nil {
		return []Suggestion{}, nil
	}
	out := v.sugg.suggest(text, lg, n)
	if named := s.namedTitles(v, strings.TrimSpace(text), lg); len(named) > 0 {
		for _, sg := range out {
			if !slices.ContainsFunc(named, func(t Suggestion) bool { return t.Text == sg.Text && t.Lang == sg.Lang }) {
				named = append(named, sg)
			}
		}
		out = named[:min(n, len(named))]
	}
	return out, nil
}

// namedTitles returns, as title completions, the titles of the documents
// text names by code ("P-21") or acronym ("PIPEDA"), in lg ("" both): the
// query it would run, offered first. None when text names none.
func (s *View) namedTitles(v *vocabulary, text, lg string) []Suggestion {
	ti := s.sn.titles.Load()
	if ti == nil || text == "" {
		return nil
	}
	ids := ti.namedBy(text, s.acronymWord(v))
	var out []Suggestion
	for _, id := range ids {
		if l := ti.langOf[id]; lg == "" || l == lg {
			out = append(out, Suggestion{Text: ti.titleOf[id], Kind: SuggestTitle, Lang: l})
		}
	}
	return out
}
