package lang

import (
	"strings"
	"testing"
)

func TestAnalyzers(t *testing.T) {
	tests := []struct {
		analyzer, text, want string
	}{
		// Elision with both apostrophes, and case.
		{AnalyzerFR, "L’ANSSI", "ansi"},
		{AnalyzerFR, "l'ANSSI", "ansi"},
		{AnalyzerFR, "de l’Organisation", "organ"},
		{AnalyzerFR, "qu’il agit", "agit"},
		// Accents folded, on short words too ("clé" vs "cle").
		{AnalyzerFR, "clé", "cle"},
		{AnalyzerFR, "accès", "acce"},
		{AnalyzerFR, "cybersécurité", "cybersecurit"},
		{AnalyzerFR, "cybersecurite", "cybersecurit"},
		{AnalyzerFR, "données", "done"},
		{AnalyzerFR, "donnee", "done"},
		{AnalyzerFR, "œuvre", "oeuvr"},
		{AnalyzerFR, "oeuvre", "oeuvr"},
		// Stop words go before folding, so "été" (summer/been) is a stop word.
		{AnalyzerFR, "la sécurité des systèmes", "securit system"},
		// English: stemming, possessives with both apostrophes, stop words.
		{AnalyzerEN, "strategies", "strategi"},
		{AnalyzerEN, "strategy", "strategi"},
		{AnalyzerEN, "France’s", "franc"},
		{AnalyzerEN, "France's", "franc"},
		{AnalyzerEN, "the cyber attacks", "cyber attack"},
		{AnalyzerEN, "Sécurité", "securit"},
		{AnalyzerFold, "Ministère des Armées", "ministere des armees"},
	}
	for _, tt := range tests {
		t.Run(tt.analyzer+"/"+tt.text, func(t *testing.T) {
			if got := strings.Join(Terms(tt.analyzer, tt.text), " "); got != tt.want {
				t.Errorf("%s(%q) = %q, want %q", tt.analyzer, tt.text, got, tt.want)
			}
		})
	}
}

// TestAnalyzerOffsets checks that folding happens on terms, not text:
// token offsets still frame the original accented characters.
func TestAnalyzerOffsets(t *testing.T) {
	text := "À l’heure où la cybersécurité de l’État s’impose"
	a, err := Analyzer(AnalyzerFR)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tok := range a.Analyze([]byte(text)) {
		got[string(tok.Term)] = text[tok.Start:tok.End]
	}
	for term, orig := range map[string]string{"cybersecurit": "cybersécurité", "etat": "l’État", "heur": "l’heure"} {
		if got[term] != orig {
			t.Errorf("term %q spans %q, want %q (all: %v)", term, got[term], orig, got)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Sécurité": "Securite", "œuvre": "oeuvre", "ÉTAT": "ETAT", "naïve": "naive", "plain": "plain", "Ærø": "AEro"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
