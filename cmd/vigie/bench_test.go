package main

import (
	"encoding/json"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/vigie/vigie/internal/bench"
	"github.com/vigie/vigie/internal/testutil"
)

// TestBenchCommand runs `vigie bench` on the seeds with short phases and
// checks that every stage produced figures.
func TestBenchCommand(t *testing.T) {
	bin := buildBinary(t)
	out, err := exec.Command(bin, "bench", "--corpus", "../../seeds", "--duration", "500ms",
		"--rate", "40", "--concurrency", "2", "--rounds", "1", "--cache-size", "1MiB", "--json").Output()
	if err != nil {
		t.Fatalf("vigie bench: %v", err)
	}
	var r bench.Report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("bench --json: %v\n%s", err, out)
	}
	if r.Documents != 2 || r.Passages == 0 || r.IndexTime <= 0 || r.FirstSearch <= 0 {
		t.Errorf("indexing figures missing: %+v", r)
	}
	if r.Closed.Requests == 0 || r.Closed.Errors != 0 || r.Open.Requests != 20 || r.Open.Errors != 0 {
		t.Errorf("load phases: closed %+v, open %+v", r.Closed, r.Open)
	}
	if r.Overhead.InProcessMS <= 0 || r.Overhead.HTTPMS <= 0 {
		t.Errorf("overhead not measured: %+v", r.Overhead)
	}
	if r.Suggest == nil && r.SuggestNote == "" {
		t.Error("suggest neither measured nor explained")
	}
	if r.CacheSize != "1MiB" {
		t.Errorf("cache size %q, want the 1MiB passed", r.CacheSize)
	}
	for _, m := range r.Mixes {
		if m.CacheHits+m.CacheMisses == 0 {
			t.Errorf("mix %s: no cache counts read from the server's /metrics", m.Name)
		}
		if m.Workers == 0 {
			t.Errorf("mix %s: the server's search workers not read from its /metrics", m.Name)
		}
	}
	if runtime.GOOS == "linux" && (r.IndexPeak <= 0 || r.Serve.RSS <= 0) {
		t.Errorf("RSS missing: index %d, serve %+v", r.IndexPeak, r.Serve)
	}
}

func TestBenchRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "--corpus", "x", "--fraction", "0"},
		{"bench", "--corpus", "x", "--fraction", "1.5"},
		{"bench", "--corpus", "x", "--rate", "0"},
		{"bench", "--corpus", "x", "stray"},
		{"bench", "--corpus", "x", "--cache-size", "-1"},
		{"bench", "--corpus", "x", "--search-workers", "-1"},
	} {
		var stdout, stderr strings.Builder
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("vigie %v: exit %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}

// TestBenchMixes runs `vigie bench` on a sliver of laws-canada with one
// corpus mix: its row reads the server's search workers and their queue
// from /metrics.
func TestBenchMixes(t *testing.T) {
	laws := testutil.Corpus(t, "laws-canada")
	bin := buildBinary(t)
	out, err := exec.Command(bin, "bench", "--corpus", laws, "--fraction", "0.01", "--duration", "500ms", "--rate", "40",
		"--concurrency", "4", "--rounds", "1", "--cache-size", "0", "--search-workers", "1", "--mixes", "headings-2k", "--json").Output()
	if err != nil {
		t.Fatalf("vigie bench: %v", err)
	}
	var r bench.Report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("bench --json: %v\n%s", err, out)
	}
	if len(r.Mixes) != 1 || r.Mixes[0].Name != "headings-2k" {
		t.Fatalf("mixes %+v, want headings-2k alone", r.Mixes)
	}
	m := r.Mixes[0]
	if m.Closed.Requests == 0 || m.Closed.Errors != 0 {
		t.Errorf("mix loop: %+v", m.Closed)
	}
	// 4 clients, 1 worker: searches wait for it.
	if m.Workers != 1 || m.QueueWaitMS <= 0 {
		t.Errorf("workers %d, mean wait %.3f ms; want 1 worker and some wait", m.Workers, m.QueueWaitMS)
	}
}
