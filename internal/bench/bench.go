package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/loadgen"
	"github.com/vigie/vigie/search"
)

// Report is what `vigie bench --json` prints.
type Report struct {
	Corpus      string    `json:"corpus"`
	Fraction    float64   `json:"fraction"`
	Files       int       `json:"files"`
	Bytes       int64     `json:"bytes"`
	Machine     benchHost `json:"machine"`
	LoadBefore  string    `json:"load_before"`
	LoadAfter   string    `json:"load_after"`
	Documents   int       `json:"documents"`
	Passages    int       `json:"passages"`
	IndexTime   float64   `json:"index_seconds"`
	DocsPerSec  float64   `json:"docs_per_second"`
	PassPerSec  float64   `json:"passages_per_second"`
	IndexCPU    float64   `json:"index_cpu_seconds"`
	IndexPeak   int64     `json:"index_peak_rss_bytes"`
	IndexBytes  int64     `json:"index_disk_bytes"`
	FirstSearch float64   `json:"first_search_seconds"`
	// Overhead compares the same queries answered one at a time in
	// process (search.Searcher.Search) and over HTTP.
	Overhead benchOverhead  `json:"overhead"`
	Closed   loadgen.Report `json:"closed_loop"`
	Open     loadgen.Report `json:"open_loop"`
	// CPU per request of the server and of the load generator (this
	// process) in each phase: on a shared machine, the figure that load
	// does not distort much.
	ClosedCPU benchCPU        `json:"closed_loop_cpu"`
	OpenCPU   benchCPU        `json:"open_loop_cpu"`
	Suggest   *loadgen.Report `json:"suggest,omitempty"`
	// SuggestNote says why suggestions were not measured.
	SuggestNote string      `json:"suggest_note,omitempty"`
	Serve       loadgen.Mem `json:"serve_memory"`
	// Mixes are the closed loops over the mixes drawn from the corpus
	// (section headings, broad words and pairs), in the order run.
	Mixes []MixReport `json:"mixes,omitempty"`
	// CacheSize is the server's --cache-size (Options.CacheSize); empty:
	// serve's default.
	CacheSize string `json:"cache_size,omitempty"`
}

// MixReport is a closed loop over one mix drawn from the corpus.
type MixReport struct {
	Name    string         `json:"name"`
	Queries int            `json:"distinct_queries"`
	Closed  loadgen.Report `json:"closed_loop"`
	CPU     benchCPU       `json:"cpu"`
	Load    string         `json:"load_after"`
	// CacheHits and CacheMisses are the server's result-cache counts
	// during the loop (its /metrics), zero when the cache is off.
	CacheHits   uint64 `json:"cache_hits"`
	CacheMisses uint64 `json:"cache_misses"`
	// CacheEntries and CacheBytes are what the cache holds after the loop.
	CacheEntries uint64 `json:"cache_entries"`
	CacheBytes   uint64 `json:"cache_bytes"`
	// Workers is the server's --search-workers (0: not limited, or not
	// reported); QueueWaitMS, the mean time a search waited for one during
	// the loop: the share of the latency that is queueing, not searching.
	Workers     uint64  `json:"search_workers"`
	QueueWaitMS float64 `json:"queue_wait_ms"`
}

// corpusMixes are the mixes drawn from the corpus (issue 12's): distinct
// section headings (one in ten with its language as a filter), and broad
// queries (frequent words and pairs of words, English and French).
var corpusMixes = []struct {
	name string
	n    int
	draw func(root string, n int) ([]loadgen.Query, error)
}{
	{"headings-2k", 2000, loadgen.HeadingMix},
	{"headings-30k", 30000, loadgen.HeadingMix},
	{"broad-5k", 5000, loadgen.BroadMix},
}

type benchCPU struct {
	ServerMS float64 `json:"server_ms_per_request"`
	ClientMS float64 `json:"client_ms_per_request"`
}

// cpuMeter measures the CPU time the server and this process use.
type cpuMeter struct {
	pid            int
	server, client time.Duration
}

