package relevance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/vigie/vigie/search"
)

// Kinds of judged queries.
const (
	KindEN         = "en"          // English query, English answers
	KindFR         = "fr"          // French query, French answers
	KindAccentFree = "accent-free" // French typed without accents
	KindElided     = "elided"      // French with elisions (l', d', qu')
	KindENtoFR     = "xling-en-fr" // English query, French answers
	KindFRtoEN     = "xling-fr-en" // French query, English answers
	KindAcronym    = "acronym"     // an acronym or a name's short form
	KindTypo       = "typo"        // a typing mistake
)

// Kinds lists the kinds in report order.
var Kinds = []string{KindEN, KindFR, KindAccentFree, KindElided, KindENtoFR, KindFRtoEN, KindAcronym, KindTypo}

// Set is a judged query set.
type Set struct {
	// Corpus says what the judgments are about.
	Corpus  string  `json:"corpus"`
	Queries []Query `json:"queries"`
}

// Query is one judged query.
type Query struct {
	Q    string `json:"q"`
	Kind string `json:"kind"`
	// Lang, when set, restricts the search to that language (a user who
	// picks the language of the answers: cross-lingual queries).
	Lang string `json:"lang,omitempty"`
	// Judgments are the passages that answer the query, graded.
	Judgments []Judgment `json:"judgments"`
	Note      string     `json:"note,omitempty"`
}

// Judgment identifies passages by stable keys, never by passage id (ids
// are hashes of the text and change with it): the end of the document id
// (it depends on the corpus folder's layout only above the file), and
// text that the passage's heading or text contains. Grade 3 answers the
// query, 2 is relevant, 1 is related.
type Judgment struct {
	Doc     string `json:"doc"`
	Heading string `json:"heading,omitempty"`
	Text    string `json:"text,omitempty"`
	Grade   int    `json:"grade"`
}

// Matches reports whether a hit is a passage the judgment identifies.
func (j Judgment) Matches(h search.Hit) bool {
	if !strings.HasSuffix(h.DocID, j.Doc) {
		return false
	}
	if j.Heading != "" && !strings.Contains(h.Heading, j.Heading) {
		return false
	}
	return j.Text == "" || strings.Contains(h.Text, j.Text)
}

// Load reads and checks a judged query set.
func Load(r io.Reader) (*Set, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var s Set
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("judged queries: %w", err)
	}
	known := map[string]bool{}
	for _, k := range Kinds {
		known[k] = true
	}
	for i, q := range s.Queries {
		switch {
		case strings.TrimSpace(q.Q) == "":
			return nil, fmt.Errorf("query %d: empty q", i+1)
		case !known[q.Kind]:
			return nil, fmt.Errorf("query %d (%q): unknown kind %q", i+1, q.Q, q.Kind)
		case len(q.Judgments) == 0:
			return nil, fmt.Errorf("query %d (%q): no judgments", i+1, q.Q)
		}
		for _, j := range q.Judgments {
			if j.Doc == "" || j.Grade < 1 || j.Grade > 3 {
				return nil, fmt.Errorf("query %d (%q): a judgment needs doc and a grade from 1 to 3", i+1, q.Q)
			}
		}
	}
	return &s, nil
}

// Cutoff is the rank up to which hits count (the @10 of the metrics).
const Cutoff = 10

// Metrics are averages over queries.
type Metrics struct {
	N      int
	NDCG   float64 // nDCG@10, graded gain 2^grade-1
	MRR    float64 // reciprocal rank of the first relevant hit in the top 10
	Recall float64 // share of the judged passages found in the top 10
}

func (m *Metrics) add(o Outcome) {
	m.NDCG += o.NDCG
	m.MRR += o.RR
	m.Recall += o.Recall
	m.N++
}

func (m Metrics) mean() Metrics {
	if m.N == 0 {
		return m
	}
	n := float64(m.N)
	return Metrics{N: m.N, NDCG: m.NDCG / n, MRR: m.MRR / n, Recall: m.Recall / n}
}

