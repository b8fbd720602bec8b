package lang

import (
	"bytes"
	"fmt"
	"reflect"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// Analyzer names registered with bleve when the package is imported.
const (
	// AnalyzerEN: unicode words, apostrophes normalised, possessive 's
	// dropped, lower case, English stop words, accents folded, Porter stem.
	AnalyzerEN = "vigie_en"
	// AnalyzerFR: unicode words, apostrophes normalised, lower case,
	// elision (l', d', qu'…), French stop words, accents folded, light stem.
	AnalyzerFR = "vigie_fr"
	// AnalyzerFold: unicode words, lower case, accents folded; no stop words
	// or stemming. Used for exact-ish fields and vocabulary.
	AnalyzerFold = "vigie_fold"
	// AnalyzerWords: unicode words, apostrophes normalised, lower case,
	// elision; accents kept, no stop words, no stemming. It makes the
	// vocabulary that did-you-mean, fuzzy matching and completions use.
	AnalyzerWords = "vigie_words"

	foldFilterName       = "vigie_fold"
	lowerFilterName      = "vigie_lower"
	apostropheFilterName = "vigie_apostrophe"
)

// AnalyzerFor returns the analyzer name for a language code.
func AnalyzerFor(lang string) string {
	if lang == French {
		return AnalyzerFR
	}
	return AnalyzerEN
}

// termFilter is a token filter that maps each token's term, keeping its
// offsets on the text as written: highlights land on "sécurité", not
// beside it. Three are registered:
//   - vigie_fold folds accents (FoldBytes); unlike bleve's asciifolding char
//     filter, which rewrites the input text and shifts the offsets;
//   - vigie_lower lower-cases with the Go library's Unicode rules (lowerBytes):
//     bleve's to_lower filter rewrites terms in place and breaks on letters
//     whose lower case is longer than they are ("İ" → "i̇"), leaving invalid
//     UTF-8 in the term;
//   - vigie_apostrophe maps typographic apostrophes to ASCII (ApostrophesBytes).
type termFilter func([]byte) []byte

func (f termFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = f(t.Term)
	}
	return in
}

// lowerBytes is bytes.ToLower with an ASCII fast path that lower-cases in
// place.
func lowerBytes(b []byte) []byte {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return bytes.ToLower(b)
		}
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

func init() {
	must := func(err error) {
		if err != nil {
			panic(fmt.Sprintf("lang: register analysis: %v", err))
		}
	}
	for name, f := range map[string]termFilter{foldFilterName: FoldBytes, lowerFilterName: lowerBytes, apostropheFilterName: ApostrophesBytes} {
		must(registry.RegisterTokenFilter(name, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return f, nil
		}))
	}
	must(registry.RegisterAnalyzer(AnalyzerEN, chain(apostropheFilterName, en.PossessiveName, lowerFilterName, en.StopName, foldFilterName, porter.Name)))
	must(registry.RegisterAnalyzer(AnalyzerFR, chain(apostropheFilterName, lowerFilterName, fr.ElisionName, fr.StopName, foldFilterName, fr.LightStemmerName)))
	must(registry.RegisterAnalyzer(AnalyzerFold, chain(lowerFilterName, foldFilterName)))
	must(registry.RegisterAnalyzer(AnalyzerWords, chain(apostropheFilterName, lowerFilterName, fr.ElisionName)))
}

// chain builds an analyzer constructor: the unicode tokenizer followed by
// the named token filters.
func chain(filters ...string) registry.AnalyzerConstructor {
	return func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := cache.TokenizerNamed(unicode.Name)
		if err != nil {
			return nil, err
		}
		a := &analysis.DefaultAnalyzer{Tokenizer: tok}
		for _, name := range filters {
			f, err := cache.TokenFilterNamed(name)
			if err != nil {
				return nil, err
			}
			a.TokenFilters = append(a.TokenFilters, f)
		}
		return a, nil
	}
}

var analyzerCache = registry.NewCache()

// Analyzer returns a registered analyzer by name.
func Analyzer(name string) (analysis.Analyzer, error) {
	return analyzerCache.AnalyzerNamed(name)
}

