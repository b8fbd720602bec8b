package web

import (
	"reflect"
	"regexp"
	"testing"
)

func TestLiftFilters(t *testing.T) {
	for _, tc := range []struct {
		in, rest string
		filters  map[string][]string
	}{
		{"cyber", "cyber", nil},
		{"lang:fr cyber", "cyber", map[string][]string{"lang": {"fr"}}},
		{"cyber forum:nato année:2016", "cyber", map[string][]string{"forum": {"nato"}, "year": {"2016"}}},
		{`"lang:fr inside" lang:en`, `"lang:fr inside"`, map[string][]string{"lang": {"en"}}},
		{"-lang:fr cyber", "-lang:fr cyber", nil},
		{"http://example.org lang:", "http://example.org lang:", nil},
		{"lang:fr", "", map[string][]string{"lang": {"fr"}}},
	} {
		rest, filters := liftFilters(tc.in)
		if rest != tc.rest || !reflect.DeepEqual(filters, tc.filters) {
			t.Errorf("liftFilters(%q) = %q, %v; want %q, %v", tc.in, rest, filters, tc.rest, tc.filters)
		}
	}
}

// A filter typed in the query shows as a ticked box, and leaves the
// search box.
func TestTypedFilterTicksBox(t *testing.T) {
	h := newHandler()
	_, _, body := get(t, h, "/?q=resilience+lang:en")
	if !regexp.MustCompile(`name="lang" value="en" checked>`).MatchString(body) {
		t.Error("lang:en typed in the query: no ticked lang=en box")
	}
	if regexp.MustCompile(`name="lang" value="fr" checked>`).MatchString(body) {
		t.Error("lang=fr ticked")
	}
	if !regexp.MustCompile(`name="q"[^>]*value="resilience"`).MatchString(body) {
		t.Error(`the search box does not hold "resilience" alone`)
	}
}
