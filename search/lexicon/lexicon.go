package lexicon

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/vigie/vigie/lang"
)

// Sources of a pair.
const (
	// SourceDice: co-occurrence of the two terms in aligned units.
	SourceDice = "dice"
	// SourceDefinition: an English definition that gives the French term
	// in brackets.
	SourceDefinition = "def"
	// SourceGlossary: the curated glossary.
	SourceGlossary = "glossary"
)

// Pair is one entry of a lexicon file: an English and a French term (as
// written, lower case unless an acronym) that translate each other, with a
// weight in (0, 1].
type Pair struct {
	EN, FR string
	Weight float64
	// Count is the evidence: shared units (dice) or definitions (def).
	Count  int
	Source string
}

// Merge collapses pairs with the same terms (keeping the highest weight,
// the summed evidence and every source) and sorts them by weight, then
// terms.
func Merge(pairs []Pair) []Pair {
	idx := map[[2]string]int{}
	var out []Pair
	for _, p := range pairs {
		k := [2]string{p.EN, p.FR}
		i, ok := idx[k]
		if !ok {
			idx[k] = len(out)
			out = append(out, p)
			continue
		}
		q := &out[i]
		q.Weight = max(q.Weight, p.Weight)
		q.Count += p.Count
		if !strings.Contains(q.Source, p.Source) {
			q.Source += "+" + p.Source
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		if out[i].EN != out[j].EN {
			return out[i].EN < out[j].EN
		}
		return out[i].FR < out[j].FR
	})
	return out
}

// Write writes pairs as the lexicon file format: a comment header, then one
// tab-separated line per pair: English, French, weight, count, source.
func Write(w io.Writer, pairs []Pair, header ...string) error {
	bw := bufio.NewWriter(w)
	for _, h := range header {
		fmt.Fprintf(bw, "# %s\n", h)
	}
	fmt.Fprintln(bw, "# en\tfr\tweight\tcount\tsource")
	for _, p := range pairs {
		fmt.Fprintf(bw, "%s\t%s\t%s\t%d\t%s\n", p.EN, p.FR, strconv.FormatFloat(p.Weight, 'f', -1, 64), p.Count, p.Source)
	}
	return bw.Flush()
}

