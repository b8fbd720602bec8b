package indexer

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestFormats reads one small fixture per format and encoding.
func TestFormats(t *testing.T) {
	docs, problems, err := ReadDir(context.Background(), "testdata/formats", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*Document{}
	for _, d := range docs {
		byPath[d.Path] = d
	}
	tests := []struct {
		path, id, title, lang, enc string
		published, updated, source string
		actors, forums             string
		contains, lacks            []string
	}{
		{path: "utf8.txt", id: "utf8", title: "Sécurité du numérique", lang: "fr", contains: []string{"l’État"}},
		{path: "utf8-bom.md", id: "utf8-bom", title: "Cyber security", lang: "en", lacks: []string{"\uFEFF", "#"}},
		{path: "utf16le.txt", id: "utf16le", title: "Sécurité en UTF-16", lang: "fr", enc: "UTF-16LE", contains: []string{"où qu’ils soient"}, lacks: []string{"\r", "\x00"}},
		{path: "utf16be.txt", id: "utf16be", title: "Security in UTF-16", lang: "en", enc: "UTF-16BE", contains: []string{"information systems"}},
		{path: "cp1252.txt", id: "cp1252", title: "Mis à jour : accès et sécurité", lang: "fr", enc: "Windows-1252",
			contains: []string{"« Les opérateurs d’importance vitale » – cœur", "l’État"}, lacks: []string{"\r", "\uFFFD"}},
		{path: "crlf.md", id: "crlf", title: "Retours à la ligne", lang: "fr", updated: "2024-05-06", contains: []string{"Première section\n\nLa sécurité"}, lacks: []string{"\r", "---"}},
		{path: "latin9.html", id: "latin9", title: "Le cœur du sujet", lang: "fr", enc: "iso-8859-15", contains: []string{"au cœur de la stratégie"}},
		{path: "page.html", id: "page", title: "Stratégie nationale de cybersécurité", lang: "fr",
			published: "2019-06-01", updated: "2024-03-15", source: "https://example.gc.ca/strategie.html",
			contains: []string{
				"La stratégie protège les systèmes d’information de l’État et des opérateurs.",
				"• Renforcer la coopération\n  • avec l’OTAN\n  • avec l’Union européenne\n• Former les agents",
				"Organisme: Centre de la sécurité\nRôle: Défendre les réseaux",
				"Rôle:\n• Coordonner\n• Financer",
			},
			lacks: []string{"tracking", "font-family", "Passer au contenu", "témoins", "Accueil", "Menu du site", "À lire aussi", "pas du texte", "Texte caché", "Gouvernement du Canada", "<"}},
		{path: "nomain.html", id: "nomain", title: "Cyber security strategy", lang: "en",
			contains: []string{"operators of vital importance.\n\n• First step of the plan\n• Second step"},
			lacks:    []string{"Example Agency", "cookies", "Contact us"}},
		{path: "with-sidecar.txt", id: "with-sidecar", title: "Security of State Systems", lang: "en", updated: "2023-02-01",
			source: "https://example.org/security", actors: "anssi,cse", forums: "nato"},
		{path: "bulk.jsonl#L1", id: "Rapport-2024-01", title: "Rapport annuel", lang: "fr", updated: "2024-01-31",
			source: "https://example.org/r1", actors: "anssi", forums: "otan,un", contains: []string{"La sécurité des systèmes"}},
		{path: "bulk.jsonl#L2", id: "42", title: "Markdown record", lang: "en", contains: []string{"• first item of the list"}},
		{path: "bulk.jsonl#L5", id: "from-action", title: "Bulk action", lang: "en", contains: []string{"operators of vital importance"}},
	}
	if len(docs) != len(tests) {
		var got []string
		for _, d := range docs {
			got = append(got, d.Path)
		}
		t.Errorf("read %d documents %v, want %d", len(docs), got, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			d := byPath[tt.path]
			if d == nil {
				t.Fatalf("no document %s", tt.path)
			}
			got := fmt.Sprintf("id=%s title=%q lang=%s enc=%s published=%s updated=%s source=%s actors=%s forums=%s",
				d.ID, d.Title, d.Lang, d.Encoding, d.Published, d.Updated, d.Source, strings.Join(d.Actors, ","), strings.Join(d.Forums, ","))
			want := fmt.Sprintf("id=%s title=%q lang=%s enc=%s published=%s updated=%s source=%s actors=%s forums=%s",
				tt.id, tt.title, tt.lang, tt.enc, tt.published, tt.updated, tt.source, tt.actors, tt.forums)
			if got != want {
				t.Errorf("\n got %s\nwant %s", got, want)
			}
			for _, s := range tt.contains {
				if !strings.Contains(d.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, d.Text)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(d.Text, s) {
					t.Errorf("text holds %q:\n%s", s, d.Text)
				}
			}
			checkBlocks(t, d)
			if ps := Split(d, SplitOptions{}); len(ps) == 0 {
				t.Error("no passages")
			}
		})
	}
	// The fixture folder's deliberate problems: bad JSON Lines lines and an
	// unknown sidecar field.
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		`bulk.jsonl:6: skipped: not valid JSON (unexpected end of JSON input at byte 52)`,
		`bulk.jsonl:7: skipped: not a JSON object`,
		`bulk.jsonl:8: skipped: no text: give one of the fields text, markdown or html`,
		`bulk.jsonl:9: skipped: field "title": want a string, not a JSON number`,
		`with-sidecar.txt: warning: sidecar with-sidecar.meta.json: unknown fields ignored: note`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// checkBlocks verifies that blocks are ordered, within the text, and
// trimmed: the offsets highlighting relies on.
func checkBlocks(t *testing.T, d *Document) {
	t.Helper()
	prev := 0
	for _, b := range d.Blocks {
		if b.Start < prev || b.End > len(d.Text) || b.Start >= b.End {
			t.Fatalf("block %+v out of order or range (text %d bytes)", b, len(d.Text))
		}
		s := d.Text[b.Start:b.End]
		if strings.TrimSpace(s) != s {
			t.Errorf("block %q not trimmed", s)
		}
		prev = b.End
	}
}

// TestHTMLBlocks checks the structure an HTML page yields: title line,
// headings with their levels, list items with their nesting.
func TestHTMLBlocks(t *testing.T) {
	raw, err := os.ReadFile("testdata/formats/page.html")
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := Parse("page.html", raw, "en")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range d.Blocks {
		got = append(got, fmt.Sprintf("%s/%d", b.Kind, b.Level))
	}
	want := "title/1 paragraph/0 heading/2 paragraph/0 item/1 item/1 item/2 item/2 item/1 heading/2 paragraph/0 paragraph/0"
	if strings.Join(got, " ") != want {
		t.Errorf("blocks\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	ps := Split(d, SplitOptions{})
	if len(ps) != 3 || ps[1].Heading != "Objectifs" || !strings.HasPrefix(ps[1].Text, "Les objectifs sont les suivants :\n\n• Protéger") {
		t.Errorf("passages: %+v", ps)
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name    string
		raw     []byte
		want    string
		enc     string
		wantErr string
	}{
		{"utf8", []byte("é"), "é", "", ""},
		{"utf8 bom", []byte("\xef\xbb\xbfé"), "é", "", ""},
		{"utf16le bom", []byte("\xff\xfe\xe9\x00t\x00\xe9\x00"), "été", "UTF-16LE", ""},
		{"utf16be bom", []byte("\xfe\xff\x00\xe9\x00t\x00\xe9"), "été", "UTF-16BE", ""},
		{"utf16 odd length", []byte("\xff\xfeabc"), "", "", "odd number of bytes"},
		{"windows-1252 french", []byte("L\x92\xe9t\xe9 \x96 \xab c\x9cur \xbb"), "L’été – « cœur »", "Windows-1252", ""},
		{"latin-1 french", []byte("Caf\xe9 cr\xe8me et th\xe9"), "Café crème et thé", "Windows-1252", ""},
		{"undefined windows-1252 byte", []byte("Caf\x81"), "", "", "not valid UTF-8"},
		{"symbols, not text", []byte("\xd7\xf7\xa4\xa6 ab"), "", "", "not valid UTF-8"},
		{"nul", []byte("abc\x00def"), "", "", "binary"},
		{"controls", []byte("ab\x01\x02\x03\x04\x05\x06\x07\x08cdefghijkl"), "", "", "binary"},
		{"empty", []byte(" \n\t"), "", "", "empty"},
		{"utf16 empty", []byte("\xff\xfe \x00"), "", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, err := decodeText(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want || enc != tt.enc {
				t.Errorf("decodeText = %q, %q, %v; want %q, %q", got, enc, err, tt.want, tt.enc)
			}
		})
	}
}

// TestBadInput reads the bad-input folder, plus a 200 MB file made here,
// and compares the messages with testdata/bad.golden (go test -update
// rewrites it). The large file must be skipped from its size, unread.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := copyTree("testdata/bad", dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "huge.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(200 << 20); err != nil { // sparse: instant, no disk used
		t.Fatal(err)
	}
	f.Close()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	docs, problems, err := ReadDir(context.Background(), dir, ReadOptions{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("reading the folder allocated %d MiB: the 200 MB file was read", alloc>>20)
	}
	var b strings.Builder
	b.WriteString("# documents\n")
	for _, d := range docs {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", d.ID, d.Path, d.Lang)
	}
	b.WriteString("# problems\n")
	for _, p := range problems {
		fmt.Fprintf(&b, "%s [%s]\n", p, p.Kind)
	}
	golden := filepath.Join("testdata", "bad.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("bad-input report differs from %s (go test -update rewrites it)\n got:\n%s\nwant:\n%s", golden, b.String(), want)
	}
	// Every file of the folder is either indexed or named in a problem.
	named := map[string]bool{}
	for _, d := range docs {
		named[sourcePath(d.Path)] = true
	}
	for _, p := range problems {
		named[p.Path] = true
	}
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			if !named[filepath.ToSlash(rel)] && !strings.HasSuffix(rel, sidecarSuffix) {
				t.Errorf("%s is neither indexed nor reported", rel)
			}
		}
		return nil
	})
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