func startCPU(pid int) *cpuMeter {
	m := &cpuMeter{pid: pid}
	m.server, _ = loadgen.ProcCPU(pid)
	m.client, _ = loadgen.ProcCPU(os.Getpid())
	return m
}

// per returns the CPU time used since start, per request.
func (m *cpuMeter) per(requests int) benchCPU {
	s, err1 := loadgen.ProcCPU(m.pid)
	c, err2 := loadgen.ProcCPU(os.Getpid())
	if err1 != nil || err2 != nil || requests == 0 {
		return benchCPU{}
	}
	n := float64(requests)
	return benchCPU{ServerMS: benchMS(s-m.server) / n, ClientMS: benchMS(c-m.client) / n}
}

type benchHost struct {
	CPUs     int    `json:"cpus"`
	MemTotal int64  `json:"mem_total_bytes"`
	GoOS     string `json:"goos"`
	GoArch   string `json:"goarch"`
}

type benchOverhead struct {
	Rounds int `json:"rounds"`
	// InProcess and HTTP sum each query's median latency over the rounds.
	InProcessMS float64 `json:"in_process_ms"`
	HTTPMS      float64 `json:"http_ms"`
	// Ratio is HTTP/InProcess − 1: the API's share on top of the search.
	Ratio  float64              `json:"ratio"`
	ByKind map[string]benchKind `json:"by_kind"`
}

type benchKind struct {
	Queries     int     `json:"queries"`
	InProcessMS float64 `json:"in_process_median_ms"`
	HTTPMS      float64 `json:"http_median_ms"`
}

// Options set what Run measures.
type Options struct {
	// Corpus is the folder to index and search.
	Corpus string
	// Fraction is the share of the corpus's files used, chosen
	// deterministically by file name (0 < f ≤ 1).
	Fraction float64
	// Rate is the open-loop rate, requests/s.
	Rate float64
	// Duration is the length of each load phase.
	Duration time.Duration
	// Concurrency is the number of closed-loop clients.
	Concurrency int
	// Rounds of the query mix for the in-process vs HTTP comparison.
	Rounds int
	// MaxRequests caps the requests of each load phase.
	MaxRequests int
	// JSON prints the report as JSON.
	JSON bool
	// Keep keeps the temporary corpus and data folders.
	Keep bool
	// Bin is the vigie binary run as the index and serve processes
	// (default: this executable).
	Bin string
	// Search configures the in-process searcher, as serve does.
	Search search.Options
	// Data, when set, is a data folder already holding an index of the
	// corpus: it is served as it is, and nothing is indexed (the index
	// figures stay empty).
	Data string
	// Mixes names the corpus mixes to run after the default one
	// (headings-2k, headings-30k, broad-5k); nil runs them all, an empty
	// list none.
	Mixes []string
	// CacheSize is passed to the server as --cache-size (such as 0, to
	// measure without the result cache); empty: serve's default.
	CacheSize string
	// SearchWorkers is passed to the server as --search-workers; 0:
	// serve's default.
	SearchWorkers int
	// CPUProfile, when set, is where the server's CPU profile over the
	// corpus mixes is written: the server then runs with --metrics-addr
	// and --pprof, and the profile is read from /debug/pprof/profile there.
	CPUProfile string
}

