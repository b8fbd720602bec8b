package api

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigie/vigie/internal/testutil"
)

// scrape returns the /metrics text.
func scrape(t *testing.T, ts *httptest.Server) string {
	t.Helper()
	status, hdr, body := get(t, ts, "/metrics")
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", status, hdr.Get("Content-Type"))
	}
	return string(body)
}

// value returns the value of the series written exactly as series, or
// -1 when it is absent.
func value(text, series string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

func TestMetrics(t *testing.T) {
	m := NewMetrics("v1.2.3")
	ts, h := newServerOver(t, testutil.Seeds(), Options{Metrics: m})
	get(t, ts, "/api/v1/search?q=cyber")
	get(t, ts, "/api/v1/search?q=OTAN")
	get(t, ts, "/api/v1/search?size=1000")
	_, _, body := get(t, ts, "/api/v1/documents")
	docID := regexp.MustCompile(`"id":"([^"]+)"`).FindSubmatch(body)[1]
	get(t, ts, "/api/v1/documents/"+string(docID))
	get(t, ts, "/api/v1/documents/"+string(docID))
	for i := 0; i < 50; i++ {
		get(t, ts, fmt.Sprintf("/no/such/path/%d", i))
	}
	m.ObserveReindex(3*time.Second, nil)
	m.ObserveReindex(time.Second, errors.New("disk full"))

	text := scrape(t, ts)
	sr := h.Searcher()
	gen, man := sr.Generation()
	for series, want := range map[string]float64{
		`vigie_http_requests_total{code="200",method="GET",route="/api/v1/documents/{id}"}`:         2,
		`vigie_http_requests_total{code="200",method="GET",route="/api/v1/search"}`:                 2,
		`vigie_http_requests_total{code="400",method="GET",route="/api/v1/search"}`:                 1,
		`vigie_http_requests_total{code="404",method="GET",route="unmatched"}`:                      50,
		`vigie_http_request_duration_seconds_count{code="200",method="GET",route="/api/v1/search"}`: 2,
		`vigie_search_duration_seconds_count{outcome="ok"}`:                                         2,
		`vigie_search_duration_seconds_count{outcome="invalid"}`:                                    1,
		`vigie_search_duration_seconds_count{outcome="timeout"}`:                                    0,
		`vigie_search_hits_count`: 2,
		`vigie_index_ready`:       1,
		`vigie_index_generation_info{generation="` + gen + `"}`: 1,
		`vigie_index_documents`:                                 float64(len(man.Documents)),
		`vigie_index_passages`:                                  float64(man.Passages),
		`vigie_reindex_duration_seconds_count{outcome="ok"}`:    1,
		`vigie_reindex_duration_seconds_sum{outcome="ok"}`:      3,
		`vigie_reindex_duration_seconds_count{outcome="error"}`: 1,
		`vigie_build_info{version="v1.2.3"}`:                    1,
		`vigie_http_requests_in_flight`:                         1, // the scrape itself
	} {
		if got := value(text, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	// The hits histogram sums the totals of the successful searches.
	_, _, b1 := get(t, ts, "/api/v1/search?q=cyber&size=1")
	_, _, b2 := get(t, ts, "/api/v1/search?q=OTAN&size=1")
	total := func(b []byte) float64 {
		v, _ := strconv.ParseFloat(string(regexp.MustCompile(`"total":(\d+)`).FindSubmatch(b)[1]), 64)
		return v
	}
	if got, want := value(scrape(t, ts), "vigie_search_hits_sum"), 2*(total(b1)+total(b2)); got != want {
		t.Errorf("vigie_search_hits_sum = %v, want %v", got, want)
	}
	// Raw paths and ids never become label values.
	if strings.Contains(text, string(docID)) || strings.Contains(text, "/no/such/path") {
		t.Error("a raw path or id is a label value")
	}
	h.SetDraining()
	if got := value(scrape(t, ts), "vigie_index_ready"); got != 0 {
		t.Errorf("vigie_index_ready while draining = %v", got)
	}
}

// TestMetricsCardinality: many distinct paths, ids and methods add no
// series beyond their route patterns.
func TestMetricsCardinality(t *testing.T) {
	ts, _ := newServerOver(t, testutil.Seeds(), Options{})
	count := func() int { return strings.Count(scrape(t, ts), "\nvigie_http_requests_total{") }
	get(t, ts, "/api/v1/passages/a")
	get(t, ts, "/x")
	before := count()
	for i := 0; i < 100; i++ {
		get(t, ts, fmt.Sprintf("/api/v1/passages/id-%d", i))
		get(t, ts, fmt.Sprintf("/x%d?q=%d", i, i))
	}
	for _, m := range []string{"FOO", "BAR", "PROPFIND"} {
		do(t, ts, m, "/api/v1/search", nil, nil)
	}
	if after := count(); after > before+2 {
		t.Errorf("request series grew from %d to %d", before, after)
	}
}

func TestMetricsBeforeIndex(t *testing.T) {
	ts := httptest.NewServer(NewRouter(&Handle{}, Options{}))
	defer ts.Close()
	text := scrape(t, ts)
	if value(text, "vigie_index_ready") != 0 || strings.Contains(text, "vigie_index_generation_info{") {
		t.Errorf("metrics before the index is open:\n%s", text)
	}
}
