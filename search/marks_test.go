package search

import (
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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
