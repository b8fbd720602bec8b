package api

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search"
)

// TestFacetRegistryDrivesEveryLayer declares one more facet in the
// registry (the document a passage belongs to, as plain terms) and checks
// that, with no other change, the index maps it, the API counts and
// filters it (parameter and query syntax, by name and alias), lists it in
// /facets, and the web page shows it in the registry's order with the
// registry's title.
func TestFacetRegistryDrivesEveryLayer(t *testing.T) {
	saved := indexer.Facets
	t.Cleanup(func() { indexer.Facets = saved })
	extra := indexer.Facet{
		Name: "section", Aliases: []string{"rubrique"}, Field: "section_kw", Kind: indexer.FacetTerms, Size: 5,
		Title: map[string]string{lang.English: "Section", lang.French: "Rubrique"},
		Values: func(p *indexer.Passage) []string {
			if p.Heading == "" {
				return nil
			}
			return []string{strings.ToLower(strings.Fields(p.Heading)[0])}
		},
	}
	indexer.Facets = append(slices.Clone(saved[:2]), append([]indexer.Facet{extra}, saved[2:]...)...)

	// The mapping holds the new field as a keyword field.
	m := indexer.NewMapping()
	if fm := m.FieldMappingForPath(extra.Field); fm.Type != "text" || fm.Analyzer != "keyword" {
		t.Fatalf("mapping of %s: %+v, want a keyword field", extra.Field, fm)
	}

	g := entity.Default()
	ts, _ := serveCorpus(t, "../seeds", g, search.Options{Gazetteer: g}, Options{Labels: g})

	type result struct {
		Total  int                            `json:"total"`
		Facets map[string][]search.FacetValue `json:"facets"`
	}
	decode := func(path string) result {
		t.Helper()
		status, _, body := get(t, ts, path)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		var r result
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Counted: every facet of the registry, no other.
	all := decode("/api/v1/search?q=")
	var names []string
	for name := range all.Facets {
		names = append(names, name)
	}
	sort.Strings(names)
	want := indexer.FacetNames()
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Fatalf("facets counted %v, want the registry's %v", names, want)
	}
	if len(all.Facets["section"]) == 0 {
		t.Fatal("no values counted for the new facet")
	}
	// Filtered: by parameter, and in the query by name and alias, with
	// the count the facet announced.
	top := all.Facets["section"][0]
	for _, path := range []string{
		"/api/v1/search?q=&section=" + url.QueryEscape(top.Value),
		"/api/v1/search?q=" + url.QueryEscape("section:"+top.Value),
		"/api/v1/search?q=" + url.QueryEscape("rubrique:"+top.Value),
	} {
		if got := decode(path).Total; got != top.Count {
			t.Errorf("%s: %d hits, the facet counted %d", path, got, top.Count)
		}
	}
	// Listed by /facets.
	if fs := decode("/api/v1/facets"); len(fs.Facets["section"]) == 0 {
		t.Error("/api/v1/facets lacks the new facet")
	}
	// Shown by the web page, in the registry's order, with its title.
	for ui, title := range extra.Title {
		_, _, body := get(t, ts, "/?q=&ui="+ui)
		var shown []string
		for _, m := range regexp.MustCompile(`class="facet facet-([a-z]+)"`).FindAllStringSubmatch(string(body), -1) {
			shown = append(shown, m[1])
		}
		var order []string
		for _, n := range indexer.FacetNames() {
			if slices.Contains(shown, n) {
				order = append(order, n)
			}
		}
		if !slices.Contains(shown, "section") || !slices.Equal(shown, order) {
			t.Errorf("ui=%s: page shows facets %v, want the registry's order %v with section", ui, shown, indexer.FacetNames())
		}
		if !strings.Contains(string(body), "<legend>"+title+"</legend>") {
			t.Errorf("ui=%s: page lacks the facet title %q", ui, title)
		}
	}
}