// Run indexes the corpus in a temporary folder, serves it in a child
// process, loads it and writes the report to stdout (progress to stderr).
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	var err error
	if o.Bin == "" {
		if o.Bin, err = os.Executable(); err != nil {
			return fmt.Errorf("find the vigie binary: %w (set Options.Bin)", err)
		}
	}
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	work, err := os.MkdirTemp("", "vigie-bench-")
	if err != nil {
		return err
	}
	if o.Keep {
		progress("working folder %s (kept)", work)
	} else {
		defer os.RemoveAll(work)
	}
	rep := &Report{Corpus: o.Corpus, Fraction: o.Fraction, LoadBefore: benchLoadAvg(), CacheSize: o.CacheSize,
		Machine: benchHost{CPUs: runtime.NumCPU(), MemTotal: benchMemTotal(), GoOS: runtime.GOOS, GoArch: runtime.GOARCH}}

	// 1. The corpus, or a deterministic subset of it.
	seeds := o.Corpus
	files, err := benchSubset(o.Corpus, o.Fraction)
	if err != nil {
		return err
	}
	rep.Files = len(files)
	for _, f := range files {
		rep.Bytes += f.size
	}
	if o.Fraction < 1 {
		seeds = filepath.Join(work, "corpus")
		if err := benchLink(o.Corpus, seeds, files); err != nil {
			return err
		}
	}
	data := filepath.Join(work, "data")

	// 2. Index in a child process, so its peak RSS is its own.
	if o.Data != "" {
		data = o.Data
		progress("serving the index in %s as it is", data)
	} else {
		progress("indexing %d files (%.1f MB) from %s", rep.Files, float64(rep.Bytes)/1e6, seeds)
		began := time.Now()
		idx := exec.CommandContext(ctx, o.Bin, "index", "--seeds", seeds, "--data", data, "--log-level", "error")
		idx.Stderr = stderr
		idx.SysProcAttr = childAttrs()
		if err := idx.Run(); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		rep.IndexTime = time.Since(began).Seconds()
		rep.IndexPeak = peakRSS(idx.ProcessState)
		rep.IndexCPU = (idx.ProcessState.UserTime() + idx.ProcessState.SystemTime()).Seconds()
	}
	rep.IndexBytes = benchDirSize(data)
	gen, err := indexer.Open(data)
	if err != nil {
		return err
	}
	searcher := search.New(gen, o.Search)
	defer searcher.Close()
	_, m := searcher.Generation()
	rep.Documents, rep.Passages = len(m.Documents), m.Passages
	if rep.IndexTime > 0 {
		rep.DocsPerSec = float64(rep.Documents) / rep.IndexTime
		rep.PassPerSec = float64(rep.Passages) / rep.IndexTime
	}
	progress("indexed %d documents, %d passages in %.1fs", rep.Documents, rep.Passages, rep.IndexTime)

	// 3. Serve the existing index in a child process: time to first search.
	var serveArgs []string
	if o.CacheSize != "" {
		serveArgs = append(serveArgs, "--cache-size", o.CacheSize)
	}
	if o.SearchWorkers > 0 {
		serveArgs = append(serveArgs, "--search-workers", strconv.Itoa(o.SearchWorkers))
	}
	metricsBase := ""
	if o.CPUProfile != "" {
		maddr, err := freeAddr()
		if err != nil {
			return err
		}
		serveArgs = append(serveArgs, "--metrics-addr", maddr, "--pprof")
		metricsBase = "http://" + maddr
	}
	srv, base, firstSearch, err := benchServe(ctx, o.Bin, seeds, data, serveArgs...)
	if err != nil {
		return err
	}
	defer srv.stop()
	if metricsBase == "" {
		metricsBase = base
	}
	rep.FirstSearch = firstSearch.Seconds()
	progress("serving on %s; first search answered %.0f ms after start", base, firstSearch.Seconds()*1000)

	mix := loadgen.DefaultMix()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute,
	}}
	urls := make([]string, len(mix.Searches))
	for i, q := range mix.Searches {
		urls[i] = base + "/api/v1/search?" + q.Values().Encode()
	}
	get := func(ctx context.Context, u string) error { return benchFetch(ctx, client, u) }

	// 4. Warm up, checking that every query of the mix is answered.
	for i, u := range urls {
		if err := get(ctx, u); err != nil {
			return fmt.Errorf("query %q of the mix: %w", mix.Searches[i].Text, err)
		}
	}

	// 5. The API's overhead: the same queries, one at a time, in process
	// and over HTTP, interleaved so that a change of machine load hits both.
	progress("comparing in-process and HTTP latency (%d rounds of %d queries)", o.Rounds, len(urls))
	if rep.Overhead, err = benchOverheadOf(ctx, searcher, mix.Searches, urls, o.Rounds, get); err != nil {
		return err
	}

	// 6. Closed loop: maximum throughput.
	progress("closed loop: %d clients for %s", o.Concurrency, o.Duration)
	cpu := startCPU(srv.cmd.Process.Pid)
	rep.Closed, err = loadgen.RunClosed(ctx, loadgen.Closed{Concurrency: o.Concurrency, Duration: o.Duration, MaxRequests: o.MaxRequests},
		func(ctx context.Context, i int) error { return get(ctx, urls[i%len(urls)]) })
	if err != nil {
		return err
	}

	// 7. Open loop: latency at a constant rate.
	rep.ClosedCPU = cpu.per(rep.Closed.Requests)
	progress("open loop: %.0f requests/s for %s", o.Rate, o.Duration)
	cpu = startCPU(srv.cmd.Process.Pid)
	rep.Open, err = loadgen.RunOpen(ctx, loadgen.Open{Rate: o.Rate, Duration: o.Duration, MaxRequests: o.MaxRequests},
		func(ctx context.Context, i int) error { return get(ctx, urls[i%len(urls)]) })
	if err != nil {
		return err
	}

	rep.OpenCPU = cpu.per(rep.Open.Requests)

	// 8. Suggestions, where the server has them.
	rep.Suggest, rep.SuggestNote, err = benchSuggest(ctx, client, base, mix.Suggest, o.Rate, o.Duration, o.MaxRequests, progress)
	if err != nil {
		return err
	}

	// 9. The mixes drawn from the corpus, closed loop, one after the
	// other: so many distinct queries that a cache serves few of them
	// (the loop goes round a mix when it is done: the hit rate is shown).
	type drawn struct {
		name string
		urls []string
	}
	var mixes []drawn
	for _, m := range corpusMixes {
		if o.Mixes != nil && !slices.Contains(o.Mixes, m.name) {
			continue
		}
		qs, err := m.draw(o.Corpus, m.n)
		if err != nil {
			return fmt.Errorf("mix %s: %w", m.name, err)
		}
		if len(qs) == 0 {
			continue
		}
		murls := make([]string, len(qs))
		for i, q := range qs {
			murls[i] = base + "/api/v1/search?" + q.Values().Encode()
		}
		mixes = append(mixes, drawn{m.name, murls})
	}
	var profile chan error
	if o.CPUProfile != "" && len(mixes) > 0 {
		secs := int(math.Ceil((time.Duration(len(mixes)) * o.Duration).Seconds()))
		progress("profiling the server's CPU for %d s into %s", secs, o.CPUProfile)
		profile = make(chan error, 1)
		go func() { profile <- benchProfile(ctx, metricsBase, secs, o.CPUProfile) }()
	}
	for _, m := range mixes {
		murls := m.urls
		progress("closed loop, mix %s (%d distinct queries): %d clients for %s", m.name, len(murls), o.Concurrency, o.Duration)
		cpu := startCPU(srv.cmd.Process.Pid)
		before := benchMetrics(ctx, client, metricsBase)
		mr := MixReport{Name: m.name, Queries: len(murls)}
		mr.Closed, err = loadgen.RunClosed(ctx, loadgen.Closed{Concurrency: o.Concurrency, Duration: o.Duration, MaxRequests: o.MaxRequests},
			func(ctx context.Context, i int) error { return get(ctx, murls[i%len(murls)]) })
		if err != nil {
			return err
		}
		mr.CPU, mr.Load = cpu.per(mr.Closed.Requests), benchLoadAvg()
		after := benchMetrics(ctx, client, metricsBase)
		mr.CacheEntries, mr.CacheBytes = metricValue(after, "vigie_search_cache_entries"), metricValue(after, "vigie_search_cache_bytes")
		mr.CacheHits = metricValue(after, "vigie_search_cache_hits_total") - metricValue(before, "vigie_search_cache_hits_total")
		mr.CacheMisses = metricValue(after, "vigie_search_cache_misses_total") - metricValue(before, "vigie_search_cache_misses_total")
		mr.Workers = metricValue(after, "vigie_search_workers")
		if n := metricValue(after, "vigie_search_admitted_total") - metricValue(before, "vigie_search_admitted_total"); n > 0 {
			waited := metricFloat(after, "vigie_search_queue_wait_seconds_total") - metricFloat(before, "vigie_search_queue_wait_seconds_total")
			mr.QueueWaitMS = 1000 * waited / float64(n)
		}
		rep.Mixes = append(rep.Mixes, mr)
	}
	if profile != nil {
		if err := <-profile; err != nil {
			return fmt.Errorf("the server's CPU profile: %w", err)
		}
	}

	// 10. The server's memory after the load.
	if rep.Serve, err = loadgen.ProcMem(srv.cmd.Process.Pid); err != nil {
		progress("%v", err)
	}
	rep.LoadAfter = benchLoadAvg()
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	benchPrint(stdout, rep)
	return nil
}

