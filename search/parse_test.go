package search

import (
	"github.com/vigie/vigie/search/lexicon"

	"reflect"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	w := func(s string) Term { return Term{Text: s} }
	tests := []struct {
		in   string
		want Query
	}{
		{"", Query{}},
		{"cyber attacks", Query{Groups: [][]Term{{w("cyber")}, {w("attacks")}}}},
		{`"cyber space" NATO`, Query{Groups: [][]Term{{{Text: "cyber space", Phrase: true}}, {w("NATO")}}}},
		{`"single"`, Query{Groups: [][]Term{{w("single")}}}},
		{"nato OR otan", Query{Groups: [][]Term{{w("nato"), w("otan")}}}},
		{"nato OR otan OR onu défense", Query{Groups: [][]Term{{w("nato"), w("otan"), w("onu")}, {w("défense")}}}},
		{"cyber -NATO", Query{Groups: [][]Term{{w("cyber")}}, Excluded: []Term{w("NATO")}}},
		{`cyber -"cyber space"`, Query{Groups: [][]Term{{w("cyber")}}, Excluded: []Term{{Text: "cyber space", Phrase: true}}}},
		{"sécu*", Query{Groups: [][]Term{{{Text: "sécu", Prefix: true}}}}},
		{"a* b", Query{Groups: [][]Term{{w("a")}, {w("b")}}}},
		{"lang:fr forum:nato year:2016 cyber", Query{Groups: [][]Term{{w("cyber")}}, Filters: map[string][]string{"lang": {"fr"}, "forum": {"nato"}, "year": {"2016"}}}},
		{"unknown:field", Query{Groups: [][]Term{{w("unknown:field")}}}},
		// Degrading input.
		{`"unbalanced quote`, Query{Groups: [][]Term{{w("unbalanced")}, {w("quote")}}}},
		{"OR OR OR", Query{}},
		{"OR nato", Query{Groups: [][]Term{{w("nato")}}}},
		{"nato OR", Query{Groups: [][]Term{{w("nato")}}}},
		{"- -- * ** ()", Query{}},
		{"«cyberespace sûr»", Query{Groups: [][]Term{{{Text: "cyberespace sûr", Phrase: true}}}}},
		{"tab\tand\x00control", Query{Groups: [][]Term{{w("tab")}, {w("and")}, {w("control")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Parse(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) =\n %#v\nwant\n %#v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "cyber attacks", `"cyber space" -NATO`, "a OR b OR", "lang:fr sécu*", `"`, "-", "\xff\xfe", "year:2013..2016 forum:nato"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Parse(s)
		for _, g := range q.Groups {
			if len(g) == 0 {
				t.Fatalf("empty group from %q", s)
			}
			for _, term := range g {
				if term.Text == "" || !utf8.ValidString(term.Text) {
					t.Fatalf("bad term %q from %q", term.Text, s)
				}
			}
		}
		// Building the query never panics, whatever the input.
		// nor does translating and building it with the lexicon.
		_ = textQuery(plan{q: q}, false)
		_ = textQuery(plan{q: q}, true)
		p := plan{q: q, spans: translate(q, lexicon.Default())}
		_ = textQuery(p, false)
	})
}
