package search_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

func seedsSearcher(t testing.TB) *search.Searcher {
	return openIndex(t, map[string]string{"seeds": testutil.Seeds()}, nil)
}

func TestFuzzyAndDidYouMean(t *testing.T) {
	s := seedsSearcher(t)
	ctx := context.Background()
	tests := []struct {
		q          string
		fuzzy      bool
		suggestion string
		relaxed    bool
		hitHas     string // some hit's text holds this (case-insensitive)
	}{
		{q: "intenational law", fuzzy: true, suggestion: "international law", hitHas: "international law"},
		// Found through the spelling variant re/er, so not fuzzy; the
		// suggestion still names the index's word.
		{q: "COMCYBRE", suggestion: "COMCYBER", hitHas: "COMCYBER"},
		{q: "cyber attaks", fuzzy: true, suggestion: "cyber attacks", hitHas: "cyber attacks"},
		{q: "menase -OTAN", fuzzy: true, suggestion: "menace -OTAN", hitHas: "menace"},
		// A spelling variant, not a typing mistake: "organization" also
		// finds the "organisations internationales" of the French seed.
		{q: "organization", hitHas: "organisation"},
		// Words the index knows: no retry, no suggestion.
		{q: "cyber attacks", hitHas: "cyber attacks"},
		// Nothing close to the unknown word: relaxed, no suggestion.
		{q: "OTAN zzzzunknownword", relaxed: true, hitHas: "OTAN"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := s.Search(ctx, search.Request{Query: tt.q, Size: 20})
			if err != nil {
				t.Fatal(err)
			}
			if res.Fuzzy != tt.fuzzy || res.Relaxed != tt.relaxed {
				t.Errorf("fuzzy %v relaxed %v, want %v %v", res.Fuzzy, res.Relaxed, tt.fuzzy, tt.relaxed)
			}
			if res.Suggestion != tt.suggestion {
				t.Errorf("suggestion %q, want %q", res.Suggestion, tt.suggestion)
			}
			if tt.hitHas == "" {
				return
			}
			for _, h := range res.Hits {
				if strings.Contains(strings.ToLower(h.Text), strings.ToLower(tt.hitHas)) {
					return
				}
			}
			t.Errorf("no hit holds %q (%d hits)", tt.hitHas, len(res.Hits))
		})
	}
}

func TestSuggest(t *testing.T) {
	s := seedsSearcher(t)
	t.Run("cyb", func(t *testing.T) {
		got, err := s.Suggest("cyb", "", 20)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		texts := map[string]bool{}
		for _, sg := range got {
			kinds[sg.Kind] = true
			texts[sg.Text+"/"+sg.Lang] = true
			if !hasWordPrefix(sg.Text, "cyb") {
				t.Errorf("%q does not complete cyb", sg.Text)
			}
		}
		for _, want := range []string{"cybersécurité/fr", "cyber/en", "cyberespace/fr"} {
			if !texts[want] {
				t.Errorf("completions of cyb lack %s: %v", want, got)
			}
		}
		if !kinds[search.SuggestTerm] || !kinds[search.SuggestEntity] {
			t.Errorf("kinds %v: want terms and entities", kinds)
		}
	})
	t.Run("lang and names", func(t *testing.T) {
		got, _ := s.Suggest("minist", "fr", 10)
		sawEntity := false
		for _, sg := range got {
			if sg.Lang == "en" {
				t.Errorf("lang=fr gave an English suggestion: %+v", sg)
			}
			sawEntity = sawEntity || (sg.Kind == search.SuggestEntity && strings.HasPrefix(sg.Text, "ministère"))
		}
		if !sawEntity {
			t.Errorf("no ministry among %v", got)
		}
	})
	t.Run("titles", func(t *testing.T) {
		got, _ := s.Suggest("A l'int", "", 5)
		if len(got) == 0 || got[0].Kind != search.SuggestTitle || got[0].Text != "A l’international" {
			t.Errorf("title completion: %v", got)
		}
	})
	t.Run("last word completed, first kept", func(t *testing.T) {
		got, _ := s.Suggest("national secu", "en", 5)
		found := false
		for _, sg := range got {
			found = found || sg.Text == "national security"
		}
		if !found {
			t.Errorf("no \"national security\" in %v", got)
		}
	})
	t.Run("nothing to complete", func(t *testing.T) {
		for _, q := range []string{"", "   ", "zzzz", "\xff"} {
			got, err := s.Suggest(q, "", 5)
			if err != nil || len(got) != 0 {
				t.Errorf("Suggest(%q) = %v, %v; want none", q, got, err)
			}
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, c := range []struct {
			lang string
			n    int
		}{{"de", 5}, {"", 0}, {"", search.MaxSuggestions + 1}} {
			_, err := s.Suggest("cyb", c.lang, c.n)
			var in *search.InputError
			if !errors.As(err, &in) {
				t.Errorf("Suggest(lang %q, n %d): %v, want an InputError", c.lang, c.n, err)
			}
		}
	})
}

func hasWordPrefix(text, prefix string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return r == ' ' || r == '\'' || r == '’' || r == '-' }) {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}

