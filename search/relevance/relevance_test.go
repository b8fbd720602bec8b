package relevance

import (
	"math"
	"strings"
	"testing"

	"github.com/vigie/vigie/search"
)

func TestScore(t *testing.T) {
	q := Query{Q: "x", Kind: KindEN, Judgments: []Judgment{
		{Doc: "en--06", Heading: "Objective", Grade: 2},
		{Doc: "en--06", Text: "encryption", Grade: 3},
		{Doc: "fr--06", Grade: 1},
	}}
	hit := func(doc, heading, text string) search.Hit {
		return search.Hit{DocID: "g--" + doc, Heading: heading, Text: text}
	}
	tests := []struct {
		name         string
		hits         []search.Hit
		ndcg, rr, rc float64
	}{
		{"ideal", []search.Hit{hit("en--06", "Req", "an encryption mechanism"), hit("en--06", "Objective", "protect"), hit("fr--06", "Objectif", "")}, 1, 1, 1},
		{"none", []search.Hit{hit("en--07", "", "")}, 0, 0, 0},
		// The grade-3 passage second: RR 1/2, one judgment found.
		{"second", []search.Hit{hit("en--05", "", ""), hit("en--06", "Req", "encryption")}, (7 / math.Log2(3)) / (7 + 3/math.Log2(3) + 1/2.0), 0.5, 1.0 / 3},
		// A passage matching two judgments counts for one (the best).
		{"one hit, two judgments", []search.Hit{hit("en--06", "Objective", "encryption")}, 7 / (7 + 3/math.Log2(3) + 0.5), 1, 1.0 / 3},
	}
	for _, tt := range tests {
		o := Score(q, tt.hits)
		if math.Abs(o.NDCG-tt.ndcg) > 1e-9 || math.Abs(o.RR-tt.rr) > 1e-9 || math.Abs(o.Recall-tt.rc) > 1e-9 {
			t.Errorf("%s: nDCG %.4f RR %.4f recall %.4f, want %.4f %.4f %.4f", tt.name, o.NDCG, o.RR, o.Recall, tt.ndcg, tt.rr, tt.rc)
		}
	}
	// Hits beyond the cutoff do not count.
	var many []search.Hit
	for i := 0; i < Cutoff; i++ {
		many = append(many, hit("x", "", ""))
	}
	many = append(many, hit("en--06", "Objective", ""))
	if o := Score(q, many); o.RR != 0 || o.Recall != 0 {
		t.Errorf("a hit at rank 11 counted: %+v", o)
	}
}

func TestLoad(t *testing.T) {
	if _, err := Load(strings.NewReader(`{"corpus":"c","queries":[{"q":"x","kind":"en","judgments":[{"doc":"d","grade":3}]}]}`)); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{
		"unknown field": `{"queries":[],"colour":1}`,
		"empty q":       `{"queries":[{"q":" ","kind":"en","judgments":[{"doc":"d","grade":3}]}]}`,
		"bad kind":      `{"queries":[{"q":"x","kind":"de","judgments":[{"doc":"d","grade":3}]}]}`,
		"no judgments":  `{"queries":[{"q":"x","kind":"en","judgments":[]}]}`,
		"bad grade":     `{"queries":[{"q":"x","kind":"en","judgments":[{"doc":"d","grade":4}]}]}`,
		"no doc":        `{"queries":[{"q":"x","kind":"en","judgments":[{"grade":1}]}]}`,
	} {
		if _, err := Load(strings.NewReader(in)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestTwinDocID(t *testing.T) {
	for in, want := range map[string]string{"laws--en--A-1": "laws--fr--A-1", "fr--P-21": "en--P-21", "seeds--000": ""} {
		if got := twinDocID(in); got != want {
			t.Errorf("twinDocID(%q) = %q, want %q", in, got, want)
		}
	}
}
