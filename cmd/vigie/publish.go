package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/vigie/vigie/api"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/replica"
	"github.com/vigie/vigie/search"
)

// cmdPublish uploads a generation of the data folder to an object store
// and makes it the store's live one (replica.Publish).
func cmdPublish(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	to := fs.String("to", env("VIGIE_STORE", ""), "store URL: file:///DIR, s3://BUCKET?region=…&endpoint=…, gs://BUCKET, azblob://CONTAINER; ?prefix=DIR/ for a folder (env VIGIE_STORE)")
	data := fs.String("data", env("VIGIE_DATA", "data"), "data folder holding the generation (env VIGIE_DATA)")
	gen := fs.String("generation", "", "generation to publish (default: the live one); one the store already holds is only made CURRENT again (a rollback)")
	force := fs.Bool("force", false, "upload the archive again even if the store holds the generation")
	logFormat := fs.String("log-format", env("VIGIE_LOG_FORMAT", "text"), "log format: text or json (env VIGIE_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("VIGIE_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env VIGIE_LOG_LEVEL)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "vigie publish: unexpected argument %q\n", rest[0])
		return errUsage
	}
	if *to == "" {
		fmt.Fprintln(stderr, "vigie publish: --to URL is required")
		return errUsage
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	st, err := replica.OpenStore(ctx, *to)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := replica.Publish(ctx, st, replica.PublishOptions{Data: *data, Generation: *gen, Version: version, Force: *force, Logger: log})
	if err != nil {
		return err
	}
	m := res.Manifest
	if res.Uploaded {
		fmt.Fprintf(stdout, "published %s: %d documents, %d passages, %d bytes (sha256 %s) in %s\n",
			m.Generation, m.Documents, m.Passages, m.Size, m.SHA256, res.Duration.Round(1e6))
	} else {
		fmt.Fprintf(stdout, "%s was already in the store: CURRENT names it again\n", m.Generation)
	}
	return nil
}

// installGeneration is the one place where a replica puts a downloaded
// generation live: the first becomes the handle's searcher, later ones
// are swapped in (the swap waits for the requests on the old generation,
// then closes it).
func installGeneration(h *api.Handle, opts search.Options) func(*indexer.Generation) error {
	return func(gen *indexer.Generation) error {
		if s := h.Searcher(); s != nil {
			return s.Swap(gen)
		}
		h.SetSearcher(search.New(gen, opts))
		return nil
	}
}

// startReplica serves the generations a store publishes (serve --from):
// it installs the local data folder's generation at once if there is one,
// then polls the store in the background and on SIGHUP (hup). The
// returned function stops the polling, after which the searcher may be
// closed.
func startReplica(ctx context.Context, cfg serveConfig, h *api.Handle, opts search.Options, hup chan os.Signal) (stop func(), err error) {
	log := cfg.api.Logger
	if os.Getenv("VIGIE_ADMIN_TOKEN") != "" {
		log.Warn("VIGIE_ADMIN_TOKEN is ignored by a replica (serve --from): reindex where you publish")
	}
	st, err := replica.OpenStore(ctx, cfg.from)
	if err != nil {
		return nil, err
	}
	var reg = cfg.api.Metrics.Registerer()
	rep, err := replica.New(st, replica.Options{
		Data: cfg.data, Interval: cfg.reloadEvery, Install: installGeneration(h, opts),
		Registerer: reg, Logger: log,
	})
	if err == nil {
		err = rep.Start(ctx)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		rep.Run(rctx)
	}()
	go func() {
		for {
			select {
			case <-rctx.Done():
				return
			case <-hup:
				rep.Trigger()
			}
		}
	}()
	return func() {
		cancel()
		<-done
		signal.Stop(hup)
		if err := st.Close(); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("close store", "err", err)
		}
	}, nil
}

// hupChannel starts catching SIGHUP at once, so that a signal sent while
// the server starts does not end it.
func hupChannel() chan os.Signal {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP)
	return c
}
