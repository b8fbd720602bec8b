package search

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/lang"
)

// normaliserBattery holds accents (composed and combining), ligatures,
// compatibility forms, apostrophes of every kind, elisions and case.
var normaliserBattery = []string{
	"Sécurité", "SÉCURITÉ", "cafe\u0301", "Œuvre", "œuvre", "Ærø", "ﬁchier", "Straße", "ŁÓDŹ", "naïve",
	"İstanbul", "Ångström", "ＡＮＳＳＩ", "l’ANSSI", "L'Agence", "qu’il", "d‘État", "jusqu’à", "Ministère des Armées",
	"cyber-sécurité", "déjà-vu", "Ελλάδα",
}

// TestOneNormaliser runs the battery through the index's analysis, the
// gazetteer's matching, query parsing (prefixes, completions, vocabulary
// look-ups) and checks that every layer reaches the same key, lang.Key.
func TestOneNormaliser(t *testing.T) {
	for _, s := range normaliserBattery {
		t.Run(s, func(t *testing.T) {
			key := lang.Key(s)
			// Indexing: the folding analyzer's terms are the keys of the
			// words, and folding first changes nothing.
			terms := lang.Terms(lang.AnalyzerFold, s)
			for _, term := range terms {
				if term != lang.Key(term) {
					t.Errorf("index term %q is not a key (%q)", term, lang.Key(term))
				}
			}
			if again := lang.Terms(lang.AnalyzerFold, key); strings.Join(again, " ") != strings.Join(terms, " ") {
				t.Errorf("index terms of %q: %q; of its key %q: %q", s, terms, key, again)
			}
			// Entity matching: a gazetteer entry named s is found by s, by
			// its key, and in a text that writes it as its key.
			g, err := entity.Load(strings.NewReader(fmt.Sprintf(
				"entities:\n  - id: x\n    types: [actor]\n    label:\n      en: %q\n      fr: %q\n", s, s)))
			if err != nil {
				t.Fatalf("gazetteer naming %q: %v", s, err)
			}
			for _, name := range []string{s, key} {
				if id, ok := g.Lookup(name); !ok || id != "x" {
					t.Errorf("gazetteer lookup of %q: %q %v", name, id, ok)
				}
			}
			// A word in capitals is matched as written (acronyms: NATO,
			// not "nato"); others also in their key form.
			texts := []string{s}
			if strings.ToUpper(s) != s && !strings.Contains(s, "ANSSI") {
				texts = append(texts, key)
			}
			for _, text := range texts {
				if ms := g.Find("Selon " + text + ", rien."); len(ms) != 1 {
					t.Errorf("gazetteer finds %v in a text holding %q", ms, text)
				}
			}
			// Query parsing: completions and prefixes compare keys.
			if got, want := foldKey(s), strings.Join(strings.Fields(strings.NewReplacer("'", " ", "’", " ", "-", " ").Replace(key)), " "); got != want {
				t.Errorf("completion key %q, want %q", got, want)
			}
			if got, want := lang.Key(lang.StripElision(s)), lang.Key(lang.StripElision(key)); got != want {
				t.Errorf("prefix key of %q is %q, of its key %q", s, got, want)
			}
			if got, want := normWord(s), strings.ToLower(lang.StripElision(lang.Apostrophes(s))); got != want || lang.Key(got) != lang.Key(normWord(key)) {
				t.Errorf("vocabulary word %q (key %q) differs from its key's %q", got, lang.Key(got), lang.Key(normWord(key)))
			}
		})
	}
}
