package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigie/vigie/api"
	"github.com/vigie/vigie/indexer"
)

// TestServeFrom runs serve --from in process: /readyz answers 503 while
// the store is empty, then 200 once a generation is published (found on
// SIGHUP-like polling), every response names the generation, and with
// --metrics-addr /metrics moves to its own listener (with the profiler
// under --pprof).
func TestServeFrom(t *testing.T) {
	work := t.TempDir()
	store := "file://" + filepath.Join(work, "store")
	pub := filepath.Join(work, "pub")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg := serveConfig{from: store, data: filepath.Join(work, "replica"), drain: 5 * time.Second,
		reloadEvery: 100 * time.Millisecond, metricsLn: mln, pprof: true, workers: 2, queue: 5, postingsBytes: 3 << 20,
		api: api.Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), SeparateMetrics: true}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, cfg, io.Discard, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base, metrics := "http://"+ln.Addr().String(), "http://"+mln.Addr().String()
	get := func(url string) (int, http.Header) {
		res, err := http.Get(url)
		if err != nil {
			return 0, nil
		}
		res.Body.Close()
		return res.StatusCode, res.Header
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ := get(base + "/readyz")
		if code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz %d with nothing published, want 503; log:\n%s", code, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, _ := get(base + "/api/v1/search?q=OTAN"); code != http.StatusServiceUnavailable {
		t.Errorf("search before the first generation: %d, want 503", code)
	}

	if _, err := indexer.Build(context.Background(), buildOptions("../../seeds", pub, nil)); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"publish", "--to", store, "--data", pub, "--log-level", "warn"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("vigie publish: exit %d", code)
	}
	gen, _ := indexer.Current(pub)
	for {
		code, h := get(base + "/api/v1/search?q=OTAN")
		if code == http.StatusOK {
			if got := h.Get("X-Vigie-Generation"); got != gen {
				t.Errorf("X-Vigie-Generation %q, want %s", got, gen)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search %d after publishing, want 200; log:\n%s", code, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, _ := get(base + "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the main listener with --metrics-addr: %d, want 404", code)
	}
	if code, _ := get(metrics + "/metrics"); code != http.StatusOK {
		t.Errorf("/metrics on --metrics-addr: %d, want 200", code)
	}
	// --pprof: the profiler on the metrics port, never on the public one.
	if code, _ := get(metrics + "/debug/pprof/heap?debug=1"); code != http.StatusOK {
		t.Errorf("/debug/pprof/heap on --metrics-addr with --pprof: %d, want 200", code)
	}
	if code, _ := get(base + "/debug/pprof/heap?debug=1"); code != http.StatusNotFound {
		t.Errorf("/debug/pprof/heap on the main listener: %d, want 404", code)
	}
	// The replica's searches go through --search-workers' workers.
	res, err := http.Get(metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{"\nvigie_search_workers 2\n", "\nvigie_search_queue_capacity 5\n", "\nvigie_search_admitted_total 1\n",
		"\nvigie_postings_cache_capacity_bytes 3.145728e+06\n"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", strings.TrimSpace(want))
		}
	}
}
