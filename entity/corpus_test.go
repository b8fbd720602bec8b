package entity

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigie/vigie/internal/testutil"
)

// guardrail reads the guardrail file with the two-digit prefix num in lang,
// skipping the test when the shared corpora are not there.
func guardrail(t testing.TB, lang, num string) string {
	t.Helper()
	guardrailsDir := testutil.Corpus(t, "cloud-guardrails")
	files, err := filepath.Glob(filepath.Join(guardrailsDir, lang, num+"_*.md"))
	if err != nil || len(files) != 1 {
		t.Fatalf("guardrail %s/%s: found %v (%v)", lang, num, files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGuardrails checks the Canadian bodies in the cloud guardrails, and that
// each guardrail names the same entities in English and in French.
func TestGuardrails(t *testing.T) {
	g := Default()
	t.Run("CSE in 06", func(t *testing.T) {
		for _, c := range []struct{ lang, name string }{{"en", "CSE"}, {"fr", "CST"}} {
			text := guardrail(t, c.lang, "06")
			var found bool
			for _, m := range g.Find(text) {
				if m.ID == "cse" && text[m.Start:m.End] == c.name {
					found = true
				}
			}
			if !found {
				t.Errorf("%s/06: no cse mention written %q", c.lang, c.name)
			}
		}
	})
	t.Run("names in links are not mentions", func(t *testing.T) {
		// 06 links to canada.ca/en/treasury-board-secretariat/... in both languages.
		for _, lang := range []string{"en", "fr"} {
			if a, _ := g.Extract(guardrail(t, lang, "06")); slices.Contains(a, "tbs") {
				t.Errorf("%s/06: tbs found in a URL", lang)
			}
		}
	})
	t.Run("same entities in both languages", func(t *testing.T) {
		// The English 06 cites the "Government of Canada Considerations for the
		// Use of Cryptography", which the French translates without the GC.
		except := map[string][]string{"06": {"gc"}}
		for n := 0; n <= 13; n++ {
			num := string([]byte{'0' + byte(n/10), '0' + byte(n%10)})
			en, _ := g.Extract(guardrail(t, "en", num))
			fr, _ := g.Extract(guardrail(t, "fr", num))
			en = slices.DeleteFunc(en, func(id string) bool { return slices.Contains(except[num], id) })
			if len(en) == 0 || !slices.Equal(en, fr) {
				t.Errorf("guardrail %s: actors en %v, fr %v", num, en, fr)
			}
		}
	})
	t.Run("expected bodies", func(t *testing.T) {
		for _, c := range []struct{ num, id string }{{"06", "cccs"}, {"12", "ssc"}, {"13", "tbs"}, {"05", "gc"}, {"07", "cse"}} {
			for _, lang := range []string{"en", "fr"} {
				if a, _ := g.Extract(guardrail(t, lang, c.num)); !slices.Contains(a, c.id) {
					t.Errorf("%s/%s: no %s in %v", lang, c.num, c.id, a)
				}
			}
		}
	})
	t.Run("no years", func(t *testing.T) {
		// "SPIN 2017-01" and "AMOPS 2017-01" are notice numbers; dates in
		// links are in URLs.
		for _, lang := range []string{"en", "fr"} {
			if y := Years(guardrail(t, lang, "06")); y != nil {
				t.Errorf("%s/06: Years = %v", lang, y)
			}
		}
	})
}

// annotation is the hand-made ground truth for one seed paragraph.
type annotation struct {
	File   string   `json:"file"`
	Prefix string   `json:"prefix"` // the first 40 characters of the paragraph
	Actors []string `json:"actors"`
	Forums []string `json:"forums"`
	Years  []int    `json:"years"`
	Note   string   `json:"note,omitempty"`
}

// paragraphs splits text into blocks separated by blank lines, trimmed.
func paragraphs(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		if p := strings.TrimSpace(strings.Join(cur, "\n")); p != "" {
			out = append(out, p)
		}
		cur = nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// prefix returns the first n characters of s.
func prefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// counts accumulates micro precision and recall.
type counts struct{ tp, fp, fn int }

func (c *counts) add(want, got []string) []string {
	var diff []string
	for _, g := range got {
		if slices.Contains(want, g) {
			c.tp++
		} else {
			c.fp++
			diff = append(diff, "+"+g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			c.fn++
			diff = append(diff, "-"+w)
		}
	}
	return diff
}

func (c counts) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c counts) recall() float64    { return ratio(c.tp, c.tp+c.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// TestSeedAnnotations measures Extract and Years against the hand annotation
// of every paragraph of the seed documents.
func TestSeedAnnotations(t *testing.T) {
	const (
		minEntityPrecision, minEntityRecall = 0.98, 0.97
		minYearPrecision, minYearRecall     = 0.95, 0.95
	)
	b, err := os.ReadFile("testdata/seed_annotations.json")
	if err != nil {
		t.Fatal(err)
	}
	var anns []annotation
	if err := json.Unmarshal(b, &anns); err != nil {
		t.Fatalf("seed_annotations.json: %v", err)
	}
	byKey := map[string]*annotation{}
	for i := range anns {
		a := &anns[i]
		key := a.File + "\x00" + a.Prefix
		if byKey[key] != nil {
			t.Fatalf("two annotations for %s %q", a.File, a.Prefix)
		}
		byKey[key] = a
	}

	files, err := filepath.Glob("../seeds/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seeds in ../seeds (%v)", err)
	}
	g := Default()
	var ents, years counts
	used := map[*annotation]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(b) {
			t.Fatalf("%s: not UTF-8", f)
		}
		for _, p := range paragraphs(string(b)) {
			a := byKey[filepath.Base(f)+"\x00"+prefix(p, 40)]
			if a == nil {
				t.Errorf("%s: paragraph %q not annotated", filepath.Base(f), prefix(p, 40))
				continue
			}
			if used[a] {
				t.Errorf("%s: annotation %q matches two paragraphs", a.File, a.Prefix)
			}
			used[a] = true
			for _, id := range a.Actors {
				if !g.IsType(id, Actor) {
					t.Errorf("%s %q: annotated actor %q is not an actor of the gazetteer", a.File, a.Prefix, id)
				}
			}
			for _, id := range a.Forums {
				if !g.IsType(id, Forum) {
					t.Errorf("%s %q: annotated forum %q is not a forum of the gazetteer", a.File, a.Prefix, id)
				}
			}

			actors, forums := g.Extract(p)
			var diff []string
			diff = append(diff, ents.add(a.Actors, actors)...)
			diff = append(diff, ents.add(a.Forums, forums)...)
			var wantY, gotY []string
			for _, y := range a.Years {
				wantY = append(wantY, itoa(y))
			}
			for _, y := range Years(p) {
				gotY = append(gotY, itoa(y))
			}
			diff = append(diff, years.add(wantY, gotY)...)
			if len(diff) > 0 {
				t.Logf("%s %q: %v", a.File, a.Prefix, diff)
			}
		}
	}
	for i := range anns {
		if !used[&anns[i]] {
			t.Errorf("annotation %s %q matches no paragraph", anns[i].File, anns[i].Prefix)
		}
	}

	t.Logf("entities (actor and forum ids by paragraph): precision %.3f, recall %.3f (tp %d, fp %d, fn %d)",
		ents.precision(), ents.recall(), ents.tp, ents.fp, ents.fn)
	t.Logf("years: precision %.3f, recall %.3f (tp %d, fp %d, fn %d)",
		years.precision(), years.recall(), years.tp, years.fp, years.fn)
	if ents.precision() < minEntityPrecision || ents.recall() < minEntityRecall {
		t.Errorf("entities: precision %.3f, recall %.3f; want at least %.2f, %.2f",
			ents.precision(), ents.recall(), minEntityPrecision, minEntityRecall)
	}
	if years.precision() < minYearPrecision || years.recall() < minYearRecall {
		t.Errorf("years: precision %.3f, recall %.3f; want at least %.2f, %.2f",
			years.precision(), years.recall(), minYearPrecision, minYearRecall)
	}
}

func itoa(n int) string {
	return string([]byte{'0' + byte(n/1000), '0' + byte(n/100%10), '0' + byte(n/10%10), '0' + byte(n%10)})
}
