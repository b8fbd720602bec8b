package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles cmd/vigie once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "vigie")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// TestEndToEnd runs the real binary: index the seeds, search them from the
// CLI, serve them over HTTP, and shut down on SIGTERM.
func TestEndToEnd(t *testing.T) {
	bin := buildBinary(t)
	work := t.TempDir()
	data := filepath.Join(work, "data")

	out, err := exec.Command(bin, "index", "--seeds", "../../seeds", "--data", data).CombinedOutput()
	if err != nil {
		t.Fatalf("vigie index: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`Read 2 documents \(1 English, 1 French\); wrote \d+ passages`).Match(out) {
		t.Errorf("vigie index output: %s", out)
	}

	out, err = exec.Command(bin, "search", "--data", data, "--json", "OTAN").Output()
	if err != nil {
		t.Fatalf("vigie search --json: %v", err)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			Lang      string `json:"lang"`
			Highlight string `json:"highlight"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(out, &res); err != nil || res.Total == 0 || res.Hits[0].Lang != "fr" || !strings.Contains(res.Hits[0].Highlight, "<mark>OTAN</mark>") {
		t.Errorf("vigie search --json OTAN: %v %s", err, out)
	}
	out, err = exec.Command(bin, "search", "--data", data, "--lang", "en", "cyber", "attacks").Output()
	if err != nil {
		t.Fatalf("vigie search: %v", err)
	}
	if !strings.Contains(string(out), "**attacks**") || !strings.Contains(string(out), "[en]") || strings.Contains(string(out), "[fr]") {
		t.Errorf("vigie search output:\n%s", out)
	}
	out, err = exec.Command(bin, "entities", "--data", data, "004_dca60fb814a64a17").Output()
	if err != nil || !strings.Contains(string(out), "\"OTAN\" → nato") || !strings.Contains(string(out), "anssi") {
		t.Errorf("vigie entities: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "search", "--data", data, "--json", "--forum", "OTAN", "--lang", "en").Output()
	if err != nil || !strings.Contains(string(out), `"forums": [`) || strings.Contains(string(out), `"lang": "fr"`) {
		t.Errorf("vigie search --forum OTAN --lang en: %v\n%.300s", err, out)
	}
	if err := exec.Command(bin, "search", "--data", filepath.Join(work, "none"), "x").Run(); err == nil {
		t.Error("vigie search without an index succeeded")
	}
	if err := exec.Command(bin, "index", "--seeds", filepath.Join(work, "missing"), "--data", filepath.Join(work, "d2")).Run(); err == nil {
		t.Error("vigie index of a missing folder succeeded")
	}

	// serve builds its own index when the data folder has none.
	base, serve, stderr := startServe(t, bin, "--seeds", "../../seeds", "--data", filepath.Join(work, "fresh"))
	for path, want := range map[string]string{
		"/healthz":                       `"ok"`,
		"/api/v1/search?q=cybersecurite": `<mark>cybersécurité</mark>`,
		"/api/v1/search?q=cyber+attacks": `"lang":"en"`,
		"/api/v1/documents":              `"004_dca60fb814a64a17"`,
	} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d %.200s", path, resp.StatusCode, body)
		}
	}
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("vigie serve exited with %v after SIGTERM; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Error("vigie serve did not exit after SIGTERM")
	}
}

// TestSecondSignalExitsAtOnce: the first SIGTERM starts a graceful
// shutdown (/readyz turns 503 during the drain delay); a second one ends
// the process at once instead of waiting for the drain.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	bin := buildBinary(t)
	base, serve, stderr := startServe(t, bin, "--seeds", "../../seeds", "--data", filepath.Join(t.TempDir(), "data"),
		"--drain-delay", "60s", "--log-format", "json")
	status := func(path string) int {
		res, err := http.Get(base + path)
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := status("/readyz"); got != 200 {
		t.Fatalf("/readyz: %d", got)
	}
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for status("/readyz") != 503 {
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not turn 503 after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("vigie serve exited (%v) during its 60s drain delay after one signal", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
		ws, ok := serve.ProcessState.Sys().(syscall.WaitStatus)
		if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
			t.Errorf("after a second SIGTERM: %v, want killed by SIGTERM", serve.ProcessState)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a second SIGTERM did not end vigie serve at once")
	}
	if !strings.Contains(stderr.String(), `"msg":"shutting down: draining"`) {
		t.Errorf("no drain in the log:\n%s", stderr.String())
	}
}
