package search

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when a search could not get a worker: the queue of
// searches waiting for one was full, or the search's time limit ran out
// while it waited (then joined with context.DeadlineExceeded). The server
// answers 503 with Retry-After. A search whose client left while it waited
// fails with context.Canceled alone: it was not turned away.
var ErrBusy = errors.New("every search worker is busy")

// DefaultQueue is the number of searches that may wait for a worker when
// Options.Workers is set and Options.Queue is not (Elasticsearch's
// search pool queues 1,000 too).
const DefaultQueue = 1000

// DefaultWorkers is the number of searches a server runs at once unless
// told otherwise: one and a half per core, plus one, as Elasticsearch
// sizes its search thread pool. On 2 cores that is 4: enough to keep
// both busy while a search waits on a page fault, few enough that 16
// clients do not share the cores 16 ways (which stretches every search,
// long ones most, and grows the garbage collector's work).
func DefaultWorkers() int { return runtime.GOMAXPROCS(0)*3/2 + 1 }

// gate admits at most cap(slots) searches at once; the others wait in
// line (first come, first served: a Go channel's waiters are served in
// order), at most maxWait of them.
type gate struct {
	slots   chan struct{}
	maxWait int64
	waiting atomic.Int64
	// admitted counts searches that got a worker; full, those turned away
	// because the line was full; expired, those whose time ran out (or
	// whose client left) while they waited; waitNanos, the time admitted
	// searches spent in line.
	admitted, full, expired atomic.Uint64
	waitNanos               atomic.Int64
}

// newGate returns a gate for workers searches at once and queue waiting,
// or nil (no limit) when workers is not positive.
func newGate(workers, queue int) *gate {
	if workers <= 0 {
		return nil
	}
	if queue <= 0 {
		queue = DefaultQueue
	}
	return &gate{slots: make(chan struct{}, workers), maxWait: int64(queue)}
}

// enter waits for a worker and returns the function that gives it back.
// It fails with ErrBusy when the line is full or ctx's deadline passes
// first (joined with ctx's error), and with ctx's error alone when ctx is
// canceled (the client left).
func (g *gate) enter(ctx context.Context) (func(), error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g.slots <- struct{}{}: // a free worker: no wait
		g.admitted.Add(1)
		return g.leave, nil
	default:
	}
	if g.waiting.Add(1) > g.maxWait {
		g.waiting.Add(-1)
		g.full.Add(1)
		return nil, ErrBusy
	}
	defer g.waiting.Add(-1)
	began := time.Now()
	select {
	case g.slots <- struct{}{}:
		g.waitNanos.Add(int64(time.Since(began)))
		g.admitted.Add(1)
		return g.leave, nil
	case <-ctx.Done():
		g.expired.Add(1)
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err()
		}
		return nil, errors.Join(ErrBusy, ctx.Err())
	}
}

func (g *gate) leave() { <-g.slots }

// WorkerStats describe a Searcher's search workers (Options.Workers). All
// zero when searches are not limited.
type WorkerStats struct {
	// Workers is the number of searches run at once; Running, those
	// running now; Waiting, those in line for a worker; Queue, the most
	// that may wait.
	Workers, Running, Waiting, Queue int
	// Admitted counts the searches that got a worker since the Searcher
	// was made; Rejected, those turned away because the line was full;
	// Expired, those whose time limit ran out (or whose client left) in
	// line.
	Admitted, Rejected, Expired uint64
	// Waited is the time admitted searches spent in line, in all.
	Waited time.Duration
}

// WorkerStats returns the search workers' figures.
func (s *Searcher) WorkerStats() WorkerStats {
	g := s.gate
	if g == nil {
		return WorkerStats{}
	}
	return WorkerStats{
		Workers: cap(g.slots), Running: len(g.slots), Waiting: int(g.waiting.Load()), Queue: int(g.maxWait),
		Admitted: g.admitted.Load(), Rejected: g.full.Load(), Expired: g.expired.Load(),
		Waited: time.Duration(g.waitNanos.Load()),
	}
}
