package entity

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestDefault guards Default against a broken embedded file.
func TestDefault(t *testing.T) {
	g, err := Load(bytes.NewReader(embedded))
	if err != nil {
		t.Fatalf("embedded gazetteer.yaml: %v", err)
	}
	ents := g.Entities()
	t.Logf("%d entities", len(ents))
	if !slices.IsSortedFunc(ents, func(a, b Entity) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("Entities() not sorted by ID")
	}
	for _, e := range ents {
		for _, lang := range []string{"en", "fr"} {
			if e.Label[lang] == "" {
				t.Errorf("%s: no %s label", e.ID, lang)
			}
			if len(e.Aliases[lang]) == 0 {
				t.Errorf("%s: no %s alias", e.ID, lang)
			}
		}
		if len(e.Types) == 0 {
			t.Errorf("%s: no type", e.ID)
		}
		// Every label and alias finds its own entity, as a whole.
		for _, lang := range []string{"en", "fr"} {
			for _, a := range append([]string{e.Label[lang]}, e.Aliases[lang]...) {
				ms := g.Find(a)
				end := len(strings.TrimRight(a, ".")) // a mention ends with its last word: "U.N."
				if len(ms) != 1 || ms[0].ID != e.ID || ms[0].Start != 0 || ms[0].End != end {
					t.Errorf("%s: Find(%q) = %v, want the whole alias", e.ID, a, ms)
				}
			}
		}
	}
	if a, b := Default(), Default(); a != b {
		t.Error("Default() not parsed once")
	}
}

// TestSeedEntities checks that the gazetteer has every actor and forum the
// brief of the package names.
func TestSeedEntities(t *testing.T) {
	want := map[string][]string{
		"anssi": {Actor}, "comcyber": {Actor}, "min-armed-forces": {Actor}, "min-interior": {Actor}, "meae": {Actor},
		"sgdsn": {Actor}, "sgae": {Actor}, "min-economy": {Actor}, "national-police": {Actor}, "gendarmerie": {Actor},
		"european-commission": {Actor}, "enisa": {Actor}, "eu": {Actor, Forum}, "un": {Actor, Forum},
		"un-gge": {Forum}, "unga": {Forum}, "nato": {Actor, Forum}, "g7": {Forum}, "g20": {Forum},
		"osce": {Actor, Forum}, "oecd": {Actor, Forum}, "wto": {Actor, Forum}, "esa": {Actor},
		"paris-call": {Forum}, "pall-mall-process": {Forum}, "darpa": {Actor}, "president-fr": {Actor},
		"coe": {Actor, Forum}, "cert-eu": {Actor}, "itu": {Actor, Forum}, "interpol": {Actor}, "europol": {Actor},
		"cnil": {Actor}, "uscybercom": {Actor}, "cse": {Actor}, "cccs": {Actor}, "tbs": {Actor}, "ssc": {Actor},
		"gc": {Actor}, "opc": {Actor},
	}
	g := Default()
	for id, types := range want {
		e, ok := g.Entity(id)
		if !ok {
			t.Errorf("no entity %q", id)
			continue
		}
		if !slices.Equal(e.Types, types) {
			t.Errorf("%s: types %v, want %v", id, e.Types, types)
		}
		for _, typ := range []string{Actor, Forum} {
			if got := g.IsType(id, typ); got != slices.Contains(types, typ) {
				t.Errorf("IsType(%q, %q) = %v", id, typ, got)
			}
		}
	}
}

