package search

import (
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/lang"
)

func TestAcronymEntities(t *testing.T) {
	g := entity.Default()
	tests := []struct {
		typed string
		known bool // the index holds the typed word
		want  bool // the close word "nato" is taken for the entity
	}{
		{typed: "NATTO", known: false, want: true},
		{typed: "NATTO", known: true, want: true}, // capitals: an acronym
		{typed: "natto", known: false, want: true},
		{typed: "natto", known: true, want: false}, // a word of its own
	}
	for _, tt := range tests {
		fv := map[string]map[string][]variant{}
		addVariant(fv, lang.English, tt.typed, variant{word: "nato", boost: 0.8})
		addVariant(fv, lang.English, tt.typed, variant{word: "natty", boost: 0.8})
		acronymEntities(fv, Parse(tt.typed), g, func(string) bool { return tt.known })
		p := plan{q: Parse(tt.typed), variants: fv}
		got := p.entities()
		if tt.want != got["nato"] || len(got) > 1 {
			t.Errorf("%s (known %v): entities %v, want nato: %v", tt.typed, tt.known, got, tt.want)
		}
		// The entity reaches the other language's branch, which has no
		// close word of its own.
		fr := fv[lang.French]["natto"]
		if tt.want && (len(fr) != 1 || fr[0].entity != "nato") {
			t.Errorf("%s: French variants %+v, want the entity", tt.typed, fr)
		}
	}
}
