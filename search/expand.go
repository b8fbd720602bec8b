package search

import (
	"strings"
	"unicode"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/lang"
)

// maxEntityWords is the longest run of query words looked up as one name
// ("Organisation du Traité de l'Atlantique Nord" has six).
const maxEntityWords = 8

// expandEntities marks the terms of q that name a gazetteer entity, in any
// of its forms and languages, so that they also match passages tagged with
// that entity: "ONU" finds English passages about the United Nations,
// "Ministry of Defence" French ones about the "ministère des Armées". A run
// of consecutive plain words that names an entity becomes one phrase term.
func expandEntities(q Query, g *entity.Gazetteer) Query {
	if g == nil {
		return q
	}
	out := q
	out.Groups = nil
	groups := q.Groups
	for i := 0; i < len(groups); {
		matched := false
		for n := min(maxEntityWords, len(groups)-i); n >= 1 && !matched; n-- {
			words, ok := plainRun(groups[i : i+n])
			if !ok {
				continue
			}
			name := strings.Join(words, " ")
			if n == 1 {
				if t := groups[i][0]; t.Phrase {
					name = t.Text
				} else if name = lang.StripElision(name); !plausibleName(name) {
					continue // "l'ANSSI" names the ANSSI
				}
			}
			id, ok := g.Lookup(name)
			if !ok {
				continue
			}
			t := Term{Text: name, Phrase: n > 1 || groups[i][0].Phrase, Entity: id}
			out.Groups = append(out.Groups, []Term{t})
			i += n
			matched = true
		}
		if !matched {
			out.Groups = append(out.Groups, groups[i])
			i++
		}
	}
	out.Excluded = nil
	for _, t := range q.Excluded {
		if !t.Prefix && (t.Phrase || plausibleName(t.Text)) {
			if id, ok := g.Lookup(t.Text); ok {
				t.Entity = id
			}
		}
		out.Excluded = append(out.Excluded, t)
	}
	return out
}

// plainRun returns the words of groups that are each one plain word (a
// single phrase is accepted when it is the only group of the run).
func plainRun(groups [][]Term) ([]string, bool) {
	words := make([]string, 0, len(groups))
	for _, g := range groups {
		if len(g) != 1 || g[0].Prefix || (g[0].Phrase && len(groups) > 1) {
			return nil, false
		}
		words = append(words, g[0].Text)
	}
	return words, true
}

// plausibleName rejects single words that are stop words in English or
// French unless typed in capitals: "un" and "eu" are French words, "UN"
// and "EU" are bodies.
func plausibleName(w string) bool {
	if !strings.ContainsFunc(w, unicode.IsLower) {
		return true
	}
	for _, lg := range lang.Languages {
		if len(lang.Terms(lang.AnalyzerFor(lg), w)) == 0 {
			return false
		}
	}
	return true
}

// entityIDs lists the entities a parsed query names.
func entityIDs(q Query) map[string]bool {
	ids := map[string]bool{}
	for _, g := range q.Groups {
		for _, t := range g {
			if t.Entity != "" {
				ids[t.Entity] = true
			}
		}
	}
	return ids
}

// acronymEntities gives the close words of fuzzy variants (fuzzyVariants)
// that name a gazetteer entity their entity, in every language: a
// misspelt acronym ("NATTO", "ANSII") then finds the passages tagged with
// the entity, in the other language's form too ("OTAN"), as the acronym
// typed right would. Only words typed in capitals or unknown to both
// languages are taken for acronyms: a rare lower-case word close to an
// acronym is more likely a word of its own.
func acronymEntities(fv map[string]map[string][]variant, q Query, g *entity.Gazetteer, known func(string) bool) {
	if g == nil {
		return
	}
	for _, w := range fuzzyWords(q) {
		if strings.ContainsFunc(w, unicode.IsLower) && known(w) {
			continue
		}
		k := strings.ToLower(w)
		var found []variant
		for _, lg := range lang.Languages {
			for i, v := range fv[lg][k] {
				id, ok := g.Lookup(v.word)
				if !ok {
					continue
				}
				fv[lg][k][i].entity = id
				found = append(found, fv[lg][k][i])
			}
		}
		for _, e := range found {
			for _, lg := range lang.Languages {
				addVariant(fv, lg, w, e)
			}
		}
	}
}
