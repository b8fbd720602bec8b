package entity

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestProblemsHaveLines checks that every kind of problem names the line
// it is on, and the file when there is one.
func TestProblemsHaveLines(t *testing.T) {
	const head = "entities:\n"
	ent := func(id, extra string) string {
		return "  - id: " + id + "\n    types: [actor]\n    label: {en: " + id + " Agency, fr: Agence " + id + "}\n" + extra
	}
	tests := []struct {
		name, yaml string
		want       []string // substrings, in the error
	}{
		{"yaml syntax", head + "  - id: [\n", []string{"g.yaml:2: did not find expected node content"}},
		{"unknown top key", "entitys: []\n", []string{`g.yaml:1: unknown field "entitys"`}},
		{"unknown key", head + ent("a", "    kind: actor\n"), []string{`g.yaml:5: entity "a": unknown field "kind"`}},
		{"key twice", head + ent("a", "    types: [forum]\n"), []string{`g.yaml:5: entity "a": field "types" given twice`}},
		{"duplicate id", head + ent("a", "") + ent("a", ""), []string{`g.yaml:5: entity "a": duplicate id (first at g.yaml:2)`}},
		{"bad type", head + "  - id: a\n    types: [agency]\n    label: {en: A b, fr: A b}\n", []string{`g.yaml:3: entity "a": unknown type "agency"`}},
		{"types not a list", head + "  - id: a\n    types: actor\n    label: {en: A b, fr: A b}\n", []string{`g.yaml:3: entity "a": types: want a list`}},
		{"empty alias", head + ent("a", "    aliases:\n      en:\n        - AA\n        - \"\"\n"), []string{`g.yaml:8: entity "a": empty en alias`}},
		{"empty label", head + "  - id: a\n    types: [actor]\n    label: {en: \"\", fr: B b}\n", []string{`g.yaml:2: entity "a": missing en label`}},
		{"shared name", head + ent("a", "    aliases: {en: [Common Board]}\n") + ent("b", "    aliases:\n      en:\n        - common board\n"),
			[]string{`g.yaml:11: entity "b": alias "Common Board" of "a" and alias "common board" of "b" match the same text (the other at g.yaml:5)`}},
		{"unknown parent", head + ent("a", "    parent: nobody\n"), []string{`g.yaml:5: entity "a": unknown parent "nobody"`}},
		{"parent itself", head + ent("a", "    parent: a\n"), []string{`g.yaml:5: entity "a": parent is the entity itself`}},
		{"parent cycle", head + ent("a", "    parent: b\n") + ent("b", "    parent: c\n") + ent("c", "    parent: a\n"),
			[]string{`entity "a": parent cycle: a → b → c → a`}},
		{"unmatchable alias", head + ent("a", "    aliases:\n      en: [\"A (B)\"]\n"), []string{`g.yaml:6: entity "a": en alias "A (B)": punctuation`}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, "g.yaml")
			if err := os.WriteFile(file, []byte(tt.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Combine(file, Replace)
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), file, "g.yaml")
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", msg, w)
				}
			}
			var p *Problem
			if !errors.As(err, &p) || p.Line == 0 {
				t.Errorf("errors.As(*Problem) = %v, line %d", p, lineOf(p))
			}
		})
	}
}

func lineOf(p *Problem) int {
	if p == nil {
		return -1
	}
	return p.Line
}

const userGaz = `entities:
  - id: hc
    types: [actor]
    label: {en: Health Canada, fr: Santé Canada}
    aliases: {en: [HC], fr: [SC]}
  - id: phac
    types: [actor]
    parent: hc
    label: {en: Public Health Agency of Canada, fr: Agence de la santé publique du Canada}
    aliases: {en: [PHAC], fr: [ASPC]}
  - id: opc
    types: [actor]
    label: {en: Office of the Privacy Commissioner, fr: Commissariat à la protection de la vie privée}
`

