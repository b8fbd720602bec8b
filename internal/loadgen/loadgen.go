package loadgen

import (
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Func sends request number i and returns when it is answered. A non-nil
// error counts the request as failed; its latency is still recorded.
type Func func(ctx context.Context, i int) error

// Report summarises one run.
type Report struct {
	// Mode is "open" or "closed".
	Mode string `json:"mode"`
	// Rate is the offered rate of an open-loop run (requests/s).
	Rate float64 `json:"rate,omitempty"`
	// Concurrency is the number of clients of a closed-loop run, or the
	// in-flight cap of an open-loop run.
	Concurrency int `json:"concurrency"`
	// Requests counts the requests answered (successfully or not); Errors
	// those that failed; Dropped the open-loop requests that were due but
	// never sent because MaxInFlight were already outstanding.
	Requests int `json:"requests"`
	Errors   int `json:"errors"`
	Dropped  int `json:"dropped,omitempty"`
	// FirstError is the text of the first failure, to tell a broken target
	// from a slow one.
	FirstError string `json:"first_error,omitempty"`
	// Elapsed is the wall time of the run; Throughput = Requests/Elapsed.
	Elapsed    time.Duration `json:"elapsed_ns"`
	Throughput float64       `json:"throughput"`
	Latency    Summary       `json:"latency"`
}

// Summary holds exact latency percentiles of a set of samples.
type Summary struct {
	N    int           `json:"n"`
	Mean time.Duration `json:"mean_ns"`
	Min  time.Duration `json:"min_ns"`
	P50  time.Duration `json:"p50_ns"`
	P90  time.Duration `json:"p90_ns"`
	P99  time.Duration `json:"p99_ns"`
	Max  time.Duration `json:"max_ns"`
}

// Summarize sorts samples in place and returns their percentiles, using
// the nearest-rank method (the p-th percentile is a recorded sample).
func Summarize(samples []time.Duration) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	slices.Sort(samples)
	var sum time.Duration
	for _, d := range samples {
		sum += d
	}
	return Summary{
		N:    len(samples),
		Mean: sum / time.Duration(len(samples)),
		Min:  samples[0],
		P50:  Percentile(samples, 50),
		P90:  Percentile(samples, 90),
		P99:  Percentile(samples, 99),
		Max:  samples[len(samples)-1],
	}
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted samples
// by nearest rank: the smallest sample with at least p% of the samples at
// or below it.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// recorder collects samples from concurrent requests.
type recorder struct {
	mu       sync.Mutex
	samples  []time.Duration
	errors   int
	firstErr string
}

func (r *recorder) add(d time.Duration, err error) {
	r.mu.Lock()
	r.samples = append(r.samples, d)
	if err != nil {
		if r.errors == 0 {
			r.firstErr = err.Error()
		}
		r.errors++
	}
	r.mu.Unlock()
}

func (r *recorder) report(mode string, elapsed time.Duration) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := Report{Mode: mode, Requests: len(r.samples), Errors: r.errors, FirstError: r.firstErr, Elapsed: elapsed}
	if elapsed > 0 {
		rep.Throughput = float64(len(r.samples)) / elapsed.Seconds()
	}
	rep.Latency = Summarize(r.samples)
	return rep
}

// Open describes an open-loop run.
type Open struct {
	// Rate is the number of requests per second, sent at fixed intervals.
	Rate float64
	// Duration bounds the schedule; MaxRequests bounds the number of
	// requests (0: Rate×Duration).
	Duration    time.Duration
	MaxRequests int
	// MaxInFlight caps outstanding requests so that a stalled target
	// cannot exhaust memory; a request due while the cap is reached is
	// dropped and counted. 0 means 1,000.
	MaxInFlight int
}

// ErrBadRun reports an impossible run description.
var ErrBadRun = errors.New("loadgen: rate, duration and concurrency must be positive")

// RunOpen sends requests at o.Rate per second until o.Duration or
// o.MaxRequests is reached, then waits for the outstanding ones. Latency
// is measured from each request's scheduled time. Cancelling ctx stops
// the schedule; requests in flight get ctx.
func RunOpen(ctx context.Context, o Open, do Func) (Report, error) {
	if o.Rate <= 0 || o.Duration <= 0 {
		return Report{}, ErrBadRun
	}
	n := int(o.Rate * o.Duration.Seconds())
	if o.MaxRequests > 0 && o.MaxRequests < n {
		n = o.MaxRequests
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 1000
	}
	interval := time.Duration(float64(time.Second) / o.Rate)
	rec := &recorder{samples: make([]time.Duration, 0, n)}
	var wg sync.WaitGroup
	var inFlight atomic.Int64
	dropped := 0
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
schedule:
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				break schedule
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			break
		}
		if inFlight.Load() >= int64(o.MaxInFlight) {
			dropped++
			continue
		}
		inFlight.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer inFlight.Add(-1)
			err := do(ctx, i)
			rec.add(time.Since(due), err)
		}()
	}
	wg.Wait()
	rep := rec.report("open", time.Since(start))
	rep.Rate, rep.Concurrency, rep.Dropped = o.Rate, o.MaxInFlight, dropped
	return rep, nil
}

// Closed describes a closed-loop run.
type Closed struct {
	// Concurrency is the number of clients, each sending its next request
	// when the previous one is answered.
	Concurrency int
	// Duration and MaxRequests (0: no limit) bound the run.
	Duration    time.Duration
	MaxRequests int
}

// RunClosed runs c.Concurrency clients until c.Duration has passed or
// c.MaxRequests have been sent.
func RunClosed(ctx context.Context, c Closed, do Func) (Report, error) {
	if c.Concurrency <= 0 || c.Duration <= 0 {
		return Report{}, ErrBadRun
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rec := &recorder{}
	var next atomic.Int64
	stop := time.Now().Add(c.Duration)
	start := time.Now()
	var wg sync.WaitGroup
	for range c.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(stop) {
				i := int(next.Add(1) - 1)
				if c.MaxRequests > 0 && i >= c.MaxRequests {
					return
				}
				began := time.Now()
				err := do(ctx, i)
				rec.add(time.Since(began), err)
			}
		}()
	}
	wg.Wait()
	rep := rec.report("closed", time.Since(start))
	rep.Concurrency = c.Concurrency
	return rep, nil
}
