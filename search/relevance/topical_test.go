package relevance

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

// TestTopicalSetWellFormed checks search/testdata/topical.json against
// laws-canada: every judged Act exists in the question's target language,
// every judged section is a section of its Act, each kind has at least
// MinPerKind questions.
func TestTopicalSetWellFormed(t *testing.T) {
	corpus := testutil.Corpus(t, "laws-canada")
	f, err := os.Open(filepath.Join(testutil.Root(), "search", "testdata", "topical.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := LoadTopical(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Check(corpus); err != nil {
		t.Fatal(err)
	}
	// A question must not be a section heading of its top Act copied (that
	// is the known-item test).
	for _, q := range set.Questions {
		b, err := os.ReadFile(filepath.Join(corpus, q.Target(), q.Top+".md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "### "); ok {
				if _, note, _ := strings.Cut(rest, " "); strings.EqualFold(strings.TrimSpace(note), q.Q) {
					t.Errorf("question %s is the heading %q of %s", q.ID, rest, q.Top)
				}
			}
		}
	}
}

func TestTopicalCheck(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"en/A-1.md", "fr/A-1.md"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte("---\ntitle: x\n---\n\n### 4 Right of access\n\ntext\n\n### 6 Request\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	question := func(kind, act string, secs ...string) TopicalQuestion {
		return TopicalQuestion{ID: kind + act + strings.Join(secs, ","), Q: "q", Kind: kind, Acts: map[string]int{act: 2}, Top: act, Sections: secs}
	}
	full := func(extra TopicalQuestion) *TopicalSet {
		s := &TopicalSet{}
		for _, k := range TopicalKinds {
			for i := 0; i < MinPerKind; i++ {
				s.Questions = append(s.Questions, question(k, "A-1", "4"))
			}
		}
		if extra.ID != "" {
			s.Questions = append(s.Questions, extra)
		}
		return s
	}
	if err := full(TopicalQuestion{}).Check(dir); err != nil {
		t.Fatalf("a well-formed set: %v", err)
	}
	for name, s := range map[string]*TopicalSet{
		"unknown Act":     full(question(TopicalEN, "B-2", "4")),
		"unknown section": full(question(TopicalENFR, "A-1", "5")),
		"too few":         {Questions: []TopicalQuestion{question(TopicalEN, "A-1", "4")}},
	} {
		if err := s.Check(dir); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestLoadTopical(t *testing.T) {
	ok := `{"corpus":"c","questions":[{"id":"a","q":"x","kind":"en-fr","acts":{"A-1":2,"P-21":1},"top":"A-1","sections":["4"]}]}`
	s, err := LoadTopical(strings.NewReader(ok))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Questions[0].Target(); got != "fr" {
		t.Errorf("target of en-fr: %q", got)
	}
	for name, in := range map[string]string{
		"unknown field": `{"questions":[],"colour":1}`,
		"no id":         `{"questions":[{"q":"x","kind":"en","acts":{"A":2},"top":"A","sections":["1"]}]}`,
		"repeated id":   `{"questions":[{"id":"a","q":"x","kind":"en","acts":{"A":2},"top":"A","sections":["1"]},{"id":"a","q":"y","kind":"en","acts":{"A":2},"top":"A","sections":["1"]}]}`,
		"empty q":       `{"questions":[{"id":"a","q":" ","kind":"en","acts":{"A":2},"top":"A","sections":["1"]}]}`,
		"bad kind":      `{"questions":[{"id":"a","q":"x","kind":"xling-en-fr","acts":{"A":2},"top":"A","sections":["1"]}]}`,
		"no acts":       `{"questions":[{"id":"a","q":"x","kind":"en","acts":{},"top":"A","sections":["1"]}]}`,
		"top not 2":     `{"questions":[{"id":"a","q":"x","kind":"en","acts":{"A":1},"top":"A","sections":["1"]}]}`,
		"bad grade":     `{"questions":[{"id":"a","q":"x","kind":"en","acts":{"A":2,"B":3},"top":"A","sections":["1"]}]}`,
		"no sections":   `{"questions":[{"id":"a","q":"x","kind":"en","acts":{"A":2},"top":"A","sections":[]}]}`,
	} {
		if _, err := LoadTopical(strings.NewReader(in)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestScoreTopical(t *testing.T) {
	q := TopicalQuestion{ID: "x", Q: "x", Kind: TopicalENFR, Acts: map[string]int{"A-1": 2, "P-21": 1}, Top: "A-1", Sections: []string{"4", "6"}}
	p := func(lang, act, heading string) Ranked {
		return Ranked{DocID: "laws--" + lang + "--" + act, Lang: lang, Heading: heading}
	}
	ideal := 3 + 1/math.Log2(3)
	tests := []struct {
		name             string
		hits             []Ranked
		actRR, ndcg, sec float64
	}{
		{"ideal", []Ranked{p("fr", "A-1", "4 Droit d’accès"), p("fr", "P-21", "12 Droit d’accès")}, 1, 1, 1},
		{"nothing", nil, 0, 0, 0},
		// English hits are skipped: the answers are French.
		{"other language skipped", []Ranked{p("en", "B-2", "1 x"), p("en", "A-1", "4 Right"), p("fr", "A-1", "6 Demande")}, 1, 3 / ideal, 1},
		// Passages of one Act take one rank; sections rank distinct sections.
		{"distinct Acts", []Ranked{p("fr", "B-2", "1 a"), p("fr", "B-2", "2 b"), p("fr", "A-1", "3 c"), p("fr", "A-1", "6 d")}, 0.5, (3 / math.Log2(3)) / ideal, 0.25},
		{"same section twice", []Ranked{p("fr", "B-2", "1 a"), p("fr", "B-2", "1 a"), p("fr", "A-1", "4 b")}, 0.5, (3 / math.Log2(3)) / ideal, 0.5},
		// A section of the top Act's number in another Act does not count.
		{"section of another Act", []Ranked{p("fr", "P-21", "4 Collecte")}, 1, (1) / ideal, 0},
	}
	for _, tt := range tests {
		o := ScoreTopical(q, tt.hits)
		if math.Abs(o.ActRR-tt.actRR) > 1e-9 || math.Abs(o.ActNDCG-tt.ndcg) > 1e-9 || math.Abs(o.SecRR-tt.sec) > 1e-9 {
			t.Errorf("%s: Act RR %.4f nDCG %.4f sec RR %.4f, want %.4f %.4f %.4f", tt.name, o.ActRR, o.ActNDCG, o.SecRR, tt.actRR, tt.ndcg, tt.sec)
		}
	}
	// Only the first ten distinct Acts count.
	var many []Ranked
	for _, a := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		many = append(many, p("fr", a, "1 x"))
	}
	if o := ScoreTopical(q, append(many, p("fr", "A-1", "4 x"))); o.ActRR != 0 || o.SecRR != 0 || len(o.Acts) != Cutoff {
		t.Errorf("an Act at rank 11 counted: %+v", o)
	}
}

func TestRankedSection(t *testing.T) {
	for heading, want := range map[string]string{"4 Right of access": "4", "2.1": "2.1", "Short Title": "Short Title", "130 Prohibition": "130"} {
		if got := (Ranked{Heading: heading}).Section(); got != want {
			t.Errorf("Section(%q) = %q, want %q", heading, got, want)
		}
	}
	if got := (Ranked{DocID: "laws--fr--P-8.6"}).Act(); got != "P-8.6" {
		t.Errorf("Act = %q", got)
	}
}

// fakeRanker returns fixed pages, recording the language asked for.
type fakeRanker struct {
	pages [][]Ranked
	langs []string
}

func (f *fakeRanker) Rank(_ context.Context, _, lang string, page, _ int) ([]Ranked, error) {
	f.langs = append(f.langs, lang)
	if page > len(f.pages) {
		return nil, nil
	}
	return f.pages[page-1], nil
}

func TestRunTopicalModes(t *testing.T) {
	set := &TopicalSet{Questions: []TopicalQuestion{
		{ID: "a", Q: "x", Kind: TopicalFREN, Acts: map[string]int{"A-1": 2}, Top: "A-1", Sections: []string{"4"}},
	}}
	// A full page of French hits, then the English answer on page 2.
	var page1 []Ranked
	for i := 0; i < pageSize; i++ {
		page1 = append(page1, Ranked{DocID: "fr--A-1", Lang: "fr", Heading: "4 x"})
	}
	f := &fakeRanker{pages: [][]Ranked{page1, {{DocID: "en--A-1", Lang: "en", Heading: "4 Right"}}}}
	r, err := RunTopical(context.Background(), f, "fake", ModeUnrestricted, set)
	if err != nil {
		t.Fatal(err)
	}
	if r.All.ActMRR != 1 || r.All.SecMRR != 1 || len(f.langs) != 2 || f.langs[0] != "" {
		t.Errorf("unrestricted: %+v, languages asked %q", r.All, f.langs)
	}
	f = &fakeRanker{pages: [][]Ranked{{{DocID: "en--A-1", Lang: "en", Heading: "4 Right"}}}}
	if r, err = RunTopical(context.Background(), f, "fake", ModeRestricted, set); err != nil {
		t.Fatal(err)
	}
	if r.ByKind[TopicalFREN].ActMRR != 1 || len(f.langs) != 1 || f.langs[0] != "en" {
		t.Errorf("restricted: %+v, languages asked %q", r.ByKind, f.langs)
	}
	// Own language: asked in French, judged on the French Act, reported
	// under the question's kind.
	f = &fakeRanker{pages: [][]Ranked{{{DocID: "en--B-2", Lang: "en", Heading: "1 y"}, {DocID: "fr--B-2", Lang: "fr", Heading: "1 y"}, {DocID: "fr--A-1", Lang: "fr", Heading: "4 x"}}}}
	if r, err = RunTopical(context.Background(), f, "fake", ModeOwn, set); err != nil {
		t.Fatal(err)
	}
	if m := r.ByKind[TopicalFREN]; m.ActMRR != 0.5 || m.SecMRR != 0.5 || len(f.langs) != 1 || f.langs[0] != "fr" || r.Outcomes[0].Question.Kind != TopicalFREN {
		t.Errorf("own language: %+v, languages asked %q", r.ByKind, f.langs)
	}
}

func TestTopicalSource(t *testing.T) {
	for kind, want := range map[string]string{TopicalEN: "en", TopicalFR: "fr", TopicalENFR: "en", TopicalFREN: "fr"} {
		if got := (TopicalQuestion{Kind: kind}).Source(); got != want {
			t.Errorf("Source of %s = %q, want %q", kind, got, want)
		}
	}
}

// TestPlain builds the plain BM25 baseline from an index of the seeds and
// checks that it ranks passages of the language asked for.
func TestPlain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if _, err := indexer.Build(ctx, indexer.Options{Seeds: testutil.Seeds(), Data: data}); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	s := search.New(gen, search.Options{})
	defer s.Close()
	name, _ := s.Generation()
	p, err := OpenPlain(ctx, filepath.Join(dir, "plain"), name, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr"} {
		hits, err := p.Rank(ctx, "cyber sécurité security", lang, 1, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			t.Fatalf("%s: no hits", lang)
		}
		for _, h := range hits {
			if h.Lang != lang || h.DocID == "" {
				t.Errorf("%s: hit %+v", lang, h)
			}
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopened for the same generation, not rebuilt.
	stamp := filepath.Join(dir, "plain", "stamp")
	if err := os.WriteFile(stamp, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err = OpenPlain(ctx, filepath.Join(dir, "plain"), name, s)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := os.Stat(stamp); err != nil {
		t.Errorf("the plain index was rebuilt for the same generation: %v", err)
	}
}
