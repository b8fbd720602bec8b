// Package testutil holds helpers shared by Vigie's tests.
package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the repository root, found from this file's location.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Corpus returns the path of a corpus under ../shared/corpora (beside the
// repository), for example Corpus(t, "cloud-guardrails"). A user's clone
// has no ../shared: the test is skipped with a message, unless
// VIGIE_REQUIRE_SHARED=1 (set by .ci/run), where it fails instead.
func Corpus(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(Root(), "..", "shared", "corpora", name)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("VIGIE_REQUIRE_SHARED") == "1" {
			t.Fatalf("shared corpus %s not found at %s, and VIGIE_REQUIRE_SHARED=1", name, dir)
		}
		t.Skipf("shared corpora not found at %s: skipping (CI runs this test)", dir)
	}
	return dir
}

// Seeds returns the path of the repository's seeds folder.
func Seeds() string { return filepath.Join(Root(), "seeds") }

// Hostile returns the path of testdata/hostile: documents whose titles,
// headings and text hold markup (<script>, "><img onerror=…>) that every
// HTML rendering must escape.
func Hostile() string { return filepath.Join(Root(), "testdata", "hostile") }

// WriteCorpus writes files (slash-separated path relative to the corpus →
// content) into a new temporary folder and returns it.
func WriteCorpus(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Acts is a small corpus of laws in both languages, as laws-canada lays
// them out (en/CODE.md, fr/CODE.md): the Privacy Act (P-21), the
// Communications Security Establishment Act (C-35), whose section 58 is
// headed by the Privacy Act's title, and six other Acts (X-0 … X-5), so
// that the named ones are a few among many. Tests of titles, citations,
// codes and acronyms share it.
func Acts() map[string]string {
	files := map[string]string{
		"en/P-21.md": "# Privacy Act\n\n## 1 Short title\n\nThis Act may be cited as the Privacy Act.\n\n" +
			"## 2 Purpose\n\nThe purpose of this Act is to extend the laws of Canada that protect the privacy of individuals.\n",
		"fr/P-21.md": "# Loi sur la protection des renseignements personnels\n\n## 1 Titre abrégé\n\nLoi sur la protection des renseignements personnels.\n\n" +
			"## 2 Objet\n\nLa présente loi a pour objet de compléter la législation canadienne en matière de protection des renseignements personnels.\n",
		"en/C-35.md": "# Communications Security Establishment Act\n\n## 1 Short title\n\nThis Act may be cited as the Communications Security Establishment Act.\n\n" +
			"## 58 Privacy Act\n\nThe schedule to the Privacy Act is amended by adding, under the heading Other Government Institutions, the Communications Security Establishment.\n",
		"fr/C-35.md": "# Loi sur le Centre de la sécurité des télécommunications\n\n## 1 Titre abrégé\n\nLoi sur le Centre de la sécurité des télécommunications.\n\n" +
			"## 58 Loi sur la protection des renseignements personnels\n\nL'annexe de la Loi sur la protection des renseignements personnels est modifiée par adjonction du Centre.\n",
	}
	for i, subject := range []string{"Fisheries", "Aeronautics", "Bank", "Excise", "Copyright", "Patent"} {
		n := fmt.Sprintf("X-%d", i)
		files["en/"+n+".md"] = fmt.Sprintf("# %s Act\n\n## 1 Short title\n\nThis Act may be cited as the %s Act.\n\n## 2 Definitions\n\nIn this Act, the Minister means the Minister of %s.\n", subject, subject, subject)
		files["fr/"+n+".md"] = fmt.Sprintf("# Loi sur %s\n\n## 1 Titre abrégé\n\nLoi sur %s.\n\n## 2 Définitions\n\nDans la présente loi, le ministre est le ministre de %s.\n", subject, subject, subject)
	}
	return files
}
