package web

import (
	"maps"
	"testing"

	"github.com/vigie/vigie/search"
)

func TestFacetDepths(t *testing.T) {
	vals := []search.FacetValue{
		{Value: "un"}, {Value: "unga", Parent: "un"}, {Value: "c1", Parent: "unga"},
		{Value: "nato"}, {Value: "orphan", Parent: "absent"},
	}
	want := map[string]int{"unga": 1, "c1": 2}
	if got := facetDepths(vals); !maps.Equal(got, want) {
		t.Errorf("facetDepths = %v, want %v", got, want)
	}
}
