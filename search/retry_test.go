package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/vigie/vigie/lang"
)

// A long question whose words all happen to meet in a passage or two that
// do not answer it is retried with any word; a heading looked up, which
// finds as few, is not.
func TestFewHitsRetriedUnlessHeading(t *testing.T) {
	dir := writeCorpus(t, map[string]string{
		"elections.md": "# Elections Act\n\n## Right to vote\n\nEvery citizen who is eighteen years of age may vote at an election.\n",
		"holidays.md":  "# Holidays Act\n\n## Time off to vote in federal elections\n\nAn employee has the right to three hours off work.\n",
		"fisheries.md": "# Fisheries Act\n\n## Licences\n\nThe minister may issue a licence to fish.\n",
		"taxes.md":     "# Excise Act\n\n## Federal duty\n\nA duty is imposed on spirits.\n",
	})
	s := openCorpus(t, dir)
	ctx := context.Background()

	res, err := s.Search(ctx, Request{Query: "who has the right to vote in federal elections", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Relaxed {
		t.Errorf("question: relaxed %v, total %d; want it retried with any word", res.Relaxed, res.Total)
	}
	found := false
	for _, h := range res.Hits {
		found = found || h.Title == "Elections Act"
	}
	if !found {
		t.Errorf("question: the Elections Act is not among %d hits", len(res.Hits))
	}

	res, err = s.Search(ctx, Request{Query: "time off to vote in federal elections", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Relaxed || res.Total != 1 {
		t.Errorf("heading: relaxed %v, total %d; want its one section, not retried", res.Relaxed, res.Total)
	}
}

func TestHoldsGroups(t *testing.T) {
	en := lang.AnalyzerFor(lang.English)
	fr := lang.AnalyzerFor(lang.French)
	for _, tc := range []struct {
		q, field, analyzer string
		want               bool
	}{
		{"time off to vote", "Time off to vote in federal elections", en, true},
		{"right to vote in elections", "Time off to vote in federal elections", en, false},
		{"voting at elections", "Vote at an election", en, true},                    // stems
		{"the of to", "Time off to vote", en, false},                                // stop words only
		{"droit de vote OR suffrage", "Droit de suffrage", fr, true},                // one term of the OR group
		{"qui peut demander l'accès", "Demande d'accès", fr, false},                 // "peut" is not in it
		{"le droit d'accès aux documents", "Droit d'accès aux documents", fr, true}, // elided and stop words aside
		{"élections fédérales", "Elections federales", fr, true},                    // accents folded
		{"élections fédérales", "Élections provinciales", fr, false},
	} {
		got := holdsGroups(analyseGroups(Parse(tc.q), tc.analyzer), lang.Terms(tc.analyzer, tc.field))
		if got != tc.want {
			t.Errorf("holdsGroups(%q, %q) = %v, want %v", tc.q, tc.field, got, tc.want)
		}
	}
}

// Names are no evidence of a query's language: "ANSSI", more frequent in
// the French seed, leaves the language undecided (both languages' matches
// weigh alike), and the words around a name still decide.
func TestQueryLangLeavesNamesOut(t *testing.T) {
	s := openCorpus(t, "../seeds")
	v := s.live.vocab.Load()
	for _, tc := range []struct{ q, want string }{
		{"ANSSI", ""},
		{"l'ANSSI", ""},
		{"ANSSI OTAN", ""},
		{"coopération internationale de l'ANSSI", lang.French},
		{"ANSSI security agency", lang.English},
	} {
		if got := v.queryLang(expandEntities(Parse(tc.q), s.live.gaz)); got != tc.want {
			t.Errorf("queryLang(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

// The memo of closeWords gives the same answers as none, per language, and
// builds each word's automaton once for both languages.
func TestCloseWordsMemo(t *testing.T) {
	s := openCorpus(t, "../seeds")
	v := s.live.vocab.Load()
	m := newCloseMemo()
	words := []string{"intenational", "menase", "attaks", "COMCYBRE", "securite"}
	found := 0
	for round := 0; round < 2; round++ {
		for _, w := range words {
			for _, lg := range lang.Languages {
				want := v.closeWords(nil, lg, w)
				got := v.closeWords(m, lg, w)
				if !slices.Equal(got, want) {
					t.Errorf("round %d, %s %q: memo %v, without %v", round, lg, w, got, want)
				}
				found += len(got)
			}
		}
	}
	if found == 0 {
		t.Fatal("no close word found for any word: the test checks nothing")
	}
	if len(m.dfas) != len(words) {
		t.Errorf("%d automata built for %d words", len(m.dfas), len(words))
	}
	if len(m.words) != len(words)*len(lang.Languages) {
		t.Errorf("%d answers remembered, want %d", len(m.words), len(words)*len(lang.Languages))
	}
}

// In the soft retry of a long question (most of its words), a passage
// holding every word by chance does not bury the passages that lack one
// word and are about the question: it ranks by its words, not n² above.
func TestSoftRetryRanksByWords(t *testing.T) {
	files := map[string]string{
		"en/bank.md":       "# Bank Act\n\n## 60 Shares\n\nThe by-laws may give the holders of shares the right to vote for the election of directors of a federal credit union at general meetings, among other matters of its organisation and capital.\n",
		"en/elections.md":  "# Canada Elections Act\n\n## 3 Who may vote\n\nEvery elector has the right to vote in federal elections. The right to vote at federal elections is exercised by an elector who votes in person, and no one may vote twice.\n",
		"en/referendum.md": "# Referendum Act\n\n## 7 Voting\n\nAn elector who has the right to vote at federal elections may vote in a referendum.\n",
		"en/senate.md":     "# Senate Act\n\n## 2 Elections\n\nNo senator is elected: federal elections give no right to vote for the Senate.\n",
	}
	for i := 0; i < 8; i++ {
		files[fmt.Sprintf("en/x%d.md", i)] = fmt.Sprintf("# Other Act %d\n\n## 1 Application\n\nThis Act applies to the general matters of the federal administration number %d.\n", i, i)
	}
	s := openCorpus(t, writeCorpus(t, files))
	res, err := s.Search(context.Background(), Request{Query: "right to vote in federal general elections", Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, fmt.Sprintf("%s %.3f", h.DocID, h.Score))
	}
	if len(res.Hits) < 2 || res.Hits[0].DocID != "en--elections" {
		t.Errorf("hits %q; want the Elections Act's passage (every word but one, about voting) first", got)
	}
}
