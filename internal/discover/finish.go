package discover

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search/lexicon"
)

// finish turns ranked candidates into entities: French-only acronym names
// join the English candidate whose French form they are, labels and
// aliases are chosen, names already known or taken by a more frequent
// candidate are dropped, ids are made.
func finish(cands []*cand, ps []passage, opts Options) (out, known []Candidate) {
	// French names (from French acronym definitions) that are the French
	// form of an English candidate join it.
	byFr := map[string]*cand{}
	for _, c := range cands {
		if c.en != nil && c.frKey != "" && byFr[c.frKey] == nil {
			byFr[c.frKey] = c
		}
	}
	var kept []*cand
	for _, c := range cands {
		if c.en == nil {
			if e := byFr[c.enKey]; e != nil {
				e.fr = c.fr
				continue
			}
		}
		kept = append(kept, c)
	}

	taken := map[string]string{} // folded name → id of the candidate that has it
	ids := map[string]bool{}
	for _, c := range kept {
		cd := c.Candidate
		cd.Label = map[string]string{}
		cd.Aliases = map[string][]string{}
		var enForms, frForms []string
		var enAcr, frAcr []string
		if c.en != nil {
			enForms = formsOf(c.en, c.variants...)
			enAcr = acronymsOf(c.en)
		}
		if c.frForm != "" {
			frForms = []string{c.frForm}
		}
		if c.fr != nil {
			frForms = append(frForms, formsOf(c.fr)...)
			frAcr = acronymsOf(c.fr)
		}
		if len(enForms) == 0 && len(frForms) == 0 {
			continue
		}
		// Known names are listed apart: merge mode tags them already.
		if opts.Known != nil {
			for _, f := range slices.Concat(enForms[:min(1, len(enForms))], frForms[:min(1, len(frForms))]) {
				if id, ok := opts.Known.Lookup(f); ok {
					cd.Known = id
					break
				}
			}
			if cd.Known != "" {
				cd.Label = labelPair(enForms, frForms)
				cd.Count = cd.CountEN + cd.CountFR
				known = append(known, cd)
				continue
			}
		}
		if len(out) >= opts.Max {
			continue
		}
		// The label must be free; other forms are dropped when taken.
		free := func(f string) bool {
			k := foldName(f)
			if k == "" {
				return false
			}
			if id, ok := taken[k]; ok && id != "" {
				return false
			}
			if opts.Known != nil {
				if _, ok := opts.Known.Lookup(f); ok {
					return false
				}
			}
			return true
		}
		enForms = slices.DeleteFunc(enForms, func(f string) bool { return !free(f) })
		frForms = slices.DeleteFunc(frForms, func(f string) bool { return !free(f) })
		enAcr = slices.DeleteFunc(enAcr, func(f string) bool { return !free(f) })
		frAcr = slices.DeleteFunc(frAcr, func(f string) bool { return !free(f) })
		if len(enForms) == 0 && len(frForms) == 0 {
			continue
		}
		// Without a form from the twins, the lexicon may know the name.
		fromLexicon := ""
		switch {
		case len(frForms) == 0 && len(enForms) > 0:
			if t, w := lexiconForm(opts.Lexicon, lang.English, enForms[0]); t != "" && free(t) {
				frForms, fromLexicon = []string{t}, fmt.Sprintf("French label from the lexicon (weight %.2f): check it", w)
			}
		case len(enForms) == 0 && len(frForms) > 0:
			if t, w := lexiconForm(opts.Lexicon, lang.French, frForms[0]); t != "" && free(t) {
				enForms, fromLexicon = []string{t}, fmt.Sprintf("English label from the lexicon (weight %.2f): check it", w)
			}
		}
		cd.Label = labelPair(enForms, frForms)
		switch {
		case fromLexicon != "":
			cd.Note = fromLexicon
		case c.en == nil:
			cd.Note = "French name only: no English form found; write the English label"
		case cd.Dice == 0 && c.Twins == 0:
			cd.Note = "no twin passages: write the French label"
		case len(frForms) == 0:
			cd.Note = "no French form found in the twins: write the French label"
		case cd.Dice < 0.5:
			cd.Note = "weak pairing: check the French label"
		}
		for _, f := range enForms {
			if f != cd.Label["en"] && !slices.Contains(cd.Aliases["en"], f) {
				cd.Aliases["en"] = append(cd.Aliases["en"], f)
			}
		}
		for _, f := range frForms {
			if f != cd.Label["fr"] && !slices.Contains(cd.Aliases["fr"], f) {
				cd.Aliases["fr"] = append(cd.Aliases["fr"], f)
			}
		}
		cd.Aliases["en"] = append(cd.Aliases["en"], enAcr...)
		cd.Aliases["fr"] = append(cd.Aliases["fr"], frAcr...)
		cd.ID = makeID(cd, enAcr, frAcr, ids)
		ids[cd.ID] = true
		for _, l := range []string{"en", "fr"} {
			for _, f := range append([]string{cd.Label[l]}, cd.Aliases[l]...) {
				taken[foldName(f)] = cd.ID
			}
		}
		cd.Types = []string{entity.Actor}
		if isForum(cd.Label["en"]) || isForum(cd.Label["fr"]) {
			cd.Types = []string{entity.Forum}
		}
		cd.Count = cd.CountEN + cd.CountFR
		cd.Examples = examples(c, ps, 2)
		out = append(out, cd)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	sort.SliceStable(known, func(i, j int) bool { return known[i].Count > known[j].Count })
	return out, known
}

// minLexiconWeight is the least weight of a lexicon translation used as a
// label.
const minLexiconWeight = 0.5

// lexiconForm translates a whole name with the lexicon (whose pairs mined
// from the parallel laws hold many institution names: "minister of health"
// → "ministre de la santé"); empty when it does not know the name well.
func lexiconForm(lex *lexicon.Lexicon, from, name string) (string, float64) {
	var analyzer string
	if from == lang.English {
		analyzer = lang.AnalyzerEN
	} else {
		analyzer = lang.AnalyzerFR
	}
	ts := lex.Lookup(from, lang.Terms(analyzer, name))
	if len(ts) == 0 || ts[0].Weight < minLexiconWeight {
		return "", 0
	}
	// A one-word translation of a longer name ("Complaints Commission" →
	// "commission") would tag every use of a common word.
	if len(strings.Fields(ts[0].Text)) < min(2, len(strings.Fields(name))) {
		return "", 0
	}
	return ts[0].Text, ts[0].Weight
}

// formsOf returns the written forms of names, most frequent first; forms
// that differ only in case keep the most frequent.
func formsOf(n *name, more ...*name) []string {
	all := map[string]int{}
	for _, m := range append([]*name{n}, more...) {
		for f, c := range m.forms {
			all[f] += c
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range sortedForms(all) {
		k := foldName(f)
		if seen[k] || all[f] <= 0 {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

func acronymsOf(n *name) []string {
	var out []string
	for _, a := range sortedForms(n.acronyms) {
		out = append(out, strings.TrimSuffix(a, "s"))
	}
	return slices.Compact(out)
}

func labelPair(en, fr []string) map[string]string {
	l := map[string]string{}
	switch {
	case len(en) > 0 && len(fr) > 0:
		l["en"], l["fr"] = en[0], fr[0]
	case len(en) > 0:
		l["en"], l["fr"] = en[0], en[0]
	default:
		l["en"], l["fr"] = fr[0], fr[0]
	}
	return l
}

// foldName is the folded form of a name: lowercase words without accents,
// joined by spaces (how the gazetteer compares names, acronyms aside).
func foldName(s string) string {
	var words []string
	for _, t := range tokenize(s) {
		words = append(words, t.low)
	}
	return strings.Join(words, " ")
}

func isForum(label string) bool {
	for _, t := range tokenize(label) {
		if forumHeads[t.low] {
			return true
		}
	}
	return false
}

var reNotID = regexp.MustCompile(`[^a-z0-9]+`)

// makeID names an entity by its English acronym, else by the content
// words of its English label (at most five), unique among ids.
func makeID(c Candidate, enAcr, frAcr []string, ids map[string]bool) string {
	base := ""
	if len(enAcr) > 0 {
		base = strings.ToLower(enAcr[0])
	} else if len(frAcr) > 0 && c.Label["en"] == c.Label["fr"] {
		base = strings.ToLower(frAcr[0])
	} else {
		var words []string
		for _, t := range tokenize(c.Label["en"]) {
			if !function[t.low] && len(words) < 5 {
				words = append(words, t.low)
			}
		}
		base = strings.Join(words, "-")
	}
	base = strings.Trim(reNotID.ReplaceAllString(foldKey(base), "-"), "-")
	if base == "" {
		base = "entity"
	}
	id := base
	for n := 2; ids[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	return id
}

// examples returns up to n passages that name c, with the words around
// the name.
func examples(c *cand, ps []passage, n int) []Example {
	var out []Example
	nm := c.en
	if nm == nil {
		nm = c.fr
	}
	label := nm.best()
	for _, p := range nm.passages {
		if len(out) == n {
			break
		}
		out = append(out, Example{Passage: ps[p].id, Snippet: snippet(ps[p].text, label, 50)})
	}
	return out
}

// snippet returns the text around the first occurrence of name (or the
// passage's start), on one line.
func snippet(text, name string, around int) string {
	i := strings.Index(text, name)
	if i < 0 {
		i = 0
	}
	from, to := max(0, i-around), min(len(text), i+len(name)+around)
	for from > 0 && !isBoundary(text, from) {
		from--
	}
	for to < len(text) && !isBoundary(text, to) {
		to++
	}
	s := strings.Join(strings.Fields(text[from:to]), " ")
	if from > 0 {
		s = "…" + s
	}
	if to < len(text) {
		s += "…"
	}
	return s
}

func isBoundary(text string, i int) bool {
	return i <= 0 || i >= len(text) || text[i] < 0x80 || text[i] >= 0xC0
}

// WriteYAML writes the result as a gazetteer file: the proposed entities,
// each with its evidence as comments, then the names the known gazetteer
// has, as comments. The file loads (entity.Load) as written.
func (r *Result) WriteYAML(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Gazetteer proposed by \"vigie entities discover\" from %s:\n", r.Dir)
	fmt.Fprintf(&b, "# %d entities from %d documents, %d passages, %d document pairs (twins).\n",
		len(r.Candidates), r.Stats.Documents, r.Stats.Passages, r.Stats.Pairs)
	b.WriteString(`#
# Review it before use: delete what is not an institution, fix labels (en and
# fr are both required), merge duplicates (move one's names into the other's
# aliases), set types (actor, forum or both) and parents (parent: ID). Then:
#   vigie entities check FILE
#   vigie index --gazetteer FILE
# Counts are passages; "French form" gives how many twins of the English
# passages hold it and the Dice coefficient of the pairing (1 = always together).

`)
	if len(r.Candidates) == 0 {
		b.WriteString("entities: [] # nothing proposed: try a lower --min-count, or --all\n")
	} else {
		b.WriteString("entities:\n")
	}
	for _, c := range r.Candidates {
		fmt.Fprintf(&b, "\n  # %d passages (en %d, fr %d)", c.Count, c.CountEN, c.CountFR)
		if c.Dice > 0 {
			fmt.Fprintf(&b, "; French form in %d of %d twins, Dice %.2f", c.TwinHits, c.Twins, c.Dice)
		}
		b.WriteString("\n")
		if c.Note != "" {
			fmt.Fprintf(&b, "  # REVIEW: %s\n", c.Note)
		}
		for _, e := range c.Examples {
			fmt.Fprintf(&b, "  # e.g. %s: %s\n", e.Passage, commentText(e.Snippet))
		}
		fmt.Fprintf(&b, "  - id: %s\n    types: [%s]\n    label:\n      en: %s\n      fr: %s\n",
			c.ID, strings.Join(c.Types, ", "), yamlString(c.Label["en"]), yamlString(c.Label["fr"]))
		if len(c.Aliases["en"])+len(c.Aliases["fr"]) > 0 {
			b.WriteString("    aliases:\n")
			for _, l := range []string{"en", "fr"} {
				if len(c.Aliases[l]) == 0 {
					continue
				}
				fmt.Fprintf(&b, "      %s:\n", l)
				for _, a := range c.Aliases[l] {
					fmt.Fprintf(&b, "        - %s\n", yamlString(a))
				}
			}
		}
	}
	if len(r.Known) > 0 {
		b.WriteString("\n# Names the embedded gazetteer already has (merge mode tags them; with\n# --gazetteer-mode replace, copy them from entity/gazetteer.yaml):\n")
		for _, c := range r.Known {
			fmt.Fprintf(&b, "#   %s (%s): %d passages\n", commentText(c.Label["en"]), c.Known, c.Count)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Validate checks that the written file loads alone and merged with the
// embedded gazetteer; it returns the problems.
func (r *Result) Validate() error {
	var b bytes.Buffer
	if err := r.WriteYAML(&b); err != nil {
		return err
	}
	if len(r.Candidates) == 0 {
		return nil
	}
	_, err1 := entity.CombineSource("discovered", b.Bytes(), entity.Replace)
	_, err2 := entity.CombineSource("discovered", b.Bytes(), entity.Merge)
	return errors.Join(err1, err2)
}

// drop removes the candidates named in err's problems (a clash the
// folding of discovery did not foresee) and reports whether it removed
// any.
func (r *Result) drop(err error) bool {
	bad := map[string]bool{}
	for _, e := range entity.Problems(err) {
		var p *entity.Problem
		if errors.As(e, &p) && p.File == "discovered" {
			if id, ok := strings.CutPrefix(p.Entity, "entity "); ok {
				if s, err := strconv.Unquote(id); err == nil {
					bad[s] = true
				}
			}
		}
	}
	n := len(r.Candidates)
	r.Candidates = slices.DeleteFunc(r.Candidates, func(c Candidate) bool { return bad[c.ID] })
	return len(r.Candidates) < n
}

// commentText keeps a comment on one line.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// yamlString writes s plain when YAML reads it back as the same string,
// else double-quoted.
func yamlString(s string) string {
	plain := s != "" && !strings.ContainsAny(s, ":#[]{},&*!|>'\"%@`") && !strings.HasPrefix(s, "-") &&
		!strings.HasPrefix(s, "?") && strings.TrimSpace(s) == s
	if plain {
		switch strings.ToLower(s) {
		case "yes", "no", "true", "false", "on", "off", "null", "y", "n", "~":
			plain = false
		}
	}
	if plain {
		r := []rune(s)[0]
		plain = unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}
