package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vigie/vigie/internal/testutil"
)

// do sends a request with optional headers and returns the response and
// its body.
func do(t *testing.T, ts *httptest.Server, method, path string, body io.Reader, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/openapi.json", "/api/v1/search?q=x",
		"/api/v1/search?size=0x1", "/nope", "/api/v1/documents/nope"} {
		res, _ := do(t, ts, "GET", path, nil, nil)
		for _, h := range []string{"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Content-Security-Policy", "X-Request-Id"} {
			if res.Header.Get(h) == "" {
				t.Errorf("%s: no %s header", path, h)
			}
		}
	}
}

func TestRequestID(t *testing.T) {
	ts, _ := newTestServer(t)
	res, body := do(t, ts, "GET", "/api/v1/documents/nope", nil, map[string]string{"X-Request-Id": "trace-42.a_b"})
	var p problem
	_ = json.Unmarshal(body, &p)
	if res.Header.Get("X-Request-Id") != "trace-42.a_b" || p.RequestID != "trace-42.a_b" {
		t.Errorf("a valid incoming id is kept: header %q, problem %q", res.Header.Get("X-Request-Id"), p.RequestID)
	}
	for _, bad := range []string{strings.Repeat("a", 65), "a b", "<script>", "x\u00e9"} {
		res, body := do(t, ts, "GET", "/api/v1/documents/nope", nil, map[string]string{"X-Request-Id": bad})
		_ = json.Unmarshal(body, &p)
		id := res.Header.Get("X-Request-Id")
		if id == bad || id == "" || p.RequestID != id {
			t.Errorf("incoming id %q: header %q, problem %q", bad, id, p.RequestID)
		}
	}
	a, _ := do(t, ts, "GET", "/healthz", nil, nil)
	b, _ := do(t, ts, "GET", "/healthz", nil, nil)
	if a.Header.Get("X-Request-Id") == b.Header.Get("X-Request-Id") {
		t.Error("two requests got the same id")
	}
}

