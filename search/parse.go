package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigie/vigie/indexer"
)

// Term is one element of a parsed query.
type Term struct {
	// Text is the word or phrase as typed (without quotes, '-' or '*').
	Text string
	// Phrase is true for a quoted phrase.
	Phrase bool
	// Prefix is true for a word typed with a trailing '*'.
	Prefix bool
	// Entity is the gazetteer id the term names, if any (set by
	// expansion, not by Parse).
	Entity string
}

// Query is a parsed search-box query: every group must match (a group
// matches when any of its terms does), no excluded term may match, and
// the field filters restrict the results.
type Query struct {
	Groups   [][]Term
	Excluded []Term
	// Filters maps a filter name (lang, actor, forum, year) to its values.
	Filters map[string][]string
}

// Empty reports whether q has no terms to match.
func (q Query) Empty() bool { return len(q.Groups) == 0 && len(q.Excluded) == 0 }

// minPrefix is the shortest prefix honoured; shorter ones are plain words.
const minPrefix = 2

// Parse reads a search-box query. Any input is a valid query: an
// unbalanced quote, a stray operator or an unknown field degrade to plain
// words.
//
// Syntax: words; "exact phrases"; -excluded words or phrases; OR between
// terms (either may match); field:value filters for every facet of
// indexer.Facets, by name or alias (lang:fr, acteur:anssi); a trailing * for
// prefixes (cyber*).
func Parse(s string) Query {
	q := Query{}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	rs := []rune(s)
	i := 0
	orPending := false
	add := func(t Term, neg bool) {
		if neg {
			q.Excluded = append(q.Excluded, t)
			orPending = false
			return
		}
		if orPending && len(q.Groups) > 0 {
			last := len(q.Groups) - 1
			q.Groups[last] = append(q.Groups[last], t)
		} else {
			q.Groups = append(q.Groups, []Term{t})
		}
		orPending = false
	}
	for i < len(rs) {
		r := rs[i]
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			i++
			continue
		}
		neg := false
		if (r == '-' || r == '−') && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != '-' {
			neg = true
			i++
			r = rs[i]
		}
		if isQuote(r) {
			end := i + 1
			for end < len(rs) && !isQuote(rs[end]) {
				end++
			}
			if end < len(rs) {
				phrase := strings.TrimSpace(string(rs[i+1 : end]))
				i = end + 1
				if phrase != "" {
					add(Term{Text: phrase, Phrase: !isSingleWord(phrase)}, neg)
				}
				continue
			}
			// Unbalanced quote: the quote is dropped, words follow.
			i++
			continue
		}
		end := i
		for end < len(rs) && !unicode.IsSpace(rs[end]) && !unicode.IsControl(rs[end]) && !isQuote(rs[end]) {
			end++
		}
		word := string(rs[i:end])
		i = end
		if word == "OR" || word == "|" || word == "||" {
			orPending = len(q.Groups) > 0
			continue
		}
		if name, value, ok := strings.Cut(word, ":"); ok && !neg {
			if f, known := indexer.FacetNamed(name); known && value != "" {
				if q.Filters == nil {
					q.Filters = map[string][]string{}
				}
				q.Filters[f.Name] = append(q.Filters[f.Name], value)
				continue
			}
		}
		t := Term{Text: word}
		if strings.HasSuffix(word, "*") {
			stem := strings.TrimRight(word, "*")
			if utf8.RuneCountInString(stem) >= minPrefix && hasLetterOrDigit(stem) {
				t = Term{Text: stem, Prefix: true}
			} else {
				t = Term{Text: stem}
			}
		}
		if !hasLetterOrDigit(t.Text) {
			continue // operators only, punctuation
		}
		add(t, neg)
	}
	return q
}

func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' || r == '«' || r == '»' }

func isSingleWord(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func hasLetterOrDigit(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}
