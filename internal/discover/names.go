package discover

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigie/vigie/lang"
)

// tok is one word of a passage: a run of letters and digits, with inner
// hyphens ("Secretary-General"). Apostrophes split words ("l’Agence").
type tok struct {
	s          string // as written
	low        string // folded: lowercase, no accents
	start, end int    // byte offsets in the text
	hard       bool   // punctuation (not just spaces or an apostrophe) before it
}

// tokenize cuts text into words. A gap holding anything but spaces, tabs
// and apostrophes (a comma, a bracket, a line break) is hard: names do not
// run across it.
func tokenize(text string) []tok {
	var out []tok
	hard := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			switch r {
			case ' ', '\t', '\u00a0', '\u202f', '\'', '’', 'ʼ':
			default:
				hard = true
			}
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) {
				i += size
				continue
			}
			// An inner hyphen joins words: "Secretary-General".
			if r == '-' || r == '‐' || r == '‑' {
				if n, _ := utf8.DecodeRuneInString(text[i+size:]); i+size < len(text) && isWordRune(n) {
					i += size
					continue
				}
			}
			break
		}
		s := text[start:i]
		out = append(out, tok{s: s, low: foldKey(s), start: start, end: i, hard: hard})
		hard = false
	}
	return out
}

// foldKey is lang.Key (the one normaliser: accents folded, lower case),
// without allocating for the many words already in lowercase ASCII.
func foldKey(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return lang.Key(s)
		}
	}
	return s
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isCap reports whether a word starts with a capital letter.
func isCap(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// isAcronym reports whether w is written in capitals: two or more letters,
// no lowercase letter after the first ("OPC", "ANSSI", "G7" is not: one
// letter).
func isAcronym(w string) bool {
	letters := 0
	for i, r := range w {
		switch {
		case unicode.IsUpper(r):
			letters++
		case unicode.IsLower(r):
			if i == 0 || r != 's' || i != len(w)-1 { // "CSEs" is a plural
				return false
			}
		case unicode.IsDigit(r), r == '-', r == '&':
		default:
			return false
		}
	}
	return letters >= 2
}

// Word lists, folded (lowercase, no accents).
var (
	// connectors may join the capitalised words of an English name.
	connectors = set("of", "the", "for", "and", "on", "in", "s") // "s": the possessive of "Queen’s Bench"
	// stopStart are capitalised words that do not start a name: sentence
	// openers and the words of law headings.
	stopStart = set("the", "a", "an", "this", "that", "these", "those", "each", "every", "any", "no", "if", "where",
		"when", "in", "on", "for", "of", "to", "and", "or", "by", "with", "under", "subject", "notwithstanding",
		"her", "his", "its", "their", "our", "such", "all", "both", "either", "neither", "nothing", "unless",
		"after", "before", "during", "despite", "except", "from", "at", "as", "it", "there", "on", "upon", "while",
		"powers", "duties", "functions", "appointment", "establishment", "application", "definitions",
		"interpretation", "report", "reports", "transitional", "consequential", "amendments", "related", "coming",
		"repeal", "meaning", "designation", "delegation", "member", "members", "chairperson",
		"vice-chairperson", "staff", "qualified", "any", "other", "same", "said")
	// heads are the words that make a run of capitalised words an
	// institution or an office.
	heads = set("minister", "ministers", "ministry", "department", "agency", "office", "commission", "commissioner",
		"board", "tribunal", "council", "court", "bank", "corporation", "service", "services", "centre", "center",
		"authority", "bureau", "secretariat", "registrar", "committee", "administration", "institute",
		"foundation", "police", "forces", "force", "government", "parliament", "senate", "assembly", "conference",
		"auditor", "ombudsman", "ombudsperson", "superintendent", "director", "secretary", "governor",
		"panel", "inspector", "treasury", "library", "archives", "museum", "organization", "organisation",
		"commons", "legislature", "attorney", "solicitor", "clerk", "speaker", "statistician", "officer",
		"receiver", "commissariat", "directorate", "registry", "agent", "advocate", "chamber", "guard",
		"establishment", "secretary-general")
	// forumHeads make a name a forum rather than an actor.
	forumHeads = set("conference", "assembly", "forum", "summit")
	// blocked words name texts, not bodies: a run holding one is no name.
	blocked = set("act", "acts", "regulations", "regulation", "code", "part", "parts", "schedule", "section",
		"subsection", "paragraph", "article", "agreement", "convention", "treaty", "form", "order", "orders",
		"rules", "rule", "bill", "chapter", "division", "subdivision", "item", "annex", "appendix", "plan",
		"program", "programme", "fund", "account", "tariff", "list", "loi", "reglement", "annexe", "partie")
	// singles are one-word names that are institutions.
	singles = set("parliament", "senate", "parlement", "senat")
	// frHeads are lowercase French words that start an institution's name
	// ("ministre de la Santé", "commissaire aux langues officielles").
	frHeads = set("ministre", "ministere", "commissaire", "commissariat", "directeur", "directrice", "registraire",
		"conseil", "agence", "office", "bureau", "tribunal", "cour", "gouverneur", "gouvernement", "secretariat",
		"service", "services", "societe", "banque", "commission", "comite", "administration", "verificateur",
		"procureur", "sous-ministre", "president", "presidente", "greffier", "surintendant", "statisticien",
		"institut", "fondation", "centre", "parlement", "senat", "chambre", "forces", "gendarmerie", "regie",
		"conservateur", "ombudsman", "secretaire", "tresor", "archives", "bibliotheque", "musee", "administrateur",
		"receveur", "juge", "arbitre", "enqueteur", "inspecteur", "agent", "protecteur", "curateur", "conseiller",
		"chef", "dirigeant", "sous-procureur", "sous-registraire", "premier", "defenseur", "organisme", "autorite",
		"commissaires", "ministres", "assemblee", "greffe", "canada", "chambres", "tribunaux", "cours", "offices",
		"conseils", "agences", "institution", "gouvernements", "directeurs")
	// frFunction are French words that neither start nor end a name.
	frFunction = set("de", "des", "du", "la", "le", "les", "l", "d", "et", "ou", "a", "au", "aux", "pour", "sur",
		"en", "dans", "par", "un", "une", "que", "qui", "est", "sont", "son", "sa", "ses", "ce", "cette", "se")
	// function are words that start no name in either language.
	function = set("of", "the", "for", "and", "on", "in", "to", "by", "a", "an", "or", "at", "with",
		"de", "des", "du", "la", "le", "les", "l", "d", "et", "ou", "a", "au", "aux", "pour", "sur", "en", "dans", "par")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// span is a name found in a passage: tokens [i, j).
type span struct{ i, j int }

// englishNames returns the institution names written in capitals in toks.
func englishNames(toks []tok) []span {
	var out []span
	for i := 0; i < len(toks); i++ {
		if !isCap(toks[i].s) || stopStart[toks[i].low] {
			continue
		}
		// Grow the run: capitalised words, connectors between them.
		end := i + 1 // one past the last capitalised word
		for k := i + 1; k < len(toks) && k-i < 14; k++ {
			t := toks[k]
			if t.hard {
				break
			}
			if isCap(t.s) && t.low != "the" {
				end = k + 1
				continue
			}
			if connectors[t.low] {
				continue
			}
			break
		}
		out = append(out, splitRun(toks, i, end)...)
		i = end - 1
	}
	return out
}

// splitRun cuts a run of capitalised words at "and"/"the" that start a
// second name ("Minister of Health and the Minister of Industry") and
// keeps the parts that are institution names.
func splitRun(toks []tok, i, j int) []span {
	var out []span
	start := i
	for k := i; k <= j; k++ {
		if k < j && toks[k].low != "and" {
			continue
		}
		if k < j {
			// "and" joins one name ("Citizenship and Immigration") unless
			// what follows it has its own head.
			next := k + 1
			if next < j && toks[next].low == "the" {
				next++
			}
			if !hasHead(toks, next, j) {
				continue
			}
			// Split when the part before is a name itself, or a bare
			// head followed by "and the" ("Minister and the Minister of
			// Finance"); "Library and Archives of Canada" stays whole.
			_, named := trimName(toks, start, k)
			bare := k-start == 1 && heads[toks[start].low] && next > k+1
			if !named && !bare {
				continue
			}
		}
		if s, ok := trimName(toks, start, k); ok {
			out = append(out, s)
		}
		start = k + 1
	}
	return out
}

func hasHead(toks []tok, i, j int) bool {
	for k := i; k < j; k++ {
		if heads[toks[k].low] {
			return true
		}
	}
	return false
}

// trimName trims connectors from the ends of [i, j) and reports whether
// what is left is an institution's name.
func trimName(toks []tok, i, j int) (span, bool) {
	for i < j && (connectors[toks[i].low] || stopStart[toks[i].low]) {
		i++
	}
	for j > i && connectors[toks[j-1].low] {
		j--
	}
	if j <= i {
		return span{}, false
	}
	for k := i; k < j; k++ {
		if blocked[toks[k].low] {
			return span{}, false
		}
	}
	if j-i == 1 {
		return span{i, j}, singles[toks[i].low]
	}
	if hasHead(toks, i, j) {
		return span{i, j}, true
	}
	// "Health Canada", "Statistics Canada": a capitalised word and Canada.
	if toks[j-1].low == "canada" && j-i == 2 {
		return span{i, j}, !connectors[toks[i].low]
	}
	return span{}, false
}

// acronymDef is an acronym defined in a passage: the expansion toks[i:j]
// and the acronym toks[k].
type acronymDef struct{ i, j, k int }

// acronyms finds "Long Name (ACR)" in text (toks its words).
func acronyms(text string, toks []tok) []acronymDef {
	var out []acronymDef
	for k := 1; k < len(toks); k++ {
		t := toks[k]
		if !isAcronym(t.s) || t.start == 0 || text[t.start-1] != '(' || t.end >= len(text) || text[t.end] != ')' {
			continue
		}
		letters := acronymLetters(t.s)
		if len(letters) < 2 {
			continue
		}
		// The expansion ends right before the bracket, on the same run of
		// words: "… Commissioner (OPC)".
		j := k
		window := min(len(letters)+5, 2*len(letters)+1)
		lo := j - 1
		for lo > 0 && j-lo < window && !toks[lo].hard {
			lo--
		}
		// toks[lo] may start after a hard gap: it is the farthest start.
		for i := j - 1; i >= lo; i-- {
			if function[toks[i].low] || frFunction[toks[i].low] {
				continue
			}
			if expands(letters, toks[i:j]) {
				if n := contentWords(toks[i:j]); n >= max(2, (len(letters)+1)/2) && n <= len(letters)+2 {
					out = append(out, acronymDef{i, j, k})
				}
				break
			}
		}
	}
	return out
}

// acronymLetters returns the folded letters and digits of an acronym, the
// plural "s" dropped ("CSEs").
func acronymLetters(a string) []rune {
	a = strings.TrimSuffix(a, "s")
	var out []rune
	for _, r := range foldKey(a) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, r)
		}
	}
	return out
}