// WriteMixes writes each named corpus mix (all when names is nil) drawn
// from corpus to dir/NAME.txt, one query text a line: what the peers'
// scripts (internal/bench/peers/) read to run the same queries. It returns
// the files written.
func WriteMixes(corpus, dir string, names []string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, m := range corpusMixes {
		if names != nil && !slices.Contains(names, m.name) {
			continue
		}
		qs, err := m.draw(corpus, m.n)
		if err != nil {
			return nil, fmt.Errorf("mix %s: %w", m.name, err)
		}
		var b strings.Builder
		for _, q := range qs {
			b.WriteString(strings.Join(strings.Fields(q.Text), " "))
			b.WriteByte('\n')
		}
		file := filepath.Join(dir, m.name+".txt")
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	return files, nil
}

// benchProfile reads the server's CPU profile over the next secs seconds
// from its /debug/pprof/profile and writes it to file.
func benchProfile(ctx context.Context, metricsBase string, secs int, file string) error {
	c := &http.Client{Timeout: time.Duration(secs+60) * time.Second}
	var prof bytes.Buffer
	if err := benchGet(ctx, c, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", metricsBase, secs), &prof); err != nil {
		return err
	}
	return os.WriteFile(file, prof.Bytes(), 0o644)
}

// freeAddr returns a loopback address with a port the kernel found free
// (released for a child process to listen on).
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

// benchMetrics reads the server's /metrics in the Prometheus text format
// ("" when they cannot be read: every figure read from it is then zero).
func benchMetrics(ctx context.Context, c *http.Client, base string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return ""
	}
	res, err := c.Do(req)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		return ""
	}
	return string(b)
}

