package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vigie/vigie/api"
	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// serveConfig is everything serve needs besides its listener.
type serveConfig struct {
	seeds, data string
	// from, when set, is the store URL of a replica (serve --from): it
	// serves the generations published there and keeps no corpus.
	from string
	// metricsLn, when not nil, serves /metrics instead of the main
	// listener (--metrics-addr).
	metricsLn net.Listener
	// pprof adds Go's profiler (/debug/pprof/) to the metrics listener.
	pprof bool
	// drainDelay is how long /readyz answers 503 before the server stops
	// accepting connections, so that load balancers move away first.
	drainDelay time.Duration
	// drain bounds the wait for in-flight requests.
	drain time.Duration
	// reloadEvery is how often the data folder is checked for a new
	// generation (0: only on SIGHUP).
	reloadEvery time.Duration
	// gazetteer tags the passages of builds serve starts (the first one,
	// admin reindexes); nil: the embedded one.
	gazetteer *entity.Gazetteer
	api       api.Options
	limits    search.Limits
	// cacheBytes bounds the result cache (--cache-size); 0: off.
	cacheBytes int64
	// postingsBytes bounds the decoded postings of a generation
	// (--postings-cache-size); 0: none.
	postingsBytes int64
	// workers and queue bound the searches run at once and those waiting
	// for a worker (--search-workers, --search-queue).
	workers, queue int
	// heapLimit is the floor of the soft heap limit (--heap-limit, see
	// serveGC); 0: no limit.
	heapLimit int64
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := search.DefaultLimits
	var ev envReader
	addr := fs.String("addr", env("VIGIE_ADDR", ":8080"), "listen address HOST:PORT (env VIGIE_ADDR)")
	seeds := fs.String("seeds", env("VIGIE_SEEDS", "seeds"), "corpus folder used when there is no index yet (env VIGIE_SEEDS)")
	data := fs.String("data", env("VIGIE_DATA", "data"), "data folder for index generations (env VIGIE_DATA)")
	logFormat := fs.String("log-format", env("VIGIE_LOG_FORMAT", "text"), "log format: text or json (env VIGIE_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("VIGIE_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env VIGIE_LOG_LEVEL)")
	logQueries := fs.Bool("log-queries", ev.bool("VIGIE_LOG_QUERIES", true), "include the query text (q) in request logs (env VIGIE_LOG_QUERIES)")
	searchTimeout := fs.Duration("search-timeout", search.DefaultTimeout, "time limit of one search")
	drain := fs.Duration("shutdown-timeout", 10*time.Second, "time given to in-flight requests on shutdown")
	drainDelay := fs.Duration("drain-delay", ev.duration("VIGIE_DRAIN_DELAY", 0), "on shutdown, answer /readyz 503 for this long before refusing connections (env VIGIE_DRAIN_DELAY)")
	cors := fs.String("cors-origins", env("VIGIE_CORS_ORIGINS", ""), "comma-separated origins allowed to call the API from a browser; empty: none (env VIGIE_CORS_ORIGINS)")
	rateLimit := fs.Int("rate-limit", ev.int("VIGIE_RATE_LIMIT", 0), "requests per minute one client may make; 0: no limit (env VIGIE_RATE_LIMIT)")
	proxies := fs.String("trusted-proxies", env("VIGIE_TRUSTED_PROXIES", ""), "comma-separated CIDR prefixes of reverse proxies whose X-Forwarded-For names the client (env VIGIE_TRUSTED_PROXIES)")
	maxBody := fs.Int64("max-body-bytes", api.DefaultMaxBodyBytes, "largest request body accepted")
	maxQuery := fs.Int("max-query-bytes", def.MaxQueryBytes, "longest query text, in bytes")
	maxTerms := fs.Int("max-terms", def.MaxTerms, "most words in a query")
	maxSize := fs.Int("max-size", def.MaxSize, "most hits per page")
	maxWindow := fs.Int("max-window", def.MaxWindow, "largest page × size (deeper pages: the next cursor)")
	maxClauses := fs.Int("max-clauses", def.MaxClauses, "most query clauses after analysis and prefix expansion")
	maxFuzziness := fs.Int("max-fuzziness", def.MaxFuzziness, "largest edit distance of a fuzzy term, 1 or 2")
	reloadEvery := fs.Duration("reload-interval", 2*time.Second, "how often to look for a new index generation (0: only on SIGHUP); with --from, the mean time between reads of the store's CURRENT (±50% jitter)")
	from := fs.String("from", env("VIGIE_FROM", ""), "serve the generations published to this store URL (see vigie publish) instead of indexing --seeds (env VIGIE_FROM)")
	pprofOn := fs.Bool("pprof", ev.bool("VIGIE_PPROF", false), "also serve Go's profiler, /debug/pprof/, on --metrics-addr (never on --addr); needs --metrics-addr (env VIGIE_PPROF)")
	metricsAddr := fs.String("metrics-addr", env("VIGIE_METRICS_ADDR", ""), "serve /metrics on this address HOST:PORT only, not on --addr; empty: on --addr (env VIGIE_METRICS_ADDR)")
	gazFile := fs.String("gazetteer", env("VIGIE_GAZETTEER", ""), "your gazetteer (YAML) for the builds serve starts: the first one and admin reindexes (env VIGIE_GAZETTEER); searches use the one stored with the live generation")
	gazMode := fs.String("gazetteer-mode", env("VIGIE_GAZETTEER_MODE", "merge"), "merge: add your entities to the embedded ones (same id: yours wins); replace: yours alone (env VIGIE_GAZETTEER_MODE)")
	cacheSize := cacheSizeFlag(ev.size("VIGIE_CACHE_SIZE", search.DefaultCacheBytes))
	fs.Var(&cacheSize, "cache-size", "memory bound of the search result cache, e.g. 32MiB; 0: no cache (env VIGIE_CACHE_SIZE)")
	heapLimit := cacheSizeFlag(ev.size("VIGIE_HEAP_LIMIT", defaultHeapLimit))
	fs.Var(&heapLimit, "heap-limit", "soft limit of the Go heap, e.g. 320MiB, raised to twice the live heap when that is larger; 0: none; GOGC or GOMEMLIMIT set: yours instead (env VIGIE_HEAP_LIMIT)")
	postingsSize := cacheSizeFlag(ev.size("VIGIE_POSTINGS_CACHE_SIZE", search.DefaultPostingsCacheBytes))
	fs.Var(&postingsSize, "postings-cache-size", "memory bound of the frequent words' postings kept decoded for each generation, e.g. 32MiB; 0: none (env VIGIE_POSTINGS_CACHE_SIZE)")
	workers := fs.Int("search-workers", ev.int("VIGIE_SEARCH_WORKERS", search.DefaultWorkers()), "searches run at once; the others wait in line (env VIGIE_SEARCH_WORKERS; default: 1.5 per core + 1)")
	queue := fs.Int("search-queue", ev.int("VIGIE_SEARCH_QUEUE", search.DefaultQueue), "searches that may wait for a worker; past that, 503 with Retry-After (env VIGIE_SEARCH_QUEUE)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "vigie serve: unexpected argument %q\n", rest[0])
		return errUsage
	}
	if err := errors.Join(ev.errs...); err != nil {
		return err
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	gaz, err := loadGazetteer(*gazFile, *gazMode)
	if err != nil {
		return err
	}
	cfg := serveConfig{gazetteer: gaz, heapLimit: int64(heapLimit), cacheBytes: int64(cacheSize), postingsBytes: int64(postingsSize), workers: *workers, queue: *queue,
		seeds: *seeds, data: *data, from: *from, drain: *drain, drainDelay: *drainDelay, reloadEvery: *reloadEvery,
		api: api.Options{
			Logger: log, SearchTimeout: *searchTimeout, LogQueries: *logQueries, MaxBodyBytes: *maxBody,
			CORSOrigins: splitList(*cors), RateLimit: *rateLimit, TrustedProxies: splitList(*proxies),
			Metrics: api.NewMetrics(version),
		},
		limits: search.Limits{MaxQueryBytes: *maxQuery, MaxTerms: *maxTerms, MaxSize: *maxSize, MaxWindow: *maxWindow,
			MaxClauses: *maxClauses, MaxFuzziness: *maxFuzziness},
	}
	if err := cfg.api.Validate(); err != nil {
		return err
	}
	if err := cfg.limits.Validate(); err != nil {
		return err
	}
	if *searchTimeout <= 0 || *drain <= 0 || *drainDelay < 0 {
		return errors.New("--search-timeout and --shutdown-timeout must be positive, --drain-delay not negative")
	}
	if *workers <= 0 || *queue <= 0 {
		return errors.New("--search-workers and --search-queue must be positive")
	}
	if *pprofOn && *metricsAddr == "" {
		return errors.New("--pprof needs --metrics-addr: the profiler is served on the internal metrics port only")
	}
	cfg.pprof = *pprofOn
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (--metrics-addr): %w", *metricsAddr, err)
		}
		cfg.metricsLn = mln
		cfg.api.SeparateMetrics = true
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		if cfg.metricsLn != nil {
			cfg.metricsLn.Close()
		}
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	return serve(ctx, ln, cfg, stdout, nil)
}

