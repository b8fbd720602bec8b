package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

// TestBusyIsRetryable: a search that got no worker is a 503 the client may
// retry in a second, said as a problem; one whose client left is not
// answered.
func TestBusyIsRetryable(t *testing.T) {
	srv := &server{log: slog.New(slog.DiscardHandler), opts: Options{SearchTimeout: search.DefaultTimeout}}
	for _, tt := range []struct {
		name   string
		err    error
		status int
		retry  string
	}{
		{"line full", search.ErrBusy, http.StatusServiceUnavailable, "1"},
		{"time ran out in line", errors.Join(search.ErrBusy, context.DeadlineExceeded), http.StatusServiceUnavailable, "1"},
		{"client left while in line", context.Canceled, 499, ""},
		{"search too slow", context.DeadlineExceeded, http.StatusServiceUnavailable, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			srv.writeError(w, httptest.NewRequest("GET", "/api/v1/search?q=x", nil), tt.err)
			if w.Code != tt.status || w.Header().Get("Retry-After") != tt.retry {
				t.Fatalf("status %d, Retry-After %q; want %d, %q", w.Code, w.Header().Get("Retry-After"), tt.status, tt.retry)
			}
			if tt.status != 499 {
				checkProblem(t, tt.name, tt.status, w.Header(), w.Body.Bytes())
			}
		})
	}
}

// TestWorkerMetrics: the search workers' figures are at /metrics.
func TestWorkerMetrics(t *testing.T) {
	m := NewMetrics("")
	ts, _ := serveCorpus(t, testutil.Seeds(), nil, search.Options{Workers: 3, Queue: 7}, Options{Metrics: m})
	get(t, ts, "/api/v1/search?q=cyber")
	get(t, ts, "/api/v1/search?q=OTAN")
	get(t, ts, "/api/v1/suggest?q=cyb") // completions need no worker
	text := scrape(t, ts)
	for series, want := range map[string]float64{
		`vigie_search_workers`:                                3,
		`vigie_search_workers_busy`:                           0,
		`vigie_search_queue_waiting`:                          0,
		`vigie_search_queue_capacity`:                         7,
		`vigie_search_admitted_total`:                         2,
		`vigie_search_rejected_total{reason="queue_full"}`:    0,
		`vigie_search_rejected_total{reason="expired"}`:       0,
		`vigie_search_duration_seconds_count{outcome="busy"}`: 0,
	} {
		if got := value(text, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if got := value(text, `vigie_search_queue_wait_seconds_total`); got < 0 {
		t.Errorf("vigie_search_queue_wait_seconds_total missing (%v)", got)
	}
}

// TestEvaluatorMetrics: the evaluator's figures are at /metrics and move
// with searches (the counters are the process's: compare before and
// after).
func TestEvaluatorMetrics(t *testing.T) {
	m := NewMetrics("")
	ts, _ := serveCorpus(t, testutil.Seeds(), nil, search.Options{}, Options{Metrics: m})
	before := scrape(t, ts)
	get(t, ts, "/api/v1/search?q=cyber")
	get(t, ts, "/api/v1/search?q=cyber+attaque")
	after := scrape(t, ts)
	series := `vigie_search_evaluations_total{evaluator="vigie"}`
	if b, a := value(before, series), value(after, series); a < b+2 {
		t.Errorf("%s went from %v to %v over two searches", series, b, a)
	}
	if b, a := value(before, `vigie_search_matches_scored_total`), value(after, `vigie_search_matches_scored_total`); a <= b {
		t.Errorf("no match scored over two searches (%v, then %v)", b, a)
	}
	for _, s := range []string{`vigie_search_evaluations_total{evaluator="bleve"}`, `vigie_search_evaluator_failures_total`,
		`vigie_postings_cache_bytes`, `vigie_postings_cache_lists`, `vigie_postings_cache_lookups_total{result="hit"}`,
		`vigie_postings_cache_lookups_total{result="miss"}`} {
		if value(after, s) < 0 {
			t.Errorf("%s missing", s)
		}
	}
	if got := value(after, `vigie_postings_cache_capacity_bytes`); got != search.DefaultPostingsCacheBytes {
		t.Errorf("vigie_postings_cache_capacity_bytes = %v, want %d", got, search.DefaultPostingsCacheBytes)
	}
}
