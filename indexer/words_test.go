package indexer

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/vigie/vigie/lang"
)

// vocabularyCounts reads the live generation's vocabulary back as counts.
func vocabularyCounts(t *testing.T, data string) (wordCounts, *Generation) {
	t.Helper()
	gen, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gen.Close() })
	c, err := countsOf(gen.Vocabulary)
	if err != nil {
		t.Fatal(err)
	}
	return c, gen
}

// storedCounts counts the words of every passage stored in a generation.
func storedCounts(t *testing.T, gen *Generation) wordCounts {
	t.Helper()
	c := wordCounts{}
	for _, lg := range lang.Languages {
		c[lg] = map[string]int{}
	}
	for _, h := range allPassages(t, gen.Index, FieldLang, FieldText) {
		lg, _ := h.Fields[FieldLang].(string)
		text, _ := h.Fields[FieldText].(string)
		c.add(lg, lang.Words(text), 1)
	}
	return c
}

// TestVocabulary checks the vocabulary files a build writes: the words of
// the passages the index holds, counted by language, after a full build
// and after an incremental one that changed, removed and added documents,
// which must end as a full build of the same corpus does.
func TestVocabulary(t *testing.T) {
	seeds, data := t.TempDir(), t.TempDir()
	writeFiles(t, seeds, map[string]string{
		"keep.txt":   "Kept\n\nThe agency is responsible for the security of the information systems.\n",
		"change.md":  "# Changed\n\nThe first version is about the security of the networks.\n\n## Second\n\nThis section does not change.\n",
		"remove.txt": "Removed\n\nThis document about submarines is deleted before the second build.\n",
		"fr.md":      "# Sécurité\n\nL’ANSSI assure la sécurité des systèmes d’information de l’État.\n",
	})
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	first, gen := vocabularyCounts(t, data)
	if want := storedCounts(t, gen); !reflect.DeepEqual(first, want) {
		t.Errorf("full build's vocabulary:\n got %v\nwant %v", first, want)
	}
	for _, c := range []struct {
		lg, word string
		n        int
	}{{"en", "security", 2}, {"en", "submarines", 1}, {"fr", "sécurité", 1}, {"fr", "anssi", 1}, {"fr", "l", 0}, {"en", "securit", 0}} {
		if got := first[c.lg][c.word]; got != c.n {
			t.Errorf("first build: %s %q in %d passages, want %d", c.lg, c.word, got, c.n)
		}
	}

	writeFiles(t, seeds, map[string]string{
		"change.md": "# Changed\n\nThe second version is about the security of the satellites.\n\n## Second\n\nThis section does not change.\n",
		"new.md":    "# Nouveau\n\nLe COMCYBER protège les réseaux des armées.\n",
	})
	if err := removeFile(seeds, "remove.txt"); err != nil {
		t.Fatal(err)
	}
	m, err := Build(context.Background(), Options{Seeds: seeds, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Changes; c.Changed != 1 || c.Removed != 1 || c.Added != 1 {
		t.Fatalf("incremental build: %+v", c)
	}
	second, gen := vocabularyCounts(t, data)
	want := storedCounts(t, gen)
	for _, lg := range lang.Languages { // words no passage holds any more are gone
		for w, n := range want[lg] {
			if n == 0 {
				delete(want[lg], w)
			}
		}
	}
	if !reflect.DeepEqual(second, want) {
		t.Errorf("incremental build's vocabulary:\n got %v\nwant %v", second, want)
	}
	if second["en"]["submarines"] != 0 || second["en"]["networks"] != 0 || second["en"]["satellites"] != 1 || second["fr"]["comcyber"] != 1 {
		t.Errorf("incremental build: %v", second)
	}
	full := t.TempDir()
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: full, Full: true}); err != nil {
		t.Fatal(err)
	}
	if third, _ := vocabularyCounts(t, full); !reflect.DeepEqual(third, second) {
		t.Errorf("full build of the same corpus:\n got %v\nwant %v", third, second)
	}
}

// TestVocabularyOfOlderGenerations reads the vocabulary of a generation
// built before the vocabulary files, from its index's words fields.
func TestVocabularyOfOlderGenerations(t *testing.T) {
	m := NewMapping().(*mapping.IndexMappingImpl)
	words := bleve.NewTextFieldMapping()
	words.Analyzer = lang.AnalyzerWords
	m.DefaultMapping.AddFieldMappingsAt(LangField(fieldWords, lang.French), words)
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for id, text := range map[string]string{"a": "La sécurité de l’État", "b": "la sécurité"} {
		if err := idx.Index(id, map[string]interface{}{LangField(fieldWords, lang.French): text}); err != nil {
			t.Fatal(err)
		}
	}
	v, err := readVocabulary(t.TempDir(), idx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := countsOf(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"sécurité": 2, "la": 2, "de": 1, "état": 1}; !reflect.DeepEqual(c[lang.French], want) {
		t.Errorf("French vocabulary %v, want %v", c[lang.French], want)
	}
	if v[lang.English] == nil || v[lang.English].Len() != 0 {
		t.Errorf("English vocabulary: %v", v[lang.English])
	}
}

func removeFile(dir, name string) error { return os.Remove(filepath.Join(dir, name)) }
