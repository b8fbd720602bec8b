package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigie/vigie/indexer"
)

// startServe runs "vigie serve" on a free port and returns its base URL.
func startServe(t *testing.T, bin string, args ...string) (string, *exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, _ := cmd.StdoutPipe()
	stderr := &bytes.Buffer{} // read it only once the process has exited
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`http://(\S+)/`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a, cmd, stderr
	case <-time.After(60 * time.Second):
		t.Fatalf("vigie serve did not start; stderr:\n%s", stderr.String())
	}
	return "", nil, nil
}

// getJSON fetches a URL and decodes its JSON body.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %.200s", url, err, body)
	}
	return res.StatusCode
}

func liveGeneration(t *testing.T, base string) string {
	t.Helper()
	var r struct {
		Generation string `json:"generation"`
	}
	getJSON(t, base+"/readyz", &r)
	return r.Generation
}

func searchTotal(t *testing.T, base, q string) int {
	t.Helper()
	var r struct {
		Total int `json:"total"`
	}
	if status := getJSON(t, base+"/api/v1/search?q="+q, &r); status != 200 {
		t.Fatalf("search %q: status %d", q, status)
	}
	return r.Total
}

// waitGeneration waits until the server serves a generation other than
// old, and returns it.
func waitGeneration(t *testing.T, base, old string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if g := liveGeneration(t, base); g != old {
			return g
		}
		if time.Now().After(deadline) {
			t.Fatalf("server still on %s after %s", old, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// writeCorpus generates n English and French documents with headings
// and paragraphs: enough text for a build that takes a moment.
func writeCorpus(t *testing.T, dir string, n int) {
	t.Helper()
	en := strings.Fields("the agency state security network system operator policy cyber attack defence information strategy cooperation treaty alliance report minister council data privacy access law of and to in for with on by")
	fr := strings.Fields("la le les des agence état sécurité réseau système opérateur politique cyber attaque défense information stratégie coopération traité alliance rapport ministre conseil données vie privée accès loi de et à dans pour avec sur par")
	r := rand.New(rand.NewPCG(1, 2))
	sentence := func(words []string) string {
		w := make([]string, 12+r.IntN(10))
		for i := range w {
			w[i] = words[r.IntN(len(words))]
		}
		s := strings.Join(w, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	for i := range n {
		words, name := en, fmt.Sprintf("en/doc-%04d.txt", i)
		if i%2 == 1 {
			words, name = fr, fmt.Sprintf("fr/doc-%04d.txt", i)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Document %d\n\n", i)
		for s := range 3 {
			fmt.Fprintf(&b, "Section %d\n\n", s+1)
			for range 2 {
				for range 5 {
					b.WriteString(sentence(words) + " ")
				}
				b.WriteString("\n\n")
			}
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKilledIndexAndHotReload kills "vigie index" (SIGKILL) at several
// points of a build while "vigie serve" answers from the live generation:
// the server keeps answering from the old generation, a second index run
// meanwhile fails fast, and the next complete run succeeds, cleans up and
// is picked up by the server without restart, by itself and on SIGHUP.
func TestKilledIndexAndHotReload(t *testing.T) {
	bin := buildBinary(t)
	work := t.TempDir()
	data, seeds, big := filepath.Join(work, "data"), filepath.Join(work, "seeds"), filepath.Join(work, "big")
	if err := os.MkdirAll(seeds, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"000_00170ef7a4690722.txt", "004_dca60fb814a64a17.txt"} {
		b, err := os.ReadFile(filepath.Join("../../seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(seeds, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeCorpus(t, big, 3000)
	if out, err := exec.Command(bin, "index", "--seeds", seeds, "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("vigie index: %v\n%s", err, out)
	}
	first, err := indexer.Current(data)
	if err != nil {
		t.Fatal(err)
	}
	base, _, _ := startServe(t, bin, "--data", data, "--seeds", seeds, "--reload-interval", "500ms")
	if g := liveGeneration(t, base); g != first {
		t.Fatalf("serving %s, want %s", g, first)
	}

	kills := 0
	for i, delay := range []time.Duration{50 * time.Millisecond, 400 * time.Millisecond, 1200 * time.Millisecond, 2500 * time.Millisecond} {
		args := []string{"index", "--seeds", big, "--data", data}
		if i%2 == 1 {
			args = append(args, "--full")
		}
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			// Meanwhile, a second build on the same data folder fails fast.
			time.Sleep(200 * time.Millisecond)
			began := time.Now()
			out, err := exec.Command(bin, "index", "--seeds", seeds, "--data", data).CombinedOutput()
			if err == nil || !strings.Contains(string(out), "another index build is running") {
				t.Errorf("concurrent vigie index: %v\n%s", err, out)
			}
			if d := time.Since(began); d > 10*time.Second {
				t.Errorf("concurrent vigie index took %s to fail", d)
			}
		}
		time.Sleep(delay)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			t.Logf("build finished before its kill at %s (%v): machine faster than expected", delay, err)
			continue
		default:
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
		// The data folder and the server still give the old generation,
		// unless the build had already switched CURRENT (it was only
		// removing old generations when killed): then the new generation
		// must be complete, and no later kill can be checked against the
		// seeds' generation.
		cur, err := indexer.Current(data)
		if err == nil && cur != first {
			// CURRENT names a generation only once its manifest is written:
			// it must open, with the big corpus's documents.
			gen, oerr := indexer.Open(data)
			if oerr != nil {
				t.Fatalf("after SIGKILL at %s: CURRENT = %s does not open: %v", delay, cur, oerr)
			}
			if n := len(gen.Manifest.Documents); n < 1000 {
				t.Fatalf("after SIGKILL at %s: CURRENT = %s has %d documents, not the big corpus", delay, cur, n)
			}
			gen.Close()
			t.Logf("build switched generations before its kill at %s: machine faster than expected", delay)
			first = cur
			for deadline := time.Now().Add(10 * time.Second); liveGeneration(t, base) != cur; time.Sleep(100 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("server did not reload %s", cur)
				}
			}
			break
		}
		kills++
		if err != nil || cur != first {
			t.Fatalf("after SIGKILL at %s: CURRENT = %q, %v; want %s", delay, cur, err, first)
		}
		gen, err := indexer.Open(data)
		if err != nil {
			t.Fatalf("after SIGKILL at %s: Open: %v", delay, err)
		}
		gen.Close()
		if g := liveGeneration(t, base); g != first {
			t.Errorf("after SIGKILL at %s: server on %s", delay, g)
		}
		if n := searchTotal(t, base, "OTAN"); n == 0 {
			t.Errorf("after SIGKILL at %s: no results from the old generation", delay)
		}
	}
	if kills == 0 {
		t.Fatal("no build was killed")
	}

	// A complete run succeeds, removes the killed builds' leftovers, and
	// the server picks it up by itself.
	if out, err := exec.Command(bin, "index", "--seeds", big, "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("vigie index after kills: %v\n%s", err, out)
	}
	second := waitGeneration(t, base, first, 10*time.Second)
	if n := searchTotal(t, base, "Document+2999"); n == 0 {
		t.Error("new content not searchable after the automatic reload")
	}
	if n := searchTotal(t, base, "OTAN"); n != 0 {
		t.Errorf("removed content still found (%d hits)", n)
	}
	gens, _ := filepath.Glob(filepath.Join(data, "gen-*"))
	if len(gens) != 2 {
		t.Errorf("generations on disk after a complete run: %v", gens)
	}

	// SIGHUP: a server that does not poll reloads when told.
	data2 := filepath.Join(work, "data2")
	if out, err := exec.Command(bin, "index", "--seeds", seeds, "--data", data2).CombinedOutput(); err != nil {
		t.Fatalf("vigie index: %v\n%s", err, out)
	}
	base2, serve2, _ := startServe(t, bin, "--data", data2, "--seeds", seeds, "--reload-interval", "0")
	old := liveGeneration(t, base2)
	if err := os.WriteFile(filepath.Join(seeds, "new.txt"), []byte("Hot reload\n\nThe zeppelin inspection regime is new in this generation.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "index", "--seeds", seeds, "--data", data2).CombinedOutput(); err != nil {
		t.Fatalf("vigie index: %v\n%s", err, out)
	}
	time.Sleep(1500 * time.Millisecond)
	if g := liveGeneration(t, base2); g != old {
		t.Fatalf("server with --reload-interval 0 reloaded by itself (%s)", g)
	}
	if err := serve2.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitGeneration(t, base2, old, 10*time.Second)
	if n := searchTotal(t, base2, "zeppelin"); n != 1 {
		t.Errorf("after SIGHUP: %d hits for the new content, want 1", n)
	}
	if n := searchTotal(t, base2, "OTAN"); n == 0 {
		t.Error("after SIGHUP: old content lost")
	}
	_ = second
}

// TestIndexSummary runs "vigie index" on the bad-input folder: the rest
// is indexed, the summary names each problem, the exit status is 0, and
// 1 with --strict or when nothing is usable. Progress stays off in pipes.
func TestIndexSummary(t *testing.T) {
	bin := buildBinary(t)
	work := t.TempDir()
	data := filepath.Join(work, "data")
	cmd := exec.Command(bin, "index", "--seeds", "../../indexer/testdata/bad", "--data", data)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("vigie index on bad input: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"Read 8 documents",
		"5 skipped (2 empty, 1 bad-json, 1 binary, 1 encoding)",
		"empty.txt: skipped: empty file",
		"bulk.jsonl:2: skipped: not a JSON object",
		"nolang.txt: warning: language not detected",
		"is live.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(stderr.String(), "\x1b[K") || strings.Contains(stderr.String(), "docs/s") {
		t.Errorf("progress written to a pipe:\n%q", stderr.String())
	}
	live, _ := indexer.Current(data)

	out2, err := exec.Command(bin, "index", "--strict", "--seeds", "../../indexer/testdata/bad", "--data", data).CombinedOutput()
	if err == nil || !strings.Contains(string(out2), "The live generation was not changed.") {
		t.Errorf("--strict: %v\n%s", err, out2)
	}
	if cur, _ := indexer.Current(data); cur != live {
		t.Errorf("--strict switched the live generation")
	}
	empty := filepath.Join(work, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(empty, "a.txt"), nil, 0o644)
	out3, err := exec.Command(bin, "index", "--seeds", empty, "--data", filepath.Join(work, "d3")).CombinedOutput()
	if err == nil || !strings.Contains(string(out3), "no usable documents") {
		t.Errorf("nothing usable: %v\n%s", err, out3)
	}
	// Forced progress writes the status line.
	out4, err := exec.Command(bin, "index", "--progress", "--seeds", "../../seeds", "--data", filepath.Join(work, "d4")).CombinedOutput()
	if err != nil || !strings.Contains(string(out4), "docs/s") {
		t.Errorf("--progress: %v\n%q", err, out4)
	}
	// Limits are flags.
	out5, err := exec.Command(bin, "index", "--max-doc-size", "1KiB", "--seeds", "../../seeds", "--data", filepath.Join(work, "d5")).CombinedOutput()
	if err == nil || !strings.Contains(string(out5), "larger than the 1 KiB document size limit (--max-doc-size)") {
		t.Errorf("--max-doc-size 1KiB: %v\n%s", err, out5)
	}
}

// TestAdminReindexEndToEnd: with VIGIE_ADMIN_TOKEN set, POST
// /api/v1/admin/reindex rebuilds from --seeds in the background and the
// server swaps the result in (polling is off, so the swap is the admin
// path's); GET reports the outcome. Without the token the endpoint is 404.
func TestAdminReindexEndToEnd(t *testing.T) {
	bin := buildBinary(t)
	work := t.TempDir()
	seeds, data := filepath.Join(work, "seeds"), filepath.Join(work, "data")
	if err := os.MkdirAll(seeds, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(seeds, "a.txt"), []byte("Alpha\n\nThe agency is responsible for the security of the state.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VIGIE_ADMIN_TOKEN", "tok-123")
	base, _, _ := startServe(t, bin, "--data", data, "--seeds", seeds, "--reload-interval", "0")
	old := liveGeneration(t, base)
	if err := os.WriteFile(filepath.Join(seeds, "b.txt"), []byte("Bravo\n\nThe quokka protection treaty is added by the admin reindex.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	post := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/admin/reindex", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := post("wrong"); s != http.StatusUnauthorized {
		t.Fatalf("POST with a wrong token: %d", s)
	}
	if s := post("tok-123"); s != http.StatusAccepted {
		t.Fatalf("POST: %d", s)
	}
	deadline := time.Now().Add(30 * time.Second)
	var st struct {
		State  string `json:"state"`
		Result struct {
			Generation string `json:"generation"`
			Documents  int    `json:"documents"`
		} `json:"result"`
		Error string `json:"error"`
	}
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/admin/reindex", nil)
		req.Header.Set("Authorization", "Bearer tok-123")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = json.NewDecoder(res.Body).Decode(&st)
		res.Body.Close()
		if st.State != "running" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st.State != "succeeded" || st.Result.Documents != 2 {
		t.Fatalf("reindex status: %+v", st)
	}
	if g := liveGeneration(t, base); g == old || g != st.Result.Generation {
		t.Errorf("serving %s after the reindex (was %s, built %s)", g, old, st.Result.Generation)
	}
	if n := searchTotal(t, base, "quokka"); n != 1 {
		t.Errorf("new content: %d hits, want 1", n)
	}

	// Without the token, the endpoint does not exist.
	t.Setenv("VIGIE_ADMIN_TOKEN", "")
	base2, _, _ := startServe(t, bin, "--data", data, "--seeds", seeds)
	res, err := http.Post(base2+"/api/v1/admin/reindex", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("admin endpoint without VIGIE_ADMIN_TOKEN: %d", res.StatusCode)
	}
}
