package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
)

// titleIndexOf is the title index of a generation of docs and twins.
func titleIndexOf(twins map[string]string, docs []indexer.Document) *titleIndex {
	infos := make([]indexer.DocInfo, len(docs))
	for i, d := range docs {
		infos[i] = indexer.DocInfo{Document: d}
	}
	return newTitleIndex(&indexer.Generation{Manifest: &indexer.Manifest{Documents: infos}, Twins: twins})
}

func TestTitleIndexNamed(t *testing.T) {
	ti := titleIndexOf(map[string]string{
		"en--P-21~aa": "fr--P-21~bb", "fr--P-21~bb": "en--P-21~aa",
		"en--P-21~cc": "fr--P-21~dd",
	},
		[]indexer.Document{
			{ID: "en--P-21", Lang: "en", Title: "Privacy Act"},
			{ID: "fr--P-21", Lang: "fr", Title: "Loi sur la protection des renseignements personnels"},
			{ID: "en--E-14", Lang: "en", Title: "Excise Act"},
			{ID: "en--E-14.1", Lang: "en", Title: "Excise Act, 2001"},
			{ID: "fr--O-3.01", Lang: "fr", Title: "Loi sur les langues officielles"},
			{ID: "en--X", Lang: "en", Title: "Cybersecurity"},
		})
	tests := []struct {
		query string
		want  []string
	}{
		{"Privacy Act", []string{"en--P-21", "fr--P-21"}},
		{"the privacy act", []string{"en--P-21", "fr--P-21"}}, // stop word, case
		{`"Privacy Act"`, []string{"en--P-21", "fr--P-21"}},   // a quoted title
		{"loi sur la protection des renseignements personnels", []string{"fr--P-21", "en--P-21"}},
		{"loi sur les langues officielles", []string{"fr--O-3.01"}}, // no twin known
		{"Loi sur les langues officielles", []string{"fr--O-3.01"}},
		{"Excise Act", []string{"en--E-14"}}, // not "Excise Act, 2001"
		{"Excise Act 2001", []string{"en--E-14.1"}},
		{"Privacy", nil},                // part of a title
		{"Privacy Act amendments", nil}, // more than the title
		{"Privacy OR Act", nil},         // not a sequence of words
		{"Priv* Act", nil},
		{"Cybersecurity", nil}, // one word names a subject
		{"", nil},
	}
	for _, tt := range tests {
		got := ti.named(Parse(tt.query))
		if !slices.Equal(got, tt.want) {
			t.Errorf("named(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
	var none *titleIndex
	if got := none.named(Parse("Privacy Act")); got != nil {
		t.Errorf("nil index named %v", got)
	}
}

func TestTitleIndexCite(t *testing.T) {
	ti := titleIndexOf(map[string]string{"en--P-21~aa": "fr--P-21~bb", "fr--P-21~bb": "en--P-21~aa",
		"en--P-8.6~aa": "fr--P-8.6~bb", "fr--P-8.6~bb": "en--P-8.6~aa"},
		[]indexer.Document{
			{ID: "en--P-21", Lang: "en", Title: "Privacy Act"},
			{ID: "fr--P-21", Lang: "fr", Title: "Loi sur la protection des renseignements personnels"},
			{ID: "en--E-14.1", Lang: "en", Title: "Excise Act, 2001"},
			{ID: "en--P-8.6", Lang: "en", Title: "Personal Information Protection and Electronic Documents Act"},
			{ID: "fr--P-8.6", Lang: "fr", Title: "Loi sur la protection des renseignements personnels et les documents électroniques"},
			{ID: "en--G-1", Lang: "en", Title: "Goods and Services Tax Act"},
			{ID: "en--C-1", Lang: "en", Title: "Canada Pension Act"},
			{ID: "en--C-2", Lang: "en", Title: "Canadian Payments Act"},
		})
	// Words of the passages ("gst" is one), as the vocabulary knows them.
	unknown := func(w string) bool { return !strings.EqualFold(w, "gst") }
	tests := []struct {
		query, lang, section, title, rewritten string
	}{
		{query: "Privacy Act s. 8", section: "8", title: "Privacy Act", rewritten: "Privacy Act 8"},
		{query: "privacy act s 8", section: "8", title: "privacy act", rewritten: "privacy act 8"},
		{query: "Privacy Act, section 8(2)(a)", section: "8", title: "Privacy Act", rewritten: "Privacy Act 8"},
		{query: "Privacy Act sec. 12.1", section: "12.1", title: "Privacy Act", rewritten: "Privacy Act 12.1"},
		{query: "section 8 of the Privacy Act", section: "8", title: "Privacy Act", rewritten: "Privacy Act 8"},
		{query: "s. 8 Privacy Act", section: "8", title: "Privacy Act", rewritten: "Privacy Act 8"},
		{query: "article 8 de la Loi sur la protection des renseignements personnels", section: "8", title: "Loi sur la protection des renseignements personnels", rewritten: "Loi sur la protection des renseignements personnels 8"},
		{query: "Loi sur la protection des renseignements personnels, art. 8", section: "8", title: "Loi sur la protection des renseignements personnels", rewritten: "Loi sur la protection des renseignements personnels 8"},
		{query: "Excise Act, 2001 s. 5", section: "5", title: "Excise Act, 2001", rewritten: "Excise Act, 2001 5"},
		// A document's code, alone or in a formal citation, with or without
		// a section: the search looks for its title, in the language asked
		// for, or the citation's.
		{query: "P-21", section: "-", title: "Privacy Act", rewritten: "Privacy Act"},
		{query: "p-21", section: "-", title: "Privacy Act", rewritten: "Privacy Act"},
		{query: "P-21", lang: "fr", section: "-", title: "Loi sur la protection des renseignements personnels", rewritten: "Loi sur la protection des renseignements personnels"},
		{query: "c. P-21", section: "-", title: "Privacy Act", rewritten: "Privacy Act"},
		{query: "R.S.C. 1985, c. P-21", section: "-", title: "Privacy Act", rewritten: "Privacy Act"},
		{query: "RSC 1985 c P-21", section: "-", title: "Privacy Act", rewritten: "Privacy Act"},
		{query: "Privacy Act, R.S.C. 1985, c. P-21", section: "-", title: "Privacy Act", rewritten: "Privacy Act"},
		{query: "L.R.C. (1985), ch. P-21", section: "-", title: "Loi sur la protection des renseignements personnels", rewritten: "Loi sur la protection des renseignements personnels"},
		{query: "E-14.1", section: "-", title: "Excise Act, 2001", rewritten: "Excise Act, 2001"},
		{query: "P-21 s. 8", section: "8", title: "Privacy Act", rewritten: "Privacy Act 8"},
		{query: "R.S.C. 1985, c. P-21, s. 8", section: "8", title: "Privacy Act", rewritten: "Privacy Act 8"},
		{query: "art. 8, ch. P-21", section: "8", title: "Loi sur la protection des renseignements personnels", rewritten: "Loi sur la protection des renseignements personnels 8"},
		// A title's acronym, in any case, its accents folded ("LPRPDÉ"),
		// alone or cited: the search looks for the title in the acronym's
		// language, or the one asked for.
		{query: "PIPEDA", section: "-", title: "Personal Information Protection and Electronic Documents Act", rewritten: "Personal Information Protection and Electronic Documents Act"},
		{query: "pipeda", section: "-", title: "Personal Information Protection and Electronic Documents Act", rewritten: "Personal Information Protection and Electronic Documents Act"},
		{query: "LPRPDE", section: "-", title: "Loi sur la protection des renseignements personnels et les documents électroniques", rewritten: "Loi sur la protection des renseignements personnels et les documents électroniques"},
		{query: "PIPEDA", lang: "fr", section: "-", title: "Loi sur la protection des renseignements personnels et les documents électroniques", rewritten: "Loi sur la protection des renseignements personnels et les documents électroniques"},
		{query: "PIPEDA s. 7", section: "7", title: "Personal Information Protection and Electronic Documents Act", rewritten: "Personal Information Protection and Electronic Documents Act 7"},
		{query: "LPRP", section: "-", title: "Loi sur la protection des renseignements personnels", rewritten: "Loi sur la protection des renseignements personnels"},
		// Not acronyms: a word of the passages, an acronym two titles share
		// (Canada Pension Act, Canadian Payments Act), two letters.
		{query: "GST"},
		{query: "CPA"},
		{query: "PA"},
		// Not citations: no number, no title, a title naming nothing, a
		// number without a word for "section", a quoted phrase, OR; a code
		// no document bears, words before a code, a title before a code
		// that is not the code's.
		{query: "P-22"},
		{query: "fines under P-21"},
		{query: "fines, P-21"},
		{query: "Excise Act, 2001, c. P-21"},
		{query: "P-21 8"},
		{query: "Privacy Act section"},
		{query: "section 8"},
		{query: "Fisheries Act s. 8"},
		{query: "Privacy Act 8"},
		{query: `"Privacy Act" s. 8`},
		{query: "Privacy OR Act s. 8"},
		{query: "Privacy Act s. 8 -disclosure"},
	}
	for _, tt := range tests {
		c := ti.cite(Parse(tt.query), tt.lang, unknown)
		if tt.section == "" {
			if c != nil {
				t.Errorf("cite(%q) = section %q of %q, want none", tt.query, c.section, c.title)
			}
			continue
		}
		if c == nil {
			t.Errorf("cite(%q) = none, want section %s of %q", tt.query, tt.section, tt.title)
			continue
		}
		var words []string
		for _, g := range c.rewrite(Parse(tt.query)).Groups {
			words = append(words, g[0].Text)
		}
		if tt.section == "-" {
			tt.section = "" // the document, no section
		}
		if c.section != tt.section || c.title != tt.title || strings.Join(words, " ") != tt.rewritten || len(c.docs) == 0 {
			t.Errorf("cite(%q) = section %q of %q (%v), searching %q; want %q of %q, searching %q", tt.query, c.section, c.title, c.docs, words, tt.section, tt.title, tt.rewritten)
		}
	}
}

func TestTitleIndexScope(t *testing.T) {
	ti := titleIndexOf(map[string]string{"en--P-8.6~aa": "fr--P-8.6~bb", "fr--P-8.6~bb": "en--P-8.6~aa"},
		[]indexer.Document{
			{ID: "en--P-21", Lang: "en", Title: "Privacy Act"},
			{ID: "fr--P-21", Lang: "fr", Title: "Loi sur la protection des renseignements personnels"},
			{ID: "en--P-8.6", Lang: "en", Title: "Personal Information Protection and Electronic Documents Act"},
			{ID: "fr--P-8.6", Lang: "fr", Title: "Loi sur la protection des renseignements personnels et les documents électroniques"},
		})
	unknown := func(w string) bool { return !strings.EqualFold(w, "privacy") }
	for _, tt := range []struct {
		query string
		docs  []string
		rest  string
	}{
		{"PIPEDA consent", []string{"en--P-8.6", "fr--P-8.6"}, "consent"},
		{"valid consent pipeda", []string{"en--P-8.6", "fr--P-8.6"}, "valid consent"},
		{"LPRPDE consentement", []string{"fr--P-8.6", "en--P-8.6"}, "consentement"},
		{"P-21 disclosure", []string{"en--P-21", "fr--P-21"}, "disclosure"},
		{"disclosure p-21, consent", []string{"en--P-21", "fr--P-21"}, "disclosure consent"},
		// Nothing named: one word (a citation then), no code or acronym, an
		// acronym of no title, OR, a prefix.
		{"PIPEDA", nil, ""},
		{"privacy consent", nil, ""},
		{"ABCD consent", nil, ""},
		{"PIPEDA OR consent", nil, ""},
		{"PIPE* consent", nil, ""},
	} {
		docs, rest := ti.scope(Parse(tt.query), unknown)
		var words []string
		for _, g := range rest.Groups {
			words = append(words, g[0].Text)
		}
		if !slices.Equal(docs, tt.docs) || (docs != nil && strings.Join(words, " ") != tt.rest) {
			t.Errorf("scope(%q) = %v, searching %q; want %v, searching %q", tt.query, docs, words, tt.docs, tt.rest)
		}
	}
}

// A code or an acronym typed in the search box completes to the title of
// the document it names, offered first.
func TestSuggestNamedTitles(t *testing.T) {
	files := map[string]string{
		"en/C-35.md": "# Communications Security Establishment Act\n\n## 1 Short title\n\nThis Act may be cited as the Communications Security Establishment Act.\n",
		"fr/C-35.md": "# Loi sur le Centre de la sécurité des télécommunications\n\n## 1 Titre abrégé\n\nLoi sur le Centre de la sécurité des télécommunications.\n",
		"en/X-1.md":  "# Fisheries Act\n\n## 1 Short title\n\nThis Act may be cited as the Fisheries Act.\n\n## 2 Fish\n\nThe fish of the sea.\n",
		"en/S-1.md":  "# Safe Environment Act\n\n## 1 Short title\n\nThis Act may be cited as the Safe Environment Act.\n",
	}
	s := openCorpus(t, writeCorpus(t, files))
	for _, tt := range []struct {
		text, lang string
		want       []string // the first suggestions, "lang:text"
	}{
		{"CSEA", "", []string{"en:Communications Security Establishment Act", "fr:Loi sur le Centre de la sécurité des télécommunications"}},
		{"csea", "fr", []string{"fr:Loi sur le Centre de la sécurité des télécommunications"}},
		{"C-35", "en", []string{"en:Communications Security Establishment Act"}},
		{"x-1", "", []string{"en:Fisheries Act"}},
	} {
		got, err := s.Suggest(tt.text, tt.lang, 5)
		if err != nil {
			t.Fatal(err)
		}
		var first []string
		for _, sg := range got[:min(len(tt.want), len(got))] {
			if sg.Kind != SuggestTitle {
				break
			}
			first = append(first, sg.Lang+":"+sg.Text)
		}
		if !slices.Equal(first, tt.want) {
			t.Errorf("Suggest(%q, %q) = %v; want %q first", tt.text, tt.lang, got, tt.want)
		}
	}
	// A word of the corpus is a word, not the acronym of the Safe
	// Environment Act.
	got, err := s.Suggest("sea", "", 5)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(got, func(sg Suggestion) bool { return sg.Text == "Safe Environment Act" }) {
		t.Errorf("Suggest(sea) = %v: the word read as an acronym", got)
	}
	if got, _ := s.Suggest("SEA", "", 5); slices.ContainsFunc(got, func(sg Suggestion) bool { return sg.Text == "Safe Environment Act" }) {
		t.Errorf("Suggest(SEA) = %v: the word read as an acronym", got)
	}
}

func TestAcronymsOf(t *testing.T) {
	for _, tt := range []struct {
		title, lang string
		want        []string
	}{
		{"Personal Information Protection and Electronic Documents Act", "en", []string{"PIPEDA", "PIPAEDA"}},
		{"Access to Information Act", "en", []string{"AIA", "ATIA"}},
		{"Immigration and Refugee Protection Act", "en", []string{"IRPA", "IARPA"}},
		{"Canadian Environmental Protection Act, 1999", "en", []string{"CEPA"}},
		{"Loi sur la protection des renseignements personnels et les documents électroniques", "fr", []string{"LPRPDE", "LSLPDRPELDE"}},
		{"Loi canadienne sur la protection de l’environnement (1999)", "fr", []string{"LCPE", "LCSLPDE"}},
		{"Loi sur l’accès à l’information", "fr", []string{"LAI", "LSAAI"}},
		{"Non-smokers’ Health Act", "en", []string{"NSHA"}},
		{"Privacy Act", "en", nil}, // two letters
		{"", "en", nil},
	} {
		if got := acronymsOf(tt.title, tt.lang); !slices.Equal(got, tt.want) {
			t.Errorf("acronymsOf(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// A query that is an Act's title finds that Act before another Act whose
// section is headed by the title, in the Act's language and, through its
// twin, in the other.
func TestSearchNamesTitle(t *testing.T) {
	s := openCorpus(t, testutil.WriteCorpus(t, testutil.Acts()))
	if len(s.live.gen.Twins) == 0 {
		t.Fatal("no twins aligned: the test needs them")
	}
	for _, tt := range []struct {
		query, lang, want string
	}{
		{"Privacy Act", "", "en--P-21"},
		{"Privacy Act", "fr", "fr--P-21"},
		{"loi sur la protection des renseignements personnels", "", "fr--P-21"},
		{"loi sur la protection des renseignements personnels", "en", "en--P-21"},
		// A citation: the section, in either language.
		{"Privacy Act s. 2", "", "en--P-21 2 Purpose"},
		{"section 2 of the Privacy Act", "fr", "fr--P-21 2 Objet"},
		{"article 2 de la Loi sur la protection des renseignements personnels", "", "fr--P-21 2 Objet"},
		// A section the Act lacks: the Act's entry.
		{"Privacy Act s. 77", "", "en--P-21 1 Short title"},
		// A code among other words: their passages, the named Act's first
		// (alone, "minister" finds six equal Definitions, X-0's first).
		{"X-3 minister", "", "en--X-3 2 Definitions"},
		{"minister X-4", "", "en--X-4 2 Definitions"},
		{"ministre X-4", "fr", "fr--X-4 2 Définitions"},
		{"minister", "", "en--X-0 2 Definitions"},
	} {
		r := Request{Query: tt.query, Size: 5}
		if tt.lang != "" {
			r.Filters = map[string][]string{"lang": {tt.lang}}
		}
		res, err := s.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		first := ""
		if len(res.Hits) > 0 {
			first = res.Hits[0].DocID
			if strings.Contains(tt.want, " ") {
				first += " " + res.Hits[0].Heading
			}
		}
		if first != tt.want {
			var got []string
			for _, h := range res.Hits {
				got = append(got, fmt.Sprintf("%s › %s %.3f", h.DocID, h.Heading, h.Score))
			}
			t.Errorf("%q (lang %q): first hits %q; want %s first", tt.query, tt.lang, got, tt.want)
		}
	}
}
