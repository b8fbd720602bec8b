package relevance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigie/vigie/search"
)

// Kinds of topical questions: the language of the question, then the
// language of the Acts judged (the answers).
const (
	TopicalEN   = "en"    // English question, English Acts
	TopicalFR   = "fr"    // French question, French Acts
	TopicalENFR = "en-fr" // English question, French Acts
	TopicalFREN = "fr-en" // French question, English Acts
)

// TopicalKinds lists the kinds in report order.
var TopicalKinds = []string{TopicalEN, TopicalFR, TopicalENFR, TopicalFREN}

// MinPerKind is the least number of questions of each kind in a topical
// set.
const MinPerKind = 12

const (
	langEN = "en"
	langFR = "fr"
)

// TopicalSet is a judged set of natural-language questions over a
// parallel corpus of Acts (laws-canada: en/CODE.md and fr/CODE.md),
// judged at the level of the Act and of the section.
type TopicalSet struct {
	Corpus    string            `json:"corpus"`
	Questions []TopicalQuestion `json:"questions"`
}

// TopicalQuestion is one judged question. Acts maps an Act's code (its
// file name without .md: "A-1") to a grade: 2 the Act about the question,
// 1 an Act with a relevant section. Top is the Act whose Sections (section
// numbers, as in "### 4 Right to access to records") answer the question.
// The Acts are judged in the question's target language (Target).
type TopicalQuestion struct {
	ID       string         `json:"id"`
	Q        string         `json:"q"`
	Kind     string         `json:"kind"`
	Acts     map[string]int `json:"acts"`
	Top      string         `json:"top"`
	Sections []string       `json:"sections"`
	Note     string         `json:"note,omitempty"`
}

// Target returns the language of the answers: the second half of the kind
// ("en-fr" → "fr"), or the kind itself.
func (q TopicalQuestion) Target() string {
	if _, to, ok := strings.Cut(q.Kind, "-"); ok {
		return to
	}
	return q.Kind
}

// Source returns the language of the question: the first half of the
// kind ("en-fr" → "en"), or the kind itself.
func (q TopicalQuestion) Source() string {
	from, _, _ := strings.Cut(q.Kind, "-")
	return from
}

// LoadTopical reads a topical set and checks its form (kinds, grades,
// unique ids, the top Act graded 2, at least one section). Check compares
// it with the corpus.
func LoadTopical(r io.Reader) (*TopicalSet, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var s TopicalSet
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("topical set: %w", err)
	}
	known := map[string]bool{}
	for _, k := range TopicalKinds {
		known[k] = true
	}
	ids := map[string]bool{}
	for i, q := range s.Questions {
		where := fmt.Sprintf("topical question %d (%s)", i+1, q.ID)
		switch {
		case q.ID == "" || ids[q.ID]:
			return nil, fmt.Errorf("%s: missing or repeated id", where)
		case strings.TrimSpace(q.Q) == "":
			return nil, fmt.Errorf("%s: empty q", where)
		case !known[q.Kind]:
			return nil, fmt.Errorf("%s: unknown kind %q", where, q.Kind)
		case len(q.Acts) == 0:
			return nil, fmt.Errorf("%s: no judged Act", where)
		case q.Acts[q.Top] != 2:
			return nil, fmt.Errorf("%s: top Act %q must be judged with grade 2", where, q.Top)
		case len(q.Sections) == 0:
			return nil, fmt.Errorf("%s: no section of %s judged", where, q.Top)
		}
		ids[q.ID] = true
		for act, g := range q.Acts {
			if act == "" || g < 1 || g > 2 {
				return nil, fmt.Errorf("%s: Act %q: grade %d, want 1 or 2", where, act, g)
			}
		}
	}
	return &s, nil
}

// Check compares the set with the corpus folder (en/ and fr/ holding
// CODE.md): every judged Act exists in the question's target language,
// every judged section is a "### N" heading of the top Act, and each kind
// has at least MinPerKind questions.
func (s *TopicalSet) Check(corpus string) error {
	perKind := map[string]int{}
	sections := map[string]map[string]bool{} // "fr/A-1" → section numbers
	for _, q := range s.Questions {
		perKind[q.Kind]++
		lang := q.Target()
		for act := range q.Acts {
			p := filepath.Join(corpus, lang, act+".md")
			if _, err := os.Stat(p); err != nil {
				return fmt.Errorf("question %s: Act %s not in the corpus (%s/%s.md)", q.ID, act, lang, act)
			}
		}
		key := lang + "/" + q.Top
		if sections[key] == nil {
			nums, err := sectionNumbers(filepath.Join(corpus, lang, q.Top+".md"))
			if err != nil {
				return fmt.Errorf("question %s: %w", q.ID, err)
			}
			sections[key] = nums
		}
		for _, n := range q.Sections {
			if !sections[key][n] {
				return fmt.Errorf("question %s: %s has no section %s", q.ID, key, n)
			}
		}
	}
	for _, k := range TopicalKinds {
		if perKind[k] < MinPerKind {
			return fmt.Errorf("kind %s: %d questions, want at least %d", k, perKind[k], MinPerKind)
		}
	}
	return nil
}

