package indexer

import (
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigie/vigie/lang"
)

// Twins: where the corpus holds the same document in both languages, each
// passage is linked to the passage of the other version that says the
// same thing, so a reader can switch language.
//
// Documents pair up when their paths differ only by a folder named after
// the language (en/ and fr/) and either have the same file name
// (laws-canada: en/A-1.md and fr/A-1.md) or share a leading number that
// no other file of their folder has (cloud-guardrails:
// en/06_Protect-Data-at-Rest.md and fr/06_Protection-des-données-inactives.md).
//
// Passages of a pair align by section, then within the section. A section
// is the run of passages under one heading; sections whose heading starts
// with a number ("8 Disclosure of personal information" / "8 Communication
// des renseignements personnels") align by that number, the others by their
// rank among the unnumbered headings. Within a section, passages align one
// to one when both versions have as many; otherwise along the most similar
// monotone path, similarity being shared anchors (numbers, codes, acronyms,
// cognates), closeness of relative position, and paragraph labels.

// twinKey is a document's pairing key: its path with the language folder
// replaced by "*", split into folder and file name.
type twinKey struct{ dir, name string }

// reLeadingNumber reads the number that starts a file name ("06_…").
var reLeadingNumber = regexp.MustCompile(`^([0-9]+)[_\-. ]`)

// pairDocuments returns the English/French document pairs of docs.
func pairDocuments(docs []*Document) [][2]*Document {
	byName := map[twinKey]*[2]*Document{}
	byNumber := map[twinKey]*[2]*Document{}
	numberCount := map[twinKey][2]int{}
	for _, d := range docs {
		dir, name := path.Split(d.Path)
		segs := strings.Split(strings.Trim(dir, "/"), "/")
		side := -1
		for i, s := range segs {
			if s == lang.English || s == lang.French {
				if (s == lang.English) != (d.Lang == lang.English) {
					break // the folder says one language, the text another
				}
				side = 0
				if s == lang.French {
					side = 1
				}
				segs[i] = "*"
				break
			}
		}
		if side < 0 {
			continue
		}
		pattern := strings.Join(segs, "/")
		k := twinKey{pattern, name}
		if byName[k] == nil {
			byName[k] = &[2]*Document{}
		}
		byName[k][side] = d
		if m := reLeadingNumber.FindStringSubmatch(name); m != nil {
			nk := twinKey{pattern, strings.TrimLeft(m[1], "0")}
			if byNumber[nk] == nil {
				byNumber[nk] = &[2]*Document{}
			}
			byNumber[nk][side] = d
			c := numberCount[nk]
			c[side]++
			numberCount[nk] = c
		}
	}
	paired := map[*Document]bool{}
	var out [][2]*Document
	add := func(p *[2]*Document) {
		if p[0] != nil && p[1] != nil && !paired[p[0]] && !paired[p[1]] {
			paired[p[0]], paired[p[1]] = true, true
			out = append(out, *p)
		}
	}
	// Sorted keys keep the result stable; same names first.
	for _, k := range sortedKeys(byName) {
		add(byName[k])
	}
	for _, k := range sortedKeys(byNumber) {
		if c := numberCount[k]; c[0] == 1 && c[1] == 1 {
			add(byNumber[k])
		}
	}
	return out
}

