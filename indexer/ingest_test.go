package indexer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseDateLine(t *testing.T) {
	tests := []struct {
		line     string
		pub, upd string
		ok       bool
	}{
		{"Updated: 04.10.17", "", "2017-10-04", true},
		{"Publié le 28 Juillet 2022 Mis à jour le 28 Mai 2025", "2022-07-28", "2025-05-28", true},
		{"Published on March 3, 2021", "2021-03-03", "", true},
		{"Last updated 2024-02-29", "", "2024-02-29", true},
		{"Mis à jour le 1er février 2018", "", "2018-02-01", true},
		{"Updated: 31.02.17", "", "", false}, // no 31 February
		{"The strategy was updated in spring", "", "", false},
		{"France participated in five UN groups", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			pub, upd, ok := parseDateLine(tt.line)
			if pub != tt.pub || upd != tt.upd || ok != tt.ok {
				t.Errorf("parseDateLine(%q) = %q, %q, %v; want %q, %q, %v", tt.line, pub, upd, ok, tt.pub, tt.upd, tt.ok)
			}
		})
	}
}

func TestNormalizeDate(t *testing.T) {
	for in, want := range map[string]string{"2026-06-14": "2026-06-14", "2024": "2024-01-01", "2024-05": "2024-05-01", "2024-05-06T10:00:00Z": "2024-05-06"} {
		got, err := normalizeDate(in)
		if err != nil || got != want {
			t.Errorf("normalizeDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := normalizeDate("last week"); err == nil {
		t.Error("normalizeDate(\"last week\") succeeded")
	}
}

func readSeeds(t *testing.T) map[string]*Document {
	t.Helper()
	docs, problems, err := ReadDir(context.Background(), "../seeds", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("problems reading seeds: %v", problems)
	}
	out := map[string]*Document{}
	for _, d := range docs {
		out[d.ID] = d
	}
	return out
}

func TestReadSeeds(t *testing.T) {
	docs := readSeeds(t)
	tests := []struct {
		id, title, lang, published, updated string
		year                                int
	}{
		{"000_00170ef7a4690722", "Cyber security", "en", "", "2017-10-04", 2017},
		{"004_dca60fb814a64a17", "A l’international", "fr", "2022-07-28", "2025-05-28", 2025},
	}
	if len(docs) != len(tests) {
		t.Fatalf("read %d documents, want %d", len(docs), len(tests))
	}
	for _, tt := range tests {
		d := docs[tt.id]
		if d == nil {
			t.Fatalf("no document %q", tt.id)
		}
		if d.Title != tt.title || d.Lang != tt.lang || d.Published != tt.published || d.Updated != tt.updated || d.Year() != tt.year {
			t.Errorf("%s: got title %q lang %q published %q updated %q year %d; want %q %q %q %q %d",
				tt.id, d.Title, d.Lang, d.Published, d.Updated, d.Year(), tt.title, tt.lang, tt.published, tt.updated, tt.year)
		}
		raw, err := os.ReadFile(filepath.Join("../seeds", d.Path))
		if err != nil {
			t.Fatal(err)
		}
		if d.Text != string(raw) {
			t.Errorf("%s: plain-text display text differs from the (NFC, LF) file", tt.id)
		}
	}
}

func TestParseNormalizes(t *testing.T) {
	// NFD input, CRLF line ends and a BOM: display text is NFC with LF.
	raw := "\uFEFFTitre\r\n\r\nLa se\u0301curite\u0301 des syste\u0300mes d’information est une priorité de l’État.\r\n"
	d, _, err := Parse("x.txt", []byte(raw), "en")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d.Text, "\r") || strings.HasPrefix(d.Text, "\uFEFF") {
		t.Errorf("text keeps CR or BOM: %q", d.Text)
	}
	if !strings.Contains(d.Text, "sécurité des systèmes") {
		t.Errorf("text not NFC: %q", d.Text)
	}
	if d.Lang != "fr" {
		t.Errorf("lang = %q, want fr", d.Lang)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want string
	}{
		{"empty", []byte("  \n\n "), "empty file"},
		{"invalid utf8, not windows-1252", []byte("Caf\x81 cr\x8dme et th\x9d"), "not valid UTF-8"},
		{"invalid utf8, symbols", []byte("R\xe9sum\xe9 \xd7\xf7\xa4\xa6\xac\xb1 \xd7\xf7\xa4"), "not valid UTF-8"},
		{"utf16 bom, not utf16", []byte("\xff\xfe\x00garbage"), "UTF-16"},
		{"binary", []byte("PK\x03\x04\x00\x00abc"), "binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse("bad.txt", tt.raw, "en")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadDirReportsAndContinues(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.txt", "Good\n\nThe agency is responsible for the security of the networks of the state.\n")
	write("sub/deeper/note.md", "# Note\n\nLa France est active au sein de l’Union européenne et de l’OTAN.\n")
	write("empty.txt", "")
	write("bad.txt", "\xff\xfe\x00garbage")
	write("ignored.pdf", "not read")
	write(".hidden/secret.txt", "Hidden\n\nThis should never be read by the indexer at all.\n")
	docs, problems, err := ReadDir(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "good,sub--deeper--note" {
		t.Errorf("ids = %v", ids)
	}
	if len(problems) != 2 {
		t.Fatalf("problems = %v, want 2", problems)
	}
	for _, p := range problems {
		if !p.Skipped || (p.Path != "bad.txt" && p.Path != "empty.txt") {
			t.Errorf("unexpected problem %v", p)
		}
	}
	if _, _, err := ReadDir(context.Background(), filepath.Join(dir, "missing"), ReadOptions{}); err == nil {
		t.Error("ReadDir on a missing folder succeeded")
	}
}

func TestDocID(t *testing.T) {
	for in, want := range map[string]string{
		"000_00170ef7a4690722.txt": "000_00170ef7a4690722",
		"fr/02_Gérer-l’accès.md":   "fr--02_Gerer-l-acces",
		"laws-canada/en/A-1.3.md":  "laws-canada--en--A-1.3",
		"fr/12_Configuration-des-marchés-de-l’informatique en nuage.md": "fr--12_Configuration-des-marches-de-l-informatique-en-nuage",
	} {
		if got := docID(in); got != want {
			t.Errorf("docID(%q) = %q, want %q", in, got, want)
		}
	}
}