// TestTwins: a guardrail passage comes with its twin in the other language.
func TestTwins(t *testing.T) {
	s := judgedSearcher(t)
	ctx := context.Background()
	res, err := s.Search(ctx, search.Request{Query: "encryption mechanism confidentiality", Size: 3, Filters: map[string][]string{"lang": {"en"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hit")
	}
	h := res.Hits[0]
	if h.Twin == nil {
		t.Fatalf("top hit %s has no twin", h.ID)
	}
	if h.Twin.Lang != "fr" || !strings.HasSuffix(h.Twin.DocID, "fr--06_Protection-des-donnees-inactives") ||
		h.Twin.Heading != "Exigences obligatoires" || !strings.Contains(h.Twin.Text, "mécanisme de chiffrement") {
		t.Errorf("twin of %q: %+v", h.Heading, h.Twin)
	}
	p, err := s.Passage(ctx, h.Twin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Twin == nil || p.Twin.ID != h.ID {
		t.Errorf("the twin's twin is %+v, want %s", p.Twin, h.ID)
	}
	// The seeds are not translations of each other: no twin.
	res, _ = s.Search(ctx, search.Request{Query: "ANSSI", Size: 20})
	for _, h := range res.Hits {
		if strings.Contains(h.DocID, "seeds--") && h.Twin != nil {
			t.Errorf("seed passage %s has a twin", h.ID)
		}
	}
}

// TestMisspeltAcronymAcrossLanguages: a misspelt acronym is corrected to
// the gazetteer entity its close word names, so it finds the other
// language's form as the acronym typed right does: "NATTO" finds the
// French passages on the OTAN, the OTAN marked in whatever form they name
// it.
func TestMisspeltAcronymAcrossLanguages(t *testing.T) {
	s := seedsSearcher(t)
	ctx := context.Background()
	for _, q := range []string{"NATTO", "NATO"} {
		t.Run(q, func(t *testing.T) {
			res, err := s.Search(ctx, search.Request{Query: q, Size: 20, Group: search.GroupNone})
			if err != nil {
				t.Fatal(err)
			}
			if (q == "NATTO") != res.Fuzzy {
				t.Errorf("fuzzy %v", res.Fuzzy)
			}
			langs := map[string]bool{}
			for _, h := range res.Hits {
				langs[h.Lang] = true
				if h.Lang == "fr" && !strings.Contains(h.Highlight, "<mark>") {
					t.Errorf("French hit %s: the OTAN not marked in %q", h.ID, h.Highlight)
				}
			}
			if !langs["en"] || !langs["fr"] {
				t.Errorf("hits in %v, want English (NATO) and French (OTAN)", langs)
			}
		})
	}
}
