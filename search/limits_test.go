package search

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func TestLimits(t *testing.T) {
	s := openCorpus(t, "../seeds")
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("cyber ", n)) }
	chain := func(n int) string { // one word that analyses to n tokens
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf("w%d", i)
		}
		return strings.Join(parts, "-")
	}
	tests := []struct {
		name  string
		req   Request
		limit string // "" for success
	}{
		{"query at the byte limit", Request{Query: strings.Repeat("a", 1024)}, ""},
		{"query over the byte limit", Request{Query: strings.Repeat("a", 1025)}, LimitQueryBytes},
		{"32 words", Request{Query: words(32)}, ""},
		{"33 words", Request{Query: words(33)}, LimitTerms},
		{"33 excluded words", Request{Query: "x " + strings.Repeat("-nato ", 32)}, LimitTerms},
		{"phrase of 33 words", Request{Query: `"` + words(33) + `"`}, LimitTerms},
		{"size 100", Request{Query: "cyber", Size: 100}, ""},
		{"size 101", Request{Query: "cyber", Size: 101}, LimitSize},
		{"page 100 of 100", Request{Query: "cyber", Page: 100, Size: 100}, ""},
		{"page 101 of 100", Request{Query: "cyber", Page: 101, Size: 100}, LimitWindow},
		{"page 10001 of 1", Request{Query: "cyber", Page: 10001, Size: 1}, LimitWindow},
		{"huge page", Request{Query: "cyber", Page: 1 << 62, Size: 100}, LimitWindow},
		{"one word of 20 tokens", Request{Query: chain(20)}, ""},
		{"one word of 200 tokens", Request{Query: chain(200)}, LimitClauses},
		{"many filter values", Request{Query: "cyber", Filters: map[string][]string{"year": manyYears(1100)}}, LimitClauses},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Search(context.Background(), tt.req)
			if tt.limit == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			var in *InputError
			if !errors.As(err, &in) || in.Limit != tt.limit {
				t.Fatalf("error %#v, want an InputError for %s", err, tt.limit)
			}
			if in.Msg == "" || !strings.ContainsAny(in.Msg, "0123456789") {
				t.Errorf("message %q does not state the limit", in.Msg)
			}
		})
	}
}

func TestClauseLimitCountsPrefixExpansion(t *testing.T) {
	base := openCorpus(t, "../seeds").Acquire()
	defer base.Release()
	// The clauses of a plain word and of the same word as a prefix: the
	// prefix matches many indexed terms in the seeds (cybersécurité,
	// cyberattaques, cyberespace…).
	plain, err := countClauses(bleveQuery(t, "cyber"), base, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	prefix, err := countClauses(bleveQuery(t, "cyber*"), base, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if prefix <= plain+2 {
		t.Fatalf("cyber* counts %d clauses, cyber %d: prefix expansion not counted", prefix, plain)
	}
	s := openCorpus(t, "../seeds")
	s.opts.Limits.MaxClauses = plain
	if _, err := s.Search(context.Background(), Request{Query: "cyber"}); err != nil {
		t.Errorf("cyber within %d clauses: %v", s.opts.Limits.MaxClauses, err)
	}
	var in *InputError
	if _, err := s.Search(context.Background(), Request{Query: "cyber*"}); !errors.As(err, &in) || in.Limit != LimitClauses {
		t.Errorf("cyber* over %d clauses: %v", s.opts.Limits.MaxClauses, err)
	}
}

// bleveQuery is the text query Search builds for a query string.
func bleveQuery(t *testing.T, q string) *query.BooleanQuery {
	t.Helper()
	b := bleve.NewBooleanQuery()
	b.AddMust(textQuery(plan{q: Parse(q)}, false))
	return b
}

type fakeDict int

func (d fakeDict) countPrefix(field, prefix string, limit int) (int, error) {
	return min(int(d), limit), nil
}

func TestCountClauses(t *testing.T) {
	p := bleve.NewPrefixQuery("ab")
	p.SetField("text_en")
	m := bleve.NewMatchQuery("cyber-security strategy")
	m.Analyzer = "vigie_en"
	q := bleve.NewDisjunctionQuery(p, m, bleve.NewTermQuery("x"))
	n, err := countClauses(q, fakeDict(7), 1000)
	if err != nil || n != 7+3+1 {
		t.Errorf("countClauses = %d, %v; want 7 prefix terms + 3 tokens + 1 term", n, err)
	}
	n, _ = countClauses(q, fakeDict(5000), 100)
	if n <= 100 || n > 200 {
		t.Errorf("countClauses with limit 100 = %d: should stop soon after the limit", n)
	}
}

func TestCursorPaging(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	for _, q := range []string{"cyber*", "", "OTAN zzzzunknownword", "lang:fr securite"} {
		t.Run(q, func(t *testing.T) {
			all, err := s.Search(ctx, Request{Query: q, Size: 100})
			if err != nil {
				t.Fatal(err)
			}
			if int(all.Total) > 100 || all.Next != "" {
				t.Fatalf("%d hits, next %q: the seeds should fit one page of 100", all.Total, all.Next)
			}
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatal("cursor paging does not end")
				}
				res, err := s.Search(ctx, Request{Query: q, Size: 3, After: after})
				if err != nil {
					t.Fatalf("page %d: %v", pages, err)
				}
				if res.Relaxed != all.Relaxed || res.Total != all.Total {
					t.Fatalf("page %d: relaxed %v total %d, first page %v %d", pages, res.Relaxed, res.Total, all.Relaxed, all.Total)
				}
				if after != "" && res.Page != 0 {
					t.Errorf("page = %d in a result reached by a cursor", res.Page)
				}
				for _, h := range res.Hits {
					got = append(got, h.ID)
				}
				if res.Next == "" {
					break
				}
				if len(res.Hits) != 3 {
					t.Fatalf("a page of %d hits has a next cursor", len(res.Hits))
				}
				after = res.Next
			}
			if len(got) != len(all.Hits) {
				t.Fatalf("cursor paging gave %d hits, one page %d", len(got), len(all.Hits))
			}
			for i, h := range all.Hits {
				if got[i] != h.ID {
					t.Fatalf("hit %d: %s by cursor, %s in one page", i, got[i], h.ID)
				}
			}
		})
	}
}

