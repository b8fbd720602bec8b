package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

func doAdmin(t *testing.T, method, url, token string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

func TestAdminAbsentWithoutToken(t *testing.T) {
	for _, admin := range []*Admin{nil, {Token: "", Reindex: func(context.Context, func(indexer.Progress)) (*indexer.Manifest, error) { return nil, nil }}} {
		ts := httptest.NewServer(NewRouter(&Handle{}, Options{Admin: admin}))
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			if status, _, body := doAdmin(t, m, ts.URL+"/api/v1/admin/reindex", ""); status != http.StatusNotFound {
				t.Errorf("%s without a token configured: %d %s", m, status, body)
			}
		}
		ts.Close()
	}
}

func TestAdminReindex(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	fail := atomic.Bool{}
	admin := &Admin{Token: "s3cret", Reindex: func(ctx context.Context, progress func(indexer.Progress)) (*indexer.Manifest, error) {
		calls.Add(1)
		progress(indexer.Progress{Files: 1, FilesTotal: 2, Bytes: 10, BytesTotal: 20, Documents: 1, Passages: 7, Elapsed: time.Second})
		<-release
		if fail.Load() {
			return nil, fmt.Errorf("open /secret/path/index: %w", errors.New("bleve: boom"))
		}
		return &indexer.Manifest{Generation: "gen-x", Passages: 14, Documents: make([]indexer.DocInfo, 2),
			Problems: []indexer.Problem{{Path: "a.txt", Skipped: true}}, Changes: &indexer.Changes{Reused: 1, Added: 1}}, nil
	}}
	ts := httptest.NewServer(NewRouter(&Handle{}, Options{Admin: admin}))
	defer ts.Close()
	url := ts.URL + "/api/v1/admin/reindex"

	for _, token := range []string{"", "wrong", "s3cret2", "s3cre"} {
		status, hdr, body := doAdmin(t, http.MethodPost, url, token)
		if status != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") ||
			!strings.Contains(hdr.Get("Content-Type"), "problem+json") {
			t.Errorf("token %q: %d %v %s", token, status, hdr, body)
		}
	}
	if calls.Load() != 0 {
		t.Fatal("an unauthorised request started a reindex")
	}
	var st reindexStatus
	status, _, body := doAdmin(t, http.MethodGet, url, "s3cret")
	if err := json.Unmarshal(body, &st); status != 200 || err != nil || st.State != jobIdle {
		t.Fatalf("GET before any reindex: %d %s", status, body)
	}
	status, hdr, body := doAdmin(t, http.MethodPost, url, "s3cret")
	if status != http.StatusAccepted || hdr.Get("Location") != "/api/v1/admin/reindex" {
		t.Fatalf("POST: %d %s", status, body)
	}
	// Running: progress is reported; a second POST conflicts.
	waitState := func(want string) reindexStatus {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, _, body := doAdmin(t, http.MethodGet, url, "s3cret")
			var st reindexStatus
			_ = json.Unmarshal(body, &st)
			if st.State == want && (want != jobRunning || st.Progress != nil && st.Progress.Passages > 0) {
				return st
			}
			if time.Now().After(deadline) {
				t.Fatalf("state %q never reached: %s", want, body)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	st = waitState(jobRunning)
	if p := st.Progress; p.Files != 1 || p.FilesTotal != 2 || p.Documents != 1 || p.Passages != 7 || st.StartedAt == nil {
		t.Errorf("progress: %+v", p)
	}
	if status, _, body := doAdmin(t, http.MethodPost, url, "s3cret"); status != http.StatusConflict {
		t.Errorf("second POST while running: %d %s", status, body)
	}
	release <- struct{}{}
	st = waitState(jobSucceeded)
	if r := st.Result; r == nil || r.Generation != "gen-x" || r.Passages != 14 || r.Documents != 2 || r.Skipped != 1 || r.Changes.Reused != 1 || st.FinishedAt == nil {
		t.Errorf("result: %+v", st.Result)
	}
	// A failure is reported without internals.
	fail.Store(true)
	if status, _, _ := doAdmin(t, http.MethodPost, url, "s3cret"); status != http.StatusAccepted {
		t.Fatal("POST after success refused")
	}
	release <- struct{}{}
	st = waitState(jobFailed)
	if st.Error == "" || strings.Contains(st.Error, "/secret") || strings.Contains(st.Error, "bleve") {
		t.Errorf("failure message: %q", st.Error)
	}
	if calls.Load() != 2 {
		t.Errorf("%d reindexes ran, want 2", calls.Load())
	}
}

// TestSwapUnderLoad runs searches in a loop over HTTP while new index
// generations are built and swapped in, as "vigie serve" does on reload.
// No response may fail or come back empty; the longest a query waited is
// logged (docs/reindexing.md quotes it).
func TestSwapUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	seeds, data := t.TempDir(), t.TempDir()
	copySeeds(t, seeds)
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	h := &Handle{}
	s := search.New(gen, search.Options{})
	defer s.Close()
	h.SetSearcher(s)
	ts := httptest.NewServer(NewRouter(h, Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}))
	defer ts.Close()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var queries, failures atomic.Int64
	var longest atomic.Int64
	var firstFailure atomic.Value
	paths := []string{"/api/v1/search?q=OTAN", "/api/v1/search?q=cyber+attacks", "/api/v1/documents/004_dca60fb814a64a17", "/api/v1/search?q=cybersecurite&lang=fr"}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				began := time.Now()
				res, err := http.Get(ts.URL + paths[i%len(paths)])
				ok := err == nil
				var body []byte
				if ok {
					body, _ = io.ReadAll(res.Body)
					res.Body.Close()
					ok = res.StatusCode == 200 && !strings.Contains(string(body), `"total":0`) && !strings.Contains(string(body), `"hits":[]`) && !strings.Contains(string(body), `"passages":[]`)
				}
				d := time.Since(began)
				for {
					cur := longest.Load()
					if int64(d) <= cur || longest.CompareAndSwap(cur, int64(d)) {
						break
					}
				}
				queries.Add(1)
				if !ok {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%s: %v %.300s", paths[i%len(paths)], err, body))
				}
			}
		}()
	}
	const swaps = 6
	var swapMax time.Duration
	for i := range swaps {
		// A changed corpus each time, so that every generation differs.
		if err := os.WriteFile(filepath.Join(seeds, "extra.txt"), fmt.Appendf(nil, "Extra %d\n\nThe agency is responsible for security, version %d.\n", i, i), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: seeds, Data: data, Full: i%2 == 0}); err != nil {
			t.Fatal(err)
		}
		next, err := indexer.Open(data)
		if err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		if err := s.Swap(next); err != nil {
			t.Fatal(err)
		}
		swapMax = max(swapMax, time.Since(began))
		if name, _ := s.Generation(); name != next.Name {
			t.Fatalf("serving %s after swapping in %s", name, next.Name)
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 || queries.Load() < 20 {
		t.Errorf("%d of %d queries failed during %d swaps; first: %v", failures.Load(), queries.Load(), swaps, firstFailure.Load())
	}
	t.Logf("%d queries during %d swaps, none failed; longest query %s; longest swap %s",
		queries.Load(), swaps, time.Duration(longest.Load()).Round(time.Microsecond), swapMax.Round(time.Microsecond))
	// The last generation's content is searchable without restart.
	status, _, body := get(t, ts, "/api/v1/search?q=version+5")
	if status != 200 || !strings.Contains(string(body), "version 5") {
		t.Errorf("new content not searchable after the swap: %d %.300s", status, body)
	}
}

func copySeeds(t *testing.T, dst string) {
	t.Helper()
	entries, err := os.ReadDir("../seeds")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("../seeds", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
