package lexiconbuild

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search/lexicon"
)

const lawEN = `---
title: "Test Act"
lang: en
---

# Test Act

## Interpretation

### 2 Definitions

In this Act,

personal information means information about an identifiable individual; (renseignements personnels)

government institution means

(a) any department of the Government of Canada, and

(b) any Crown corporation; (institution fédérale)

### 3 Purpose

(1) The purpose of this Act is to protect personal information.

(2) This Act applies to every government institution.

### 4

[Repealed]

### 5 English only
`

const lawFR = `---
title: "Loi d’essai"
lang: fr
---

# Loi d’essai

## Définitions

### 2 Définitions

Les définitions qui suivent s’appliquent à la présente loi.

institution fédérale Tout ministère du gouvernement du Canada. (government institution)

renseignements personnels Les renseignements concernant un individu identifiable. (personal information)

### 3 Objet

(1) La présente loi a pour objet de protéger les renseignements personnels.

(2) La présente loi s’applique à toute institution fédérale.

### 4

[Abrogé]
`

func TestReadAndAlignSections(t *testing.T) {
	dir := t.TempDir()
	en, fr := filepath.Join(dir, "en.md"), filepath.Join(dir, "fr.md")
	os.WriteFile(en, []byte(lawEN), 0o644)
	os.WriteFile(fr, []byte(lawFR), 0o644)
	se, err := readSections(en)
	if err != nil {
		t.Fatal(err)
	}
	sf, err := readSections(fr)
	if err != nil {
		t.Fatal(err)
	}
	if len(se) != 4 || len(sf) != 3 {
		t.Fatalf("sections: %d English, %d French; want 4 and 3", len(se), len(sf))
	}
	if se[1].key != "3" || se[1].heading != "Purpose" || len(se[1].paras) != 2 {
		t.Errorf("section 3 = %+v", se[1])
	}
	units := alignSections(se, sf)
	var got []string
	for _, u := range units {
		got = append(got, u.en+" = "+u.fr)
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		"Purpose = Objet",
		// Same labels: paragraph by paragraph.
		"(1) The purpose of this Act is to protect personal information. = (1) La présente loi a pour objet de protéger les renseignements personnels.",
		// Definition lists are sorted by language: the whole section.
		"In this Act,\npersonal information means",
		// The other language's term in brackets is left out.
		"identifiable individual;\ngovernment institution means",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("aligned units lack %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "English only") {
		t.Error("a section without a French version was aligned")
	}
	defs := definitions(se)
	wantDefs := [][2]string{{"personal information", "renseignements personnels"}, {"government institution", "institution fédérale"}}
	if len(defs) != 2 || defs[0] != wantDefs[0] || defs[1] != wantDefs[1] {
		t.Errorf("definitions = %q, want %q", defs, wantDefs)
	}
}

// TestBuildSample builds a lexicon from three Acts (not the whole corpus:
// "vigie lexicon build" does that in a few minutes) and checks that it
// finds the translations those Acts are full of.
func TestBuildSample(t *testing.T) {
	laws := testutil.Corpus(t, "laws-canada")
	pairs, st, err := Build(context.Background(), BuildOptions{
		Corpus: laws, Files: []string{"A-1.md", "P-21.md", "P-8.6.md"}, MinCount: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pairs from %d units, %d definitions", st.Pairs, st.Units, st.Definitions)
	if st.Files != 3 || st.Units < 500 || st.Definitions < 20 {
		t.Errorf("stats %+v: too little read", st)
	}
	index := map[string]lexicon.Pair{}
	for _, p := range pairs {
		index[p.EN+"\t"+p.FR] = p
		if p.Weight <= 0 || p.Weight > 1 {
			t.Errorf("pair %q/%q has weight %v", p.EN, p.FR, p.Weight)
		}
	}
	for _, want := range [][2]string{
		{"personal information", "renseignements personnels"},
		{"government institution", "institution fédérale"},
		{"privacy commissioner", "commissaire à la protection de la vie privée"},
	} {
		if _, ok := index[want[0]+"\t"+want[1]]; !ok {
			var near []string
			for _, p := range pairs {
				if p.EN == want[0] {
					near = append(near, p.FR)
				}
			}
			t.Errorf("no pair %q ↔ %q (%q has %q)", want[0], want[1], want[0], near)
		}
	}
	if _, _, err := Build(context.Background(), BuildOptions{Corpus: t.TempDir()}); err == nil {
		t.Error("a folder without en/ and fr/ built a lexicon")
	}
}

func TestMoreEnglish(t *testing.T) {
	for text, want := range map[string]bool{
		"including any political subdivision or local authority of the government": true,
		"renseignements personnels":                    false,
		"commissaire à la protection de la vie privée": false,
		"droit international":                          false,
	} {
		if got := moreEnglish(text); got != want {
			t.Errorf("moreEnglish(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestRedundant(t *testing.T) {
	tests := []struct {
		p    lexicon.Pair
		want bool
	}{
		{lexicon.Pair{EN: "information", FR: "information"}, true},
		{lexicon.Pair{EN: "COVID", FR: "COVID"}, true},
		{lexicon.Pair{EN: "de", FR: "définitions qui suivent"}, true}, // a French stop word as an English term
		{lexicon.Pair{EN: "sûreté", FR: "security"}, true},            // quoted across the versions
		{lexicon.Pair{EN: "international law", FR: "droit international"}, false},
		{lexicon.Pair{EN: "encryption", FR: "chiffrement"}, false},
	}
	for _, tt := range tests {
		if got := redundant(tt.p); got != tt.want {
			t.Errorf("redundant(%q, %q) = %v, want %v", tt.p.EN, tt.p.FR, got, tt.want)
		}
	}
}
