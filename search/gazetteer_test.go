package search

import (
	"slices"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
)

func TestNestChildren(t *testing.T) {
	tests := []struct {
		name string
		in   []FacetValue
		want []string
	}{
		{"no parents", []FacetValue{{Value: "a"}, {Value: "b"}}, []string{"a", "b"}},
		{"child after parent", []FacetValue{{Value: "un"}, {Value: "nato"}, {Value: "unga", Parent: "un"}}, []string{"un", "unga", "nato"}},
		{"child before parent", []FacetValue{{Value: "unga", Parent: "un"}, {Value: "nato"}, {Value: "un"}}, []string{"nato", "un", "unga"}},
		{"grandchildren", []FacetValue{{Value: "a"}, {Value: "c", Parent: "b"}, {Value: "b", Parent: "a"}, {Value: "d"}}, []string{"a", "b", "c", "d"}},
		{"parent absent", []FacetValue{{Value: "unga", Parent: "un"}, {Value: "nato"}}, []string{"unga", "nato"}},
		{"cycle kept whole", []FacetValue{{Value: "a", Parent: "b"}, {Value: "b", Parent: "a"}}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		var got []string
		for _, v := range nestChildren(tt.in) {
			got = append(got, v.Value)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestGazetteerOf(t *testing.T) {
	def := entity.Default()
	stored := []byte("entities:\n  - id: x\n    types: [actor]\n    label: {en: Xylo Agency, fr: Agence Xylo}\n")
	tests := []struct {
		name string
		opts Options
		gen  []byte
		want string // an id the chosen gazetteer has
	}{
		{"stored", Options{Gazetteer: def, GazetteerFromGeneration: true}, stored, "x"},
		{"none stored", Options{Gazetteer: def, GazetteerFromGeneration: true}, nil, "nato"},
		{"damaged", Options{Gazetteer: def, GazetteerFromGeneration: true}, []byte("entities: ["), "nato"},
		{"not asked", Options{Gazetteer: def}, stored, "nato"},
	}
	for _, tt := range tests {
		g := tt.opts.gazetteerOf(&indexer.Generation{Gazetteer: tt.gen})
		if _, ok := g.Entity(tt.want); !ok {
			t.Errorf("%s: gazetteer lacks %q", tt.name, tt.want)
		}
	}
	if g := (&Options{GazetteerFromGeneration: true}).gazetteerOf(&indexer.Generation{Gazetteer: stored}); g != nil {
		t.Error("entity features off: got a gazetteer")
	}
}
