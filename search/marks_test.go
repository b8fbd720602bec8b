package search

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/lang"
)

func TestQueryMarks(t *testing.T) {
	match := func(text, field, lg string) query.Query {
		m := bleve.NewMatchQuery(text)
		m.SetField(field)
		m.Analyzer = lang.AnalyzerFor(lg)
		return m
	}
	phrase := func(text, field, lg string) query.Query {
		m := bleve.NewMatchPhraseQuery(text)
		m.SetField(field)
		m.Analyzer = lang.AnalyzerFor(lg)
		return m
	}
	prefix := func(p, field string) query.Query {
		q := bleve.NewPrefixQuery(p)
		q.SetField(field)
		return q
	}
	not := func(q query.Query) query.Query {
		b := bleve.NewBooleanQuery()
		b.AddMust(match("policy", "text_en", "en"))
		b.AddMustNot(q)
		return b
	}
	tests := []struct {
		name string
		q    query.Query
		text string
		lg   string
		want []string
	}{
		{"stemmed word, every form", match("strategies", "text_en", "en"),
			"A strategy and two strategic strategies.", "en", []string{"strategy", "strategies"}},
		{"French elision and accents", match("sécurité", "text_fr", "fr"),
			"La securite et l’sécurité", "fr", []string{"securite", "l’sécurité"}},
		{"phrase only where its words follow each other", phrase("cyber security", "text_en", "en"),
			"Cyber security is not security of cyber space.", "en", []string{"Cyber", "security"}},
		{"phrase across a stop word", phrase("security of information", "text_en", "en"),
			"security of information; information and security", "en", []string{"security", "information"}},
		{"prefix", prefix("cyber", "text_en"),
			"cyberspace and cybersecurity, not cyan", "en", []string{"cyberspace", "cybersecurity"}},
		{"other language's clause marks nothing", match("security", "text_fr", "fr"),
			"security", "en", nil},
		{"excluded words are not marked", not(match("secret", "text_en", "en")),
			"a secret policy", "en", []string{"policy"}},
		{"heading and title clauses count", bleve.NewDisjunctionQuery(match("defence", "heading_en", "en"), match("act", "title_en", "en")),
			"National Defence Act", "en", []string{"Defence", "Act"}},
		{"keyword fields do not", bleve.NewTermQuery("anssi"),
			"anssi", "en", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range collectMarks(tt.q).marks(tt.text, tt.lg) {
				got = append(got, tt.text[m.start:m.end])
			}
			if len(got) != len(tt.want) {
				t.Fatalf("marks %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("marks %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// TestMarksCandidates: analysing only the words whose start may be a
// query term's gives the marks that analysing every word gives, for every
// word of the seeds and of the cloud guardrails asked as a query (as a
// word, a prefix and, with the next word, a phrase), in each language.
func TestMarksCandidates(t *testing.T) {
	texts := map[string][]string{}
	for _, dir := range []string{"../seeds", testutil.Corpus(t, "cloud-guardrails")} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			lg := lang.English
			if strings.Contains(path, "/fr/") || strings.Contains(string(b), " la ") {
				lg = lang.French
			}
			// Paragraphs, as passages are.
			texts[lg] = append(texts[lg], strings.Split(string(b), "\n\n")...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	checked := 0
	for lg, paras := range texts {
		for i, para := range paras {
			if i%7 != 0 { // a sample keeps the test fast
				continue
			}
			words := strings.Fields(para)
			for j, w := range words {
				if j%5 != 0 {
					continue
				}
				field := "text_" + lg
				qs := []query.Query{bleve.NewMatchQuery(w), bleve.NewPrefixQuery(lang.Key(w))}
				qs[0].(*query.MatchQuery).SetField(field)
				qs[0].(*query.MatchQuery).Analyzer = lang.AnalyzerFor(lg)
				qs[1].(*query.PrefixQuery).SetField(field)
				if j+1 < len(words) {
					ph := bleve.NewMatchPhraseQuery(w + " " + words[j+1])
					ph.SetField(field)
					ph.Analyzer = lang.AnalyzerFor(lg)
					qs = append(qs, ph)
				}
				if j+3 < len(words) {
					// A longer phrase (stop words within: gaps), and two
					// words far apart with a phrase: the marks of text cut
					// in stretches (termSet.windows) must be those of
					// the whole text cut.
					ph := bleve.NewMatchPhraseQuery(strings.Join(words[j:j+4], " "))
					ph.SetField(field)
					ph.Analyzer = lang.AnalyzerFor(lg)
					far := bleve.NewMatchQuery(words[len(words)-1])
					far.SetField(field)
					far.Analyzer = lang.AnalyzerFor(lg)
					qs = append(qs, bleve.NewDisjunctionQuery(ph, far))
				}
				for _, q := range qs {
					m := collectMarks(q)
					fast, every := m.marks(para, lg), m.marksOf(para, lg, true)
					checked++
					if !slices.Equal(fast, every) {
						t.Fatalf("%s query %T %q: marks %v, analysing every word %v\n%s", lg, q, w, fast, every, para)
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d queries checked", checked)
	}
	t.Logf("%d queries checked", checked)
}

// BenchmarkMarks: a page's highlights (ten passages of the seeds, a
// three-word query), analysing only the candidate words or every word.
func BenchmarkMarks(b *testing.B) {
	raw, err := os.ReadFile("../seeds/004_dca60fb814a64a17.txt")
	if err != nil {
		b.Fatal(err)
	}
	paras := strings.Split(string(raw), "\n\n")[:10]
	q := bleve.NewMatchQuery("stratégie nationale cybersécurité")
	q.SetField("text_fr")
	q.Analyzer = lang.AnalyzerFor(lang.French)
	m := collectMarks(q)
	for _, every := range []bool{false, true} {
		name := "candidates"
		if every {
			name = "every-word"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				for _, p := range paras {
					m.marksOf(p, lang.French, every)
				}
			}
		})
	}
}