// metricValue reads an unlabelled counter or gauge of the Prometheus text
// format as a whole number (0 when missing or negative).
func metricValue(text, name string) uint64 {
	return uint64(metricFloat(text, name))
}

// metricFloat reads an unlabelled series of the Prometheus text format
// (0 when missing or negative).
func metricFloat(text, name string) float64 {
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil && f >= 0 {
				return f
			}
		}
	}
	return 0
}

// benchFetch GETs u and reads the whole body; a status other than 200 is
// an error.
func benchFetch(ctx context.Context, c *http.Client, u string) error {
	return benchGet(ctx, c, u, io.Discard)
}

// benchGet GETs u and copies the whole body to w; a status other than 200
// is an error.
func benchGet(ctx context.Context, c *http.Client, u string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(w, res.Body); err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return &benchStatusError{res.StatusCode}
	}
	return nil
}

type benchStatusError struct{ code int }

func (e *benchStatusError) Error() string { return "HTTP status " + strconv.Itoa(e.code) }

// measureOverhead times each query of the mix in process and over HTTP,
// rounds times, and compares the sums of the per-query medians.
func benchOverheadOf(ctx context.Context, s *search.Searcher, qs []loadgen.Query, urls []string, rounds int, get func(context.Context, string) error) (benchOverhead, error) {
	inproc := make([][]time.Duration, len(qs))
	overHTTP := make([][]time.Duration, len(qs))
	for range rounds {
		for i, q := range qs {
			req, err := benchRequest(q)
			if err != nil {
				return benchOverhead{}, err
			}
			t := time.Now()
			if _, err := s.Search(ctx, req); err != nil {
				return benchOverhead{}, fmt.Errorf("query %q in process: %w", q.Text, err)
			}
			inproc[i] = append(inproc[i], time.Since(t))
			t = time.Now()
			if err := get(ctx, urls[i]); err != nil {
				return benchOverhead{}, fmt.Errorf("query %q over HTTP: %w", q.Text, err)
			}
			overHTTP[i] = append(overHTTP[i], time.Since(t))
		}
	}
	o := benchOverhead{Rounds: rounds, ByKind: map[string]benchKind{}}
	kindIn, kindHTTP := map[string][]time.Duration{}, map[string][]time.Duration{}
	for i, q := range qs {
		a, b := loadgen.Summarize(inproc[i]).P50, loadgen.Summarize(overHTTP[i]).P50
		o.InProcessMS += benchMS(a)
		o.HTTPMS += benchMS(b)
		kindIn[q.Kind] = append(kindIn[q.Kind], a)
		kindHTTP[q.Kind] = append(kindHTTP[q.Kind], b)
	}
	if o.InProcessMS > 0 {
		o.Ratio = o.HTTPMS/o.InProcessMS - 1
	}
	for k := range kindIn {
		o.ByKind[k] = benchKind{Queries: len(kindIn[k]),
			InProcessMS: benchMS(loadgen.Summarize(kindIn[k]).P50), HTTPMS: benchMS(loadgen.Summarize(kindHTTP[k]).P50)}
	}
	return o, nil
}