// defaultHeapLimit is the floor of serve's soft heap limit (serveGC).
const defaultHeapLimit = 320 << 20

// serve answers on ln until ctx is done (a signal), then drains: /readyz
// turns 503, after cfg.drainDelay the listener closes, in-flight requests
// get cfg.drain to finish, and the index is closed. wrap, when not nil,
// wraps the router (tests use it to hold requests in flight).
func serve(ctx context.Context, ln net.Listener, cfg serveConfig, stdout io.Writer, wrap func(http.Handler) http.Handler) error {
	log := cfg.api.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
		cfg.api.Logger = log
	}
	if cfg.api.Metrics == nil {
		cfg.api.Metrics = api.NewMetrics(version)
	}
	restoreGC, limited := serveGC(cfg.heapLimit)
	defer restoreGC()
	if limited {
		gcCtx, stopGC := context.WithCancel(ctx)
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			watchHeapLimit(gcCtx, cfg.heapLimit, time.Second)
		}()
		defer func() { stopGC(); <-watched }() // before restoreGC: no tick after it
	}
	h := &api.Handle{}
	var rl *reloader
	var hup chan os.Signal
	if cfg.from != "" {
		hup = hupChannel() // a replica: publish.go
	} else {
		rl = newReloader(cfg.data, h, log) // hot reload: reload.go
		if cfg.api.Admin == nil {
			cfg.api.Admin = adminOptions(ctx, cfg.seeds, cfg.data, cfg.gazetteer, log, rl, cfg.api.Metrics)
		}
	}
	if cfg.api.Labels == nil {
		// Pages name actors and forums with the live generation's gazetteer.
		cfg.api.Labels = liveLabels{h}
	}
	if cfg.api.Changes == nil {
		cfg.api.Changes = changelog.Open(cfg.data)
	}
	var handler http.Handler = api.NewRouter(h, cfg.api)
	if wrap != nil {
		handler = wrap(handler)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests keep running when the signal comes: Shutdown waits for
		// them.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	log.Info("listening", "addr", ln.Addr().String(), "version", version)
	if cfg.metricsLn != nil {
		stopMetrics := serveMetrics(cfg.metricsLn, cfg.api.Metrics.Handler(), cfg.pprof, log)
		defer stopMetrics()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	opts := searchOptions()
	opts.BackgroundVocabulary = true // answer the first search at once
	opts.Limits = cfg.limits
	opts.CacheBytes = cfg.cacheBytes
	opts.PostingsCacheBytes = cfg.postingsBytes
	if cfg.postingsBytes == 0 {
		opts.PostingsCacheBytes = -1 // --postings-cache-size 0: none
	}
	opts.Workers, opts.Queue = cfg.workers, cfg.queue
	// stopSwaps stops whatever swaps generations in, so that the searcher
	// can be closed.
	var stopSwaps func()
	var err error
	if cfg.from != "" {
		// A replica: /readyz answers 503 until the first generation is in.
		stopSwaps, err = startReplica(ctx, cfg, h, opts, hup)
		if err != nil {
			_ = srv.Close()
			return err
		}
		fmt.Fprintf(stdout, "Vigie is serving the generations of %s on http://%s/\n", redactURL(cfg.from), displayAddr(ln.Addr()))
	} else {
		// Open the live generation, building one first if there is none.
		s, err := openOrBuild(ctx, cfg.seeds, cfg.data, cfg.gazetteer, opts, cfg.api.Metrics, log)
		if err != nil {
			_ = srv.Close()
			return err
		}
		h.SetSearcher(s)
		rl.watch(ctx, cfg.reloadEvery)
		stopSwaps = rl.stop
		_, m := s.Generation()
		log.Info("ready", "documents", len(m.Documents), "passages", m.Passages)
		fmt.Fprintf(stdout, "Vigie is serving %d passages from %d documents on http://%s/\n", m.Passages, len(m.Documents), displayAddr(ln.Addr()))
	}
	closeIndex := func() error {
		stopSwaps()
		if s := h.Searcher(); s != nil {
			return s.Close()
		}
		return nil
	}

	select {
	case err := <-serveErr:
		_ = closeIndex()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// A second signal now ends the process at once (main stops catching
	// signals once the first has arrived).
	log.Info("shutting down: draining", "drain_delay", cfg.drainDelay, "shutdown_timeout", cfg.drain)
	h.SetDraining()
	if cfg.drainDelay > 0 {
		time.Sleep(cfg.drainDelay)
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.drain)
	defer cancel()
	err = srv.Shutdown(sctx)
	if err != nil {
		// Time is up: cut the remaining connections (their requests'
		// contexts end, so their searches stop) before closing the index.
		log.Warn("in-flight requests did not finish in time; closing their connections", "shutdown_timeout", cfg.drain)
		_ = srv.Close()
	}
	if cerr := closeIndex(); cerr != nil {
		log.Warn("close index", "err", cerr)
	}
	log.Info("stopped")
	if err != nil {
		return fmt.Errorf("shutdown: in-flight requests did not finish within %s", cfg.drain)
	}
	return nil
}

func openOrBuild(ctx context.Context, seeds, data string, g *entity.Gazetteer, opts search.Options, metrics *api.Metrics, log *slog.Logger) (*search.Searcher, error) {
	gen, err := indexer.Open(data)
	if errors.Is(err, indexer.ErrNoIndex) {
		log.Info("no index yet; building", "seeds", seeds, "data", data)
		began := time.Now()
		m, berr := indexer.Build(ctx, buildOptionsWith(seeds, data, log, g))
		metrics.ObserveReindex(time.Since(began), berr)
		if berr != nil {
			return nil, fmt.Errorf("build index: %w", berr)
		}
		log.Info("built", "documents", len(m.Documents), "passages", m.Passages, "duration", m.Duration.Round(time.Millisecond))
		gen, err = indexer.Open(data)
	}
	if err != nil {
		return nil, err
	}
	return search.New(gen, opts), nil
}

// liveLabels names actors and forums with the gazetteer of the generation
// being served (the embedded one before the index is open).
type liveLabels struct{ h *api.Handle }

func (l liveLabels) Label(id, lang string) string {
	if s := l.h.Searcher(); s != nil {
		return s.Label(id, lang)
	}
	return entity.Default().Label(id, lang)
}

// serveMetrics serves /metrics alone on ln (--metrics-addr), so that the
// metrics port can stay inside the cluster while the main one is public.
// With withPprof it also serves Go's profiler under /debug/pprof/. The
// returned function closes it.
func serveMetrics(ln net.Listener, h http.Handler, withPprof bool, log *slog.Logger) func() {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("serving metrics", "addr", ln.Addr().String())
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }
}

// redactURL drops credentials and parameters from a store URL shown to
// the user.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the store"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && (t.IP == nil || t.IP.IsUnspecified()) {
		return fmt.Sprintf("localhost:%d", t.Port)
	}
	return a.String()
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// envReader reads typed environment variables, collecting the errors of
// values it cannot read (reported before the server starts).
type envReader struct{ errs []error }

func (e *envReader) bool(name string, def bool) bool {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want true or false", name, v))
		return def
	}
	return b
}

func (e *envReader) int(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want an integer", name, v))
		return def
	}
	return n
}

// size reads a byte count such as 64MiB; 0 is allowed.
func (e *envReader) size(name string, def int64) int64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var f cacheSizeFlag
	if err := f.Set(v); err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want a size such as 64MiB, or 0", name, v))
		return def
	}
	return int64(f)
}

// cacheSizeFlag is a sizeFlag that may be 0 (off).
type cacheSizeFlag int64

func (s *cacheSizeFlag) String() string { return strconv.FormatInt(int64(*s), 10) }

func (s *cacheSizeFlag) Set(v string) error {
	if strings.TrimSpace(v) == "0" {
		*s = 0
		return nil
	}
	n, err := parseSize(v)
	if err != nil {
		return fmt.Errorf("size %q: want a size such as 64MiB, or 0 (no cache)", v)
	}
	*s = cacheSizeFlag(n)
	return nil
}

func (e *envReader) duration(name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want a duration such as 5s", name, v))
		return def
	}
	return d
}
