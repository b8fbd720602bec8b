package lexiconbuild

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search/lexicon"

	"github.com/blevesearch/bleve/v2/analysis"
)

// BuildOptions configure Build.
type BuildOptions struct {
	// Corpus is a folder with en/ and fr/ subfolders holding the same Acts
	// under the same file names (laws-canada).
	Corpus string
	// Files restricts the build to these file names (tests); empty means
	// every file present in both languages.
	Files []string
	// MinCount is the least number of aligned units in which both terms
	// of a pair must occur (default 10).
	MinCount int
	// MinDice is the least Dice coefficient of a kept pair (default 0.4).
	MinDice float64
	// MaxUnitItems skips units with more distinct terms than this on a side
	// (long schedules and unaligned definition lists only add noise and
	// cost; default 600).
	MaxUnitItems int
	// Workers tokenizes files in parallel (default GOMAXPROCS).
	Workers int
	// MaxPairs keeps the best pairs only (by weight then evidence); zero
	// keeps all.
	MaxPairs int
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

func (o *BuildOptions) defaults() {
	if o.MinCount <= 0 {
		o.MinCount = 10
	}
	if o.MinDice <= 0 {
		o.MinDice = 0.4
	}
	if o.MaxUnitItems <= 0 {
		o.MaxUnitItems = 600
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Stats describe a build.
type Stats struct {
	Files       int
	Units       int // aligned units used for counting
	Skipped     int // units left out as too long
	TermsEN     int // distinct terms (stems and stem pairs) kept, English
	TermsFR     int
	Definitions int // definition pairs read
	Pairs       int // pairs in the result
	Duration    time.Duration
}

// Build derives translation pairs from parallel Acts: term co-occurrence
// in aligned units scored with the Dice coefficient, plus the French
// equivalents that English definitions give in brackets.
func Build(ctx context.Context, opts BuildOptions) ([]lexicon.Pair, Stats, error) {
	opts.defaults()
	began := time.Now()
	var st Stats
	files := opts.Files
	if len(files) == 0 {
		var err error
		if files, err = actPairs(opts.Corpus); err != nil {
			return nil, st, err
		}
	}
	if len(files) == 0 {
		return nil, st, fmt.Errorf("corpus %s: no file present in both en/ and fr/", opts.Corpus)
	}
	st.Files = len(files)

	c := newCounter()
	var defs [][2]string
	readUnits := func(tk *tokenizer, units []unit, en []section) fileResult {
		r := fileResult{defs: definitions(en), units: make([][2][]string, 0, len(units))}
		for _, u := range units {
			r.units = append(r.units, [2][]string{tk.items(u.en, lang.English), tk.items(u.fr, lang.French)})
		}
		return r
	}
	err := forEachFile(ctx, opts, files, readUnits, func(r fileResult) {
		for _, u := range r.units {
			if len(u[0]) > opts.MaxUnitItems || len(u[1]) > opts.MaxUnitItems {
				st.Skipped++
				continue
			}
			c.add(u[0], u[1])
		}
		defs = append(defs, r.defs...)
	})
	if err != nil {
		return nil, st, err
	}
	st.Units = len(c.units)
	st.Definitions = len(defs)
	opts.Logger.Info("read aligned units", "files", len(files), "units", st.Units, "skipped", st.Skipped,
		"definitions", len(defs), "elapsed", time.Since(began).Round(time.Millisecond))

	c.prune(opts.MinCount)
	st.TermsEN, st.TermsFR = c.kept()
	cands, err := c.dice(ctx, opts)
	if err != nil {
		return nil, st, err
	}
	opts.Logger.Info("scored pairs", "candidates", len(cands), "elapsed", time.Since(began).Round(time.Millisecond))
	stemPairs := c.selectPairs(cands)

	// Surface forms: the most frequent way each kept stem sequence is
	// written, so that the file reads as words and analyses back to the
	// same stems.
	want := [2]map[string]map[string]int{{}, {}}
	for _, p := range stemPairs {
		want[0][c.names[0][p.e]] = map[string]int{}
		want[1][c.names[1][p.f]] = map[string]int{}
	}
	readSurfaces := func(tk *tokenizer, units []unit, _ []section) fileResult {
		r := fileResult{surfaces: [2]map[string]map[string]int{{}, {}}}
		for _, u := range units {
			tk.surfaces(u.en, 0, want[0], r.surfaces[0])
			tk.surfaces(u.fr, 1, want[1], r.surfaces[1])
		}
		return r
	}
	err = forEachFile(ctx, opts, files, readSurfaces, func(r fileResult) {
		for lg := range r.surfaces {
			for k, forms := range r.surfaces[lg] {
				for f, n := range forms {
					want[lg][k][f] += n
				}
			}
		}
	})
	if err != nil {
		return nil, st, err
	}
	var out []lexicon.Pair
	for _, p := range stemPairs {
		en, fr := best(want[0][c.names[0][p.e]]), best(want[1][c.names[1][p.f]])
		if en == "" || fr == "" {
			continue
		}
		pair := lexicon.Pair{EN: en, FR: fr, Weight: round3(p.dice), Count: int(p.count), Source: lexicon.SourceDice}
		if !redundant(pair) {
			out = append(out, pair)
		}
	}
	for _, p := range definitionPairs(defs) {
		if !redundant(p) {
			out = append(out, p)
		}
	}
	out = lexicon.Merge(out)
	if opts.MaxPairs > 0 && len(out) > opts.MaxPairs {
		out = out[:opts.MaxPairs]
	}
	st.Pairs = len(out)
	st.Duration = time.Since(began)
	return out, st, nil
}

// fileResult is what one Act pair gives: aligned units as distinct terms
// per side, definition pairs, or surface forms (second pass).
type fileResult struct {
	units    [][2][]string
	defs     [][2]string
	surfaces [2]map[string]map[string]int
}

// forEachFile reads and aligns the Acts in parallel, passes each file's
// aligned units to work (in a worker goroutine) and the results to
// collect, in file order.
func forEachFile(ctx context.Context, opts BuildOptions, files []string,
	work func(tk *tokenizer, units []unit, en []section) fileResult, collect func(fileResult)) error {
	type job struct {
		i    int
		name string
	}
	jobs := make(chan job)
	results := make([]chan fileResult, len(files))
	for i := range results {
		results[i] = make(chan fileResult, 1)
	}
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk := newTokenizer()
			for j := range jobs {
				en, err := readSections(filepath.Join(opts.Corpus, "en", j.name))
				if err == nil {
					var fr []section
					fr, err = readSections(filepath.Join(opts.Corpus, "fr", j.name))
					if err == nil {
						results[j.i] <- work(tk, alignSections(en, fr), en)
						continue
					}
				}
				errs[j.i] = err
				results[j.i] <- fileResult{}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i, name := range files {
			select {
			case jobs <- job{i, name}:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()
	for i := range files {
		select {
		case r := <-results[i]:
			if errs[i] != nil {
				return errs[i]
			}
			collect(r)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// tokenizer analyses text with the index's analyzers.
type tokenizer struct {
	an   [2]analysis.Analyzer
	seen map[string]bool
}

func newTokenizer() *tokenizer {
	t := &tokenizer{seen: map[string]bool{}}
	for i, l := range []string{lang.English, lang.French} {
		a, err := lang.Analyzer(lang.AnalyzerFor(l))
		if err != nil {
			panic(fmt.Sprintf("lexicon: analyzer %s: %v", l, err)) // registered by package lang
		}
		t.an[i] = a
	}
	return t
}

// token is one analysed word: its stem and byte offsets in the text.
type token struct {
	stem       string
	start, end int
}

// tokens returns the useful tokens of text: stems of two or more letters
// that are not numbers.
func tokens(a analysis.Analyzer, text string) []token {
	ts := a.Analyze([]byte(text))
	out := make([]token, 0, len(ts))
	for _, t := range ts {
		s := string(t.Term)
		if utf8.RuneCountInString(s) < 2 || !strings.ContainsFunc(s, unicode.IsLetter) {
			out = append(out, token{start: t.Start, end: t.End}) // a break for pairs
			continue
		}
		out = append(out, token{stem: s, start: t.Start, end: t.End})
	}
	return out
}

// joined reports whether two consecutive tokens belong to one term: no
// punctuation between them (stop words may be).
func joined(text string, a, b token) bool {
	if a.stem == "" || b.stem == "" || a.stem == b.stem {
		return false
	}
	gap := text[a.end:b.start]
	if strings.ContainsAny(gap, ".,;:()[]{}—–/\"“”«»?!") {
		return false
	}
	// "accident or incident" is two terms, not one.
	for _, w := range strings.Fields(strings.ToLower(gap)) {
		if conjunctions[w] {
			return false
		}
	}
	return true
}

// conjunctions separate terms rather than join them.
var conjunctions = map[string]bool{"and": true, "or": true, "nor": true, "but": true, "et": true, "ou": true, "ni": true, "mais": true}

// items returns the distinct terms of text: stems and pairs of adjacent
// stems ("data rest" for "data at rest").
func (t *tokenizer) items(text, code string) []string {
	a := t.an[0]
	if code == lang.French {
		a = t.an[1]
	}
	clear(t.seen)
	ts := tokens(a, text)
	var out []string
	add := func(s string) {
		if !t.seen[s] {
			t.seen[s] = true
			out = append(out, s)
		}
	}
	for i, tk := range ts {
		if tk.stem == "" {
			continue
		}
		add(tk.stem)
		if i+1 < len(ts) && joined(text, tk, ts[i+1]) {
			add(tk.stem + " " + ts[i+1].stem)
		}
	}
	return out
}

// surfaces counts, for each stem sequence in want, the text spans that
// analyse to it, into out.
func (t *tokenizer) surfaces(text string, lg int, want map[string]map[string]int, out map[string]map[string]int) {
	ts := tokens(t.an[lg], text)
	count := func(key, span string) {
		if _, ok := want[key]; !ok {
			return
		}
		m := out[key]
		if m == nil {
			m = map[string]int{}
			out[key] = m
		}
		m[surface(span)]++
	}
	for i, tk := range ts {
		if tk.stem == "" {
			continue
		}
		count(tk.stem, text[tk.start:tk.end])
		if i+1 < len(ts) && joined(text, tk, ts[i+1]) {
			count(tk.stem+" "+ts[i+1].stem, text[tk.start:ts[i+1].end])
		}
	}
}

// surface normalises a text span for the lexicon file: lower case unless
// it is an acronym, typographic apostrophes made ASCII, spaces collapsed.
func surface(s string) string {
	if strings.ContainsAny(s, " \t\n") {
		s = strings.Join(strings.Fields(s), " ")
	}
	if strings.ContainsAny(s, "’‘'") {
		s = lang.StripElision(lang.Apostrophes(s))
	}
	if !isAcronym(s) {
		s = strings.ToLower(s)
	}
	return s
}

func isAcronym(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// best returns the most frequent form (ties: the shortest, then the first
// in byte order).
func best(forms map[string]int) string {
	out, n := "", 0
	for f, c := range forms {
		if c > n || (c == n && (len(f) < len(out) || (len(f) == len(out) && f < out))) {
			out, n = f, c
		}
	}
	return out
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// counter holds the aligned units as term ids per side.
type counter struct {
	ids   [2]map[string]int32
	names [2][]string
	df    [2][]int32
	units [][2][]int32
}

func newCounter() *counter {
	return &counter{ids: [2]map[string]int32{{}, {}}}
}

func (c *counter) add(en, fr []string) {
	var u [2][]int32
	for side, items := range [2][]string{en, fr} {
		ids := make([]int32, len(items))
		for i, s := range items {
			id, ok := c.ids[side][s]
			if !ok {
				id = int32(len(c.names[side]))
				c.ids[side][s] = id
				c.names[side] = append(c.names[side], s)
				c.df[side] = append(c.df[side], 0)
			}
			c.df[side][id]++
			ids[i] = id
		}
		u[side] = ids
	}
	c.units = append(c.units, u)
}

// prune drops from every unit the terms seen in fewer than min units.
func (c *counter) prune(min int) {
	for i := range c.units {
		for side := 0; side < 2; side++ {
			ids := c.units[i][side][:0]
			for _, id := range c.units[i][side] {
				if int(c.df[side][id]) >= min {
					ids = append(ids, id)
				}
			}
			c.units[i][side] = ids
		}
	}
	c.ids = [2]map[string]int32{} // no longer needed
}

func (c *counter) kept() (en, fr int) {
	n := [2]int{}
	for side := 0; side < 2; side++ {
		for _, d := range c.df[side] {
			if d > 0 && int(d) >= 1 {
				n[side]++
			}
		}
	}
	return n[0], n[1]
}

// candidate is a scored pair of term ids.
type candidate struct {
	e, f  int32
	count int32
	dice  float64
}

// dice counts, for every English term, the units it shares with every
// French term (one pass over the units holding it, with a dense counter),
// and keeps the pairs with at least MinCount shared units and a Dice
// coefficient of at least MinDice.
func (c *counter) dice(ctx context.Context, opts BuildOptions) ([]candidate, error) {
	nE, nF := len(c.names[0]), len(c.names[1])
	// Postings of English terms: the units holding each.
	start := make([]int32, nE+1)
	for _, u := range c.units {
		for _, e := range u[0] {
			start[e+1]++
		}
	}
	for i := 1; i <= nE; i++ {
		start[i] += start[i-1]
	}
	post := make([]int32, start[nE])
	fill := append([]int32(nil), start[:nE]...)
	for ui, u := range c.units {
		for _, e := range u[0] {
			post[fill[e]] = int32(ui)
			fill[e]++
		}
	}
	var (
		mu  sync.Mutex
		out []candidate
		wg  sync.WaitGroup
	)
	next := make(chan int32, 256)
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts := make([]int32, nF)
			var touched []int32
			var local []candidate
			for e := range next {
				if int(c.df[0][e]) < opts.MinCount {
					continue
				}
				for _, ui := range post[start[e]:start[e+1]] {
					for _, f := range c.units[ui][1] {
						if counts[f] == 0 {
							touched = append(touched, f)
						}
						counts[f]++
					}
				}
				de := float64(c.df[0][e])
				for _, f := range touched {
					n := counts[f]
					counts[f] = 0
					if int(n) < opts.MinCount {
						continue
					}
					d := 2 * float64(n) / (de + float64(c.df[1][f]))
					if d >= opts.MinDice {
						local = append(local, candidate{e, f, n, d})
					}
				}
				touched = touched[:0]
			}
			mu.Lock()
			out = append(out, local...)
			mu.Unlock()
		}()
	}
	for e := int32(0); e < int32(nE); e++ {
		if e%4096 == 0 && ctx.Err() != nil {
			break
		}
		next <- e
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].e != out[j].e {
			return out[i].e < out[j].e
		}
		return out[i].f < out[j].f
	})
	return out, nil
}

// selectPairs keeps the candidates that are each other's best match:
// the best French partner of their English term and the best English
// partner of their French term (a term's other partners are mostly words
// that go with it, not its translation). Ties in Dice, frequent among rare
// terms that occur in the same few units, go to the pair whose lengths
// agree (one word for one word), then to the more similar spellings, then
// to the better attested.
func (c *counter) selectPairs(cands []candidate) []candidate {
	better := func(a, b candidate) bool {
		if a.dice != b.dice {
			return a.dice > b.dice
		}
		la, lb := c.lengthGap(a), c.lengthGap(b)
		if la != lb {
			return la < lb
		}
		sa, sb := similarity(c.names[0][a.e], c.names[1][a.f]), similarity(c.names[0][b.e], c.names[1][b.f])
		if sa != sb {
			return sa > sb
		}
		if a.count != b.count {
			return a.count > b.count
		}
		if a.e != b.e {
			return a.e < b.e
		}
		return a.f < b.f
	}
	bestOfE := map[int32]candidate{}
	bestOfF := map[int32]candidate{}
	for _, x := range cands {
		if b, ok := bestOfE[x.e]; !ok || better(x, b) {
			bestOfE[x.e] = x
		}
		if b, ok := bestOfF[x.f]; !ok || better(x, b) {
			bestOfF[x.f] = x
		}
	}
	// Word links: single-word pairs among the candidates.
	linked := map[[2]string]bool{}
	for _, x := range cands {
		e, f := c.names[0][x.e], c.names[1][x.f]
		if !strings.Contains(e, " ") && !strings.Contains(f, " ") {
			linked[[2]string{e, f}] = true
		}
	}
	var out []candidate
	for _, x := range cands {
		if bestOfE[x.e] == x && bestOfF[x.f] == x && c.compositional(x, linked) {
			out = append(out, x)
		}
	}
	return out
}

// compositional reports whether a pair with a multi-word side has at least
// one word that translates a word of the other side: the same stem, a
// cognate, or a single-word candidate pair. Rare word pairs that merely
// occur in the same few units ("panama peru" and "colombie corée", from
// lists of countries) have none.
func (c *counter) compositional(x candidate, linked map[[2]string]bool) bool {
	es, fs := strings.Fields(c.names[0][x.e]), strings.Fields(c.names[1][x.f])
	if len(es) == 1 && len(fs) == 1 {
		return true
	}
	for _, e := range es {
		for _, f := range fs {
			if linked[[2]string{e, f}] || cognates(e, f) {
				return true
			}
		}
	}
	return false
}

// cognates reports whether two stems share most of their spelling:
// "prudenti" and "prudentiel", "intern" and "intern".
func cognates(a, b string) bool {
	a, b = lang.Fold(a), lang.Fold(b)
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 4 || (n == len(a) && n == len(b))
}

// lengthGap is the difference in words between the two terms of a pair.
func (c *counter) lengthGap(x candidate) int {
	d := strings.Count(c.names[0][x.e], " ") - strings.Count(c.names[1][x.f], " ")
	if d < 0 {
		return -d
	}
	return d
}

// similarity is the length of the common prefix of two stems, over the
// longer one's length: cognates ("informat"/"inform") score high.
func similarity(a, b string) float64 {
	a, b = lang.Fold(a), lang.Fold(b)
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return float64(n) / float64(max(len(a), len(b), 1))
}

// moreEnglish reports whether a text has more English stop words than
// French ones: the brackets of a definition sometimes hold an English
// gloss ("including any political subdivision…"), not the French term.
func moreEnglish(text string) bool {
	words := strings.Fields(text)
	en := len(words) - len(lang.Terms(lang.AnalyzerEN, text))
	fr := len(words) - len(lang.Terms(lang.AnalyzerFR, text))
	return en > fr
}

// redundant reports whether a pair adds nothing to a search, or would
// mislead it: the English term analysed as French already gives the French
// term's stems, or the reverse ("information", "COVID"); or a term is made
// of the other language's stop words only (English text quotes French: "de"
// paired with "définitions qui suivent"), or the English term is written
// with French accents ("sûreté" paired with "security").
func redundant(p lexicon.Pair) bool {
	same := func(analyzer string) bool {
		return slices.Equal(lang.Terms(analyzer, p.EN), lang.Terms(analyzer, p.FR))
	}
	return same(lang.AnalyzerFR) || same(lang.AnalyzerEN) || strings.ContainsAny(p.EN, "éèêëàâçôûùîï") ||
		len(lang.Terms(lang.AnalyzerFR, p.EN)) == 0 || len(lang.Terms(lang.AnalyzerEN, p.FR)) == 0
}

// definitionPairs turns the (English term, French term) pairs read from
// definitions into weighted pairs: the share of the English term's
// definitions that give this French term.
func definitionPairs(defs [][2]string) []lexicon.Pair {
	count := map[[2]string]int{}
	total := map[string]int{}
	for _, d := range defs {
		en, fr := surface(d[0]), surface(d[1])
		if en == "" || fr == "" || moreEnglish(fr) {
			continue
		}
		count[[2]string{en, fr}]++
		total[en]++
	}
	var out []lexicon.Pair
	for k, n := range count {
		share := float64(n) / float64(total[k[0]])
		// A single word defined once is often a sense peculiar to one Act
		// ("access" as "utiliser"); a term of several words rarely is.
		// Terms of more than three words are names of programmes and
		// schedules nobody types.
		if share < 0.3 || (n < 3 && !strings.Contains(k[0], " ")) || len(strings.Fields(k[0])) > 3 {
			continue
		}
		// Weight: the share, discounted when few definitions attest it.
		w := share * min(1, float64(n+1)/4)
		out = append(out, lexicon.Pair{EN: k[0], FR: k[1], Weight: round3(w), Count: n, Source: lexicon.SourceDefinition})
	}
	return out
}
