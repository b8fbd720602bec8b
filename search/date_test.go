package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// datedCorpus writes n documents about cyber defence, one per month from
// January 2019 (doc-00 the oldest), and one without a date.
func datedCorpus(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		body := fmt.Sprintf("Note %02d\n\nUpdated: %d-%02d-15\n\nThe cyber defence plan number %d is revised.\n", i, 2019+i/12, i%12+1, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("doc-%02d.txt", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "undated.txt"), []byte("Undated\n\nThe cyber defence plan without a date, cyber cyber defence.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSortByDateAndRange(t *testing.T) {
	s := openCorpus(t, datedCorpus(t, 30))
	ctx := context.Background()
	ids := func(r Request) []string {
		t.Helper()
		res, err := s.Search(ctx, r)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.DocID)
		}
		return out
	}
	// By date: newest first, the undated passage last.
	got := ids(Request{Query: "cyber defence", Sort: SortDate, Size: 40})
	if len(got) != 31 || got[0] != "doc-29" || got[1] != "doc-28" || got[29] != "doc-00" || got[30] != "undated" {
		t.Fatalf("by date: %v", got)
	}
	// By relevance the undated passage (more matches) is first.
	if got := ids(Request{Query: "cyber defence", Size: 1}); got[0] != "undated" {
		t.Errorf("by relevance: %v", got)
	}
	for _, tt := range []struct {
		from, to string
		want     int
		first    string
	}{
		{"2020", "2020", 12, "doc-23"},
		{"2019-03", "2019-04", 2, "doc-03"},
		{"2021-06-15", "", 1, "doc-29"},
		{"", "2019-01-31", 1, "doc-00"},
		{"2030", "", 0, ""},
	} {
		got := ids(Request{Query: "cyber", Sort: SortDate, DateFrom: tt.from, DateTo: tt.to, Size: 40})
		if len(got) != tt.want || (tt.want > 0 && got[0] != tt.first) {
			t.Errorf("from %q to %q: %v, want %d starting with %s", tt.from, tt.to, got, tt.want, tt.first)
		}
	}
	// Paging by cursor under the date order goes through every passage once.
	seen := map[string]bool{}
	r := Request{Sort: SortDate, Size: 7}
	for pages := 0; pages < 10; pages++ {
		res, err := s.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if seen[h.ID] {
				t.Fatalf("passage %s twice", h.ID)
			}
			seen[h.ID] = true
		}
		if res.Next == "" {
			break
		}
		r.After, r.Page = res.Next, 0
	}
	if len(seen) != 31 {
		t.Errorf("cursor paging saw %d passages, want 31", len(seen))
	}
	// A cursor of the relevance order is refused under the date order.
	res, _ := s.Search(ctx, Request{Query: "cyber", Size: 2})
	if _, err := s.Search(ctx, Request{Query: "cyber", Size: 2, Sort: SortDate, After: res.Next}); err == nil {
		t.Error("a relevance cursor was accepted for the date order")
	}
	for _, bad := range []Request{{Sort: "newest"}, {DateFrom: "2020-13"}, {DateTo: "yesterday"}, {DateFrom: "2021", DateTo: "2020"}} {
		var in *InputError
		if _, err := s.Search(ctx, bad); !errors.As(err, &in) {
			t.Errorf("%+v: %v, want an InputError", bad, err)
		}
	}
}
