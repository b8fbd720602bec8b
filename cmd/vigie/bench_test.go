package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
// from /metrics, on --metrics-addr when --cpuprofile moves it there, and
// the server's CPU profile is written.
func TestBenchMixes(t *testing.T) {
	laws := testutil.Corpus(t, "laws-canada")
	bin := buildBinary(t)
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	out, err := exec.Command(bin, "bench", "--corpus", laws, "--fraction", "0.01", "--duration", "500ms", "--rate", "40",
		"--concurrency", "4", "--rounds", "1", "--cache-size", "0", "--search-workers", "1", "--mixes", "headings-2k", "--json",
		"--cpuprofile", prof).Output()
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
	// A pprof profile is gzip-compressed protobuf.
	if b, err := os.ReadFile(prof); err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("--cpuprofile: %d bytes, %v; want a gzipped profile", len(b), err)
	}
}

// TestBenchWriteMixes: --write-mixes writes the mixes the peers' scripts
// read, one query a line, the same queries as the bench draws.
func TestBenchWriteMixes(t *testing.T) {
	laws := testutil.Corpus(t, "laws-canada")
	dir := t.TempDir()
	var stdout bytes.Buffer
	if code := run([]string{"bench", "--corpus", laws, "--write-mixes", dir, "--mixes", "headings-2k,broad-5k"}, &stdout, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for name, n := range map[string]int{"headings-2k": 2000, "broad-5k": 5000} {
		b, err := os.ReadFile(filepath.Join(dir, name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if len(lines) != n {
			t.Errorf("%s: %d lines, want %d", name, len(lines), n)
		}
		for _, l := range lines {
			if strings.TrimSpace(l) == "" || strings.ContainsAny(l, "\t\r") {
				t.Fatalf("%s: line %q", name, l)
			}
		}
		if !strings.Contains(stdout.String(), name+".txt") {
			t.Errorf("stdout %q does not name %s.txt", stdout.String(), name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "headings-30k.txt")); err == nil {
		t.Error("headings-30k written though --mixes left it out")
	}
}
