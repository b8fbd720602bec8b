package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigie/vigie/api"
)

// slowServer runs serve on a loopback listener with a /slow route that
// holds each request until release is closed.
type slowServer struct {
	base    string
	cancel  context.CancelFunc // the "signal"
	entered chan struct{}
	release chan struct{}
	done    chan error
	logs    *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startSlowServer(t *testing.T, drainDelay, drain time.Duration) *slowServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &slowServer{base: "http://" + ln.Addr().String(), cancel: cancel, entered: make(chan struct{}, 8),
		release: make(chan struct{}), done: make(chan error, 1), logs: &syncBuffer{}}
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.release:
		default:
			close(s.release)
		}
	})
	cfg := serveConfig{seeds: "../../seeds", data: t.TempDir(), drainDelay: drainDelay, drain: drain,
		api: api.Options{Logger: slog.New(slog.NewTextHandler(s.logs, nil))}}
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/slow" {
				next.ServeHTTP(w, r)
				return
			}
			s.entered <- struct{}{}
			<-s.release
			_, _ = io.WriteString(w, "finished")
		})
	}
	go func() { s.done <- serve(ctx, ln, cfg, io.Discard, wrap) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _ := s.get("/readyz"); code == 200 {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready; log:\n%s", s.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// get returns the status and body, or 0 and the error when no response
// came.
func (s *slowServer) get(path string) (int, string) {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := c.Get(s.base + path)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestShutdownCompletesInFlightRequests runs the real shutdown path: the
// signal turns /readyz 503 while the listener still accepts (drain delay),
// then the listener closes, the request in flight completes, and serve
// returns cleanly once it has.
func TestShutdownCompletesInFlightRequests(t *testing.T) {
	s := startSlowServer(t, 400*time.Millisecond, 10*time.Second)
	type answer struct {
		code int
		body string
	}
	slow := make(chan answer, 1)
	go func() { c, b := s.get("/slow"); slow <- answer{c, b} }()
	<-s.entered

	s.cancel() // SIGTERM
	code, body := s.get("/readyz")
	if code != 503 || !strings.Contains(body, "draining") {
		t.Errorf("/readyz while draining: %d %s", code, body)
	}
	if code, _ := s.get("/healthz"); code != 200 {
		t.Errorf("/healthz while draining: %d (the process is alive)", code)
	}
	// After the drain delay new connections are refused...
	deadline := time.Now().Add(5 * time.Second)
	for {
		if code, _ := s.get("/healthz"); code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the listener still accepts connections after the drain delay")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// ...while serve waits for the request in flight.
	select {
	case err := <-s.done:
		t.Fatalf("serve returned (%v) with a request in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(s.release)
	if a := <-slow; a.code != 200 || a.body != "finished" {
		t.Errorf("in-flight request: %d %q", a.code, a.body)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after the last request finished")
	}
	if !strings.Contains(s.logs.String(), "msg=stopped") {
		t.Errorf("no clean stop in the log:\n%s", s.logs)
	}
}

// TestShutdownTimeout: a request that outlives --shutdown-timeout is cut
// and serve reports it, instead of waiting for ever.
func TestShutdownTimeout(t *testing.T) {
	s := startSlowServer(t, 0, 300*time.Millisecond)
	go s.get("/slow")
	<-s.entered
	began := time.Now()
	s.cancel()
	select {
	case err := <-s.done:
		if err == nil || !strings.Contains(err.Error(), "did not finish") {
			t.Errorf("serve: %v, want a shutdown timeout error", err)
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("serve took %s to give up", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve hangs on a request that never ends")
	}
}

func TestServeFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--cors-origins", "example.org"},
		{"--trusted-proxies", "10.0.0.0/99"},
		{"--max-fuzziness", "3"},
		{"--max-size", "-1"},
		{"--max-window", "50"},
		{"--log-format", "xml"},
		{"--shutdown-timeout", "0s"},
		{"--cache-size", "-1"},
		{"--cache-size", "lots"},
		{"--postings-cache-size", "-1"},
		{"--postings-cache-size", "lots"},
		{"--search-workers", "0"},
		{"--pprof"},
		{"--heap-limit", "-1"},
		{"--heap-limit", "lots"},
		{"--search-queue", "-1"},
	} {
		var stderr bytes.Buffer
		err := cmdServe(context.Background(), append(args, "--addr", "127.0.0.1:0"), io.Discard, &stderr)
		if err == nil || errors.Is(err, errUsage) && stderr.Len() == 0 {
			t.Errorf("%v: error %v", args, err)
		}
	}
	t.Setenv("VIGIE_RATE_LIMIT", "lots")
	if err := cmdServe(context.Background(), []string{"--addr", "127.0.0.1:0"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "VIGIE_RATE_LIMIT") {
		t.Errorf("bad VIGIE_RATE_LIMIT: %v", err)
	}
	t.Setenv("VIGIE_RATE_LIMIT", "")
	t.Setenv("VIGIE_CACHE_SIZE", "big")
	if err := cmdServe(context.Background(), []string{"--addr", "127.0.0.1:0"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "VIGIE_CACHE_SIZE") {
		t.Errorf("bad VIGIE_CACHE_SIZE: %v", err)
	}
}

func TestCacheSizeFlag(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "0", want: 0},
		{in: "64MiB", want: 64 << 20},
		{in: "1g", want: 1 << 30},
		{in: "500000", want: 500000},
		{in: "-1", bad: true},
		{in: "", bad: true},
		{in: "lots", bad: true},
	} {
		var f cacheSizeFlag
		err := f.Set(tt.in)
		if (err != nil) != tt.bad || !tt.bad && int64(f) != tt.want {
			t.Errorf("--cache-size %q: %d, %v; want %d (error %v)", tt.in, f, err, tt.want, tt.bad)
		}
	}
}