func TestLabel(t *testing.T) {
	g, err := Load(strings.NewReader(`
entities:
  - id: nato
    types: [actor, forum]
    label: {en: North Atlantic Treaty Organization, fr: Organisation du Traité de l’Atlantique Nord}
    aliases: {en: [NATO], fr: [OTAN]}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ id, lang, want string }{
		{"nato", "fr", "Organisation du Traité de l’Atlantique Nord"},
		{"nato", "en", "North Atlantic Treaty Organization"},
		{"nato", "de", "North Atlantic Treaty Organization"},
		{"nato", "", "North Atlantic Treaty Organization"},
		{"unknown", "fr", "unknown"},
	} {
		if got := g.Label(tt.id, tt.lang); got != tt.want {
			t.Errorf("Label(%q, %q) = %q, want %q", tt.id, tt.lang, got, tt.want)
		}
	}
	if g.IsType("unknown", Actor) {
		t.Error("IsType(unknown) = true")
	}
	if _, ok := g.Entity("unknown"); ok {
		t.Error("Entity(unknown) found")
	}
	// Callers get copies.
	e, _ := g.Entity("nato")
	e.Label["en"] = "changed"
	e.Aliases["en"][0] = "changed"
	e.Types[0] = "changed"
	if g.Label("nato", "en") != "North Atlantic Treaty Organization" || !g.IsType("nato", Actor) || len(g.Find("NATO")) != 1 {
		t.Error("changing a returned Entity changed the gazetteer")
	}
	if e2, _ := g.Entity("nato"); e2.Aliases["en"][0] != "NATO" {
		t.Error("changing a returned Entity changed the gazetteer's aliases")
	}
}

func TestLoadErrors(t *testing.T) {
	const ok = `
  - id: ok
    types: [actor]
    label: {en: Okay Agency, fr: Agence okay}
    aliases: {en: [OKA], fr: [AOK]}
`
	tests := []struct {
		name, yaml string
		want       []string // substrings of the error
	}{
		{"empty file", ``, []string{"empty file"}},
		{"no entities", "entities: []\n", []string{"no entities"}},
		{"not yaml", "entities: [\n", []string{"gazetteer:"}},
		{"unknown field", "entities:\n  - id: x\n    labels: {en: X, fr: X}\n", []string{`line 3: entity "x": unknown field "labels"`}},
		{"duplicate id", "entities:" + ok + ok, []string{`entity "ok": duplicate id`}},
		{"bad id", "entities:\n  - id: Bad_ID\n    types: [actor]\n    label: {en: A b, fr: A b}\n", []string{`invalid id "Bad_ID"`}},
		{"missing id", "entities:\n  - types: [actor]\n    label: {en: A b, fr: A b}\n", []string{`entity 1: invalid id ""`}},
		{"bad type", "entities:\n  - id: x\n    types: [organisation]\n    label: {en: A b, fr: A b}\n", []string{`unknown type "organisation"`}},
		{"no type", "entities:\n  - id: x\n    label: {en: A b, fr: A b}\n", []string{"no types"}},
		{"type twice", "entities:\n  - id: x\n    types: [forum, forum]\n    label: {en: A b, fr: A b}\n", []string{`type "forum" listed twice`}},
		{"missing label", "entities:\n  - id: x\n    types: [actor]\n    label: {en: A b}\n", []string{`entity "x": missing fr label`}},
		{"no label", "entities:\n  - id: x\n    types: [actor]\n", []string{"missing en label", "missing fr label"}},
		{"label language", "entities:\n  - id: x\n    types: [actor]\n    label: {en: A b, fr: A b, de: A b}\n", []string{`label in unknown language "de"`}},
		{"empty alias", "entities:\n  - id: x\n    types: [actor]\n    label: {en: A b, fr: A b}\n    aliases: {en: [\"\"]}\n", []string{"empty en alias"}},
		{"alias language", "entities:\n  - id: x\n    types: [actor]\n    label: {en: A b, fr: A b}\n    aliases: {es: [AB]}\n", []string{`aliases in unknown language "es"`}},
		{"alias without word", "entities:\n  - id: x\n    types: [actor]\n    label: {en: A b, fr: A b}\n    aliases: {en: [\"--\"]}\n", []string{`alias "--": no word`}},
		{"unmatchable alias", "entities:\n  - id: x\n    types: [actor]\n    label: {en: A b, fr: A b}\n    aliases: {en: [\"Agency (France)\"]}\n", []string{`alias "Agency (France)": punctuation`}},
		{"shared alias", "entities:" + ok + strings.ReplaceAll(ok, "id: ok", "id: ok2"), []string{`alias "Okay Agency" of "ok" and alias "Okay Agency" of "ok2" match the same text`}},
		{"shared alias up to case", "entities:" + ok + strings.NewReplacer("id: ok", "id: ok2", "OKA", "oka", "Okay", "Other").Replace(ok),
			[]string{`alias "OKA" of "ok" and alias "oka" of "ok2"`}},
		{"all problems at once", "entities:\n  - id: x\n    types: [bad]\n  - id: x\n    types: [actor]\n    label: {en: A, fr: A}\n",
			[]string{`unknown type "bad"`, "missing en label", "duplicate id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Load(strings.NewReader(tt.yaml))
			if err == nil {
				t.Fatalf("Load succeeded with %d entities, want error", len(g.Entities()))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}

	// Acronyms written differently are distinct aliases.
	distinct := "entities:" + ok + strings.NewReplacer("id: ok", "id: ok2", "OKA", "OkA", "Okay", "Other", "AOK", "AOK2").Replace(ok)
	if _, err := Load(strings.NewReader(distinct)); err == nil {
		t.Error("Load accepted OKA and OkA (folded: the same text) for two entities")
	}
	if g, err := Load(strings.NewReader("entities:" + ok)); err != nil {
		t.Errorf("Load(valid) = %v", err)
	} else if ms := g.Find("the OKA and the Agence Okay"); len(ms) != 2 {
		t.Errorf("Find with a loaded gazetteer = %v, want 2 mentions", ms)
	}
}

// TestDocs checks that docs/gazetteer.md lists every entity.
func TestDocs(t *testing.T) {
	b, err := os.ReadFile("../docs/gazetteer.md")
	if err != nil {
		t.Fatalf("docs/gazetteer.md: %v", err)
	}
	for _, e := range Default().Entities() {
		if !bytes.Contains(b, []byte("| `"+e.ID+"` |")) {
			t.Errorf("docs/gazetteer.md: no row for %q", e.ID)
		}
	}
}