// reSectionNumber reads the number that starts a law section's heading.
var reSectionNumber = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)*)(?:\s|$)`)

// sectionRuns groups a document's passages by heading, in order, and keys
// each run: "n:8" for a heading starting with a section number, "h:3" for
// the third unnumbered heading; a repeated key gets "#2", "#3".
func sectionRuns(ps []Passage) (keys []string, runs [][]int) {
	seen := map[string]int{}
	unnumbered := 0
	for i := range ps {
		if i > 0 && ps[i].Heading == ps[i-1].Heading {
			runs[len(runs)-1] = append(runs[len(runs)-1], i)
			continue
		}
		var k string
		if m := reSectionNumber.FindStringSubmatch(ps[i].Heading); m != nil {
			k = "n:" + m[1]
		} else {
			k = "h:" + strconv.Itoa(unnumbered)
			unnumbered++
		}
		seen[k]++
		if n := seen[k]; n > 1 {
			k += "#" + strconv.Itoa(n)
		}
		keys = append(keys, k)
		runs = append(runs, []int{i})
	}
	return keys, runs
}

// alignPassages links the passages of two versions of a document, both
// ways: out[id] is the twin of passage id.
func alignPassages(a, b []Passage, out map[string]string) {
	ka, ra := sectionRuns(a)
	kb, rb := sectionRuns(b)
	idx := make(map[string]int, len(kb))
	for i, k := range kb {
		idx[k] = i
	}
	for i, k := range ka {
		j, ok := idx[k]
		if !ok {
			continue
		}
		linkRun(a, ra[i], b, rb[j], out)
		linkRun(b, rb[j], a, ra[i], out)
	}
}

// linkRun links each passage of the run from (in passages a) to a passage
// of the run to (in passages b): one to one when the runs are as long,
// else along the best monotone path through the grid of passage
// similarities (dynamic time warping), each passage taking the most
// similar passage of its row on the path.
func linkRun(a []Passage, from []int, b []Passage, to []int, out map[string]string) {
	if len(from) == len(to) {
		for i := range from {
			out[a[from[i]].ID] = b[to[i]].ID
		}
		return
	}
	n, m := len(from), len(to)
	sim := make([][]float64, n)
	fa, fb := fractions(a, from), fractions(b, to)
	ka, kb := make([]map[string]bool, n), make([]map[string]bool, m)
	la, lb := make([]string, n), make([]map[string]bool, m)
	for i, pi := range from {
		ka[i] = anchors(a[pi].Text)
		la[i] = leadingLabel(a[pi].Text)
	}
	for j, pj := range to {
		kb[j] = anchors(b[pj].Text)
		lb[j] = paragraphLabels(b[pj].Text)
	}
	for i := range sim {
		sim[i] = make([]float64, m)
		for j := range sim[i] {
			pos := 1 - abs((fa[i]+fa[i+1])/2-(fb[j]+fb[j+1])/2)
			sim[i][j] = 0.6*overlap(ka[i], kb[j]) + 0.4*pos
			// A passage that starts at a numbered paragraph ("(5)", "a)")
			// belongs with the passage holding that paragraph.
			if la[i] != "" && lb[j][la[i]] {
				sim[i][j]++
			}
		}
	}
	// dp[i][j]: the best path score from (0, 0) to (i, j).
	dp := make([][]float64, n)
	for i := range dp {
		dp[i] = make([]float64, m)
		for j := range dp[i] {
			prev := 0.0
			switch {
			case i > 0 && j > 0:
				prev = max(dp[i-1][j], dp[i][j-1], dp[i-1][j-1])
			case i > 0:
				prev = dp[i-1][j]
			case j > 0:
				prev = dp[i][j-1]
			}
			dp[i][j] = sim[i][j] + prev
		}
	}
	best := make([]int, n)
	for i := range best {
		best[i] = -1
	}
	for i, j := n-1, m-1; ; {
		if best[i] < 0 || sim[i][j] > sim[i][best[i]] {
			best[i] = j
		}
		if i == 0 && j == 0 {
			break
		}
		switch {
		case i == 0:
			j--
		case j == 0:
			i--
		case dp[i-1][j-1] >= dp[i-1][j] && dp[i-1][j-1] >= dp[i][j-1]:
			i, j = i-1, j-1
		case dp[i-1][j] >= dp[i][j-1]:
			i--
		default:
			j--
		}
	}
	for i, pi := range from {
		out[a[pi].ID] = b[to[best[i]]].ID
	}
}

// anchors returns what a passage shares with its translation whatever the
// language: numbers and codes ("ITSP.40.111", "2017"), acronyms ("GC",
// "MFA"), and the first five letters of long words, folded (cognates such
// as "configurer"/"configure", "protection"/"protection").
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' }) {
		w = strings.Trim(w, ".")
		switch {
		case w == "":
		case strings.ContainsFunc(w, unicode.IsDigit):
			out[w] = true
		case len(w) >= 2 && !strings.ContainsFunc(w, unicode.IsLower):
			out[w] = true
		case utf8.RuneCountInString(w) >= 5:
			r := []rune(strings.ToLower(lang.Fold(w)))
			out[string(r[:5])] = true
		}
	}
	return out
}

// overlap is the cosine of two sets.
func overlap(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return float64(n) / math.Sqrt(float64(len(a))*float64(len(b)))
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// reLabel reads a paragraph label: "(5)", "(a)", "(ii)", "a)", "(2.1)".
var reLabel = regexp.MustCompile(`^\(?([0-9]+(?:\.[0-9]+)?|[a-z]{1,5}(?:\.[0-9]+)?)\)\s`)

// leadingLabel returns the label a text starts with, or "".
func leadingLabel(text string) string {
	if m := reLabel.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// paragraphLabels returns the labels of the paragraphs of text.
func paragraphLabels(text string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if l := leadingLabel(strings.TrimSpace(line)); l != "" {
			out[l] = true
		}
	}
	return out
}

// fractions returns, for a run of passages, where each starts as a share of
// the run's text length, and 1 at the end.
func fractions(ps []Passage, run []int) []float64 {
	total := 0
	for _, i := range run {
		total += len(ps[i].Text)
	}
	out := make([]float64, 0, len(run)+1)
	acc := 0
	for _, i := range run {
		out = append(out, float64(acc)/float64(max(total, 1)))
		acc += len(ps[i].Text)
	}
	return append(out, 1)
}

func sortedKeys(m map[twinKey]*[2]*Document) []twinKey {
	keys := make([]twinKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].dir != keys[j].dir {
			return keys[i].dir < keys[j].dir
		}
		return keys[i].name < keys[j].name
	})
	return keys
}