func TestHardCut(t *testing.T) {
	long := strings.Repeat("mot ", 3000) // 12,000 characters, no sentence end
	d := &Document{ID: "d", Lang: "fr", Text: long, Blocks: []Block{{Kind: Paragraph, Start: 0, End: len(long) - 1}}}
	for _, limit := range []int{500, 8000} {
		ps := Split(d, SplitOptions{Limit: limit})
		total := 0
		for _, p := range ps {
			n := len([]rune(p.Text))
			if n > limit {
				t.Errorf("limit %d: passage of %d characters", limit, n)
			}
			if strings.HasPrefix(p.Text, " ") || strings.HasSuffix(p.Text, " ") || strings.HasSuffix(p.Text, "m") {
				t.Errorf("limit %d: passage cut inside a word or untrimmed: …%q", limit, p.Text[max(0, len(p.Text)-10):])
			}
			total += len(strings.Fields(p.Text))
		}
		if total != 3000 {
			t.Errorf("limit %d: %d words in passages, want 3000", limit, total)
		}
	}
	// Without spaces the cut falls between characters.
	solid := strings.Repeat("é", 9000)
	d = &Document{ID: "d", Lang: "fr", Text: solid, Blocks: []Block{{Kind: Paragraph, Start: 0, End: len(solid)}}}
	ps := Split(d, SplitOptions{})
	if len(ps) != 2 || len([]rune(ps[0].Text)) != 8000 || len([]rune(ps[1].Text)) != 1000 {
		t.Errorf("solid text: %d passages", len(ps))
	}
}

