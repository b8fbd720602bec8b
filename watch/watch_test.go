package watch

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

func TestParseSince(t *testing.T) {
	tests := []struct {
		in   string
		t    time.Time
		gen  string
		fail bool
	}{
		{"", time.Time{}, "", false},
		{"2026-01-31", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), "", false},
		{"2026-01-31T08:00:00+01:00", time.Date(2026, 1, 31, 7, 0, 0, 0, time.UTC), "", false},
		{"gen-20260131T080000.000000000Z", time.Time{}, "gen-20260131T080000.000000000Z", false},
		{"yesterday", time.Time{}, "", true},
		{"gen-../../etc", time.Time{}, "", true},
		{"2026-13-01", time.Time{}, "", true},
	}
	for _, tt := range tests {
		got, gen, err := ParseSince(tt.in)
		var in *search.InputError
		if tt.fail != (err != nil) || (err != nil && !errors.As(err, &in)) {
			t.Errorf("ParseSince(%q) error %v, want failure %t (an InputError)", tt.in, err, tt.fail)
			continue
		}
		if !got.Equal(tt.t) || gen != tt.gen {
			t.Errorf("ParseSince(%q) = %v %q, want %v %q", tt.in, got, gen, tt.t, tt.gen)
		}
	}
}

// buildTwice indexes n documents, edits every one, and indexes again:
// n changed passages in the log.
func buildTwice(t testing.TB, n int) (*view, func()) {
	seeds, data := t.TempDir(), t.TempDir()
	for v := range 2 {
		for i := range n {
			verb := []string{"strengthen", "expand"}[v]
			body := fmt.Sprintf("Note %d\n\nCanada will %s its cyber defence with partner number %d in the quantum era.\n", i, verb, i)
			if err := os.WriteFile(filepath.Join(seeds, fmt.Sprintf("doc-%04d.txt", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: seeds, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	sr := search.New(gen, search.Options{})
	return &view{New(changelog.Open(data)), sr}, func() { sr.Close() }
}

// view runs the Watcher's requests on a view of a searcher, as the API does.
type view struct {
	*Watcher
	sr *search.Searcher
}

func (w *view) Changes(ctx context.Context, r Request) (*Result, error) {
	v := w.sr.Acquire()
	defer v.Release()
	return w.Watcher.Changes(ctx, v, r)
}

func TestChangesPagingAndFeed(t *testing.T) {
	w, done := buildTwice(t, 30)
	defer done()
	ctx := context.Background()
	res, err := w.Changes(ctx, Request{Size: 20})
	if err != nil || res.Total != 30 || len(res.Changes) != 20 {
		t.Fatalf("page 1: %+v %v", res, err)
	}
	res2, err := w.Changes(ctx, Request{Size: 20, Page: 2})
	if err != nil || len(res2.Changes) != 10 || res2.Changes[0].ID == res.Changes[0].ID {
		t.Fatalf("page 2: %+v %v", res2, err)
	}
	for _, c := range res.Changes {
		if c.Kind != changelog.Changed || c.Diff == nil || c.Diff.Removed[0] != "strengthen" {
			t.Fatalf("change %+v", c)
		}
	}
	if r, err := w.Changes(ctx, Request{Query: "partner number 7"}); err != nil || r.Total != 1 || r.Changes[0].DocID != "doc-0007" {
		t.Errorf("q narrows to one change: %+v %v", r, err)
	}
	if r, err := w.Changes(ctx, Request{Query: "strengthen"}); err != nil || r.Total != 0 {
		t.Errorf("the old word matches nothing now: %+v %v", r, err)
	}
	if _, err := w.Changes(ctx, Request{Size: 1000}); err == nil {
		t.Error("size 1000 accepted")
	}
	if r, err := w.Changes(ctx, Request{Since: res.Generation}); err != nil || r.Total != 0 {
		t.Errorf("since the live generation: %+v %v", r, err)
	}

	var buf bytes.Buffer
	if err := WriteAtom(&buf, Feed{Title: "Vigie: <cyber> & co", Key: "q=cyber", Self: "/feed.atom?q=cyber"}, res.Changes); err != nil {
		t.Fatal(err)
	}
	var f struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Entries []struct {
			ID      string `xml:"id"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if f.Title != "Vigie: <cyber> & co" || f.ID != FeedTag+"feed?q=cyber" || len(f.Entries) != 20 {
		t.Errorf("feed %q %q %d entries", f.Title, f.ID, len(f.Entries))
	}
	if !strings.Contains(f.Entries[0].Content, "<del>strengthen</del>") || !strings.HasPrefix(f.Entries[0].ID, FeedTag+"change/gen-") {
		t.Errorf("entry %+v", f.Entries[0])
	}
}

// BenchmarkChangesQuery measures a filtered request: the changed passages
// are indexed in memory and searched (1,000 changes).
func BenchmarkChangesQuery(b *testing.B) {
	w, done := buildTwice(b, 1000)
	defer done()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		w.mu.Lock()
		w.cache, w.order = map[string]cached{}, nil // measure the filtering, not the cache
		w.mu.Unlock()
		if _, err := w.Changes(ctx, Request{Query: "quantum defence"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChangesQueryCached is the same request answered again (a feed
// reader polling).
func BenchmarkChangesQueryCached(b *testing.B) {
	w, done := buildTwice(b, 1000)
	defer done()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.Changes(ctx, Request{Query: "quantum defence"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChangesPlain is the same request without q or filters.
func BenchmarkChangesPlain(b *testing.B) {
	w, done := buildTwice(b, 1000)
	defer done()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.Changes(ctx, Request{}); err != nil {
			b.Fatal(err)
		}
	}
}
