package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// replicaProc is one "vigie serve --from" process on a fixed port.
type replicaProc struct {
	name, addr, data, log string
	cmd                   *exec.Cmd
}

func (p *replicaProc) start(t *testing.T, bin, store string) {
	t.Helper()
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, "serve", "--from", store, "--data", p.data, "--addr", p.addr,
		"--reload-interval", "1s", "--log-format", "json", "--log-level", "info")
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, logf
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd := p.cmd
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
	})
}

// freeAddr returns a loopback address with a port free at the time.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// readyGeneration returns the generation a server's /readyz reports, ""
// when it is not ready.
func readyGeneration(base string) string {
	c := http.Client{Timeout: 2 * time.Second}
	res, err := c.Get(base + "/readyz")
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	var r struct {
		Generation string `json:"generation"`
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&r) != nil {
		return ""
	}
	return r.Generation
}

// waitFor polls cond every 50 ms until it holds or limit passes, and
// returns how long it took.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	began := time.Now()
	for !cond() {
		if time.Since(began) > limit {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(began)
}

func metricValue(t *testing.T, base, series string) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatalf("GET %s/metrics: %v", base, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return 0
	}
	var v float64
	fmt.Sscan(string(m[1]), &v)
	return v
}

// TestReplicasBehindHAProxy is the scale-out acceptance test: three
// "vigie serve --from" replicas of a file:// store on loopback behind
// haproxy, under bounded load for about 20 s, while a new generation is
// published, one replica is killed with SIGKILL and restarted, and a
// corrupt generation is uploaded. No request may fail, every replica must
// reach the new generation, and the corrupt one must be refused.
func TestReplicasBehindHAProxy(t *testing.T) {
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("VIGIE_REQUIRE_HAPROXY") == "1" {
			t.Fatal("haproxy is not installed and VIGIE_REQUIRE_HAPROXY=1")
		}
		t.Skip("haproxy is not installed (apt-get install haproxy); set VIGIE_REQUIRE_HAPROXY=1 to fail instead")
	}
	bin := buildBinary(t)
	work := t.TempDir()
	storeDir := filepath.Join(work, "store")
	store := "file://" + storeDir
	pub := filepath.Join(work, "publisher")
	seeds := filepath.Join(work, "seeds")
	copyTree(t, "../../seeds", seeds)
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("vigie %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("index", "--seeds", seeds, "--data", pub)
	run("publish", "--to", store, "--data", pub)
	gen1 := strings.TrimSpace(readFile(t, filepath.Join(storeDir, "CURRENT")))

	reps := make([]*replicaProc, 3)
	for i := range reps {
		reps[i] = &replicaProc{name: fmt.Sprintf("r%d", i), addr: freeAddr(t),
			data: filepath.Join(work, fmt.Sprintf("r%d", i)), log: filepath.Join(work, fmt.Sprintf("r%d.log", i))}
		reps[i].start(t, bin, store)
	}
	defer func() {
		if t.Failed() {
			for _, r := range reps {
				t.Logf("log of replica %s:\n%s", r.name, tail(readFile(t, r.log), 3000))
			}
		}
	}()
	for _, r := range reps {
		waitFor(t, 60*time.Second, r.name+" ready on "+gen1, func() bool { return readyGeneration("http://"+r.addr) == gen1 })
	}

	// haproxy: health checks on /readyz, and a request whose replica
	// died or refused it is retried on another one.
	lb := freeAddr(t)
	cfg := fmt.Sprintf(`global
    maxconn 256
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    retries 3
    option redispatch 1
    retry-on all-retryable-errors
frontend www
    bind %s
    default_backend vigie
backend vigie
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 300ms fall 1 rise 2
`, lb)
	for _, r := range reps {
		cfg += fmt.Sprintf("    server %s %s check\n", r.name, r.addr)
	}
	cfgFile := filepath.Join(work, "haproxy.cfg")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	hap := exec.Command(haproxy, "-f", cfgFile, "-db")
	hapLog := &syncBuffer{}
	hap.Stdout, hap.Stderr = hapLog, hapLog
	if err := hap.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = hap.Process.Kill()
		_ = hap.Wait()
		if t.Failed() {
			t.Logf("haproxy:\n%s", tail(hapLog.String(), 3000))
		}
	}()
	base := "http://" + lb
	waitFor(t, 20*time.Second, "haproxy answering", func() bool { return readyGeneration(base) == gen1 })

	// Bounded load: 4 clients, at most 150 requests/s in all, for 20 s.
	const clients, rate, duration = 4, 150, 20 * time.Second
	paths := []string{"/api/v1/search?q=OTAN", "/api/v1/search?q=cyber+attacks", "/api/v1/search?q=security&lang=fr",
		"/", "/api/v1/suggest?q=cyb", "/api/v1/search?q=cybersecurite"}
	var sent, failed atomic.Int64
	var failMu sync.Mutex
	type failure struct {
		start, end time.Time
		what       string
	}
	var failures []failure
	var killedAt atomic.Int64 // UnixNano of the SIGKILL below; 0 before it
	gens := sync.Map{}        // generation header → count
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / rate)
	defer tick.Stop()
	loadStart := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ; i++ {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				p := paths[i%len(paths)]
				sent.Add(1)
				start := time.Now()
				res, err := client.Get(base + p)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
					if g := res.Header.Get("X-Vigie-Generation"); g != "" {
						n, _ := gens.LoadOrStore(g, new(atomic.Int64))
						n.(*atomic.Int64).Add(1)
					} else if err == nil {
						err = fmt.Errorf("no X-Vigie-Generation header")
					}
				}
				if err != nil {
					failed.Add(1)
					failMu.Lock()
					failures = append(failures, failure{start, time.Now(), fmt.Sprintf("%s after %s: %v", p, start.Sub(loadStart).Round(time.Millisecond), err)})
					failMu.Unlock()
				}
			}
		}()
	}

	// 1. A new generation, published while the load runs.
	time.Sleep(3 * time.Second)
	if err := os.WriteFile(filepath.Join(seeds, "zz-replicas.md"), []byte("---\ntitle: Replica test\nlang: en\n---\n# Replicas\n\nThe quokkaword appears only in the second generation.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("index", "--seeds", seeds, "--data", pub)
	run("publish", "--to", store, "--data", pub)
	published := time.Now()
	gen2 := strings.TrimSpace(readFile(t, filepath.Join(storeDir, "CURRENT")))
	if gen2 == gen1 {
		t.Fatalf("the second publish did not change CURRENT (%s)", gen1)
	}
	var spread []time.Duration
	for _, r := range reps {
		waitFor(t, 15*time.Second, r.name+" on "+gen2, func() bool { return readyGeneration("http://"+r.addr) == gen2 })
		spread = append(spread, time.Since(published))
	}
	propagation := time.Since(published)
	t.Logf("every replica served %s %s after its CURRENT was written (each: %v)", gen2, propagation.Round(time.Millisecond), roundAll(spread))

	// 2. SIGKILL one replica, then restart it on the same port and data.
	time.Sleep(2 * time.Second)
	victim := reps[1]
	killedAt.Store(time.Now().UnixNano())
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = victim.cmd.Wait()
	time.Sleep(time.Second)
	restarted := time.Now()
	victim.start(t, bin, store)
	back := waitFor(t, 30*time.Second, "restarted replica ready", func() bool { return readyGeneration("http://"+victim.addr) == gen2 })
	t.Logf("the SIGKILLed replica was back on %s %s after its restart", gen2, back.Round(time.Millisecond))
	_ = restarted

	// 3. A corrupt upload: the second generation's archive with one byte
	// flipped, under a new name, with an honest-looking manifest.
	time.Sleep(2 * time.Second)
	gen3 := "gen-99991231T235959.000000000Z-corrupt"
	archive, err := os.ReadFile(filepath.Join(storeDir, "generations", gen2, "index.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	archive[len(archive)/2] ^= 0xff
	var manifest map[string]any
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(storeDir, "generations", gen2, "manifest.json"))), &manifest); err != nil {
		t.Fatal(err)
	}
	manifest["generation"] = gen3
	manifest["archive"] = "generations/" + gen3 + "/index.tar.gz"
	mb, _ := json.Marshal(manifest)
	must(t, os.MkdirAll(filepath.Join(storeDir, "generations", gen3), 0o755))
	must(t, os.WriteFile(filepath.Join(storeDir, "generations", gen3, "index.tar.gz"), archive, 0o644))
	must(t, os.WriteFile(filepath.Join(storeDir, "generations", gen3, "manifest.json"), mb, 0o644))
	must(t, os.WriteFile(filepath.Join(storeDir, "CURRENT.tmp"), []byte(gen3+"\n"), 0o644))
	must(t, os.Rename(filepath.Join(storeDir, "CURRENT.tmp"), filepath.Join(storeDir, "CURRENT")))
	for _, r := range reps {
		waitFor(t, 10*time.Second, r.name+" refusing "+gen3, func() bool {
			return metricValue(t, "http://"+r.addr, `vigie_replica_refused_total{reason="checksum"}`) >= 1
		})
		if g := readyGeneration("http://" + r.addr); g != gen2 {
			t.Errorf("%s serves %q after the corrupt upload, want %s", r.name, g, gen2)
		}
	}

	<-ctx.Done()
	wg.Wait()
	elapsed := time.Since(loadStart)
	var perGen []string
	gens.Range(func(k, v any) bool {
		perGen = append(perGen, fmt.Sprintf("%s: %d", k, v.(*atomic.Int64).Load()))
		return true
	})
	t.Logf("load: %d requests in %s through haproxy (%d clients), %d failed; by generation: %s",
		sent.Load(), elapsed.Round(time.Millisecond), clients, failed.Load(), strings.Join(perGen, ", "))
	// No balancer can save a response the killed replica had begun to
	// send: haproxy retries a request only before any of its answer came
	// back. So a request in flight at the SIGKILL may fail (one a client
	// at most); every other one must succeed.
	killed, kill := killedAt.Load() != 0, time.Unix(0, killedAt.Load())
	var inFlight int
	var others []string
	for _, f := range failures {
		if killed && !f.start.After(kill) && !f.end.Before(kill) {
			inFlight++
			t.Logf("in flight at the SIGKILL, failed: %s", f.what)
			continue
		}
		others = append(others, f.what)
	}
	if len(others) != 0 {
		t.Errorf("%d of %d requests failed (not counting %d in flight at the SIGKILL); first ones:\n%s",
			len(others), sent.Load(), inFlight, strings.Join(others[:min(len(others), 10)], "\n"))
	}
	if inFlight > clients {
		t.Errorf("%d requests in flight at the SIGKILL failed, more than the %d clients could have had in flight", inFlight, clients)
	}
	if sent.Load() < 1000 {
		t.Errorf("only %d requests sent: the load did not run", sent.Load())
	}
	if propagation > 10*time.Second {
		t.Errorf("replicas took %s to reach the new generation, want under 10 s (poll interval 1 s ± 50%%)", propagation)
	}
	// The new generation answers through the balancer.
	var res struct {
		Total int `json:"total"`
	}
	if getJSON(t, base+"/api/v1/search?q="+url.QueryEscape("quokkaword"), &res); res.Total != 1 {
		t.Errorf("search for the second generation's word: %d hits, want 1", res.Total)
	}
	// The change log travelled with the generation: every replica lists
	// the passage the second generation added.
	for _, r := range reps {
		res, err := http.Get("http://" + r.addr + "/api/v1/changes?since=" + url.QueryEscape(gen1) + "&q=quokkaword")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "quokkaword") {
			t.Errorf("%s: /api/v1/changes since %s: %d %.300s", r.name, gen1, res.StatusCode, body)
		}
	}
	// A replica stops cleanly on SIGTERM.
	r0 := reps[0]
	must(t, r0.cmd.Process.Signal(syscall.SIGTERM))
	if err := r0.cmd.Wait(); err != nil {
		t.Errorf("replica after SIGTERM: %v", err)
	}
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