// Terms returns the terms the named analyzer makes of text.
func Terms(analyzer, text string) []string {
	a, err := Analyzer(analyzer)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}

// Words returns the distinct words AnalyzerWords makes of text, in the
// order they first appear: the vocabulary a passage adds to its
// language's.
func Words(text string) []string {
	a, err := Analyzer(AnalyzerWords)
	if err != nil {
		return nil
	}
	return distinct(a.Analyze([]byte(text)))
}

// AnalyzeWords analyses text with a, an analyzer of this package, and
// returns its tokens with the distinct words AnalyzerWords makes of the
// same text (see Words), tokenizing the text once for both: a full build
// analyses every passage's text for the index and for the vocabulary.
// text is the analyser's to change, as a.Analyze's is.
func AnalyzeWords(a analysis.Analyzer, text []byte) (analysis.TokenStream, []string) {
	w, err := Analyzer(AnalyzerWords)
	if err != nil {
		return a.Analyze(text), nil
	}
	da, ok1 := a.(*analysis.DefaultAnalyzer)
	dw, ok2 := w.(*analysis.DefaultAnalyzer)
	if !ok1 || !ok2 || len(da.CharFilters) > 0 || len(dw.CharFilters) > 0 || !isUnicode(da.Tokenizer) || !isUnicode(dw.Tokenizer) {
		// Not one of this package's analyzers: analyse twice.
		return a.Analyze(text), distinct(w.Analyze(append([]byte(nil), text...)))
	}
	tokens := da.Tokenizer.Tokenize(text)
	if shared := sharedFilters(da.TokenFilters, dw.TokenFilters); shared == len(dw.TokenFilters) {
		// The analyzer begins with the words' chain (French): the words
		// are its distinct terms at that point, copied before the rest of
		// its filters change them in place.
		for _, f := range da.TokenFilters[:shared] {
			tokens = f.Filter(tokens)
		}
		words := distinct(tokens)
		for _, f := range da.TokenFilters[shared:] {
			tokens = f.Filter(tokens)
		}
		return tokens, words
	}
	// The filters change terms in place, and a term is a slice of text:
	// the words' tokens get their own copies, in one allocation.
	size := 0
	for _, t := range tokens {
		size += len(t.Term)
	}
	buf := make([]byte, 0, size)
	copies := make([]analysis.Token, len(tokens))
	words := make(analysis.TokenStream, len(tokens))
	for i, t := range tokens {
		copies[i] = *t
		start := len(buf)
		buf = append(buf, t.Term...)
		copies[i].Term = buf[start:len(buf):len(buf)]
		words[i] = &copies[i]
	}
	for _, f := range dw.TokenFilters {
		words = f.Filter(words)
	}
	for _, f := range da.TokenFilters {
		tokens = f.Filter(tokens)
	}
	return tokens, distinct(words)
}

// sharedFilters returns how many filters the chains a and b begin with
// alike: the French analyzer begins with the whole of the words' chain.
func sharedFilters(a, b []analysis.TokenFilter) int {
	n := 0
	for n < len(a) && n < len(b) && sameFilter(a[n], b[n]) {
		n++
	}
	return n
}

func sameFilter(x, y analysis.TokenFilter) bool {
	if reflect.TypeOf(x) != reflect.TypeOf(y) {
		return false
	}
	if _, ok := x.(termFilter); ok {
		return reflect.ValueOf(x).Pointer() == reflect.ValueOf(y).Pointer()
	}
	return reflect.DeepEqual(x, y)
}

// distinct returns the distinct terms of tokens, in order.
func distinct(tokens analysis.TokenStream) []string {
	seen := make(map[string]struct{}, len(tokens))
	out := make([]string, 0, len(tokens))
	for _, t := range tokens {
		if _, ok := seen[string(t.Term)]; ok {
			continue
		}
		s := string(t.Term)
		seen[s] = struct{}{}
		out = append(out, s)
	}
	return out
}

func isUnicode(t analysis.Tokenizer) bool {
	_, ok := t.(*unicode.UnicodeTokenizer)
	return ok
}
