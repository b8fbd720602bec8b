package search

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// A misspelt word can find passages of the other language only, through
// that language's analysis (French makes "comision" of "commisioner" and
// of "Commission"): the query, English by its other words, is then
// retried with close words and gets a suggestion, as when it finds
// nothing. On all of laws-canada "privacy commisioner" found nine French
// passages and no suggestion.
func TestSearchMisspeltForeignStem(t *testing.T) {
	files := map[string]string{}
	for i := range 4 {
		files[fmt.Sprintf("en/a%d.md", i)] = fmt.Sprintf("# Act %d\n\n## %d Privacy Commissioner\n\nThe Privacy Commissioner may investigate complaints about the handling of personal information by institution %d.\n", i, i+1, i)
		files[fmt.Sprintf("fr/a%d.md", i)] = fmt.Sprintf("# Loi %d\n\n## %d Plaintes\n\nLa Commission examine les plaintes relatives à la vie privée (privacy) dans l'institution %d.\n", i, i+1, i)
	}
	files["en/b.md"] = "# Review Act\n\n## 7 Conditional decisions\n\nThe tribunal may make any decision subject to terms.\n"
	for i := range 10 {
		files[fmt.Sprintf("fr/p%d.md", i)] = fmt.Sprintf("# Loi sur les pêches %d\n\n## %d Objet\n\nLa présente loi protège les poissons et leur habitat.\n", i, i+1)
	}
	for i := range 6 {
		files[fmt.Sprintf("en/p%d.md", i)] = fmt.Sprintf("# Privacy Act %d\n\n## %d Purpose\n\nThis Act protects the privacy of individuals and their right to privacy.\n", i, i+1)
	}
	s := openCorpus(t, writeCorpus(t, files))
	ctx := context.Background()

	res, err := s.Search(ctx, Request{Query: "privacy commisioner", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Fuzzy || res.Suggestion != "privacy commissioner" || len(res.Hits) == 0 || res.Hits[0].Lang != "en" ||
		!strings.Contains(res.Hits[0].Heading, "Privacy Commissioner") {
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Lang+" "+h.Heading)
		}
		t.Errorf("privacy commisioner: fuzzy %v, suggestion %q, hits %q; want the Privacy Commissioner's sections through the close word", res.Fuzzy, res.Suggestion, got)
	}

	// Not for a word the hits' headings or titles hold.
	if res, err := s.Search(ctx, Request{Query: "privacy commissioner", Size: 10}); err != nil || res.Fuzzy || res.Suggestion != "" {
		t.Errorf("privacy commissioner: fuzzy %v, suggestion %q (%v); want neither", res.Fuzzy, res.Suggestion, err)
	}
}

func TestNamedIn(t *testing.T) {
	hits := []Hit{{Lang: "en", Heading: "7 Conditional decisions", Title: "Review Act"}, {Lang: "fr", Heading: "2 Définitions", Title: "Loi sur l’Examen"}}
	for _, tt := range []struct {
		words []string
		want  bool
	}{
		{[]string{"conditional"}, true},
		{[]string{"CONDITIONAL"}, true},
		{[]string{"examen"}, true}, // accents and elision folded
		{[]string{"l'examen"}, true},
		{[]string{"commisioner"}, false},
		{[]string{"commisioner", "review"}, true},
		{nil, false},
	} {
		if got := namedIn(hits, tt.words); got != tt.want {
			t.Errorf("namedIn(%q) = %v, want %v", tt.words, got, tt.want)
		}
	}
}
