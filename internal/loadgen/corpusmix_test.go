package loadgen

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func writeCorpus(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

var mixCorpus = map[string]string{
	"en/A.md": "# Alpha Act\n\n## Part 1\n\n### 1 Short title\n\nThe minister may inspect the fisheries.\n\n### 2 Powers of the minister\n\nThe minister may order an inspection of the fisheries.\n",
	"en/B.md": "# Beta Act\n\n### 1 Short title\n\nThe minister shall publish the fisheries report.\n\n### 2.1 Annual report\n\nThe minister reports yearly on fisheries.\n",
	"fr/A.md": "# Loi alpha\n\n### 1 Titre abrégé\n\nLe ministre peut inspecter les pêches.\n\n### 2 Pouvoirs du ministre\n\nLe ministre peut ordonner une inspection des pêches.\n",
	"fr/B.md": "# Loi bêta\n\n### 1 Titre abrégé\n\nLe ministre publie le rapport des pêches.\n",
}

func TestHeadingMix(t *testing.T) {
	root := writeCorpus(t, mixCorpus)
	qs, err := HeadingMix(root, 100)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, q := range qs {
		texts = append(texts, q.Kind+":"+q.Text)
	}
	slices.Sort(texts)
	want := []string{"heading-en:Annual report", "heading-en:Part 1", "heading-en:Powers of the minister", "heading-en:Short title",
		"heading-fr:Pouvoirs du ministre", "heading-fr:Titre abrégé"}
	if !slices.Equal(texts, want) {
		t.Errorf("headings %q, want %q (distinct, section numbers dropped, language from the folder)", texts, want)
	}
	again, _ := HeadingMix(root, 100)
	for i := range qs {
		if qs[i].Text != again[i].Text {
			t.Fatal("HeadingMix is not deterministic")
		}
	}
	if two, _ := HeadingMix(root, 2); len(two) != 2 || two[0].Text != qs[0].Text {
		t.Errorf("HeadingMix(2) = %v, want the first two of %v", two, qs)
	}
}

func TestBroadMix(t *testing.T) {
	root := writeCorpus(t, mixCorpus)
	qs, err := BroadMix(root, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, q := range qs {
		got[q.Kind] = append(got[q.Kind], q.Text)
	}
	// Words of every document of their language; stop words never.
	if w := got["broad-word-en"]; !slices.Contains(w, "minister") || !slices.Contains(w, "fisheries") || slices.Contains(w, "the") {
		t.Errorf("English words %q", w)
	}
	if w := got["broad-word-fr"]; !slices.Contains(w, "ministre") || slices.Contains(w, "les") {
		t.Errorf("French words %q", w)
	}
	if p := got["broad-pair-en"]; !slices.Contains(p, "short title") {
		t.Errorf("English pairs %q", p)
	}
	// Words found in one document only are not broad.
	if slices.Contains(got["broad-word-en"], "yearly") {
		t.Errorf("a word of one document is in the mix: %q", got["broad-word-en"])
	}
}
