// Package testutil holds helpers shared by Vigie's tests.
package testutil

import (
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
