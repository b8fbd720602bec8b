package search

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
)

// allPassages lists every passage of the index.
func allPassages(t *testing.T, s *Searcher) []Hit {
	t.Helper()
	res, err := s.Search(context.Background(), Request{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	return res.Hits
}

func ids(hits []Hit) []string {
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.ID)
	}
	sort.Strings(out)
	return out
}

// TestForumFilterIsExact: ?forum=nato returns exactly the passages that
// mention NATO or OTAN, in either language, as the gazetteer finds them.
func TestForumFilterIsExact(t *testing.T) {
	s := openCorpus(t, "../seeds")
	g := entity.Default()
	var want []Hit
	langs := map[string]bool{}
	for _, p := range allPassages(t, s) {
		for _, m := range g.Find(p.Heading + "\n" + p.Text) {
			if m.ID == "nato" {
				want = append(want, p)
				langs[p.Lang] = true
				break
			}
		}
	}
	if !langs["en"] || !langs["fr"] {
		t.Fatalf("the seeds mention NATO in both languages; found %v", langs)
	}
	for _, value := range []string{"nato", "OTAN", "North Atlantic Treaty Organization"} {
		res, err := s.Search(context.Background(), Request{Filters: map[string][]string{"forum": {value}}, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(res.Hits), ids(want)) {
			t.Errorf("forum=%s: %v, want %v", value, ids(res.Hits), ids(want))
		}
	}
}

// TestFacetCountsAgreeWithHits: each facet value's count is the number of
// hits its filter gives, for a query and for the empty query.
func TestFacetCountsAgreeWithHits(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	for _, q := range []string{"", "cyber*", "sécurité"} {
		res, err := s.Search(ctx, Request{Query: q, Size: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, facet := range indexer.FacetNames() {
			if q == "" && len(res.Facets[facet]) == 0 {
				t.Errorf("no %s facet values on the seeds", facet)
			}
			for _, fv := range res.Facets[facet] {
				sub, err := s.Search(ctx, Request{Query: q, Filters: map[string][]string{facet: {fv.Value}}, Size: 1})
				if err != nil {
					t.Fatal(err)
				}
				if int(sub.Total) != fv.Count {
					t.Errorf("q=%q %s=%s: facet count %d, filtered total %d", q, facet, fv.Value, fv.Count, sub.Total)
				}
			}
		}
	}
}

// TestDisjunctiveCounts: a facet's counts ignore its own selection but
// honour the other facets' selections.
func TestDisjunctiveCounts(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	counts := func(r Request, facet string) map[string]int {
		res, err := s.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, fv := range res.Facets[facet] {
			m[fv.Value] = fv.Count
		}
		return m
	}
	base := counts(Request{}, "forum")
	selected := counts(Request{Filters: map[string][]string{"forum": {"nato"}}}, "forum")
	if len(base) < 3 || !mapsEqual(base, selected) {
		t.Errorf("forum counts changed when selecting forum=nato:\n%v\n%v", base, selected)
	}
	// Selecting a language narrows the forum counts to that language.
	fr := counts(Request{Filters: map[string][]string{"lang": {"fr"}}}, "forum")
	if fr["nato"] == 0 || fr["nato"] >= base["nato"] {
		t.Errorf("forum=nato count with lang=fr is %d, without %d", fr["nato"], base["nato"])
	}
	// OR within a facet, AND across facets.
	one, _ := s.Search(ctx, Request{Filters: map[string][]string{"forum": {"nato"}}})
	two, _ := s.Search(ctx, Request{Filters: map[string][]string{"forum": {"nato", "g7"}}})
	both, _ := s.Search(ctx, Request{Filters: map[string][]string{"forum": {"nato"}, "lang": {"en"}}})
	if two.Total <= one.Total || both.Total >= one.Total || both.Total == 0 {
		t.Errorf("nato=%d, nato|g7=%d, nato&en=%d", one.Total, two.Total, both.Total)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestYearFilter(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	res, err := s.Search(ctx, Request{Query: "cyber", Filters: map[string][]string{"year": {"2016"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatal("no cyber passage about 2016")
	}
	for _, h := range res.Hits {
		if !slices.Contains(h.Years, 2016) {
			t.Errorf("hit %s has years %v", h.ID, h.Years)
		}
	}
	rng, err := s.Search(ctx, Request{Filters: map[string][]string{"year": {"2013..2016"}}, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range rng.Hits {
		in := false
		for _, y := range h.Years {
			in = in || (y >= 2013 && y <= 2016)
		}
		if !in {
			t.Errorf("year=2013..2016 let through %s with years %v", h.ID, h.Years)
		}
	}
	if rng.Total <= res.Total {
		t.Errorf("range gave %d hits, single year with a query %d", rng.Total, res.Total)
	}
	// Year facet values are sorted newest first.
	for i := 1; i < len(rng.Facets["year"]); i++ {
		a, _ := strconv.Atoi(rng.Facets["year"][i-1].Value)
		b, _ := strconv.Atoi(rng.Facets["year"][i].Value)
		if a < b {
			t.Errorf("year facet out of order: %v", rng.Facets["year"])
		}
	}
}

func TestFacetLabels(t *testing.T) {
	s := openCorpus(t, "../seeds")
	label := func(ui, facet, value string) string {
		res, err := s.Search(context.Background(), Request{UI: ui})
		if err != nil {
			t.Fatal(err)
		}
		for _, fv := range res.Facets[facet] {
			if fv.Value == value {
				return fv.Label
			}
		}
		return ""
	}
	g := entity.Default()
	if got, want := label("en", "forum", "nato"), g.Label("nato", "en"); got != want || got == "" {
		t.Errorf("en label %q, want %q", got, want)
	}
	if got, want := label("fr", "forum", "nato"), g.Label("nato", "fr"); got != want || got == label("en", "forum", "nato") {
		t.Errorf("fr label %q, want %q (distinct from English)", got, want)
	}
}

func TestUnknownEntityFilter(t *testing.T) {
	s := openCorpus(t, "../seeds")
	_, err := s.Search(context.Background(), Request{Filters: map[string][]string{"actor": {"no-such-body"}}})
	var in *InputError
	if !errors.As(err, &in) {
		t.Errorf("unknown actor: %v", err)
	}
}

// TestEntityExpansion: a query naming an entity in one form or language
// finds passages that use another.
func TestEntityExpansion(t *testing.T) {
	s := openCorpus(t, "../seeds")
	tests := []struct {
		q, lang, marked string
	}{
		{"ONU", "en", "United Nations"},
		{"Ministry of Defence", "fr", "ministère des Armées"},
		{"OTAN", "en", "NATO"},
		{"Organisation du Traité de l'Atlantique Nord", "en", "North Atlantic Treaty Organization"},
		{"OCDE", "fr", "OCDE"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := s.Search(context.Background(), Request{Query: tt.q, Filters: map[string][]string{"lang": {tt.lang}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total == 0 {
				t.Fatalf("no %s passage for %q", tt.lang, tt.q)
			}
			if !regexpMark(tt.marked).MatchString(res.Hits[0].Highlight) {
				t.Errorf("top hit does not mark %q: %s", tt.marked, res.Hits[0].Highlight)
			}
		})
	}
	// French "un" is not the UN.
	res, _ := s.Search(context.Background(), Request{Query: "un enjeu", Size: 100})
	for _, h := range res.Hits {
		if h.Lang != "fr" {
			t.Errorf("'un enjeu' found an English passage: %.60q", h.Text)
		}
	}
	if res.Total == 0 {
		t.Error("'un enjeu' found nothing")
	}
}