func TestCombine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "user.yaml")
	if err := os.WriteFile(file, []byte(userGaz), 0o644); err != nil {
		t.Fatal(err)
	}
	merged, err := Combine(file, Merge)
	if err != nil {
		t.Fatal(err)
	}
	replaced, err := Combine(file, Replace)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(replaced.Entities()); n != 3 {
		t.Errorf("replace: %d entities, want 3", n)
	}
	if n, d := len(merged.Entities()), len(Default().Entities()); n != d+2 {
		t.Errorf("merge: %d entities, want %d (embedded) + 2 (opc overrides)", n, d)
	}
	// The user's opc replaced the embedded one: its aliases are gone.
	if _, ok := merged.Lookup("CPVP"); ok {
		t.Error("merge: the embedded opc's alias CPVP survived the user's override")
	}
	if id, ok := merged.Lookup("PHAC"); !ok || id != "phac" {
		t.Errorf("merge: Lookup(PHAC) = %q, %v", id, ok)
	}
	if id, ok := merged.Lookup("OTAN"); !ok || id != "nato" {
		t.Errorf("merge: the embedded entities are missing: Lookup(OTAN) = %q, %v", id, ok)
	}
	if _, ok := replaced.Lookup("OTAN"); ok {
		t.Error("replace: the embedded entities are there")
	}
	// Fingerprints differ from each other and from the embedded one.
	fps := []string{Default().Fingerprint(), merged.Fingerprint(), replaced.Fingerprint()}
	if len(slices.Compact(slices.Sorted(slices.Values(fps)))) != 3 {
		t.Errorf("fingerprints not distinct: %v", fps)
	}
	// The source of a merged gazetteer loads back to the same entities.
	back, err := Load(strings.NewReader(string(merged.Source())))
	if err != nil {
		t.Fatalf("Load(merged.Source()): %v", err)
	}
	if !slices.EqualFunc(back.Entities(), merged.Entities(), sameEntity) {
		t.Error("merged source does not load back to the same entities")
	}
	if string(replaced.Source()) != userGaz {
		t.Error("replace: Source is not the file")
	}

	// A user's name that an embedded entity already has is a clash, named
	// with both places.
	clash := userGaz + "  - id: otan2\n    types: [forum]\n    label: {en: Atlantic club, fr: OTAN}\n"
	if err := os.WriteFile(file, []byte(clash), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Combine(file, Merge)
	if err == nil || !strings.Contains(err.Error(), file+":16: entity \"otan2\"") || !strings.Contains(err.Error(), "embedded gazetteer.yaml:") {
		t.Errorf("clash with the embedded gazetteer: %v", err)
	}
	if _, err := Combine(file, Replace); err != nil {
		t.Errorf("the same file alone: %v", err)
	}
	if _, err := Combine(filepath.Join(t.TempDir(), "missing.yaml"), Merge); err == nil {
		t.Error("a missing file: no error")
	}
	if _, err := ParseMode("both"); err == nil {
		t.Error("ParseMode(both) succeeded")
	}
}

func sameEntity(a, b Entity) bool {
	if a.ID != b.ID || a.Parent != b.Parent || !slices.Equal(a.Types, b.Types) || len(a.Label) != len(b.Label) {
		return false
	}
	for k, v := range a.Label {
		if b.Label[k] != v {
			return false
		}
	}
	for _, l := range langs {
		if !slices.Equal(a.Aliases[l], b.Aliases[l]) {
			return false
		}
	}
	return true
}

func TestHierarchy(t *testing.T) {
	g, err := Load(strings.NewReader(userGaz + `  - id: un
    types: [actor, forum]
    label: {en: United Nations, fr: Nations unies}
  - id: gge
    types: [forum]
    parent: un
    label: {en: Group of Governmental Experts, fr: Groupe d’experts gouvernementaux}
  - id: sub
    types: [forum]
    parent: gge
    label: {en: Subgroup on Norms, fr: Sous-groupe des normes}
`))
	if err != nil {
		t.Fatal(err)
	}
	if p := g.Parent("phac"); p != "hc" {
		t.Errorf("Parent(phac) = %q", p)
	}
	if a := g.Ancestors("sub"); !slices.Equal(a, []string{"gge", "un"}) {
		t.Errorf("Ancestors(sub) = %v", a)
	}
	if g.Parent("hc") != "" || g.Parent("nobody") != "" || g.Ancestors("nobody") != nil {
		t.Error("Parent of a root or unknown entity not empty")
	}
	tests := []struct {
		text           string
		actors, forums []string
	}{
		{"PHAC said", []string{"hc", "phac"}, nil},
		{"Health Canada and PHAC", []string{"hc", "phac"}, nil},
		// A forum child tags its parent as a forum only.
		{"the Group of Governmental Experts", nil, []string{"gge", "un"}},
		{"the Subgroup on Norms", nil, []string{"gge", "sub", "un"}},
		{"the United Nations", []string{"un"}, []string{"un"}},
	}
	for _, tt := range tests {
		a, f, _ := g.Annotate(tt.text)
		if !slices.Equal(a, tt.actors) || !slices.Equal(f, tt.forums) {
			t.Errorf("Annotate(%q) = %v, %v; want %v, %v", tt.text, a, f, tt.actors, tt.forums)
		}
		// Extract keeps the direct mentions.
		if a, _ := g.Extract(tt.text); len(a) > 0 && slices.Contains(a, "hc") && !strings.Contains(tt.text, "Health Canada") {
			t.Errorf("Extract(%q) = %v: added the parent", tt.text, a)
		}
	}
	// The embedded UN bodies are children of the UN.
	for _, id := range []string{"un-gge", "un-oewg", "unga", "unsc"} {
		if p := Default().Parent(id); p != "un" {
			t.Errorf("embedded %s: parent %q, want un", id, p)
		}
	}
	if _, f, _ := Default().Annotate("the UN GGE met"); !slices.Equal(f, []string{"un", "un-gge"}) {
		t.Errorf("embedded: Annotate(UN GGE) forums = %v", f)
	}
}