func FuzzParseHTML(f *testing.F) {
	raw, _ := os.ReadFile("testdata/formats/page.html")
	f.Add(string(raw))
	f.Add("<ul><li>a<ul><li>b</ul></ul><table><tr><td>x</table>")
	f.Fuzz(func(t *testing.T, src string) {
		d, _, err := Parse("f.html", []byte(src), "en")
		if err != nil {
			return
		}
		checkBlocks(t, d)
		for _, p := range Split(d, SplitOptions{}) {
			if d.Text[p.Start:p.End] != p.Text {
				t.Fatalf("passage offsets do not match its text")
			}
		}
	})
}

func FuzzJSONLLine(f *testing.F) {
	f.Add(`{"id": "x", "text": "The agency is responsible for the security of the state."}`)
	f.Add(`{"index": {"_id": 3}}`)
	f.Add(`{"id": 1e400, "markdown": "# t"}`)
	f.Fuzz(func(t *testing.T, line string) {
		r := newReader(t.TempDir(), ReadOptions{}, map[string]bool{})
		pending := ""
		e, ok := r.jsonlLine("f.jsonl", 1, []byte(line), &pending, docMeta{}, nil)
		if ok && e.doc != nil {
			checkBlocks(t, e.doc)
			if e.doc.ID == "" {
				t.Fatal("empty id")
			}
		}
	})
}

func FuzzDecodeText(f *testing.F) {
	f.Add([]byte("Caf\xe9 cr\xe8me"))
	f.Add([]byte("\xff\xfeh\x00i\x00"))
	f.Add([]byte("\xef\xbb\xbfok"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, _, err := decodeText(raw)
		if err != nil {
			return
		}
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || strings.TrimSpace(s) == "" {
			t.Fatalf("decodeText(%q) = %q: not clean text", raw, s)
		}
	})
}
