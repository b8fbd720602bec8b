package discover

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search/lexicon"
)

// Options configure Run.
type Options struct {
	// Dir is the corpus folder, read as vigie index reads it.
	Dir string
	// MinCount is the least number of passages that must name a
	// candidate (default 3).
	MinCount int
	// Max is the most entities proposed, the most frequent first
	// (default 300).
	Max int
	// Known is the gazetteer whose names are not proposed again (the
	// embedded one, which merge mode keeps); nil proposes everything.
	Known *entity.Gazetteer
	// Lexicon gives the other-language form of a name the twins do not
	// pair (a corpus without en/ and fr/ versions); nil: none.
	Lexicon *lexicon.Lexicon
	// Read bounds reading; zero values take the indexer's defaults.
	Read indexer.ReadOptions
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// Example is a passage that names a candidate.
type Example struct {
	Passage string // passage id
	Snippet string // the words around the name
}

// Candidate is one proposed entity.
type Candidate struct {
	ID      string
	Types   []string
	Label   map[string]string   // "en", "fr"
	Aliases map[string][]string // other forms, acronyms
	// Count is the number of passages naming it, in both languages
	// (CountEN + CountFR).
	Count, CountEN, CountFR int
	// Twins is the number of English passages naming it that have a
	// French twin; TwinHits how many of those twins hold the French
	// form, Dice the pairing's strength (0: no French form found).
	Twins, TwinHits int
	Dice            float64
	// Known is the id of the entity of Options.Known with this name.
	Known    string
	Examples []Example
	// Note says what a reviewer should check.
	Note string
}

// Stats describe a run.
type Stats struct {
	Documents, Passages, Pairs int
	Problems                   int
	Duration                   time.Duration
}

// Result is what Run found.
type Result struct {
	Candidates []Candidate // proposed, most frequent first
	Known      []Candidate // names Options.Known already has
	Stats      Stats
	Dir        string
}

// passage is what discovery keeps of a passage.
type passage struct {
	id, lang, text string
	toks           []tok
}

// name accumulates the occurrences of one folded name.
type name struct {
	forms    map[string]int // as written → count
	lang     string
	passages []int32 // passage indices, unique, increasing
	acronyms map[string]int
	lenToks  int
}

func (n *name) add(p int32, form string) {
	n.addPassage(p)
	n.forms[form]++
}

func (n *name) addPassage(p int32) {
	if k := len(n.passages); k == 0 || n.passages[k-1] != p {
		n.passages = append(n.passages, p)
	}
}

func (n *name) best() string {
	best, bc := "", -1
	for f, c := range n.forms {
		if c > bc || c == bc && f < best {
			best, bc = f, c
		}
	}
	return best
}

// Run reads the corpus and returns the candidates.
func Run(ctx context.Context, opts Options) (*Result, error) {
	began := time.Now()
	if opts.MinCount <= 0 {
		opts.MinCount = 3
	}
	if opts.Max <= 0 {
		opts.Max = 300
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Read.MaxDocBytes == 0 {
		opts.Read.MaxDocBytes = indexer.DefaultReadOptions.MaxDocBytes
	}
	if opts.Read.DefaultLang == "" {
		opts.Read.DefaultLang = indexer.DefaultReadOptions.DefaultLang
	}
	docs, problems, err := indexer.ReadDir(ctx, opts.Dir, opts.Read)
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	res := &Result{Dir: opts.Dir, Stats: Stats{Documents: len(docs), Problems: len(problems)}}

	// Passages, and the twins of paired documents.
	var ps []passage
	byID := map[string]int32{}
	split := map[*indexer.Document][]indexer.Passage{}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		parts := indexer.Split(d, indexer.SplitOptions{})
		split[d] = parts
		for _, p := range parts {
			byID[p.ID] = int32(len(ps))
			ps = append(ps, passage{id: p.ID, lang: p.Lang, text: p.Text})
		}
	}
	twin := make([]int32, len(ps))
	for i := range twin {
		twin[i] = -1
	}
	isTwin := make([]bool, len(ps)) // a French passage that is an English one's twin
	pairs := indexer.PairDocuments(docs)
	for _, pair := range pairs {
		for a, b := range indexer.AlignPassages(split[pair[0]], split[pair[1]]) {
			ia, oka := byID[a]
			ib, okb := byID[b]
			if oka && okb && ps[ia].lang == lang.English && ps[ib].lang == lang.French {
				twin[ia] = ib
				isTwin[ib] = true
			}
		}
	}
	split, byID = nil, nil
	res.Stats.Passages, res.Stats.Pairs = len(ps), len(pairs)
	log.Info("read corpus", "documents", len(docs), "passages", len(ps), "pairs", len(pairs), "elapsed", time.Since(began).Round(time.Millisecond))

	// English names, and acronyms in either language. Only the words of
	// French twins are kept (pairing reads them again); acronyms used
	// alone are noted to count them for their name afterwards ("the OPC").
	names := map[string]*name{}
	get := func(k, lang string, n int) *name {
		nm := names[k]
		if nm == nil {
			nm = &name{forms: map[string]int{}, acronyms: map[string]int{}, lang: lang, lenToks: n}
			names[k] = nm
		}
		return nm
	}
	acrUses := map[string][]int32{}
	for pi := range ps {
		if pi%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := &ps[pi]
		toks := tokenize(p.text)
		if isTwin[pi] {
			p.toks = toks
		}
		if p.lang == lang.English {
			for _, s := range englishNames(toks) {
				get(key(toks, s.i, s.j), lang.English, s.j-s.i).add(int32(pi), spanText(p.text, toks, s))
			}
		}
		for _, a := range acronyms(p.text, toks) {
			s := span{a.i, a.j}
			if p.lang == lang.English {
				// The expansion must be an institution's name.
				if _, ok := trimName(toks, a.i, a.j); !ok {
					continue
				}
			} else if !frenchStarts(toks[a.i]) || !frInstitution(toks, a.i, a.j) {
				continue
			}
			nm := get(key(toks, s.i, s.j), p.lang, s.j-s.i)
			nm.add(int32(pi), spanText(p.text, toks, s))
			nm.acronyms[toks[a.k].s]++
		}
		for _, t := range toks {
			if isAcronym(t.s) {
				if u := acrUses[t.s]; len(u) == 0 || u[len(u)-1] != int32(pi) {
					acrUses[t.s] = append(u, int32(pi))
				}
			}
		}
	}
	// Acronyms used alone count for their name, in its language.
	acrNames := map[string]*name{}
	for _, nm := range names {
		for a := range nm.acronyms {
			if acrNames[a] == nil || len(acrNames[a].passages) < len(nm.passages) {
				acrNames[a] = nm
			}
		}
	}
	for a, nm := range acrNames {
		for _, pi := range acrUses[a] {
			if ps[pi].lang == nm.lang {
				nm.passages = append(nm.passages, pi)
			}
		}
		sortUnique(&nm.passages)
	}
	acrUses = nil
	log.Info("found names", "names", len(names), "elapsed", time.Since(began).Round(time.Millisecond))

	cands := rank(names, ps, opts)
	frNames := map[string]bool{}
	for k, nm := range names {
		if nm.lang == lang.French && len(nm.acronyms) > 0 {
			frNames[k] = true
		}
	}
	pairFrench(cands, ps, twin, isTwin, frNames)
	res.Candidates, res.Known = finish(cands, ps, opts)
	// The file must load: drop what the gazetteer's own checks refuse.
	for {
		err := res.Validate()
		if err == nil {
			break
		}
		if !res.drop(err) {
			return nil, fmt.Errorf("discovered gazetteer does not load: %w", err)
		}
	}
	res.Stats.Duration = time.Since(began)
	return res, nil
}

// frInstitution reports whether French words [i, j) hold an institution
// word.
func frInstitution(toks []tok, i, j int) bool {
	for k := i; k < j; k++ {
		if frHeads[toks[k].low] || heads[toks[k].low] {
			return true
		}
	}
	return false
}

func sortUnique(s *[]int32) {
	v := *s
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	out := v[:0]
	for i, x := range v {
		if i == 0 || x != v[i-1] {
			out = append(out, x)
		}
	}
	*s = out
}

// cand is a candidate being built.
type cand struct {
	Candidate
	en, fr   *name   // the names behind it
	enKey    string  // folded English name
	frKey    string  // folded French form, from the twins
	frForm   string  // the French form as written
	variants []*name // names merged into it ("… of Canada")
}

// rank keeps the names named often enough, merges "X of Canada" into "X",
// and sorts them by passage count.
func rank(names map[string]*name, ps []passage, opts Options) []*cand {
	var out []*cand
	byKey := map[string]*cand{}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	// Shorter keys first, so that "x of canada" finds "x".
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		nm := names[k]
		for _, suffix := range []string{" of canada", " for canada", " du canada"} {
			if base, ok := strings.CutSuffix(k, suffix); ok {
				if c := byKey[base]; c != nil && c.en != nil && nm.lang == c.en.lang {
					c.variants = append(c.variants, nm)
					nm = nil
					break
				}
			}
		}
		if nm == nil {
			continue
		}
		c := &cand{enKey: k}
		if nm.lang == lang.English {
			c.en = nm
		} else {
			c.fr = nm
		}
		byKey[k] = c
		out = append(out, c)
	}
	for _, c := range out {
		nm := c.en
		if nm == nil {
			nm = c.fr
		}
		all := append([]int32(nil), nm.passages...)
		for _, v := range c.variants {
			all = append(all, v.passages...)
		}
		sortUnique(&all)
		for _, p := range all {
			if ps[p].lang == lang.English {
				c.CountEN++
			} else {
				c.CountFR++
			}
		}
	}
	kept := out[:0]
	for _, c := range out {
		if c.CountEN+c.CountFR >= opts.MinCount {
			kept = append(kept, c)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i].CountEN+kept[i].CountFR, kept[j].CountEN+kept[j].CountFR
		if a != b {
			return a > b
		}
		return kept[i].enKey < kept[j].enKey
	})
	// Keep a margin for names dropped later (known, clashing).
	if n := opts.Max * 2; len(kept) > n {
		kept = kept[:n]
	}
	return kept
}
