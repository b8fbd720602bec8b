package lang

import (
	"strings"
	"unicode"

	"golang.org/x/text/language"
)

// Language codes Vigie analyses.
const (
	English = "en"
	French  = "fr"
)

// Languages lists the supported language codes.
var Languages = []string{English, French}

// Other returns the other supported language: French for English and
// English for French.
func Other(code string) string {
	if code == French {
		return English
	}
	return French
}

// labels names each language in each interface language.
var labels = map[string]map[string]string{
	English: {English: "English", French: "French"},
	French:  {English: "anglais", French: "français"},
}

// Label names the language code in the interface language ui ("en" or
// "fr"); an unknown code is returned as it is.
func Label(code, ui string) string {
	if ui != French {
		ui = English
	}
	if l, ok := labels[ui][code]; ok {
		return l
	}
	return code
}

// Frequent function words: frequent enough that a few sentences hold many,
// distinctive enough that the two lists barely overlap.
var (
	enMarkers = wordSet("the of and to in is that for it with as on are be by this which from at or an was have has not their its these will can also would should been such they")
	frMarkers = wordSet("le la les de des du un une et est en que qui dans pour par sur au aux ce cette ces il elle sont ne pas plus avec son sa ses leur leurs être été ou où nous vous entre dont ainsi")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Detect guesses whether text is English or French from the share of
// each language's function words. It returns "" when the text holds too
// few of either to tell.
func Detect(text string) string {
	en, fr := 0, 0
	seen := 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r)
	}) {
		w = strings.ToLower(w)
		if enMarkers[w] {
			en++
		}
		if frMarkers[w] {
			fr++
		}
		seen++
		if seen > 5000 {
			break
		}
	}
	// French elisions (l’, d’, qu’) split off as one-letter words above;
	// count them as French evidence too.
	fr += strings.Count(text, "l’") + strings.Count(text, "d’") + strings.Count(text, "qu’")
	switch {
	case en+fr < 3:
		return ""
	case en >= 2*fr && en > fr:
		return English
	case fr >= 2*en && fr > en:
		return French
	case en > fr*3/2:
		return English
	case fr > en*3/2:
		return French
	}
	return ""
}

// Parse normalises a language tag ("fr-CA", "FR", "en_GB") or name
// ("French", "français") to a supported code, or returns "".
func Parse(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "english", "anglais":
		return English
	case "french", "français", "francais":
		return French
	}
	tag, err := language.Parse(strings.ReplaceAll(s, "_", "-"))
	if err != nil {
		return ""
	}
	switch base, _ := tag.Base(); base.String() {
	case English:
		return English
	case French:
		return French
	}
	return ""
}
