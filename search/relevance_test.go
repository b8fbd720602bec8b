package search_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/search/lexicon"
	"github.com/vigie/vigie/search/relevance"
)

// openIndex copies the sources into one corpus folder, indexes it with
// the gazetteer, and opens a Searcher with the gazetteer and the embedded
// lexicon.
func openIndex(t testing.TB, sources map[string]string, files map[string][]string) *search.Searcher {
	t.Helper()
	dir := t.TempDir()
	corpus, data := filepath.Join(dir, "corpus"), filepath.Join(dir, "data")
	if err := relevance.CopyCorpus(corpus, sources, files); err != nil {
		t.Fatal(err)
	}
	g := entity.Default()
	extract := func(text string) ([]string, []string, []int) {
		a, f := g.Extract(text)
		return a, f, entity.Years(text)
	}
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: corpus, Data: data, Extract: extract}); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	s := search.New(gen, search.Options{Gazetteer: g, Lexicon: lexicon.Default()})
	t.Cleanup(func() { s.Close() })
	return s
}

// judgedSearcher indexes the corpus of the judged query set: the seeds and
// the cloud guardrails.
func judgedSearcher(t *testing.T) *search.Searcher {
	t.Helper()
	guardrails := testutil.Corpus(t, "cloud-guardrails")
	return openIndex(t, map[string]string{"seeds": testutil.Seeds(), "cloud-guardrails": guardrails}, nil)
}

// Floors of the judged set, set from measurement (docs/relevance.md): about
// 0.05 below what the ranking reaches today (the results are deterministic;
// the margin lets a harmless reordering pass and a real loss fail).
var floors = map[string]relevance.Metrics{
	relevance.KindEN:         {NDCG: 0.87, MRR: 0.89, Recall: 0.82},
	relevance.KindFR:         {NDCG: 0.92, MRR: 0.95, Recall: 0.89},
	relevance.KindAccentFree: {NDCG: 0.81, MRR: 0.78, Recall: 0.95},
	relevance.KindElided:     {NDCG: 0.70, MRR: 0.68, Recall: 0.90},
	relevance.KindENtoFR:     {NDCG: 0.85, MRR: 0.95, Recall: 0.84},
	relevance.KindFRtoEN:     {NDCG: 0.82, MRR: 0.88, Recall: 0.95},
	relevance.KindAcronym:    {NDCG: 0.86, MRR: 0.85, Recall: 0.90},
	relevance.KindTypo:       {NDCG: 0.88, MRR: 0.87, Recall: 0.95},
}

// TestRelevance runs the judged query set and fails when a kind of query
// falls below its floor. The table is in the test log (go test -v -run
// TestRelevance ./search); "vigie eval" prints the same.
func TestRelevance(t *testing.T) {
	s := judgedSearcher(t)
	f, err := os.Open("testdata/relevance.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := relevance.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Queries) < 40 {
		t.Errorf("%d judged queries, want at least 40", len(set.Queries))
	}
	rep, err := relevance.Run(context.Background(), s, set)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep.WriteTable(&buf)
	buf.WriteString("\n")
	rep.WriteMisses(&buf)
	t.Logf("judged queries over seeds + cloud-guardrails:\n%s", buf.String())
	for _, k := range relevance.Kinds {
		m, ok := rep.ByKind[k]
		if !ok {
			t.Errorf("no judged query of kind %s", k)
			continue
		}
		fl := floors[k]
		if m.NDCG < fl.NDCG || m.MRR < fl.MRR || m.Recall < fl.Recall {
			t.Errorf("%s: nDCG %.3f, MRR %.3f, recall %.3f; floors %.2f, %.2f, %.2f", k, m.NDCG, m.MRR, m.Recall, fl.NDCG, fl.MRR, fl.Recall)
		}
	}
}

// TestKnownItemLaws: 200 sections of six Acts, their marginal note as the
// query; the section must come up, and so must its twin when the search is
// restricted to the other language.
func TestKnownItemLaws(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes six Acts in both languages")
	}
	laws := testutil.Corpus(t, "laws-canada")
	s := openIndex(t, map[string]string{"laws": laws}, map[string][]string{"laws": relevance.LawFiles(relevance.LawSample)})
	ctx := context.Background()
	items, err := relevance.KnownItems(ctx, s, 200)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 200 {
		t.Fatalf("%d known items, want 200", len(items))
	}
	r, err := relevance.RunKnownItems(ctx, s, items)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	r.WriteTable(&buf)
	t.Logf("\n%s", buf.String())
	if r.SameMRR < 0.80 || r.Cross < 0.48 {
		t.Errorf("known-item MRR: same language %.3f (floor 0.80), across languages %.3f (floor 0.48)", r.SameMRR, r.Cross)
	}
}

