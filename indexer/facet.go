package indexer

import (
	"strconv"

	"github.com/vigie/vigie/lang"
)

// FacetKind says how a facet's values are checked, filtered and named:
// every facet of a kind behaves alike in every layer.
type FacetKind int

const (
	// FacetLang values are language codes (lang.Languages), named by
	// lang.Label.
	FacetLang FacetKind = iota
	// FacetEntity values are gazetteer ids; a filter may give any of the
	// entity's names ("OTAN" for nato); labels come from the gazetteer.
	FacetEntity
	// FacetYear values are years; a filter may give a range "2013..2016".
	FacetYear
	// FacetTerms values are any keyword, filtered and shown as they are.
	FacetTerms
)

// Facet declares one facet, once, for every layer: the index mapping and
// each passage's record (Field, Values), the search filters and counts
// (Name, Aliases, Kind, Size), the API and the web page (Name, Title, the
// order of Facets). Adding a facet is one entry here, plus the extraction
// that fills the Passage field its Values reads (docs/architecture.md).
type Facet struct {
	// Name is the facet's id in the API (filter parameter, key of the
	// facet counts) and in the query syntax (actor:anssi).
	Name string
	// Aliases are other names accepted before ':' in a query, compared as
	// lang.Key ("année" and "annee" are one).
	Aliases []string
	// Field is the keyword field that holds the values in the index.
	Field string
	// Kind says how values are validated, filtered and labelled.
	Kind FacetKind
	// Size is the most values counted in a result.
	Size int
	// Title is the facet's heading in each interface language.
	Title map[string]string
	// Values are the passage's values of the facet, as indexed.
	Values func(p *Passage) []string
}

// Facets are the facets in display order: language first, the most used
// filter of a bilingual corpus.
var Facets = []Facet{
	{
		Name: "lang", Aliases: []string{"langue", "language"}, Field: FieldLang, Kind: FacetLang, Size: 2,
		Title:  map[string]string{lang.English: "Language", lang.French: "Langue"},
		Values: func(p *Passage) []string { return []string{p.Lang} },
	},
	{
		Name: "actor", Aliases: []string{"acteur"}, Field: FieldActors, Kind: FacetEntity, Size: 50,
		Title:  map[string]string{lang.English: "Actor", lang.French: "Acteur"},
		Values: func(p *Passage) []string { return p.Actors },
	},
	{
		Name: "forum", Aliases: []string{"enceinte"}, Field: FieldForums, Kind: FacetEntity, Size: 50,
		Title:  map[string]string{lang.English: "Forum", lang.French: "Enceinte"},
		Values: func(p *Passage) []string { return p.Forums },
	},
	{
		Name: "year", Aliases: []string{"annee"}, Field: FieldYears, Kind: FacetYear, Size: 100,
		Title: map[string]string{lang.English: "Year", lang.French: "Année"},
		Values: func(p *Passage) []string {
			ys := make([]string, len(p.Years))
			for i, y := range p.Years {
				ys[i] = strconv.Itoa(y)
			}
			return ys
		},
	},
}

// FacetNamed returns the facet with the given name or alias, compared as
// lang.Key.
func FacetNamed(name string) (Facet, bool) {
	k := lang.Key(name)
	for _, f := range Facets {
		if k == f.Name {
			return f, true
		}
		for _, a := range f.Aliases {
			if k == lang.Key(a) {
				return f, true
			}
		}
	}
	return Facet{}, false
}

// FacetNames lists the facets' names in display order.
func FacetNames() []string {
	out := make([]string, len(Facets))
	for i, f := range Facets {
		out[i] = f.Name
	}
	return out
}