// Outcome is one query's result.
type Outcome struct {
	Query  Query
	NDCG   float64
	RR     float64
	Recall float64
	// Ranks holds, for each judgment, the 1-based rank of the hit that
	// matched it, 0 if none in the top 10.
	Ranks []int
	Top   []search.Hit
}

// Score computes a query's metrics from its ranked hits. Each judgment is
// matched by at most one hit and each hit matches at most one judgment
// (the first unmatched one, best grades first), so a judgment written for
// a whole document counts once.
func Score(q Query, hits []search.Hit) Outcome {
	if len(hits) > Cutoff {
		hits = hits[:Cutoff]
	}
	js := append([]Judgment(nil), q.Judgments...)
	sort.SliceStable(js, func(a, b int) bool { return js[a].Grade > js[b].Grade })
	used := make([]bool, len(js))
	o := Outcome{Query: q, Ranks: make([]int, len(js)), Top: hits}
	dcg := 0.0
	for i, h := range hits {
		for k, j := range js {
			if used[k] || !j.Matches(h) {
				continue
			}
			used[k] = true
			o.Ranks[k] = i + 1
			dcg += gain(j.Grade) / math.Log2(float64(i+2))
			if o.RR == 0 {
				o.RR = 1 / float64(i+1)
			}
			break
		}
	}
	ideal := 0.0
	found := 0
	for k, j := range js {
		if k < Cutoff {
			ideal += gain(j.Grade) / math.Log2(float64(k+2))
		}
		if used[k] {
			found++
		}
	}
	if ideal > 0 {
		o.NDCG = dcg / ideal
	}
	o.Recall = float64(found) / float64(len(js))
	return o
}

func gain(grade int) float64 { return math.Pow(2, float64(grade)) - 1 }

// Report holds the outcomes of a judged set, by kind and overall.
type Report struct {
	Outcomes []Outcome
	ByKind   map[string]Metrics
	All      Metrics
}

// Run searches every query of the set (size 10, the query's language
// filter if any) and scores the hits.
func Run(ctx context.Context, s *search.Searcher, set *Set) (*Report, error) {
	r := &Report{ByKind: map[string]Metrics{}}
	sums := map[string]*Metrics{}
	var all Metrics
	for _, q := range set.Queries {
		req := search.Request{Query: q.Q, Size: Cutoff}
		if q.Lang != "" {
			req.Filters = map[string][]string{"lang": {q.Lang}}
		}
		res, err := s.Search(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", q.Q, err)
		}
		o := Score(q, res.Hits)
		r.Outcomes = append(r.Outcomes, o)
		if sums[q.Kind] == nil {
			sums[q.Kind] = &Metrics{}
		}
		sums[q.Kind].add(o)
		all.add(o)
	}
	for k, m := range sums {
		r.ByKind[k] = m.mean()
	}
	r.All = all.mean()
	return r, nil
}

// WriteTable prints the metrics per kind and overall, one row each.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "%-12s %3s  %7s  %6s  %9s\n", "kind", "n", "nDCG@10", "MRR", "recall@10")
	for _, k := range Kinds {
		m, ok := r.ByKind[k]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%-12s %3d  %7.3f  %6.3f  %9.3f\n", k, m.N, m.NDCG, m.MRR, m.Recall)
	}
	fmt.Fprintf(w, "%-12s %3d  %7.3f  %6.3f  %9.3f\n", "all", r.All.N, r.All.NDCG, r.All.MRR, r.All.Recall)
}

// WriteMisses lists the queries whose best judged passage is not first,
// with the ranks of their judgments, to see what a ranking change moved.
func (r *Report) WriteMisses(w io.Writer) {
	for _, o := range r.Outcomes {
		if o.RR == 1 && o.Recall == 1 {
			continue
		}
		fmt.Fprintf(w, "%-12s %-45q nDCG %.2f RR %.2f recall %.2f ranks %v\n", o.Query.Kind, o.Query.Q, o.NDCG, o.RR, o.Recall, o.Ranks)
	}
}