// TestCrossLingualDoneWhen: the queries the issue names find the right
// passages in the other language in the top 3 (the search restricted to
// that language, as a reader who picks it), and, unrestricted, below the
// passages that match the words as typed.
func TestCrossLingualDoneWhen(t *testing.T) {
	s := judgedSearcher(t)
	ctx := context.Background()
	tests := []struct {
		q, lang string // lang: the other language
		doc     string // the top 3 hold a passage of this document…
		text    string // …containing this
	}{
		{"international law", "fr", "004_dca60fb814a64a17", "droit international"},
		{"encryption of data at rest", "fr", "fr--06_Protection-des-donnees-inactives", "chiffrement"},
		{"cyberdéfense", "en", "en--10_Cyber-Defense-Services", "cyber defence"},
		{"ONU", "en", "000_00170ef7a4690722", "United Nations"},
		{"data location", "fr", "fr--05_Emplacement-des-donnees", "emplacements géographiques"},
		{"chiffrement des données inactives", "en", "en--06_Protect-Data-at-Rest", "encryption"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := s.Search(ctx, search.Request{Query: tt.q, Size: 3, Filters: map[string][]string{"lang": {tt.lang}}})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.DocID+": "+firstLine(h.Text))
				found = found || (strings.HasSuffix(h.DocID, tt.doc) && strings.Contains(h.Text, tt.text))
			}
			if !found {
				t.Errorf("top 3 in %s lack %s with %q:\n%s", tt.lang, tt.doc, tt.text, strings.Join(got, "\n"))
			}
			// The other language's passages are marked where the
			// translation matched.
			if len(res.Hits) > 0 && !strings.Contains(res.Hits[0].Highlight+res.Hits[0].HeadingHighlight, "<mark>") {
				t.Errorf("top hit has no mark: %s", res.Hits[0].Highlight)
			}
			// Unrestricted, translations weigh less than the words typed: a
			// passage in the query's language comes first when one matches.
			all, err := s.Search(ctx, search.Request{Query: tt.q, Size: 50})
			if err != nil {
				t.Fatal(err)
			}
			var sawOther bool
			for _, h := range all.Hits {
				sawOther = sawOther || h.Lang == tt.lang
			}
			if !sawOther {
				t.Errorf("unrestricted search has no %s passage in its top 50", tt.lang)
			}
			if tt.q != "ONU" && all.Hits[0].Lang == tt.lang {
				t.Errorf("unrestricted, the top hit is in %s: the translation outweighs the words typed", tt.lang)
			}
		})
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// TestTwinRoutePaging: the pages of a fused list (a French query restricted
// to English, on documents with twins), read by cursor or by page number,
// are the first page of the same size read in one go.
func TestTwinRoutePaging(t *testing.T) {
	s := judgedSearcher(t)
	ctx := context.Background()
	en := map[string][]string{"lang": {"en"}}
	whole, err := s.Search(ctx, search.Request{Query: "chiffrement des données", Size: 6, Filters: en})
	if err != nil {
		t.Fatal(err)
	}
	if len(whole.Hits) < 6 {
		t.Fatalf("%d hits: the test needs 6", len(whole.Hits))
	}
	var byCursor, byPage []string
	after := ""
	for i := 0; i < 3; i++ {
		res, err := s.Search(ctx, search.Request{Query: "chiffrement des données", Size: 2, Filters: en, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			byCursor = append(byCursor, h.ID)
		}
		after = res.Next
		pg, err := s.Search(ctx, search.Request{Query: "chiffrement des données", Size: 2, Page: i + 1, Filters: en})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range pg.Hits {
			byPage = append(byPage, h.ID)
		}
	}
	for i, h := range whole.Hits {
		if h.Lang != "en" {
			t.Errorf("hit %d in %s", i, h.Lang)
		}
		if byCursor[i] != h.ID || byPage[i] != h.ID {
			t.Errorf("hit %d: %s by cursor, %s by page, want %s", i, byCursor[i], byPage[i], h.ID)
		}
	}
}

// TestTitlesLaws: an Act's title finds that Act first, and restricted to
// the other language its other version, and a section cited with it
// ("Privacy Act s. 8", "…, art. 8") that section, even where other Acts have
// sections headed by that title (the consequential amendments "58 Privacy
// Act", "16 Privacy Act", "20 Canada Corporations Act not applicable") and
// the Act itself says little but its title (the repealed Canada
// Corporations Act).
func TestTitlesLaws(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes eight Acts in both languages")
	}
	laws := testutil.Corpus(t, "laws-canada")
	named := []string{"A-1", "P-21", "C-35.3", "S-8.9", "C-1.8", "C-7.75", "C-41.5", "O-3.01"}
	// Among many Acts, as in the corpus: how rare a title's words are
	// depends on the others (every 25th Act in both languages).
	acts := slices.Clone(named)
	files, err := filepath.Glob(filepath.Join(laws, "en", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(files); i += 25 {
		a := strings.TrimSuffix(filepath.Base(files[i]), ".md")
		if _, err := os.Stat(filepath.Join(laws, "fr", a+".md")); err == nil && !slices.Contains(acts, a) {
			acts = append(acts, a)
		}
	}
	s := openIndex(t, map[string]string{"laws": laws}, map[string][]string{"laws": relevance.LawFiles(acts)})
	all, err := relevance.TitleItems(context.Background(), s, 0)
	if err != nil {
		t.Fatal(err)
	}
	var items []relevance.TitleItem
	for _, it := range all {
		if slices.ContainsFunc(named, func(a string) bool { return strings.HasSuffix(it.Doc, "--"+a) }) {
			items = append(items, it)
		}
	}
	if len(items) != 2*len(named) {
		t.Fatalf("%d titles, want %d", len(items), 2*len(named))
	}
	r, err := relevance.RunTitles(context.Background(), s, items)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	r.WriteTable(&buf)
	r.WriteMisses(&buf)
	t.Logf("\n%s", buf.String())
	if r.SameFirst < 1 || r.CrossFirst < 1 || r.CiteFirst < 1 || r.CodeN != r.N || r.CodeFirst < 1 {
		t.Errorf("an Act's title does not find it first: same language %.3f, other version %.3f; a section cited %.3f; by its code %.3f (%d of %d codes)", r.SameFirst, r.CrossFirst, r.CiteFirst, r.CodeFirst, r.CodeN, r.N)
	}
}

// TestTitlesLawsFull: 400 Act titles over all of laws-canada, the index in
// $VIGIE_PERF_DATA (CI builds it; skipped without): each Act first, its
// other version first when the search is restricted to the other language,
// a section cited by the title first among the passages, and each Act
// first by its chapter code ("P-21"), but for the corpus's own ties (two
// Acts titled "Yukon Act"); and every acronym in common use of
// testdata/acronyms.tsv ("PIPEDA") finds its Act first.
func TestTitlesLawsFull(t *testing.T) {
	data := os.Getenv("VIGIE_PERF_DATA")
	if data == "" {
		t.Skip("VIGIE_PERF_DATA names no data folder holding an index of laws-canada")
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	s := search.New(gen, search.Options{Gazetteer: entity.Default(), GazetteerFromGeneration: true, Lexicon: lexicon.Default()})
	defer s.Close()
	items, err := relevance.TitleItems(context.Background(), s, 400)
	if err != nil {
		t.Fatal(err)
	}
	r, err := relevance.RunTitles(context.Background(), s, items)
	if err != nil {
		t.Fatal(err)
	}
	acr, err := relevance.ReadAcronyms(filepath.Join("testdata", "acronyms.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddAcronyms(context.Background(), s, acr); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	r.WriteTable(&buf)
	r.WriteMisses(&buf)
	t.Logf("\n%s", buf.String())
	if r.AcronymN < 20 || r.AcronymFirst < 1 {
		t.Errorf("acronyms in common use (%d): the Act first %.3f, want every one", r.AcronymN, r.AcronymFirst)
	}
	if r.N < 400 || r.SameFirst < 0.99 || r.CrossFirst < 0.99 || r.CiteFirst < 0.98 || r.CodeN != r.N || r.CodeFirst < 0.99 {
		t.Errorf("Act titles (%d): the Act first %.3f, its other version %.3f (floors 0.99), a section cited %.3f (floor 0.98), by its code %.3f (%d codes; floor 0.99)", r.N, r.SameFirst, r.CrossFirst, r.CiteFirst, r.CodeFirst, r.CodeN)
	}
}