func TestCursorMisuse(t *testing.T) {
	s := openCorpus(t, "../seeds")
	ctx := context.Background()
	first, err := s.Search(ctx, Request{Query: "cyber*", Size: 2})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, next %q", err, first.Next)
	}
	// Page-based paging from a page also gives a cursor to go on with.
	if p2, err := s.Search(ctx, Request{Query: "cyber*", Size: 2, Page: 2}); err != nil || p2.Next == "" {
		t.Fatalf("page 2: %v, next %q", err, p2.Next)
	}
	for name, r := range map[string]Request{
		"other query":    {Query: "cyber* nato", Size: 2, After: first.Next},
		"other filter":   {Query: "cyber*", Size: 2, After: first.Next, Filters: map[string][]string{"lang": {"fr"}}},
		"garbage":        {Query: "cyber*", After: "not a cursor"},
		"base64 garbage": {Query: "cyber*", After: "e30"},
		"huge":           {Query: "cyber*", After: strings.Repeat("A", 10000)},
		"with a page":    {Query: "cyber*", Page: 2, After: first.Next},
	} {
		t.Run(name, func(t *testing.T) {
			var in *InputError
			if _, err := s.Search(ctx, r); !errors.As(err, &in) {
				t.Errorf("error %v, want an InputError", err)
			}
		})
	}
}

// TestForgedCursor: a cursor is not secret; one forged to ask for a
// relaxed run of a query that has nothing to relax must not break the
// search (found by FuzzParse: "-0").
func TestForgedCursor(t *testing.T) {
	s := openCorpus(t, "../seeds")
	for _, q := range []string{"-0", "-nato", "", "cyber"} {
		c := cursor{Sort: []string{"1", "x"}, Relaxed: true, Key: queryKey(q, map[string][]string{})}
		if q == "" {
			c.Sort = []string{"a", "1", "x"}
		}
		if _, err := s.Search(context.Background(), Request{Query: q, After: c.encode()}); err != nil {
			t.Errorf("%q with a forged relaxed cursor: %v", q, err)
		}
	}
}

func TestLimitsValidate(t *testing.T) {
	if err := (Limits{}).Validate(); err != nil {
		t.Errorf("default limits: %v", err)
	}
	for _, l := range []Limits{{MaxSize: -1}, {MaxFuzziness: 3}, {MaxWindow: 50, MaxSize: 100}, {MaxClauses: -5}} {
		if err := l.Validate(); err == nil {
			t.Errorf("%+v: no error", l)
		}
	}
	var in *InputError
	if err := (Limits{}).CheckFuzziness(3); !errors.As(err, &in) || in.Limit != LimitFuzziness {
		t.Errorf("fuzziness 3: %v", err)
	}
	if err := (Limits{}).CheckFuzziness(2); err != nil {
		t.Errorf("fuzziness 2: %v", err)
	}
}

// BenchmarkCheckClauses: the cost of counting clauses (prefixes read the
// index dictionary) before a search.
func BenchmarkCheckClauses(b *testing.B) {
	s := openCorpus(b, "../seeds").Acquire()
	defer s.Release()
	for _, q := range []string{"cyber attacks", "cy*", "c* cy* cyb* cybe* cyber*"} {
		b.Run(q, func(b *testing.B) {
			parsed := Parse(q)
			for b.Loop() {
				if err := s.checkClauses(textQuery(plan{q: parsed}, false), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// manyYears returns n distinct valid year filter values.
func manyYears(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(1000 + i)
	}
	return out
}