// expands reports whether words spell the acronym's letters in order, the
// first letter starting the first word.
func expands(letters []rune, words []tok) bool {
	first := []rune(words[0].low)
	if len(first) == 0 || first[0] != letters[0] {
		return false
	}
	li := 1
	for w, t := range words {
		rs := []rune(t.low)
		from := 0
		if w == 0 {
			from = 1
		}
		for _, r := range rs[from:] {
			if li < len(letters) && r == letters[li] {
				li++
			}
		}
	}
	return li == len(letters)
}

func contentWords(words []tok) int {
	n := 0
	for _, t := range words {
		if !function[t.low] && !frFunction[t.low] {
			n++
		}
	}
	return n
}

// frenchStarts reports whether a French name may start at toks[i]: a
// capitalised content word or an institution word.
func frenchStarts(t tok) bool {
	if frFunction[t.low] {
		return false
	}
	return isCap(t.s) || frHeads[t.low]
}

// text returns the words [i, j) as written, with the text's spacing
// (apostrophes kept: "d’information").
func spanText(text string, toks []tok, s span) string {
	return text[toks[s.i].start:toks[s.j-1].end]
}

// key is the folded form of words [i, j): how names are compared.
func key(toks []tok, i, j int) string {
	var b strings.Builder
	for k := i; k < j; k++ {
		if k > i {
			b.WriteByte(' ')
		}
		b.WriteString(toks[k].low)
	}
	return b.String()
}
