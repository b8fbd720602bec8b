package indexer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
)

func TestParseMarkdown(t *testing.T) {
	src := "---\ntitle: \"Front title\"\nlang: fr\ndate: 2026-06-14\nsource: Somewhere, A-1\nlicence: OGL\n---\n\n# Heading one\n\n([Back](../README.md))\n\n## Objective\n\nProtect **data** at rest, see [the guide](https://example.org) and `ITSP`.\nSecond line of the same paragraph.\n\n- item *one*\n  continued\n  - nested\n\n| Activity | Validation |\n|-|-|\n| <ul><li>Encrypt &amp; sign.</li></ul> | <ul><li>Confirm A.</li><li>Confirm B.</li></ul> |\n"
	d, warns, err := Parse("x.md", []byte(src), "en")
	if err != nil || len(warns) > 0 {
		t.Fatalf("Parse: %v %v", err, warns)
	}
	if d.Title != "Front title" || d.Lang != "fr" || d.Updated != "2026-06-14" || d.Source != "Somewhere, A-1" || d.Licence != "OGL" {
		t.Errorf("metadata: %+v", d)
	}
	want := "Heading one\n\nObjective\n\nProtect data at rest, see the guide and ITSP. Second line of the same paragraph.\n\n• item one continued\n  • nested\n\nActivity:\n• Encrypt & sign.\nValidation:\n• Confirm A.\n• Confirm B."
	if d.Text != want {
		t.Errorf("text:\n%s\nwant:\n%s", d.Text, want)
	}
	var kinds []string
	for _, b := range d.Blocks {
		kinds = append(kinds, b.Kind.String())
	}
	if got := strings.Join(kinds, ","); got != "title,heading,paragraph,item,item,paragraph" {
		t.Errorf("blocks = %s", got)
	}
}

func TestFrontMatterErrors(t *testing.T) {
	for name, src := range map[string]string{
		"unclosed": "---\ntitle: x\n\n# Body\n\nText of the body here.\n",
		"bad yaml": "---\ntitle: [unclosed\n---\n# Body\n\nText of the body here.\n",
		"bad date": "---\ndate: last week\n---\n# Body\n\nText of the body here.\n",
	} {
		t.Run(name, func(t *testing.T) {
			d, warns, err := Parse("x.md", []byte(src), "en")
			if err != nil {
				t.Fatalf("a front-matter problem skipped the document: %v", err)
			}
			if len(warns) == 0 {
				t.Errorf("no warning for %s front matter", name)
			}
			if !strings.Contains(d.Text, "Text of the body here.") {
				t.Errorf("body lost: %q", d.Text)
			}
		})
	}
}

// TestGuardrailsTables checks real-world Markdown: HTML lists inside
// table cells become clean text.
func TestGuardrailsTables(t *testing.T) {
	guardrails := testutil.Corpus(t, "cloud-guardrails")
	files, _ := filepath.Glob(filepath.Join(guardrails, "*", "*.md"))
	if len(files) != 28 {
		t.Fatalf("%d guardrail files, want 28", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := Parse(filepath.Base(f), raw, "en")
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		wantLang := filepath.Base(filepath.Dir(f))
		if d.Lang != wantLang {
			t.Errorf("%s: lang %q, want %q", f, d.Lang, wantLang)
		}
		for _, bad := range []string{"<li>", "<ul>", "</", "](", "|-", "&amp;", "([Back", "([Retour"} {
			if strings.Contains(d.Text, bad) {
				i := strings.Index(d.Text, bad)
				t.Errorf("%s: display text keeps markup %q: …%s…", filepath.Base(f), bad, d.Text[max(0, i-40):min(len(d.Text), i+40)])
			}
		}
		if len(Split(d, SplitOptions{})) == 0 {
			t.Errorf("%s: no passages", f)
		}
	}
}
