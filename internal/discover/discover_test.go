package discover

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search/lexicon"
)

func TestEnglishNames(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"The Minister of Health may make regulations.", []string{"Minister of Health"}},
		{"the Minister of Health and the Minister of Industry agree", []string{"Minister of Health", "Minister of Industry"}},
		{"the Minister of Citizenship and Immigration", []string{"Minister of Citizenship and Immigration"}},
		{"the Minister and the Minister of Finance", []string{"Minister of Finance"}},
		{"the Library and Archives of Canada", []string{"Library and Archives of Canada"}},
		{"The Public Health Agency of Canada publishes", []string{"Public Health Agency of Canada"}},
		{"records of Health Canada, and", []string{"Health Canada"}},
		{"the Canadian Human Rights Commission", []string{"Canadian Human Rights Commission"}},
		{"the Court of Queen’s Bench for Saskatchewan", []string{"Court of Queen’s Bench for Saskatchewan"}},
		{"Office of the Privacy Commissioner (OPC)", []string{"Office of the Privacy Commissioner"}},
		{"reports to Parliament every year", []string{"Parliament"}},
		// Not institutions: laws, bare heads, sentence openers.
		{"under the Canada Revenue Agency Act", nil},
		{"The Minister may", nil},
		{"Subject to the Regulations, Her Majesty", nil},
		{"Powers of the Board", nil},
	}
	for _, tt := range tests {
		toks := tokenize(tt.text)
		var got []string
		for _, s := range englishNames(toks) {
			got = append(got, spanText(tt.text, toks, s))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("englishNames(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestAcronyms(t *testing.T) {
	tests := []struct {
		text       string
		long, acro string // empty: none
	}{
		{"the Office of the Privacy Commissioner (OPC) may", "Office of the Privacy Commissioner", "OPC"},
		{"l’Agence nationale de la sécurité des systèmes d’information (ANSSI) est", "Agence nationale de la sécurité des systèmes d’information", "ANSSI"},
		{"the Canada Revenue Agency (CRA)", "Canada Revenue Agency", "CRA"},
		{"Commission canadienne des droits de la personne (CCDP)", "Commission canadienne des droits de la personne", "CCDP"},
		{"the Communications Security Establishment (CSE)", "Communications Security Establishment", "CSE"},
		{"paragraph (a) of section (IV)", "", ""},
		{"the agency (OPC)", "", ""},
		{"in Canada (CN)", "", ""},
	}
	for _, tt := range tests {
		toks := tokenize(tt.text)
		defs := acronyms(tt.text, toks)
		var long, acro string
		if len(defs) > 0 {
			long, acro = spanText(tt.text, toks, span{defs[0].i, defs[0].j}), toks[defs[0].k].s
		}
		if long != tt.long || acro != tt.acro {
			t.Errorf("acronyms(%q) = %q (%q), want %q (%q)", tt.text, long, acro, tt.long, tt.acro)
		}
	}
}

func TestTokenize(t *testing.T) {
	toks := tokenize("L’Agence (ASPC), Secretary-General; état")
	var got []string
	for _, tk := range toks {
		h := ""
		if tk.hard {
			h = "|"
		}
		got = append(got, h+tk.s+"/"+tk.low)
	}
	want := []string{"|L/l", "Agence/agence", "|ASPC/aspc", "|Secretary-General/secretary-general", "|état/etat"}
	if !slices.Equal(got, want) {
		t.Errorf("tokenize = %q, want %q", got, want)
	}
}

func TestLexiconForm(t *testing.T) {
	for _, tt := range []struct{ from, name, want string }{
		{lang.English, "Minister of Health", "ministre de la santé"},
		{lang.French, "ministre de la Santé", "minister of health"},
		{lang.English, "Frobnication Board of Zembla", ""},
		{lang.English, "Complaints Commission", ""}, // "commission": too common a word
	} {
		if got, _ := lexiconForm(lexicon.Default(), tt.from, tt.name); got != tt.want {
			t.Errorf("lexiconForm(%s, %q) = %q, want %q", tt.from, tt.name, got, tt.want)
		}
	}
	if got, _ := lexiconForm(nil, lang.English, "Minister of Health"); got != "" {
		t.Errorf("nil lexicon: %q", got)
	}
}

func TestYAMLString(t *testing.T) {
	for _, s := range []string{"Minister of Health", "ministre de l’Industrie", "Yes", "a: b", "l'Agence", "#1", "- x", "2024"} {
		var f struct{ S string }
		src := "s: " + yamlString(s) + "\n"
		if _, err := entity.Load(strings.NewReader("entities:\n  - id: x\n    types: [actor]\n    label:\n      en: " + yamlString(s) + "\n      fr: " + yamlString(s) + "\n")); err != nil && !strings.Contains(err.Error(), "no word") && !strings.Contains(err.Error(), "punctuation") {
			t.Errorf("%q: %v (%s)", s, err, src)
		}
		_ = f
	}
}

// TestRun discovers the entities of a two-language test corpus: names
// with their French forms from the twins, acronyms in both languages, the
// known UN left out, and a file that loads.
func TestRun(t *testing.T) {
	res, err := Run(context.Background(), Options{Dir: "testdata/corpus", MinCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Candidate{}
	for _, c := range res.Candidates {
		got[c.Label["en"]] = c
	}
	want := map[string]string{
		"Minister of Health":                 "ministre de la Santé",
		"Public Health Agency of Canada":     "Agence de la santé publique du Canada",
		"Health Canada":                      "Santé Canada",
		"Office of the Privacy Commissioner": "Commissariat à la protection de la vie privée",
	}
	for en, fr := range want {
		c, ok := got[en]
		if !ok {
			t.Errorf("no candidate %q in %v", en, keys(got))
			continue
		}
		if c.Label["fr"] != fr {
			t.Errorf("%s: French %q, want %q", en, c.Label["fr"], fr)
		}
	}
	if c := got["Office of the Privacy Commissioner"]; !slices.Contains(c.Aliases["en"], "OPC") || !slices.Contains(c.Aliases["fr"], "CPVP") {
		t.Errorf("OPC aliases %v", c.Aliases)
	}
	if c := got["Minister of Health"]; c.CountEN != 2 || c.ID != "minister-health" || len(c.Examples) == 0 {
		t.Errorf("Minister of Health: %+v", c)
	}
	var b bytes.Buffer
	if err := res.WriteYAML(&b); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []entity.Mode{entity.Merge, entity.Replace} {
		if _, err := entity.CombineSource("out.yaml", b.Bytes(), mode); err != nil {
			t.Errorf("the written gazetteer does not load (%s): %v\n%s", mode, err, b.String())
		}
	}
	// With the embedded gazetteer known, the OPC is listed apart.
	res, err = Run(context.Background(), Options{Dir: "testdata/corpus", MinCount: 2, Known: entity.Default()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Known) != 1 || res.Known[0].Known != "opc" || len(res.Candidates) != len(want)-1 {
		t.Errorf("known: %+v; %d candidates", res.Known, len(res.Candidates))
	}
	for _, w := range []string{"# 4 passages (en 2, fr 2); French form in 2 of 2 twins, Dice 1.00", "  - id: minister-health\n", "# e.g. en--health~"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, b.String())
		}
	}
}

func keys(m map[string]Candidate) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestLawsCanada runs discovery on all of laws-canada: the institutions the
// issue names are proposed with their French forms.
func TestLawsCanada(t *testing.T) {
	if testing.Short() {
		t.Skip("reads all of laws-canada")
	}
	dir := testutil.Corpus(t, "laws-canada")
	began := time.Now()
	res, err := Run(context.Background(), Options{Dir: dir, Known: entity.Default(), Max: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d candidates in %s", len(res.Candidates), time.Since(began))
	got := map[string]string{}
	for _, c := range res.Candidates {
		got[c.Label["en"]] = c.Label["fr"]
	}
	for en, fr := range map[string]string{
		"Minister of Health":                                     "ministre de la Santé",
		"Canadian Human Rights Commission":                       "Commission canadienne des droits de la personne",
		"Federal Court":                                          "Cour fédérale",
		"Canada Revenue Agency":                                  "Agence du revenu du Canada",
		"Commissioner of Official Languages for Canada":          "commissaire aux langues officielles",
		"Public Health Agency of Canada":                         "Agence de la santé publique du Canada",
		"Information Commissioner":                               "Commissaire à l’information",
		"Canadian International Trade Tribunal":                  "Tribunal canadien du commerce extérieur",
		"Office of the Superintendent of Financial Institutions": "Bureau du surintendant des institutions financières",
	} {
		if g, ok := got[en]; !ok {
			t.Errorf("%q not proposed", en)
		} else if g != fr {
			t.Errorf("%q: French %q, want %q", en, g, fr)
		}
	}
}
