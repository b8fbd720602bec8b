package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCollapse(t *testing.T) {
	hits := []Hit{
		{ID: "a1", DocID: "a", Heading: "1 Intro"},
		{ID: "b1", DocID: "b", Heading: "1 Intro"},
		{ID: "a2", DocID: "a", Heading: "1 Intro"},
		{ID: "a3", DocID: "a", Heading: "2 Rules"},
		{ID: "a4", DocID: "a", Heading: "1 Intro"},
	}
	tests := []struct {
		group string
		ids   []string
		more  []int
	}{
		{GroupSection, []string{"a1", "b1", "a3"}, []int{2, 0, 0}},
		{GroupDocument, []string{"a1", "b1"}, []int{3, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			got := collapse(hits, tt.group)
			if len(got) != len(tt.ids) {
				t.Fatalf("%d groups, want %d", len(got), len(tt.ids))
			}
			for i, h := range got {
				if h.ID != tt.ids[i] || h.More != tt.more[i] || h.GroupKey == "" {
					t.Errorf("group %d: %s more %d key %q, want %s more %d", i, h.ID, h.More, h.GroupKey, tt.ids[i], tt.more[i])
				}
			}
			if hits[0].More != 0 {
				t.Error("collapse changed its input")
			}
		})
	}
}

func TestSearchGrouped(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	all, err := s.Search(ctx, Request{Query: "cyber", Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{GroupSection, GroupDocument} {
		res, err := s.Search(ctx, Request{Query: "cyber", Size: 5, Group: g})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != all.Total {
			t.Errorf("%s: total %d, want the passage count %d", g, res.Total, all.Total)
		}
		if res.Next != "" || len(res.Hits) == 0 || len(res.Hits) > 5 {
			t.Errorf("%s: %d hits, next %q", g, len(res.Hits), res.Next)
		}
		seen := map[string]bool{}
		passages := 0
		for _, h := range res.Hits {
			if seen[h.GroupKey] {
				t.Errorf("%s: group %q twice", g, h.GroupKey)
			}
			seen[h.GroupKey] = true
			passages += 1 + h.More
		}
		if g == GroupDocument && passages <= len(res.Hits) {
			t.Errorf("document groups hold no second passage: %d hits, %d passages", len(res.Hits), passages)
		}
		if all.Hits[0].ID != res.Hits[0].ID {
			t.Errorf("%s: first hit %s, want the best passage %s", g, res.Hits[0].ID, all.Hits[0].ID)
		}
	}
	one, err := s.Search(ctx, Request{Query: "cyber", Size: 1})
	if err != nil || one.Next == "" {
		t.Fatalf("a first page of one hit: %v, next %q", err, one.Next)
	}
	for _, r := range []Request{{Query: "cyber", Group: "chapter"}, {Query: "cyber", Group: GroupSection, After: one.Next}} {
		var in *InputError
		if _, err := s.Search(ctx, r); !errors.As(err, &in) {
			t.Errorf("group %q after %q: %v, want an input error", r.Group, r.After, err)
		}
	}
}

func TestRequired(t *testing.T) {
	tests := []struct {
		n              int
		anyGroup, soft bool
		want           int
	}{
		{0, false, false, 0},
		{3, false, false, 3},
		{3, true, false, 1},
		{3, false, true, 3},
		{minShouldFrom, false, true, minShouldFrom - 1},
		{minShouldFrom, false, false, minShouldFrom},
		{minShouldEvery + 1, false, true, minShouldEvery - 1},
	}
	for _, tt := range tests {
		if got := required(tt.n, tt.anyGroup, tt.soft); got != tt.want {
			t.Errorf("required(%d, %v, %v) = %d, want %d", tt.n, tt.anyGroup, tt.soft, got, tt.want)
		}
	}
}

func TestFuse(t *testing.T) {
	lex := []*hitItem{{id: "fr-a", score: 4}, {id: "fr-b", score: 2}}
	tw := []*hitItem{{id: "en-b", score: 10}, {id: "en-x", score: 9}, {id: "en-c", score: 6}, {id: "en-b2", score: 1}}
	twins := map[string]string{"en-b": "fr-b", "en-c": "fr-c", "en-b2": "fr-b"}
	tests := []struct {
		w    float64
		want []string
	}{
		{0.5, []string{"fr-a", "fr-b", "fr-c"}}, // fr-b: 0.5 + 0.5
		{2, []string{"fr-b", "fr-c", "fr-a"}},   // fr-b: 0.5 + 2, fr-c: 1.2
	}
	for _, tt := range tests {
		got := fuse(lex, tw, twins, tt.w)
		ids := make([]string, len(got))
		for i, f := range got {
			ids[i] = f.id
		}
		if len(ids) != len(tt.want) {
			t.Fatalf("w %v: %v, want %v", tt.w, ids, tt.want)
		}
		for i := range ids {
			if ids[i] != tt.want[i] {
				t.Errorf("w %v: %v, want %v", tt.w, ids, tt.want)
				break
			}
		}
	}
}

// TestElisionOtherLanguage: an elided French word ("l'ANSSI") also matches
// the word in English passages, as "ANSSI" does.
func TestElisionOtherLanguage(t *testing.T) {
	s := openCorpus(t, "../seeds")
	en := map[string][]string{"lang": {"en"}}
	for _, q := range []string{"ANSSI", "l'ANSSI", "l’ANSSI"} {
		res, err := s.Search(context.Background(), Request{Query: q, Filters: en})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 || res.Relaxed {
			t.Errorf("%s in English: %d passages (relaxed %v)", q, res.Total, res.Relaxed)
		}
	}
}

// A document whose passages fill the first passages read still leaves
// room for the others: a page of five documents shows five, each with its
// highlights and twin, though one Act holds most of the matches.
func TestSearchGroupedDeeper(t *testing.T) {
	var en, fr strings.Builder
	en.WriteString("# Firearms Act\n\n")
	fr.WriteString("# Loi sur les armes à feu\n\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&en, "## %d Licence %d\n\nA firearms licence number %d is issued to an individual who holds firearms.\n\n", i, i, i)
		fmt.Fprintf(&fr, "## %d Permis %d\n\nUn permis d'armes à feu numéro %d est délivré au particulier.\n\n", i, i, i)
	}
	files := map[string]string{"en/F-11.6.md": en.String(), "fr/F-11.6.md": fr.String()}
	for i := 0; i < 6; i++ {
		files[fmt.Sprintf("en/X-%d.md", i)] = fmt.Sprintf("# Other Act %d\n\n## 1 Application\n\nThis Act mentions a firearms licence once, among many other words about matters %d.\n", i, i)
	}
	s := openCorpus(t, writeCorpus(t, files))
	ctx := context.Background()
	res, err := s.Search(ctx, Request{Query: "firearms licence", Size: 5, Group: GroupDocument, Filters: map[string][]string{"lang": {"en"}}})
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, h := range res.Hits {
		docs = append(docs, h.DocID)
		if !strings.Contains(h.Highlight, "<mark>") {
			t.Errorf("%s: no highlight in %q", h.ID, h.Highlight)
		}
	}
	if len(res.Hits) != 5 || res.Hits[0].DocID != "en--F-11.6" {
		t.Fatalf("documents %q; want the Firearms Act and four others", docs)
	}
	if res.Hits[0].Twin == nil || res.Hits[0].More < 40 {
		t.Errorf("first hit: twin %v, more %d; want its twin and at least the 40 passages read at first", res.Hits[0].Twin, res.Hits[0].More)
	}
	for _, h := range res.Hits[1:] {
		if h.Twin != nil || h.More != 0 {
			t.Errorf("%s: twin %v more %d, want none (one passage, no French version)", h.ID, h.Twin, h.More)
		}
	}
}
