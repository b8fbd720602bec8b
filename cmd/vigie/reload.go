package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/vigie/vigie/entity"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/vigie/vigie/api"
	"github.com/vigie/vigie/indexer"
)

// reloader keeps a running server on the live generation of its data
// folder: it polls the CURRENT pointer that "vigie index" renames into
// place, reloads at once on SIGHUP, and swaps the new generation in
// without failing a request (search.Searcher.Swap: bleve's IndexAlias
// swap waits for in-flight searches, then the old index is closed).
// Polling one small file every couple of seconds costs nothing and needs
// no file-notification dependency, and it also works on volumes where
// inotify does not (network and overlay file systems).
type reloader struct {
	data string
	h    *api.Handle
	log  *slog.Logger
	hup  chan os.Signal

	mu      sync.Mutex // serialises reloads
	failed  string     // generation that last failed to open, logged once
	stopped bool       // set by stop: the searcher is about to be closed

	cancel context.CancelFunc
	done   chan struct{}
}

// newReloader starts listening for SIGHUP at once, so that a signal sent
// while the server starts is not fatal; watch acts on it.
func newReloader(data string, h *api.Handle, log *slog.Logger) *reloader {
	r := &reloader{data: data, h: h, log: log, hup: make(chan os.Signal, 1)}
	signal.Notify(r.hup, syscall.SIGHUP)
	return r
}

// watch reloads on SIGHUP and, when interval is positive, whenever the
// live generation changes, until stop is called or ctx ends.
func (r *reloader) watch(ctx context.Context, interval time.Duration) {
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	var tick <-chan time.Time
	var ticker *time.Ticker
	if interval > 0 {
		ticker = time.NewTicker(interval)
		tick = ticker.C
	}
	go func() {
		defer close(r.done)
		defer signal.Stop(r.hup)
		if ticker != nil {
			defer ticker.Stop()
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick:
				_, _ = r.reload()
			case <-r.hup:
				r.log.Info("SIGHUP: reloading the live generation")
				if _, err := r.reload(); err != nil {
					r.log.Error("reload failed", "err", err)
				}
			}
		}
	}()
}

// stop ends watch, waits for a reload in progress (including one asked
// for by an admin reindex) and makes later reloads do nothing, so that the
// caller can close the searcher.
func (r *reloader) stop() {
	if r.cancel != nil {
		r.cancel()
		<-r.done
	}
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
}

// reload swaps in the live generation if the server is not on it yet. It
// reports whether it swapped.
func (r *reloader) reload() (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.h.Searcher()
	if s == nil || r.stopped {
		return false, nil // still starting: openOrBuild opens the live generation
	}
	name, err := indexer.Current(r.data)
	if err != nil {
		return false, err
	}
	if cur, _ := s.Generation(); cur == name {
		return false, nil
	}
	gen, err := indexer.Open(r.data)
	if err != nil {
		if r.failed != name {
			r.failed = name
			r.log.Error("cannot open the new generation; still serving the old one", "generation", name, "err", err)
		}
		return false, fmt.Errorf("open generation %s: %w", name, err)
	}
	r.failed = ""
	old, _ := s.Generation()
	began := time.Now()
	if err := s.Swap(gen); err != nil {
		// The swap is done; only closing the old index failed.
		r.log.Warn("close previous generation", "generation", old, "err", err)
	}
	r.log.Info("serving new generation", "generation", gen.Name, "previous", old,
		"documents", len(gen.Manifest.Documents), "passages", gen.Manifest.Passages,
		"swap_ms", time.Since(began).Milliseconds())
	return true, nil
}

// adminOptions enables the admin endpoints when VIGIE_ADMIN_TOKEN is set:
// a reindex rebuilds from the seeds in the background (incrementally) and
// swaps the result in. Builds run under ctx, the server's lifetime.
func adminOptions(ctx context.Context, seeds, data string, g *entity.Gazetteer, log *slog.Logger, rl *reloader, metrics *api.Metrics) *api.Admin {
	token := os.Getenv("VIGIE_ADMIN_TOKEN")
	if token == "" {
		return nil
	}
	return &api.Admin{
		Token: token,
		Reindex: func(_ context.Context, progress func(indexer.Progress)) (*indexer.Manifest, error) {
			opts := buildOptionsWith(seeds, data, log, g)
			opts.Progress = progress
			began := time.Now()
			m, err := indexer.Build(ctx, opts)
			if metrics != nil {
				metrics.ObserveReindex(time.Since(began), err)
			}
			if err != nil {
				return m, err
			}
			if _, err := rl.reload(); err != nil && !errors.Is(err, indexer.ErrNoIndex) {
				return m, fmt.Errorf("swap in the new generation: %w", err)
			}
			return m, nil
		},
	}
}
