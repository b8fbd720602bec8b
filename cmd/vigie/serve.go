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
	"time"

	"github.com/vigie/vigie/api"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", env("VIGIE_ADDR", ":8080"), "listen address HOST:PORT (env VIGIE_ADDR)")
	seeds := fs.String("seeds", env("VIGIE_SEEDS", "seeds"), "corpus folder used when there is no index yet (env VIGIE_SEEDS)")
	data := fs.String("data", env("VIGIE_DATA", "data"), "data folder for index generations (env VIGIE_DATA)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	searchTimeout := fs.Duration("search-timeout", 2*time.Second, "time limit of one search")
	drain := fs.Duration("shutdown-timeout", 10*time.Second, "time given to in-flight requests on shutdown")
	reloadEvery := fs.Duration("reload-interval", 2*time.Second, "how often to look for a new index generation (0: only on SIGHUP)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "vigie serve: unexpected argument %q\n", rest[0])
		return errUsage
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}

	h := &api.Handle{}
	rl := newReloader(*data, h, log) // hot reload: reload.go
	srv := &http.Server{
		Handler:           api.NewRouter(h, api.Options{Logger: log, SearchTimeout: *searchTimeout, Admin: adminOptions(ctx, *seeds, *data, log, rl)}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	log.Info("listening", "addr", ln.Addr().String())
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	// Open the live generation, building one first if there is none.
	s, err := openOrBuild(ctx, *seeds, *data, log)
	if err != nil {
		_ = srv.Close()
		return err
	}
	h.SetSearcher(s)
	rl.watch(ctx, *reloadEvery)
	_, m := s.Generation()
	log.Info("ready", "documents", len(m.Documents), "passages", m.Passages)
	fmt.Fprintf(stdout, "Vigie is serving %d passages from %d documents on http://%s/\n", m.Passages, len(m.Documents), displayAddr(ln.Addr()))

	select {
	case err := <-serveErr:
		rl.stop()
		s.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", *drain)
	h.SetDraining()
	sctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	err = srv.Shutdown(sctx)
	rl.stop()
	if cerr := s.Close(); cerr != nil {
		log.Warn("close index", "err", cerr)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func openOrBuild(ctx context.Context, seeds, data string, log *slog.Logger) (*search.Searcher, error) {
	gen, err := indexer.Open(data)
	if errors.Is(err, indexer.ErrNoIndex) {
		log.Info("no index yet; building", "seeds", seeds, "data", data)
		m, berr := indexer.Build(ctx, buildOptions(seeds, data, log))
		if berr != nil {
			return nil, fmt.Errorf("build index: %w", berr)
		}
		log.Info("built", "documents", len(m.Documents), "passages", m.Passages, "duration", m.Duration.Round(time.Millisecond))
		gen, err = indexer.Open(data)
	}
	if err != nil {
		return nil, err
	}
	return search.New(gen, searchOptions()), nil
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && (t.IP == nil || t.IP.IsUnspecified()) {
		return fmt.Sprintf("localhost:%d", t.Port)
	}
	return a.String()
}
