package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/watch"
)

// watchHandler serves a data folder built twice: extra.md with one
// passage edited (and markup in its text), gone.txt removed, new.txt added.
func watchHandler(t *testing.T) http.Handler {
	t.Helper()
	seeds, data := t.TempDir(), t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(seeds, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("extra.md", "# Cyber policy\n\n## Defence\n\nCanada will strengthen its cyber defence (cost < 5% & rising) capabilities.\n\n## Research\n\nThe government funds research on secure networks.\n")
	write("gone.txt", "Fisheries note\n\nThis note about fisheries quotas will be deleted.\n")
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	write("extra.md", "# Cyber policy\n\n## Defence\n\nCanada will expand its cyber defence (cost < 5% & rising) capabilities.\n\n## Research\n\nThe government funds research on secure networks.\n")
	write("new.txt", "Quantum note\n\nQuantum computing threatens encryption.\n")
	if err := os.Remove(filepath.Join(seeds, "gone.txt")); err != nil {
		t.Fatal(err)
	}
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	sr := search.New(gen, search.Options{})
	t.Cleanup(func() { sr.Close() })
	get := func() *search.Searcher { return sr }
	return New(get, Options{Watch: watch.New(changelog.Open(data))})
}

func TestWhatsNewPage(t *testing.T) {
	h := watchHandler(t)
	tests := []struct {
		target string
		status int
		want   []string
		absent []string
	}{
		{"/changes", 200, []string{"3 changes", "<del>strengthen</del> <ins>expand</ins>", "change-added", "change-removed",
			`href="/feed.atom"`, "cost &lt; 5% &amp; rising", `href="/documents/gone/history#`}, []string{"<script>alert"}},
		{"/changes?q=quantum", 200, []string{"1 change<", "Quantum computing", `href="/feed.atom?q=quantum"`}, []string{"change-changed"}},
		{"/changes?year=2020&forum=nato", 200, []string{`<input type="hidden" name="forum" value="nato">`, `<input type="hidden" name="year" value="2020">`, "0 changes"}, nil},
		{"/changes?kind=removed&ui=fr", 200, []string{"Quoi de neuf", "1 modification", "Retiré", "fisheries"}, []string{"change-added"}},
		{"/changes?since=2000-01-01&lang=fr", 200, []string{"0 changes"}, nil},
		{"/changes?since=2000-01-01&lang=fr&ui=fr", 200, []string{"0 modifications"}, nil},
		{"/changes?since=yesterday", 400, []string{"since &#34;yesterday&#34;"}, nil},
		{"/documents/extra/history", 200, []string{"History", "Cyber policy", "Changed", "First seen", "<del>strengthen</del>"}, nil},
		{"/documents/extra/history?ui=fr", 200, []string{"Historique", "Modifié", "Première lecture"}, nil},
		{"/documents/gone/history", 200, []string{"Removed", "fisheries"}, nil},
		{"/documents/no-such/history", 404, nil, nil},
		{"/documents/extra", 200, []string{`href="/documents/extra/history"`}, nil},
		{"/?q=defence", 200, []string{`id="follow" href="/feed.atom?q=defence"`}, nil},
		{"/?q=defence&sort=date&date_from=2000", 200, []string{`id="follow" href="/feed.atom?q=defence"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			status, _, body := get(t, h, tt.target)
			if status != tt.status {
				t.Fatalf("status %d, want %d\n%.2000s", status, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("page has %q", a)
				}
			}
			assertInert(t, tt.target, body)
		})
	}
}

func TestSortAndDateRange(t *testing.T) {
	h := newHandler()
	tests := []struct {
		target string
		status int
		want   []string
		absent []string
	}{
		{"/?q=NATO+OR+OTAN&date_from=2020-01-01", 200, []string{`datetime="2025-05-28"`, `value="2020-01-01"`}, []string{`datetime="2017-10-04"`}},
		{"/?q=NATO+OR+OTAN&date_to=2018", 200, []string{`datetime="2017-10-04"`}, []string{`datetime="2025-05-28"`}},
		{"/?q=NATO+OR+OTAN&sort=date", 200, []string{`<option value="date" selected>`}, nil},
		{"/?q=cyber&date_from=soon", 400, []string{"date_from &#34;soon&#34;"}, nil},
		{"/?q=cyber&sort=newest", 400, []string{"sort &#34;newest&#34;"}, nil},
		{"/?sort=date&ui=fr", 200, []string{"Les plus récents d’abord", `class="hit"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			status, _, body := get(t, h, tt.target)
			if status != tt.status {
				t.Fatalf("status %d, want %d", status, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("page has %q", a)
				}
			}
		})
	}
	// By date, the first hit is the newest document's.
	_, _, body := get(t, h, "/?q=NATO+OR+OTAN&sort=date")
	first := strings.Index(body, "<time datetime=")
	if first < 0 || !strings.HasPrefix(body[first:], `<time datetime="2025`) {
		t.Errorf("first date shown: %.40s", body[max(first, 0):])
	}
}
