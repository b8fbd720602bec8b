package lang

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// TestAnalyzeWords checks that tokenizing once gives what the two
// analyzers give separately: the index's tokens (terms, offsets,
// positions) and the vocabulary's distinct words.
func TestAnalyzeWords(t *testing.T) {
	texts := []string{
		"",
		"L’ANSSI et l'Agence nationale de la sécurité des systèmes d’information",
		"The Minister's powers: ÉCOLE, İstanbul, naïve CAFÉ, qu’il, d'un, aujourd'hui",
		"Section 12(3)(b) of the Income Tax Act, R.S.C. 1985, c. 1 (5th Supp.) — État",
		"cyber cyber CYBER Cyber cybersécurité cybersecurite",
	}
	seeds, err := filepath.Glob(filepath.Join("..", "seeds", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	for _, name := range []string{AnalyzerEN, AnalyzerFR} {
		a, err := Analyzer(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range texts {
			want := a.Analyze([]byte(text))
			got, words := AnalyzeWords(a, []byte(text))
			if !reflect.DeepEqual(tokens(got), tokens(want)) {
				t.Errorf("%s %.40q: tokens %v, want %v", name, text, tokens(got), tokens(want))
			}
			if want := Words(text); !reflect.DeepEqual(words, want) {
				t.Errorf("%s %.40q: words %v, want %v", name, text, words, want)
			}
			for _, w := range words {
				if !utf8.ValidString(w) || w == "" {
					t.Errorf("%s: word %q", name, w)
				}
			}
		}
	}
	if got := Words("L’ANSSI, l'ANSSI et la Sécurité"); !reflect.DeepEqual(got, []string{"anssi", "et", "la", "sécurité"}) {
		t.Errorf("Words = %q", got)
	}
}

type tok struct {
	Term            string
	Start, End, Pos int
}

func tokens(ts analysis.TokenStream) []tok {
	out := make([]tok, len(ts))
	for i, t := range ts {
		out[i] = tok{string(t.Term), t.Start, t.End, t.Position}
	}
	return out
}

// TestFrenchBeginsWithTheWordsChain guards AnalyzeWords' cheap path: the
// French analyzer begins with the words' filters (its words then cost no
// second pass), the English one does not (possessive before lower case).
func TestFrenchBeginsWithTheWordsChain(t *testing.T) {
	chain := func(name string) []analysis.TokenFilter {
		a, err := Analyzer(name)
		if err != nil {
			t.Fatal(err)
		}
		return a.(*analysis.DefaultAnalyzer).TokenFilters
	}
	words := chain(AnalyzerWords)
	if n := sharedFilters(chain(AnalyzerFR), words); n != len(words) {
		t.Errorf("French analyzer shares %d filters with the words' %d", n, len(words))
	}
	if n := sharedFilters(chain(AnalyzerEN), words); n != 1 {
		t.Errorf("English analyzer shares %d filters with the words', want 1 (apostrophes)", n)
	}
	if n := sharedFilters(chain(AnalyzerFold), words); n != 0 {
		t.Errorf("fold analyzer shares %d filters with the words', want 0", n)
	}
}
