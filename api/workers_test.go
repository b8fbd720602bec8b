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