// Read parses a lexicon file: tab-separated lines "en, fr[, weight[,
// count[, source]]]"; '#' starts a comment line; a missing weight is 1
// (the glossary format). Errors name the line.
func Read(r io.Reader, defaultSource string) ([]Pair, error) {
	var out []Pair
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 || strings.TrimSpace(f[0]) == "" || strings.TrimSpace(f[1]) == "" {
			return nil, fmt.Errorf("line %d: want English<TAB>French[<TAB>weight…]", n)
		}
		p := Pair{EN: strings.TrimSpace(f[0]), FR: strings.TrimSpace(f[1]), Weight: 1, Source: defaultSource}
		if len(f) > 2 {
			w, err := strconv.ParseFloat(strings.TrimSpace(f[2]), 64)
			if err != nil || w <= 0 || w > 1 {
				return nil, fmt.Errorf("line %d: weight %q: want a number in (0, 1]", n, f[2])
			}
			p.Weight = w
		}
		if len(f) > 3 {
			c, err := strconv.Atoi(strings.TrimSpace(f[3]))
			if err != nil || c < 0 {
				return nil, fmt.Errorf("line %d: count %q: want a whole number", n, f[3])
			}
			p.Count = c
		}
		if len(f) > 4 && strings.TrimSpace(f[4]) != "" {
			p.Source = strings.TrimSpace(f[4])
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return out, nil
}

// Translation is a term of the other language, with its weight.
type Translation struct {
	// Text is the term as written ("droit international"): analyse it with
	// the target language's analyzer to match it.
	Text   string
	Weight float64
	Source string
}

// Lexicon maps terms of one language, as sequences of stems, to their
// translations.
type Lexicon struct {
	// from[lang] maps the space-joined stems of a term in lang to its
	// translations, best first.
	from     map[string]map[string][]Translation
	maxWords int
	size     int
}

// MaxTranslations is the most translations kept per term.
const MaxTranslations = 3

// New builds a lexicon from lists of pairs. Each term is analysed with its
// language's analyzer; terms that analyse to nothing (stop words) are
// dropped. A term of an earlier list shadows the same term (same stems) in
// later lists: pass the curated glossary first, and its translations of
// "security" (sécurité) replace those the laws suggest (valeurs
// mobilières).
func New(lists ...[]Pair) *Lexicon {
	l := &Lexicon{from: map[string]map[string][]Translation{lang.English: {}, lang.French: {}}}
	var shadowed map[string]map[string]bool // terms of earlier lists
	add := func(from, key string, t Translation) {
		if shadowed[from][key] {
			return
		}
		ts := l.from[from][key]
		for i := range ts {
			if ts[i].Text == t.Text {
				if t.Weight > ts[i].Weight {
					ts[i] = t
				}
				return
			}
		}
		l.from[from][key] = append(ts, t)
	}
	for _, ps := range lists {
		shadowed = map[string]map[string]bool{}
		for lg, m := range l.from {
			shadowed[lg] = make(map[string]bool, len(m))
			for k := range m {
				shadowed[lg][k] = true
			}
		}
		for _, p := range ps {
			en := lang.Terms(lang.AnalyzerEN, p.EN)
			fr := lang.Terms(lang.AnalyzerFR, p.FR)
			if len(en) == 0 || len(fr) == 0 {
				continue
			}
			l.maxWords = max(l.maxWords, len(en), len(fr))
			add(lang.English, strings.Join(en, " "), Translation{Text: p.FR, Weight: p.Weight, Source: p.Source})
			add(lang.French, strings.Join(fr, " "), Translation{Text: p.EN, Weight: p.Weight, Source: p.Source})
			l.size++
		}
	}
	for _, m := range l.from {
		for k, ts := range m {
			sort.SliceStable(ts, func(i, j int) bool { return ts[i].Weight > ts[j].Weight })
			if len(ts) > MaxTranslations {
				ts = ts[:MaxTranslations]
			}
			m[k] = ts
		}
	}
	return l
}

// Lookup returns the translations into the other language of the term
// whose stems (analysed with lang's analyzer) are given, best first; nil
// when the lexicon lacks it. A nil Lexicon has no entries.
func (l *Lexicon) Lookup(lg string, stems []string) []Translation {
	if l == nil || len(stems) == 0 {
		return nil
	}
	return l.from[lg][strings.Join(stems, " ")]
}

// MaxWords is the length, in stems, of the longest term.
func (l *Lexicon) MaxWords() int {
	if l == nil {
		return 0
	}
	return l.maxWords
}

// Len is the number of pairs the lexicon was built from.
func (l *Lexicon) Len() int {
	if l == nil {
		return 0
	}
	return l.size
}

//go:embed glossary.tsv
var glossaryTSV []byte

//go:embed lexicon.tsv
var lexiconTSV []byte

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
)

// Default returns the lexicon embedded in the binary: the curated glossary
// (glossary.tsv) and the pairs built from the laws (lexicon.tsv). It panics
// if the embedded files do not parse, which the package's tests rule out.
func Default() *Lexicon {
	defaultOnce.Do(func() {
		g, err := Read(bytes.NewReader(glossaryTSV), SourceGlossary)
		if err != nil {
			panic(fmt.Sprintf("lexicon: embedded glossary.tsv: %v", err))
		}
		b, err := Read(bytes.NewReader(lexiconTSV), SourceDice)
		if err != nil {
			panic(fmt.Sprintf("lexicon: embedded lexicon.tsv: %v", err))
		}
		defaultLex = New(g, b)
	})
	return defaultLex
}

// Glossary returns the pairs of the embedded curated glossary.
func Glossary() []Pair {
	g, _ := Read(bytes.NewReader(glossaryTSV), SourceGlossary)
	return g
}

// Embedded returns every pair of the embedded files, glossary first.
func Embedded() []Pair {
	b, _ := Read(bytes.NewReader(lexiconTSV), SourceDice)
	return append(Glossary(), b...)
}
