package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

const healthGazetteer = `entities:
  - id: hc
    types: [actor]
    label: {en: Health Canada, fr: Santé Canada}
  - id: phac
    types: [actor]
    parent: hc
    label: {en: Public Health Agency of Canada, fr: Agence de la santé publique du Canada}
    aliases: {en: [PHAC], fr: [ASPC]}
`

// TestUserGazetteer walks the user's gazetteer through check, index,
// incremental re-tagging and search: a bad file stops the build before
// anything is written; a new gazetteer re-tags every document; search uses
// the gazetteer stored with the generation (labels, names as filters, the
// hierarchy in filters and facets).
func TestUserGazetteer(t *testing.T) {
	work := t.TempDir()
	seeds, data := filepath.Join(work, "seeds"), filepath.Join(work, "data")
	writeFile(t, filepath.Join(seeds, "a.txt"), "Health report\n\nThe Public Health Agency of Canada (PHAC) published guidance with the UN GGE.\n")
	writeFile(t, filepath.Join(seeds, "b.txt"), "Ministry report\n\nHealth Canada regulates drugs. NATO met.\n")
	good, bad := filepath.Join(work, "good.yaml"), filepath.Join(work, "bad.yaml")
	writeFile(t, good, healthGazetteer)
	writeFile(t, bad, healthGazetteer+"  - id: hc\n    types: [agency]\n    parent: nobody\n    label: {en: X y, fr: X y}\n")

	if code, out, errOut := runCmd("entities", "check", good); code != 0 || !strings.Contains(out, "ok (merge)") {
		t.Errorf("check good: %d\n%s%s", code, out, errOut)
	}
	code, _, errOut := runCmd("entities", "check", bad)
	for _, want := range []string{bad + `:10: entity "hc": duplicate id (first at ` + bad + `:2)`, bad + `:11: entity "hc": unknown type "agency"`,
		bad + `:12: entity "hc": unknown parent "nobody"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("check bad: status %d, stderr lacks %q:\n%s", code, want, errOut)
		}
	}
	if code != 1 {
		t.Errorf("check bad: status %d, want 1", code)
	}

	if code, out, errOut := runCmd("index", "--seeds", seeds, "--data", data); code != 0 {
		t.Fatalf("index: %d\n%s%s", code, out, errOut)
	}
	first, _ := indexer.Current(data)
	before, _ := os.ReadDir(data)

	// A bad gazetteer: nothing built, the live generation untouched.
	code, out, errOut := runCmd("index", "--gazetteer", bad, "--seeds", seeds, "--data", data)
	if code != 1 || !strings.Contains(errOut, bad+":11:") || strings.Contains(out, "Indexing") {
		t.Errorf("index with a bad gazetteer: status %d\n%s%s", code, out, errOut)
	}
	after, _ := os.ReadDir(data)
	if cur, _ := indexer.Current(data); cur != first || len(after) != len(before) {
		t.Errorf("a bad gazetteer changed the data folder: %s → %s, %d → %d entries", first, cur, len(before), len(after))
	}
	if code, _, _ := runCmd("index", "--gazetteer", good, "--gazetteer-mode", "both", "--seeds", seeds, "--data", data); code != 1 {
		t.Errorf("--gazetteer-mode both: status %d, want 1", code)
	}

	// The user's gazetteer (from the environment) re-tags every document.
	t.Setenv("VIGIE_GAZETTEER", good)
	if code, out, errOut := runCmd("index", "--seeds", seeds, "--data", data); code != 0 || strings.Contains(out, "Incremental:") {
		t.Fatalf("index with the gazetteer: %d (want a full re-tagging)\n%s%s", code, out, errOut)
	}
	// The same gazetteer again: incremental, every document reused.
	if code, out, _ := runCmd("index", "--seeds", seeds, "--data", data); code != 0 || !strings.Contains(out, "2 unchanged (reused)") {
		t.Errorf("same gazetteer again: %d, want 2 reused\n%s", code, out)
	}
	t.Setenv("VIGIE_GAZETTEER", "")

	src, err := indexer.LiveGazetteer(data)
	if err != nil || !strings.Contains(string(src), "id: phac") || !strings.Contains(string(src), "id: nato") {
		t.Fatalf("stored gazetteer (merged): %v\n%.200s", err, src)
	}
	if code, out, _ := runCmd("entities", "--data", data, "--text", "ASPC et OTAN"); code != 0 ||
		!strings.Contains(out, "phac (Public Health Agency of Canada)") || !strings.Contains(out, "nato") {
		t.Errorf("entities --text with the live generation's gazetteer: %d\n%s", code, out)
	}

	s, err := openSearcher(data, searchOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// Filtering on the parent includes the child; names work as filters.
	for _, f := range []string{"hc", "Health Canada", "Santé Canada"} {
		res, err := s.Search(ctx, search.Request{Filters: map[string][]string{"actor": {f}}})
		if err != nil || res.Total != 2 {
			t.Errorf("actor=%s: %v, %d hits, want both documents' passages", f, err, total(res))
		}
	}
	res, err := s.Search(ctx, search.Request{Filters: map[string][]string{"actor": {"PHAC"}}, UI: "fr"})
	if err != nil || res.Total != 1 {
		t.Fatalf("actor=PHAC: %v, %d hits", err, total(res))
	}
	var vals []string
	for _, v := range res.Facets["actor"] {
		vals = append(vals, v.Value+"<"+v.Parent+">"+v.Label)
	}
	// Counts are disjunctive: nato (the other document) is offered too.
	if want := []string{"hc<>Santé Canada", "phac<hc>Agence de la santé publique du Canada", "nato<>Organisation du Traité de l’Atlantique Nord"}; !slices.Equal(vals, want) {
		t.Errorf("actor facet %v, want %v", vals, want)
	}
	vals = nil
	for _, v := range res.Facets["forum"] {
		vals = append(vals, v.Value+"<"+v.Parent+">")
	}
	if want := []string{"un<>", "un-gge<un>"}; !slices.Equal(vals, want) {
		t.Errorf("forum facet %v, want %v (the embedded UN bodies under the UN)", vals, want)
	}
	// Query expansion knows the user's names: "ASPC" finds the English PHAC.
	if res, err := s.Search(ctx, search.Request{Query: "ASPC"}); err != nil || res.Total != 1 {
		t.Errorf("q=ASPC: %v, %d hits", err, total(res))
	}
}

// TestEntitiesDiscoverCommand runs discovery on the test corpus of
// internal/discover into a file that "vigie entities check" accepts.
func TestEntitiesDiscoverCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "found.yaml")
	code, _, errOut := runCmd("entities", "discover", "--seeds", "../../internal/discover/testdata/corpus", "--min-count", "2", "--out", out)
	if code != 0 || !strings.Contains(errOut, "entities proposed") {
		t.Fatalf("discover: %d\n%s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "fr: Agence de la santé publique du Canada") {
		t.Errorf("discover output: %v\n%s", err, b)
	}
	if code, out, errOut := runCmd("entities", "check", out); code != 0 {
		t.Errorf("check of the discovered file: %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := runCmd("entities", "discover", "--seeds", "../../internal/discover/testdata/corpus", "extra"); code != 2 {
		t.Errorf("discover with an argument: status %d, want 2", code)
	}
	if code, _, _ := runCmd("entities", "check"); code != 2 {
		t.Errorf("check without a file: status %d, want 2", code)
	}
}

func total(r *search.Result) uint64 {
	if r == nil {
		return 0
	}
	return r.Total
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestServeUsesGenerationGazetteer: serve builds the first generation with
// its --gazetteer, labels facets and pages with it, and follows the
// gazetteer of a new generation written by "vigie index" when it reloads.
func TestServeUsesGenerationGazetteer(t *testing.T) {
	work := t.TempDir()
	seeds, data := filepath.Join(work, "seeds"), filepath.Join(work, "data")
	writeFile(t, filepath.Join(seeds, "a.txt"), "Health report\n\nThe Public Health Agency of Canada (PHAC) published guidance.\n")
	gazFile := filepath.Join(work, "g.yaml")
	writeFile(t, gazFile, healthGazetteer)
	g, err := loadGazetteer(gazFile, "merge")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	cfg := serveConfig{seeds: seeds, data: data, drain: time.Second, reloadEvery: 50 * time.Millisecond, gazetteer: g}
	go func() { done <- serve(ctx, ln, cfg, io.Discard, nil) }()
	t.Cleanup(func() { cancel(); <-done })
	s := &slowServer{base: "http://" + ln.Addr().String()}
	deadline := time.Now().Add(30 * time.Second)
	for code, _ := s.get("/readyz"); code != 200; code, _ = s.get("/readyz") {
		if time.Now().After(deadline) {
			t.Fatal("server not ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
	facets := func(ui string) string {
		_, body := s.get("/api/v1/facets?ui=" + ui)
		return body
	}
	if body := facets("fr"); !strings.Contains(body, `"value":"phac","label":"Agence de la santé publique du Canada","count":1,"parent":"hc"`) {
		t.Errorf("facets with the first generation's gazetteer:\n%s", body)
	}
	// A selected value without results is named by the page's labels.
	if _, page := s.get("/?q=zzzzqqq&actor=phac"); !strings.Contains(page, "Public Health Agency of Canada") {
		t.Error("page: the selected actor is not labelled with the generation's gazetteer")
	}

	// vigie index with a renamed entity (replace mode): the server follows.
	writeFile(t, gazFile, strings.Replace(healthGazetteer, "Public Health Agency of Canada, fr", "PHAC renamed, fr", 1))
	if code, out, errOut := runCmd("index", "--seeds", seeds, "--data", data, "--gazetteer", gazFile, "--gazetteer-mode", "replace"); code != 0 {
		t.Fatalf("index: %d\n%s%s", code, out, errOut)
	}
	for !strings.Contains(facets("en"), "PHAC renamed") {
		if time.Now().After(deadline) {
			t.Fatalf("the new generation's gazetteer was not picked up:\n%s", facets("en"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, page := s.get("/?q=zzzzqqq&actor=phac&ui=en"); !strings.Contains(page, "PHAC renamed") {
		t.Error("page: labels did not follow the new generation")
	}
	if _, body := s.get("/api/v1/search?actor=OTAN"); !strings.Contains(body, `"status":400`) {
		t.Errorf("replace mode: the embedded nato still resolves: %s", body)
	}
}
