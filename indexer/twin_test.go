package indexer

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/vigie/vigie/lang"
)

func TestPairDocuments(t *testing.T) {
	doc := func(path, lg string) *Document { return &Document{ID: path, Path: path, Lang: lg} }
	docs := []*Document{
		doc("laws/en/A-1.md", lang.English), doc("laws/fr/A-1.md", lang.French),
		doc("laws/en/B-2.md", lang.English), // no French version
		doc("g/en/06_Protect-Data-at-Rest.md", lang.English), doc("g/fr/06_Protection-des-données-inactives.md", lang.French),
		// Two French files share a number: no pairing by number.
		doc("g/en/07_Transit.md", lang.English), doc("g/fr/07_Transit-a.md", lang.French), doc("g/fr/07_Transit-b.md", lang.French),
		// The folder says French, the text is English: not a version.
		doc("x/en/C.md", lang.English), doc("x/fr/C.md", lang.English),
		// Same name in different folders: not versions of each other.
		doc("p/en/D.md", lang.English), doc("q/fr/D.md", lang.French),
		doc("seeds/000.txt", lang.English),
	}
	var got []string
	for _, p := range pairDocuments(docs) {
		got = append(got, p[0].Path+" = "+p[1].Path)
	}
	want := []string{ // same names first, then numbers
		"laws/en/A-1.md = laws/fr/A-1.md",
		"g/en/06_Protect-Data-at-Rest.md = g/fr/06_Protection-des-données-inactives.md",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pairs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAlignPassages(t *testing.T) {
	p := func(id, heading, text string) Passage { return Passage{ID: id, Heading: heading, Text: text} }
	en := []Passage{
		p("e0", "Objective", "Protect data."),
		p("e1", "8 Disclosure", "(1) Personal information shall not be disclosed."),
		p("e2", "8 Disclosure", "(2) It may be disclosed (a) for the purpose; (b) by law."),
		p("e3", "9 Record", "A record is kept."),
		p("e4", "10 lang.English only", "Text."),
		p("e5", "References", "A long list of references, in lang.English, that takes some room."),
	}
	fr := []Passage{
		p("f0", "Objectif", "Protéger les données."),
		p("f1", "8 Communication", "(1) Les renseignements personnels ne peuvent être communiqués."),
		p("f2", "8 Communication", "(2) La communication est autorisée :\na) aux fins;"),
		p("f3", "8 Communication", "b) par la loi."),
		p("f4", "9 Relevé", "Un relevé est tenu."),
		p("f5", "Références", "Une liste."),
		p("f6", "Références", "Une autre liste, plus longue que la première."),
	}
	out := map[string]string{}
	alignPassages(en, fr, out)
	want := map[string]string{
		"e0": "f0", "f0": "e0", // unnumbered headings by rank
		"e1": "f1", "f1": "e1", // section 8, by label
		"e2": "f2", "f2": "e2",
		"f3": "e2",             // "b)" is inside e2
		"e3": "f4", "f4": "e3", // section 9: numbers, not ranks
		"e5": "f6", // one English passage: the French passage holding the middle of the section
		"f5": "e5", "f6": "e5",
	}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("twin of %s = %q, want %q", k, out[k], v)
		}
	}
	if _, ok := out["e4"]; ok {
		t.Error("a section missing in lang.French got a twin")
	}
}

// TestBuildStoresTwins: a corpus with en/ and fr/ versions gets a twin on
// each passage, stored in the index.
func TestBuildStoresTwins(t *testing.T) {
	root := t.TempDir()
	write := func(path, text string) {
		full := filepath.Join(root, path)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("en/01_Access.md", "---\nlang: en\n---\n# Access\n\n## Objective\n\nManage access to every account of the department.\n\n## Requirements\n\nUse strong passwords for every account of the department.\n")
	write("fr/01_Accès.md", "---\nlang: fr\n---\n# Accès\n\n## Objectif\n\nGérer l’accès à tous les comptes du ministère.\n\n## Exigences\n\nUtiliser des mots de passe robustes pour tous les comptes du ministère.\n")
	data := filepath.Join(t.TempDir(), "data")
	if _, err := Build(context.Background(), Options{Seeds: root, Data: data}); err != nil {
		t.Fatal(err)
	}
	gen, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 10, 0, false)
	req.Fields = StoredFields
	res, err := gen.Index.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	heading := map[string]string{}
	twin := map[string]string{}
	for _, h := range res.Hits {
		heading[h.ID], _ = h.Fields[FieldHeading].(string)
		twin[h.ID] = gen.Twins[h.ID]
	}
	if len(heading) != 4 {
		t.Fatalf("%d passages, want 4", len(heading))
	}
	pairs := map[string]string{"Objective": "Objectif", "Requirements": "Exigences", "Objectif": "Objective", "Exigences": "Requirements"}
	for id, h := range heading {
		if got := heading[twin[id]]; got != pairs[h] {
			t.Errorf("passage %q: twin heading %q, want %q", h, got, pairs[h])
		}
	}
}

// TestLinkRunAnchors: within a section of unequal length, shared numbers,
// acronyms and cognates decide where position alone would not.
func TestLinkRunAnchors(t *testing.T) {
	p := func(id, text string) Passage { return Passage{ID: id, Heading: "Requirements", Text: text} }
	en := []Passage{
		p("e0", "Use cryptographic algorithms approved by CSE in accordance with ITSP.40.111 and ITSP.40.062."),
		p("e1", "Implement password protection mechanisms against brute force attacks; confirm the GC password guidance is applied."),
	}
	fr := []Passage{
		p("f0", "Utiliser des algorithmes cryptographiques approuvés par le CST conformément à ITSP.40.111 et ITSP.40.062."),
		p("f1", "Établir une politique relative aux utilisateurs invités, longue, très longue, avec des exemples nombreux et détaillés sur plusieurs lignes."),
		p("f2", "Configurer la protection des mots de passe contre les attaques par force brute selon l’orientation du GC."),
	}
	out := map[string]string{}
	linkRun(en, []int{0, 1}, fr, []int{0, 1, 2}, out)
	linkRun(fr, []int{0, 1, 2}, en, []int{0, 1}, out)
	for k, v := range map[string]string{"e0": "f0", "e1": "f2", "f0": "e0", "f2": "e1"} {
		if out[k] != v {
			t.Errorf("twin of %s = %s, want %s", k, out[k], v)
		}
	}
}

// TestTwinsFile: a generation's twins are written as ID<TAB>TWIN lines and
// read back; generations written before hold JSON, still read; a damaged
// file is an error, not an empty map.
func TestTwinsFile(t *testing.T) {
	twins := map[string]string{"en--a~1": "fr--a~2", "fr--a~2": "en--a~1", "en--b~3": "fr--b~4"}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, twinsFile), encodeTwins(twins), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readTwins(dir)
	if err != nil || !maps.Equal(got, twins) {
		t.Fatalf("readTwins = %v, %v; want %v", got, err, twins)
	}
	old := t.TempDir()
	b, _ := json.Marshal(twins)
	if err := os.WriteFile(filepath.Join(old, twinsJSON), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := readTwins(old); err != nil || !maps.Equal(got, twins) {
		t.Fatalf("readTwins of a JSON generation = %v, %v", got, err)
	}
	if got, err := readTwins(t.TempDir()); err != nil || len(got) != 0 {
		t.Fatalf("readTwins without a file = %v, %v; want none", got, err)
	}
	if err := os.WriteFile(filepath.Join(dir, twinsFile), []byte("en--a~1\tfr--a~2\nbroken line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readTwins(dir); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("damaged twins file: %v, want an error naming line 2", err)
	}
}