func TestCORS(t *testing.T) {
	origin := map[string]string{"Origin": "https://app.example.org"}
	t.Run("off by default", func(t *testing.T) {
		ts, _ := newTestServer(t)
		res, _ := do(t, ts, "GET", "/api/v1/search?q=x", nil, origin)
		if v := res.Header.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("Access-Control-Allow-Origin %q without an allow-list", v)
		}
		res, _ = do(t, ts, "OPTIONS", "/api/v1/search", nil, map[string]string{"Origin": origin["Origin"], "Access-Control-Request-Method": "GET"})
		if res.Header.Get("Access-Control-Allow-Origin") != "" || res.StatusCode != 405 {
			t.Errorf("preflight without an allow-list: %d %v", res.StatusCode, res.Header)
		}
	})
	t.Run("allow-list", func(t *testing.T) {
		ts, _ := newServerOver(t, testutil.Seeds(), Options{CORSOrigins: []string{"https://app.example.org", "https://*.vigie.example"}})
		for o, allowed := range map[string]bool{
			"https://app.example.org": true, "https://eu.vigie.example": true,
			"https://evil.example": false, "http://app.example.org": false, "https://app.example.org.evil.example": false, "null": false,
		} {
			res, _ := do(t, ts, "GET", "/api/v1/search?q=x", nil, map[string]string{"Origin": o})
			got := res.Header.Get("Access-Control-Allow-Origin")
			if allowed && got != o || !allowed && got != "" {
				t.Errorf("origin %s: Access-Control-Allow-Origin %q", o, got)
			}
			if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Origin") {
				t.Errorf("origin %s: no Vary: Origin", o)
			}
		}
		res, _ := do(t, ts, "OPTIONS", "/api/v1/search", nil, map[string]string{"Origin": "https://app.example.org", "Access-Control-Request-Method": "GET"})
		if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.org" {
			t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
		}
		res, _ = do(t, ts, "OPTIONS", "/api/v1/search", nil, map[string]string{"Origin": "https://app.example.org", "Access-Control-Request-Method": "DELETE"})
		if res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight for DELETE allowed: %v", res.Header)
		}
	})
	for _, bad := range []string{"app.example.org", "https://app.example.org/path", "ftp://x", "https://*.*.example", "https://"} {
		if err := (Options{CORSOrigins: []string{bad}}).Validate(); err == nil {
			t.Errorf("origin %q accepted", bad)
		}
	}
	if err := (Options{CORSOrigins: []string{"*", "http://localhost:3000"}}).Validate(); err != nil {
		t.Errorf("valid origins refused: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	ts, _ := newServerOver(t, testutil.Seeds(), Options{RateLimit: 3, RateWindow: time.Minute, TrustedProxies: []string{"127.0.0.1/32", "::1/128"}})
	client := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	for i := 0; i < 3; i++ {
		if res, body := do(t, ts, "GET", "/api/v1/search?q=x", nil, client("203.0.113.7")); res.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i+1, res.StatusCode, body)
		}
	}
	res, body := do(t, ts, "GET", "/api/v1/search?q=x", nil, client("203.0.113.7"))
	if res.StatusCode != 429 {
		t.Fatalf("4th request: %d, want 429", res.StatusCode)
	}
	checkProblem(t, "429", 429, res.Header, body)
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After %q, want 1..60 seconds", res.Header.Get("Retry-After"))
	}
	// Probes and metrics are never limited; other clients have their own
	// budget.
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if res, _ := do(t, ts, "GET", path, nil, client("203.0.113.7")); res.StatusCode != 200 {
			t.Errorf("%s rate limited: %d", path, res.StatusCode)
		}
	}
	if res, _ := do(t, ts, "GET", "/api/v1/search?q=x", nil, client("198.51.100.1")); res.StatusCode != 200 {
		t.Errorf("another client limited: %d", res.StatusCode)
	}

	// Without trusted proxies X-Forwarded-For is ignored: a client cannot
	// make itself new budgets.
	ts2, _ := newServerOver(t, testutil.Seeds(), Options{RateLimit: 2})
	codes := []int{}
	for i := 0; i < 4; i++ {
		res, _ := do(t, ts2, "GET", "/api/v1/search?q=x", nil, client("192.0.2."+strconv.Itoa(i)))
		codes = append(codes, res.StatusCode)
	}
	if codes[2] != 429 || codes[3] != 429 {
		t.Errorf("spoofed X-Forwarded-For escaped the limit: %v", codes)
	}
	if err := (Options{TrustedProxies: []string{"10.0.0.0/33"}}).Validate(); err == nil {
		t.Error("bad proxy prefix accepted")
	}
}

// testRouter returns the router with extra test routes, and the log.
func testRouter(t *testing.T, opts Options, extra func(chi.Router)) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	opts.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ts, _ := newServerOver(t, testutil.Seeds(), opts)
	extra(ts.Config.Handler.(chi.Router))
	return ts, &logs
}