// sectionNumbers reads the section numbers of a laws-canada Act: the
// first word of each "### " heading.
func sectionNumbers(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "### "); ok {
			if num, _, _ := strings.Cut(strings.TrimSpace(rest), " "); num != "" {
				out[num] = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// Ranked is a passage of a ranked list, reduced to what the topical
// metrics read.
type Ranked struct {
	DocID   string // ends with the Act's code: "en--A-1", "laws--fr--A-1"
	Lang    string
	Heading string // "4 Right to access to records"
}

// Act returns the Act's code: the last "--" segment of the document id.
func (r Ranked) Act() string {
	if i := strings.LastIndex(r.DocID, "--"); i >= 0 {
		return r.DocID[i+2:]
	}
	return r.DocID
}

// Section returns the section number of the heading ("4" for "4 Right to
// access to records"), or the heading when it does not start with one.
func (r Ranked) Section() string {
	if m := reSection.FindStringSubmatch(r.Heading); m != nil {
		return m[1]
	}
	num, _, _ := strings.Cut(r.Heading, " ")
	if num != "" && strings.Trim(num, "0123456789.") == "" {
		return num
	}
	return r.Heading
}

// Ranker answers a question with one page of ranked passages: the first
// page is 1; lang, when set, restricts the search to that language.
type Ranker interface {
	Rank(ctx context.Context, q, lang string, page, size int) ([]Ranked, error)
}

// VigieRanker ranks with Vigie's searcher, as "vigie search" does.
type VigieRanker struct{ S *search.Searcher }

// Rank implements Ranker.
func (v VigieRanker) Rank(ctx context.Context, q, lang string, page, size int) ([]Ranked, error) {
	req := search.Request{Query: q, Page: page, Size: size}
	if lang != "" {
		req.Filters = map[string][]string{"lang": {lang}}
	}
	res, err := v.S.Search(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]Ranked, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = Ranked{DocID: h.DocID, Lang: h.Lang, Heading: h.Heading}
	}
	return out, nil
}

// Modes of a topical run: the search restricted to the target language,
// or unrestricted with the other language's hits skipped; or restricted
// to the question's own language and judged there (ModeOwn: on a
// parallel corpus the same Acts and sections answer it), which tells, for
// a cross-lingual question, how much of what it misses it misses in its
// own language already.
const (
	ModeRestricted   = "lang"
	ModeUnrestricted = "all"
	ModeOwn          = "own"
)

// pageSize and maxPages bound how deep a run reads to find ten distinct
// Acts in the target language.
const (
	pageSize = 100
	maxPages = 5
)

// TopicalOutcome is one question's result.
type TopicalOutcome struct {
	Question TopicalQuestion
	ActRR    float64  // 1/rank of the first judged Act among the first ten distinct Acts
	ActNDCG  float64  // nDCG@10 over distinct Acts, gain 2^grade-1
	SecRR    float64  // 1/rank of the first judged section among the first ten distinct sections
	Acts     []string // the first ten distinct Acts of the target language
}

// ScoreTopical computes a question's metrics from ranked passages: only
// passages in the question's target language count; ranks count distinct
// Acts (for the Act metrics) and distinct sections of any Act (for the
// section metric), so that several passages of one Act or one section
// take one rank.
func ScoreTopical(q TopicalQuestion, hits []Ranked) TopicalOutcome {
	o := TopicalOutcome{Question: q}
	target := q.Target()
	seenAct, seenSec := map[string]bool{}, map[string]bool{}
	secs := map[string]bool{}
	for _, s := range q.Sections {
		secs[s] = true
	}
	nsec := 0
	dcg := 0.0
	for _, h := range hits {
		if h.Lang != target {
			continue
		}
		act := h.Act()
		if !seenAct[act] && len(o.Acts) < Cutoff {
			seenAct[act] = true
			o.Acts = append(o.Acts, act)
			if g := q.Acts[act]; g > 0 {
				rank := len(o.Acts)
				dcg += gain(g) / math.Log2(float64(rank+1))
				if o.ActRR == 0 {
					o.ActRR = 1 / float64(rank)
				}
			}
		}
		key := act + "#" + h.Section()
		if !seenSec[key] && nsec < Cutoff {
			seenSec[key] = true
			nsec++
			if o.SecRR == 0 && act == q.Top && secs[h.Section()] {
				o.SecRR = 1 / float64(nsec)
			}
		}
		if len(o.Acts) >= Cutoff && nsec >= Cutoff {
			break
		}
	}
	grades := make([]int, 0, len(q.Acts))
	for _, g := range q.Acts {
		grades = append(grades, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	ideal := 0.0
	for i, g := range grades {
		if i >= Cutoff {
			break
		}
		ideal += gain(g) / math.Log2(float64(i+2))
	}
	if ideal > 0 {
		o.ActNDCG = dcg / ideal
	}
	return o
}

// enough reports whether hits hold ten distinct Acts and ten distinct
// sections in lang.
func enough(hits []Ranked, lang string) bool {
	acts, secs := map[string]bool{}, map[string]bool{}
	for _, h := range hits {
		if h.Lang == lang {
			acts[h.Act()] = true
			secs[h.Act()+"#"+h.Section()] = true
		}
	}
	return len(acts) >= Cutoff && len(secs) >= Cutoff
}

// TopicalMetrics are averages over questions.
type TopicalMetrics struct {
	N       int
	ActMRR  float64
	ActNDCG float64
	SecMRR  float64
}

func (m *TopicalMetrics) add(o TopicalOutcome) {
	m.N++
	m.ActMRR += o.ActRR
	m.ActNDCG += o.ActNDCG
	m.SecMRR += o.SecRR
}

func (m TopicalMetrics) mean() TopicalMetrics {
	if m.N == 0 {
		return m
	}
	n := float64(m.N)
	return TopicalMetrics{N: m.N, ActMRR: m.ActMRR / n, ActNDCG: m.ActNDCG / n, SecMRR: m.SecMRR / n}
}

// TopicalReport holds a run's outcomes, by kind and overall.
type TopicalReport struct {
	Name     string // the ranker and mode, for the table
	Mode     string
	Outcomes []TopicalOutcome
	ByKind   map[string]TopicalMetrics
	All      TopicalMetrics
}

// RunTopical asks every question of the set and scores the answers. In
// ModeRestricted the search is restricted to the target language; in
// ModeUnrestricted it is not, and the other language's hits are skipped
// (pages are read until ten distinct Acts of the target language are
// found, up to 500 hits); in ModeOwn it is restricted to the question's
// language and judged there.
func RunTopical(ctx context.Context, r Ranker, name, mode string, set *TopicalSet) (*TopicalReport, error) {
	rep := &TopicalReport{Name: name, Mode: mode, ByKind: map[string]TopicalMetrics{}}
	sums := map[string]*TopicalMetrics{}
	var all TopicalMetrics
	for _, q := range set.Questions {
		judged := q // judged in the target language but in ModeOwn
		if mode == ModeOwn {
			judged.Kind = q.Source()
		}
		lang := ""
		if mode != ModeUnrestricted {
			lang = judged.Target()
		}
		var hits []Ranked
		for page := 1; page <= maxPages; page++ {
			h, err := r.Rank(ctx, q.Q, lang, page, pageSize)
			if err != nil {
				return nil, fmt.Errorf("question %s (%q): %w", q.ID, q.Q, err)
			}
			hits = append(hits, h...)
			if len(h) < pageSize || enough(hits, judged.Target()) {
				break
			}
		}
		o := ScoreTopical(judged, hits)
		o.Question = q
		rep.Outcomes = append(rep.Outcomes, o)
		if sums[q.Kind] == nil {
			sums[q.Kind] = &TopicalMetrics{}
		}
		sums[q.Kind].add(o)
		all.add(o)
	}
	for k, m := range sums {
		rep.ByKind[k] = m.mean()
	}
	rep.All = all.mean()
	return rep, nil
}

// WriteTopicalTable prints one row per report and kind: Act MRR@10, Act
// nDCG@10 and section MRR@10.
func WriteTopicalTable(w io.Writer, reps ...*TopicalReport) {
	fmt.Fprintf(w, "%-28s %-6s %3s  %8s  %9s  %8s\n", "ranker (mode)", "kind", "n", "Act MRR", "Act nDCG", "sec MRR")
	for _, r := range reps {
		label := r.Name + " (" + r.Mode + ")"
		for _, k := range TopicalKinds {
			if m, ok := r.ByKind[k]; ok {
				fmt.Fprintf(w, "%-28s %-6s %3d  %8.3f  %9.3f  %8.3f\n", label, k, m.N, m.ActMRR, m.ActNDCG, m.SecMRR)
			}
		}
		m := r.All
		fmt.Fprintf(w, "%-28s %-6s %3d  %8.3f  %9.3f  %8.3f\n", label, "all", m.N, m.ActMRR, m.ActNDCG, m.SecMRR)
	}
}

// WriteTopicalMisses lists the questions whose top-graded Act is not the
// first Act, with the Acts that came first.
func (r *TopicalReport) WriteTopicalMisses(w io.Writer) {
	for _, o := range r.Outcomes {
		if o.ActRR == 1 && o.SecRR == 1 {
			continue
		}
		first := o.Acts
		if len(first) > 5 {
			first = first[:5]
		}
		fmt.Fprintf(w, "%-6s %-5s %-70q Act RR %.2f sec RR %.2f first Acts %v (judged %v)\n",
			o.Question.ID, r.Mode, o.Question.Q, o.ActRR, o.SecRR, first, o.Question.Acts)
	}
}