// requestOf turns a mix entry into the search.Request the API would make
// of the same URL parameters.
func benchRequest(q loadgen.Query) (search.Request, error) {
	v := q.Values()
	r := search.Request{Query: v.Get("q"), UI: v.Get("ui"), Filters: map[string][]string{}}
	for _, name := range indexer.FacetNames() {
		for _, s := range v[name] {
			r.Filters[name] = append(r.Filters[name], strings.Split(s, ",")...)
		}
	}
	for name, dst := range map[string]*int{"page": &r.Page, "size": &r.Size} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return search.Request{}, fmt.Errorf("query %q: %s=%q", q.Text, name, s)
			}
			*dst = n
		}
	}
	return r, nil
}

// benchSuggest measures /api/v1/suggest at the open-loop rate, or says why
// it could not.
func benchSuggest(ctx context.Context, c *http.Client, base string, prefixes []string, rate float64, d time.Duration, maxReq int, progress func(string, ...any)) (*loadgen.Report, string, error) {
	if len(prefixes) == 0 {
		return nil, "no suggest prefixes in the mix", nil
	}
	urls := make([]string, len(prefixes))
	for i, p := range prefixes {
		urls[i] = base + "/api/v1/suggest?" + url.Values{"q": {p}}.Encode()
	}
	var se *benchStatusError
	if err := benchFetch(ctx, c, urls[0]); errors.As(err, &se) {
		return nil, fmt.Sprintf("not measured: /api/v1/suggest answers %d", se.code), nil
	} else if err != nil {
		return nil, "", fmt.Errorf("suggest: %w", err)
	}
	progress("suggest: %.0f requests/s for %s", rate, d)
	r, err := loadgen.RunOpen(ctx, loadgen.Open{Rate: rate, Duration: d, MaxRequests: maxReq},
		func(ctx context.Context, i int) error { return benchFetch(ctx, c, urls[i%len(urls)]) })
	if err != nil {
		return nil, "", err
	}
	return &r, "", nil
}

// server is a `vigie serve` child process.
type benchServer struct {
	cmd  *exec.Cmd
	done chan error
}

