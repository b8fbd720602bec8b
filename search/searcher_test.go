package search

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search/lexicon"
)

// writeCorpus writes files (path relative to the corpus → content) into a
// temporary corpus folder and returns it.
func writeCorpus(t testing.TB, files map[string]string) string {
	t.Helper()
	return testutil.WriteCorpus(t, files)
}

// openCorpus builds an index of dir in a temporary data folder.
func openCorpus(t testing.TB, dir string) *Searcher {
	t.Helper()
	return openCorpusWith(t, dir, nil)
}

// openCorpusWith is openCorpus searching with a lexicon.
func openCorpusWith(t testing.TB, dir string, lex *lexicon.Lexicon) *Searcher {
	t.Helper()
	data := t.TempDir()
	g := entity.Default()
	extract := g.Annotate
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: dir, Data: data, Extract: extract}); err != nil {
		t.Fatalf("build %s: %v", dir, err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	s := New(gen, Options{Gazetteer: g, Lexicon: lex})
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSearchSeeds(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	tests := []struct {
		q       string
		lang    string // every hit in this language
		topLang string // the top hit in this language
		min     int    // at least this many hits
		marked  string // the top hit's highlight marks this (case-insensitive)
		topHas  string // the top hit's text contains this
		relaxed bool
	}{
		// Entity expansion brings English NATO passages after the French one.
		{q: "OTAN", topLang: "fr", min: 2, marked: "OTAN"},
		{q: "cybersecurite", lang: "fr", min: 5, marked: "cybersécurité"},
		{q: "cybersécurité", lang: "fr", min: 5, marked: "cybersécurité"},
		{q: "cyber attacks", lang: "en", min: 3, marked: "attacks"},
		{q: "donnee", lang: "fr", min: 1, marked: "données"},
		{q: "l’ANSSI", min: 3, marked: "ANSSI"},
		{q: "ministere des armees", topLang: "fr", min: 2, marked: "Armées"},
		{q: "strategy", lang: "en", min: 2, marked: "strateg"},
		{q: `"Cyber Defence Pledge"`, lang: "en", min: 1, topHas: "Cyber Defence Pledge"},
		{q: "NATO OR OTAN", min: 2},
		{q: "cyber* -NATO -OTAN", min: 5},
		// No passage has all three words: relaxed to any.
		{q: "OTAN zzzzunknownword", min: 1, relaxed: true, marked: "OTAN"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := s.Search(ctx, Request{Query: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if int(res.Total) < tt.min || len(res.Hits) < min(tt.min, 10) {
				t.Fatalf("%d hits, want at least %d", res.Total, tt.min)
			}
			if res.Relaxed != tt.relaxed {
				t.Errorf("relaxed = %v, want %v", res.Relaxed, tt.relaxed)
			}
			for i, h := range res.Hits {
				if tt.lang != "" && h.Lang != tt.lang {
					t.Errorf("hit %d in %s, want %s: %.60q", i, h.Lang, tt.lang, h.Text)
				}
				if i > 0 && h.Score > res.Hits[i-1].Score {
					t.Errorf("hits not ranked by score")
				}
				if h.ID == "" || h.DocID == "" || h.Title == "" || h.Text == "" || h.Highlight == "" {
					t.Errorf("hit %d misses fields: %+v", i, h)
				}
			}
			top := res.Hits[0]
			if tt.topLang != "" && top.Lang != tt.topLang {
				t.Errorf("top hit in %s, want %s", top.Lang, tt.topLang)
			}
			if tt.marked != "" && !regexpMark(tt.marked).MatchString(top.Highlight) {
				t.Errorf("top highlight does not mark %q: %s", tt.marked, top.Highlight)
			}
			if tt.topHas != "" && !strings.Contains(top.Text, tt.topHas) {
				t.Errorf("top hit lacks %q: %.80q", tt.topHas, top.Text)
			}
			if strings.Contains(tt.q, "-NATO") {
				for _, h := range res.Hits {
					if strings.Contains(h.Text, "NATO") || strings.Contains(h.Text, "OTAN") {
						t.Errorf("excluded word in hit: %.80q", h.Text)
					}
				}
			}
		})
	}
}

func TestSearchEmptyQueryListsInDocumentOrder(t *testing.T) {
	s := openCorpus(t, "../seeds")
	res, err := s.Search(context.Background(), Request{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	_, m := s.Generation()
	if int(res.Total) != m.Passages || len(res.Hits) != m.Passages {
		t.Fatalf("empty query: %d hits of %d passages", res.Total, m.Passages)
	}
	for i := 1; i < len(res.Hits); i++ {
		a, b := res.Hits[i-1], res.Hits[i]
		if a.DocID > b.DocID || (a.DocID == b.DocID && a.Ordinal >= b.Ordinal) {
			t.Fatalf("hits %d and %d out of document order", i-1, i)
		}
	}
	langs := map[string]int{}
	for _, f := range res.Facets["lang"] {
		langs[f.Value] = f.Count
	}
	en, fr := 0, 0
	for _, h := range res.Hits {
		if h.Lang == "en" {
			en++
		} else {
			fr++
		}
	}
	if langs["en"] != en || langs["fr"] != fr {
		t.Errorf("lang facet %v, hits en=%d fr=%d", langs, en, fr)
	}
}

func TestSearchLangFilterAndPaging(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	res, err := s.Search(ctx, Request{Query: "ANSSI", Filters: map[string][]string{"lang": {"en"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatal("no English ANSSI passage")
	}
	for _, h := range res.Hits {
		if h.Lang != "en" {
			t.Errorf("lang filter let through a %s hit", h.Lang)
		}
	}
	// The lang facet still counts French passages (disjunctive counts).
	fr := 0
	for _, f := range res.Facets["lang"] {
		if f.Value == "fr" {
			fr = f.Count
		}
	}
	if fr == 0 {
		t.Error("lang facet lost the French count when filtering on English")
	}
	all, _ := s.Search(ctx, Request{Query: "cyber*", Size: 100})
	p2, err := s.Search(ctx, Request{Query: "cyber*", Page: 2, Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range p2.Hits {
		if h.ID != all.Hits[3+i].ID {
			t.Errorf("page 2 hit %d = %s, want %s", i, h.ID, all.Hits[3+i].ID)
		}
	}
}

func TestSearchBadRequests(t *testing.T) {
	s := openCorpus(t, "../seeds")
	for name, r := range map[string]Request{
		"page 0 ok but negative": {Query: "x", Page: -1},
		"size too big":           {Query: "x", Size: 1000},
		"bad lang":               {Query: "x", Filters: map[string][]string{"lang": {"de"}}},
		"bad year":               {Query: "x", Filters: map[string][]string{"year": {"20x6"}}},
		"bad year in query":      {Query: "year:soon"},
		"unknown filter":         {Query: "x", Filters: map[string][]string{"colour": {"red"}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Search(context.Background(), r)
			var in *InputError
			if !errors.As(err, &in) {
				t.Errorf("error = %v, want an InputError", err)
			}
		})
	}
}

func TestDocumentAndPassage(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	docs := s.Documents()
	if len(docs) != 2 {
		t.Fatalf("%d documents", len(docs))
	}
	for _, d := range docs {
		info, ps, err := s.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != info.Passages || len(ps) == 0 {
			t.Fatalf("%s: %d passages, manifest says %d", d.ID, len(ps), info.Passages)
		}
		for i, p := range ps {
			if p.Ordinal != i {
				t.Errorf("%s: passage %d has ordinal %d", d.ID, i, p.Ordinal)
			}
		}
		one, err := s.Passage(ctx, ps[1].ID)
		if err != nil || one.Text != ps[1].Text {
			t.Errorf("Passage(%s) = %v, %v", ps[1].ID, one, err)
		}
	}
	if _, _, err := s.Document(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown document: %v", err)
	}
	if _, err := s.Passage(ctx, "nope~1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown passage: %v", err)
	}
}

// TestGuardrailsBothLanguages: the same guardrail is found in English and
// in French by a query in each language.
func TestGuardrailsBothLanguages(t *testing.T) {
	guardrails := testutil.Corpus(t, "cloud-guardrails")
	s := openCorpus(t, guardrails)
	tests := []struct {
		q, lang, doc string
	}{
		{"encryption data at rest", "en", "en--06_Protect-Data-at-Rest"},
		{"chiffrement des données inactives", "fr", "fr--06_Protection-des-donnees-inactives"},
		{"chiffrement donnees inactives", "fr", "fr--06_Protection-des-donnees-inactives"},
		{"data location Canada", "en", "en--05_Data-Location"},
		{"emplacement des données", "fr", "fr--05_Emplacement-des-donnees"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := s.Search(context.Background(), Request{Query: tt.q, Size: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatal("no hits")
			}
			found := false
			for _, h := range res.Hits {
				found = found || (h.DocID == tt.doc && h.Lang == tt.lang)
			}
			if !found {
				var got []string
				for _, h := range res.Hits {
					got = append(got, h.DocID)
				}
				t.Errorf("top 3 %v lack %s", got, tt.doc)
			}
		})
	}
}

// regexpMark matches s inside a <mark> element, ignoring case.
func regexpMark(s string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)<mark>[^<]*` + regexp.QuoteMeta(s) + `[^<]*</mark>`)
}

// TestBackgroundVocabulary: with BackgroundVocabulary, New returns at
// once, searches work before the vocabulary is read, and completions
// appear once it is; Close waits for the reading to finish.
func TestBackgroundVocabulary(t *testing.T) {
	data := t.TempDir()
	g := entity.Default()
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: "../seeds", Data: data, Extract: g.Annotate}); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	s := New(gen, Options{Gazetteer: g, BackgroundVocabulary: true})
	res, err := s.Search(context.Background(), Request{Query: "OTAN"})
	if err != nil || res.Total == 0 {
		t.Fatalf("search before the vocabulary is ready: %v, %v", res, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		sugg, err := s.Suggest("cyb", "", 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(sugg) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no completions 10 s after New: the vocabulary was never installed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
