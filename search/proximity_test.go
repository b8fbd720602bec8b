package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vigie/vigie/lang"
)

func TestHeadingPhrase(t *testing.T) {
	tests := []struct {
		q    string
		lg   string
		want string // the phrase matched, "" for none
	}{
		{q: "income tax deduction for charitable donations", lg: lang.English, want: "income tax deduction for charitable donations"},
		// The longest run of plain words: a quoted phrase or a prefix
		// breaks it.
		{q: `tax "capital gains" deduction for charitable donations`, lg: lang.English, want: "deduction for charitable donations"},
		{q: "cyber* defence strategy", lg: lang.English, want: "defence strategy"},
		// One word is no phrase, nor is a stop word before it.
		{q: "the deduction", lg: lang.English},
		{q: "donations", lg: lang.English},
		// A French elision is matched without it in English.
		{q: "l'ANSSI cyber", lg: lang.English, want: "ANSSI cyber"},
		{q: "l'ANSSI cyber", lg: lang.French, want: "l'ANSSI cyber"},
		// OR groups are not words in a row.
		{q: "tax OR duty deduction", lg: lang.English},
	}
	for _, tt := range tests {
		t.Run(tt.q+"/"+tt.lg, func(t *testing.T) {
			got := headingPhrase(Parse(tt.q), tt.lg, 1)
			if tt.want == "" {
				if got != nil {
					t.Fatalf("got %#v, want none", got)
				}
				return
			}
			ph, ok := got.(*query.MatchPhraseQuery)
			if !ok {
				t.Fatalf("got %#v, want a phrase", got)
			}
			if ph.MatchPhrase != tt.want || ph.FieldVal != "heading_"+tt.lg {
				t.Errorf("phrase %q on %s, want %q on heading_%s", ph.MatchPhrase, ph.FieldVal, tt.want, tt.lg)
			}
		})
	}
}

// TestHeadingPhraseRanksTheHeadingAskedFor: the section whose heading holds
// the query's words in a row ranks above shorter headings that hold them
// apart (without the bonus, BM25 prefers those: their headings are
// shorter, and their text holds some of the words too).
func TestHeadingPhraseRanksTheHeadingAskedFor(t *testing.T) {
	dir := t.TempDir()
	docs := map[string]string{
		"asked.md": "# Income Tax Act\n\n## Deduction for charitable donations made by individuals and trusts\n\n" +
			"An amount given to a registered charity may be deducted under this section.\n",
	}
	fillers := []string{
		"## Donations: rules on the charitable deduction\n\nThe rules of this part apply to donations.\n",
		"## Charitable organisations, deduction and donations\n\nA charitable body keeps its records.\n",
		"## Deduction, donations, charitable status\n\nThe status of a body and what it may claim.\n",
	}
	for i, f := range fillers {
		docs["filler"+string(rune('a'+i))+".md"] = "# Other Act\n\n" + f
	}
	for i := range 20 { // the words are rare, as in a real corpus
		docs[fmt.Sprintf("other%02d.md", i)] = fmt.Sprintf("# Fisheries Act %d\n\n## Licences for vessels %d\n\nA licence is issued for each fishing vessel.\n", i, i)
	}
	for name, body := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := openCorpus(t, dir)
	res, err := s.Search(context.Background(), Request{Query: "deduction for charitable donations", Size: 10, Group: GroupNone})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1+len(fillers) {
		t.Fatalf("%d hits, want %d", len(res.Hits), 1+len(fillers))
	}
	if h := res.Hits[0]; h.DocID == "" || h.Title != "Income Tax Act" {
		for _, h := range res.Hits {
			t.Logf("%.3f %s: %s", h.Score, h.Title, h.Heading)
		}
		t.Errorf("top hit %q (%s), want the section of the Income Tax Act", h.Heading, h.Title)
	}
}

// TestRelaxedLeavesCommonWordsOut: a long query that nothing matches in
// full is relaxed to any of its words, its common words left out when a
// rarer one can match: the passages holding only "Act" (all of them) are
// not walked nor returned.
func TestRelaxedLeavesCommonWordsOut(t *testing.T) {
	dir := t.TempDir()
	for i := range 30 {
		body := fmt.Sprintf("# Fisheries Act %d\n\n## Licences %d\n\nThis Act covers each fishing vessel.\n", i, i)
		if i == 7 {
			body = "# Beaver Act\n\n## Beaver ponds\n\nThis Act protects the beaver and its dams.\n"
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("act%02d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := openCorpus(t, dir)
	ctx := context.Background()
	for _, tt := range []struct {
		q     string
		total uint64
	}{
		// Six words, two of them in every passage: only the beaver's.
		{"Act protecting beaver dams in this country", 1},
		// Five words: below commonFrom, every word counts.
		{"Act protecting beaver dams country", 30},
	} {
		res, err := s.Search(ctx, Request{Query: tt.q, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Relaxed || res.Total != tt.total || len(res.Hits) == 0 || res.Hits[0].Title != "Beaver Act" {
			t.Errorf("%q: relaxed %v, total %d (want %d), first %v", tt.q, res.Relaxed, res.Total, tt.total, res.Hits)
		}
	}
}

// TestRelaxedKeepsCommonWordsWhenNothingElse: when every word of a long
// relaxed query that means something is common (the rest are stop words),
// the common words are kept: leaving them out would leave nothing to match.
func TestRelaxedKeepsCommonWordsWhenNothingElse(t *testing.T) {
	dir := t.TempDir()
	for i := range 20 {
		body := fmt.Sprintf("# Fisheries Act %d\n\n## Vessels %d\n\nEach fishing vessel is registered.\n", i, i)
		if i%2 == 1 {
			body = fmt.Sprintf("# Fees Act %d\n\n## Fees %d\n\nA licence fee is paid yearly.\n", i, i)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("act%02d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := openCorpus(t, dir)
	// Six groups, two words that never meet, both in half the passages.
	res, err := s.Search(context.Background(), Request{Query: "fishing and the licence of this", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Relaxed || res.Total != 20 {
		t.Errorf("relaxed %v, total %d; want the 20 passages holding either word", res.Relaxed, res.Total)
	}
}