func TestPanicIsA500Problem(t *testing.T) {
	ts, logs := testRouter(t, Options{}, func(r chi.Router) {
		r.Get("/api/v1/boom", func(w http.ResponseWriter, r *http.Request) { panic("secret internal state /tmp/x") })
	})
	res, body := do(t, ts, "GET", "/api/v1/boom", nil, nil)
	if res.StatusCode != 500 {
		t.Fatalf("status %d", res.StatusCode)
	}
	checkProblem(t, "panic", 500, res.Header, body)
	var p problem
	_ = json.Unmarshal(body, &p)
	var found bool
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"msg":"panic"`) {
			found = true
			if !strings.Contains(line, p.RequestID) || !strings.Contains(line, "secret internal state") || !strings.Contains(line, "goroutine") {
				t.Errorf("panic log lacks the request id, the value or the stack: %.300s", line)
			}
		}
	}
	if !found {
		t.Errorf("panic not logged:\n%s", logs)
	}
	if res, _ := do(t, ts, "GET", "/healthz", nil, nil); res.StatusCode != 200 {
		t.Error("server down after a panic")
	}
}

func TestBodyLimit(t *testing.T) {
	ts, _ := testRouter(t, Options{MaxBodyBytes: 16}, func(r chi.Router) {
		r.Post("/api/v1/echo", func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				srv := &server{log: slog.New(slog.DiscardHandler)}
				srv.writeError(w, r, err)
				return
			}
			_, _ = w.Write(b)
		})
	})
	if res, body := do(t, ts, "POST", "/api/v1/echo", strings.NewReader("small"), nil); res.StatusCode != 200 || string(body) != "small" {
		t.Errorf("small body: %d %s", res.StatusCode, body)
	}
	// Announced length: refused before the handler runs.
	res, body := do(t, ts, "POST", "/api/v1/echo", strings.NewReader(strings.Repeat("x", 17)), nil)
	if res.StatusCode != 413 {
		t.Errorf("17-byte body: %d", res.StatusCode)
	}
	checkProblem(t, "413", 413, res.Header, body)
	// Chunked, no length: the reader stops at the cap.
	res, body = do(t, ts, "POST", "/api/v1/echo", io.MultiReader(strings.NewReader(strings.Repeat("x", 1000))), nil)
	if res.StatusCode != 413 {
		t.Errorf("chunked 1000-byte body: %d %s", res.StatusCode, body)
	}
}

func TestMethodNotAllowedHasAllow(t *testing.T) {
	ts, _ := newTestServer(t)
	res, body := do(t, ts, "DELETE", "/api/v1/documents/x", nil, nil)
	if res.StatusCode != 405 || res.Header.Get("Allow") != "GET" {
		t.Errorf("DELETE: %d Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	checkProblem(t, "405", 405, res.Header, body)
}

func TestSearchDeadline(t *testing.T) {
	ts, _ := newServerOver(t, testutil.Seeds(), Options{SearchTimeout: time.Nanosecond})
	res, body := do(t, ts, "GET", "/api/v1/search?q=cyber", nil, nil)
	if res.StatusCode != 503 {
		t.Fatalf("search past its deadline: %d %s", res.StatusCode, body)
	}
	checkProblem(t, "deadline", 503, res.Header, body)
	if !strings.Contains(string(body), "time limit") {
		t.Errorf("the problem does not say the time limit was hit: %s", body)
	}
}

func TestRequestLog(t *testing.T) {
	for _, logQueries := range []bool{false, true} {
		ts, logs := testRouter(t, Options{LogQueries: logQueries}, func(chi.Router) {})
		do(t, ts, "GET", "/api/v1/search?q=secretword+cyber", nil, nil)
		do(t, ts, "GET", "/api/v1/passages/some-id", nil, nil)
		do(t, ts, "GET", "/healthz", nil, nil)
		var entries []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var e map[string]any
			if json.Unmarshal([]byte(line), &e) == nil && e["msg"] == "request" {
				entries = append(entries, e)
			}
		}
		if len(entries) != 3 {
			t.Fatalf("%d request log entries, want 3:\n%s", len(entries), logs)
		}
		search, passage, health := entries[0], entries[1], entries[2]
		for _, k := range []string{"method", "route", "status", "duration_ms", "request_id"} {
			if _, ok := search[k]; !ok {
				t.Errorf("request log lacks %s: %v", k, search)
			}
		}
		if search["level"] != "INFO" || health["level"] != "DEBUG" {
			t.Errorf("levels: search %v, probe %v", search["level"], health["level"])
		}
		if passage["route"] != "/api/v1/passages/{id}" || passage["status"] != float64(404) {
			t.Errorf("passage log: route %v status %v", passage["route"], passage["status"])
		}
		if got := strings.Contains(logs.String(), "secretword"); got != logQueries {
			t.Errorf("LogQueries=%v: query text in the log = %v", logQueries, got)
		}
	}
}