func (s *benchServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// startServe starts `vigie serve` over data on a free loopback port and
// returns once it answers a search, with the time that took.
func benchServe(ctx context.Context, bin, seeds, data string, extra ...string) (*benchServer, string, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", 0, err
	}
	base := "http://" + addr
	began := time.Now()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--seeds", seeds, "--data", data, "--log-level", "warn"}, extra...)...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = childAttrs()
	if err := cmd.Start(); err != nil {
		return nil, "", 0, fmt.Errorf("start serve: %w", err)
	}
	s := &benchServer{cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	c := &http.Client{Timeout: 5 * time.Second}
	probe := base + "/api/v1/search?q=canada"
	for deadline := time.Now().Add(2 * time.Minute); ; {
		err := benchFetch(ctx, c, probe)
		if err == nil {
			return s, base, time.Since(began), nil
		}
		select {
		case err := <-s.done:
			s.done <- err
			return nil, "", 0, fmt.Errorf("serve exited before answering: %v", err)
		default:
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			return nil, "", 0, fmt.Errorf("serve did not answer a search within 2 minutes: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type benchFile struct {
	rel  string
	size int64
}

// corpusSubset lists the corpus's files and keeps a fraction of them,
// chosen by file name so that a document and its translation (en/A-1.md,
// fr/A-1.md) stay together: the names are sorted and spread evenly.
func benchSubset(root string, fraction float64) ([]benchFile, error) {
	var all []benchFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != root {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		all = append(all, benchFile{rel, info.Size()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("corpus %s has no files", root)
	}
	if fraction >= 1 {
		return all, nil
	}
	names := map[string]bool{}
	for _, f := range all {
		names[filepath.Base(f.rel)] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	keep := map[string]bool{}
	for i, n := range sorted {
		// Evenly spread: name i is kept when it crosses a multiple of 1/fraction.
		if math.Floor(float64(i+1)*fraction) > math.Floor(float64(i)*fraction) {
			keep[n] = true
		}
	}
	var out []benchFile
	for _, f := range all {
		if keep[filepath.Base(f.rel)] {
			out = append(out, f)
		}
	}
	return out, nil
}

// linkFiles hard-links (or copies, across file systems) files from src to
// dst, keeping their relative paths.
func benchLink(src, dst string, files []benchFile) error {
	for _, f := range files {
		from, to := filepath.Join(src, f.rel), filepath.Join(dst, f.rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		if os.Link(from, to) == nil {
			continue
		}
		b, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func benchDirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// loadAvg returns the 1, 5 and 15-minute load averages (Linux), or "".
func benchLoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// memTotal returns the machine's memory in bytes (Linux), or 0.
func benchMemTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func benchMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func benchMiB(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	if b < 10<<20 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func benchPrint(w io.Writer, r *Report) {
	fmt.Fprintf(w, "Corpus %s (fraction %.2f): %d files, %.1f MB; %d CPUs, %.1f GiB; load average %s before, %s after.\n\n",
		r.Corpus, r.Fraction, r.Files, float64(r.Bytes)/1e6, r.Machine.CPUs, float64(r.Machine.MemTotal)/(1<<30), r.LoadBefore, r.LoadAfter)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")) }
	row("measure", "value")
	row("documents / passages", fmt.Sprintf("%d / %d", r.Documents, r.Passages))
	row("index time", fmt.Sprintf("%.1f s (%.0f docs/s, %.0f passages/s); %.1f s of CPU", r.IndexTime, r.DocsPerSec, r.PassPerSec, r.IndexCPU))
	row("index build peak RSS", benchMiB(r.IndexPeak))
	row("index size on disk", benchMiB(r.IndexBytes))
	row("first search after restart", fmt.Sprintf("%.0f ms", r.FirstSearch*1000))
	o := r.Overhead
	n := float64(max(benchQueries(o), 1))
	row("one at a time: in process / HTTP", fmt.Sprintf("%.2f / %.2f ms a query (mean of medians); API overhead %+.0f%%",
		o.InProcessMS/n, o.HTTPMS/n, o.Ratio*100))
	loadRow := func(name string, rep loadgen.Report) {
		l := rep.Latency
		row(name, fmt.Sprintf("%.0f req/s, %d requests, %d errors%s; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
			rep.Throughput, rep.Requests, rep.Errors, benchDropped(rep), benchMS(l.P50), benchMS(l.P90), benchMS(l.P99), benchMS(l.Max)))
	}
	loadRow(fmt.Sprintf("closed loop, %d clients", r.Closed.Concurrency), r.Closed)
	loadRow(fmt.Sprintf("open loop, %.0f req/s", r.Open.Rate), r.Open)
	row("CPU per request: server / client", fmt.Sprintf("closed loop %.2f / %.2f ms, open loop %.2f / %.2f ms",
		r.ClosedCPU.ServerMS, r.ClosedCPU.ClientMS, r.OpenCPU.ServerMS, r.OpenCPU.ClientMS))
	if r.Suggest != nil {
		loadRow(fmt.Sprintf("suggest, %.0f req/s", r.Suggest.Rate), *r.Suggest)
	} else {
		row("suggest", r.SuggestNote)
	}
	row("serve RSS after load (peak)", fmt.Sprintf("%s (%s)", benchMiB(r.Serve.RSS), benchMiB(r.Serve.Peak)))
	cache := r.CacheSize
	if cache == "" {
		cache = "serve's default"
	}
	row("result cache (--cache-size)", cache)
	tw.Flush()
	if len(r.Mixes) > 0 {
		fmt.Fprintf(w, "\nMixes drawn from the corpus, closed loop, %d clients, side by side:\n", r.Closed.Concurrency)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		row("mix", "distinct queries", "searches/s", "p50", "p99", "max", "errors", "server CPU a search", "wait for a worker", "cache hits", "load after")
		for _, m := range r.Mixes {
			l := m.Closed.Latency
			row(m.Name, strconv.Itoa(m.Queries), fmt.Sprintf("%.0f", m.Closed.Throughput), fmt.Sprintf("%.1f ms", benchMS(l.P50)),
				fmt.Sprintf("%.1f ms", benchMS(l.P99)), fmt.Sprintf("%.1f ms", benchMS(l.Max)), strconv.Itoa(m.Closed.Errors),
				fmt.Sprintf("%.2f ms", m.CPU.ServerMS), benchWait(m), benchHitRate(m.CacheHits, m.CacheMisses, m.CacheEntries, m.CacheBytes), m.Load)
		}
		tw.Flush()
		for _, m := range r.Mixes {
			if m.Closed.FirstError != "" {
				fmt.Fprintf(w, "First error of %s: %q\n", m.Name, m.Closed.FirstError)
			}
		}
	}
	fmt.Fprintln(w, "\nIn process vs HTTP, median per query kind (one query at a time):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row("kind", "queries", "in process", "HTTP")
	kinds := make([]string, 0, len(o.ByKind))
	for k := range o.ByKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		kr := o.ByKind[k]
		row(k, strconv.Itoa(kr.Queries), fmt.Sprintf("%.2f ms", kr.InProcessMS), fmt.Sprintf("%.2f ms", kr.HTTPMS))
	}
	tw.Flush()
	if r.Closed.FirstError != "" || r.Open.FirstError != "" {
		fmt.Fprintf(w, "\nFirst errors: closed %q, open %q\n", r.Closed.FirstError, r.Open.FirstError)
	}
}

// benchWait is the mean wait of a search for one of the server's
// workers, and their number, or "no limit".
func benchWait(m MixReport) string {
	if m.Workers == 0 {
		return "no limit"
	}
	return fmt.Sprintf("%.1f ms (%d workers)", m.QueueWaitMS, m.Workers)
}

// benchHitRate is the share of searches answered from the cache, with
// what it holds, or "off" when it answered nothing and computed nothing.
func benchHitRate(hits, misses, entries, bytes uint64) string {
	if hits+misses == 0 {
		return "off"
	}
	return fmt.Sprintf("%.0f%% (%d kept, %s)", 100*float64(hits)/float64(hits+misses), entries, benchMiB(int64(bytes)))
}

func benchQueries(o benchOverhead) int {
	n := 0
	for _, k := range o.ByKind {
		n += k.Queries
	}
	return n
}

func benchDropped(r loadgen.Report) string {
	if r.Dropped == 0 {
		return ""
	}
	return fmt.Sprintf(", %d dropped", r.Dropped)
}
