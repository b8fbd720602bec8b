package loadgen

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name    string
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 100 is the 99th", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the max", ms(hundred...), 100, 100 * time.Millisecond},
		{"p90 of ten", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percentile(tc.samples, tc.p); got != tc.want {
				t.Errorf("Percentile(p%v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

func TestSummarizeSortsAndAverages(t *testing.T) {
	s := Summarize([]time.Duration{30, 10, 20})
	want := Summary{N: 3, Mean: 20, Min: 10, P50: 20, P90: 30, P99: 30, Max: 30}
	if s != want {
		t.Errorf("Summarize = %+v, want %+v", s, want)
	}
}

// A target that serves one request at a time in 20 ms can answer 50/s.
// Offered 100/s, an open-loop run must show the queue building up in its
// latencies; a closed-loop client would see 20 ms every time.
func TestRunOpenMeasuresQueueing(t *testing.T) {
	var mu sync.Mutex
	slow := func(ctx context.Context, i int) error {
		mu.Lock()
		defer mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		return nil
	}
	rep, err := RunOpen(context.Background(), Open{Rate: 100, Duration: 400 * time.Millisecond}, slow)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 40 || rep.Errors != 0 {
		t.Fatalf("requests %d errors %d, want 40 and 0", rep.Requests, rep.Errors)
	}
	// The last request waits behind ~20 others: ≈ 400 ms.
	if rep.Latency.Max < 250*time.Millisecond {
		t.Errorf("max latency %v: queueing not measured from the schedule", rep.Latency.Max)
	}
	closed, err := RunClosed(context.Background(), Closed{Concurrency: 1, Duration: time.Hour, MaxRequests: 5}, slow)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Latency.Max >= rep.Latency.Max/2 {
		t.Errorf("closed-loop max %v not well below open-loop max %v", closed.Latency.Max, rep.Latency.Max)
	}
}

func TestRunOpenDropsAboveInFlightCap(t *testing.T) {
	release := make(chan struct{})
	stuck := func(ctx context.Context, i int) error { <-release; return nil }
	done := make(chan Report)
	go func() {
		rep, _ := RunOpen(context.Background(), Open{Rate: 1000, Duration: 50 * time.Millisecond, MaxInFlight: 5}, stuck)
		done <- rep
	}()
	time.Sleep(200 * time.Millisecond)
	close(release)
	rep := <-done
	if rep.Requests != 5 || rep.Dropped != 45 {
		t.Errorf("requests %d dropped %d, want 5 and 45", rep.Requests, rep.Dropped)
	}
}

func TestRunClosedBounds(t *testing.T) {
	var inFlight, peak atomic.Int64
	failEvery := errors.New("boom")
	do := func(ctx context.Context, i int) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		if i%10 == 0 {
			return failEvery
		}
		return nil
	}
	rep, err := RunClosed(context.Background(), Closed{Concurrency: 4, Duration: time.Minute, MaxRequests: 100}, do)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 100 || rep.Errors != 10 || rep.FirstError != "boom" {
		t.Errorf("requests %d errors %d first %q, want 100, 10, boom", rep.Requests, rep.Errors, rep.FirstError)
	}
	if peak.Load() > 4 {
		t.Errorf("%d requests in flight, want at most 4", peak.Load())
	}
}

func TestRunRejectsBadRuns(t *testing.T) {
	nop := func(context.Context, int) error { return nil }
	if _, err := RunOpen(context.Background(), Open{Rate: 0, Duration: time.Second}, nop); !errors.Is(err, ErrBadRun) {
		t.Errorf("rate 0: err %v, want ErrBadRun", err)
	}
	if _, err := RunClosed(context.Background(), Closed{Concurrency: 0, Duration: time.Second}, nop); !errors.Is(err, ErrBadRun) {
		t.Errorf("concurrency 0: err %v, want ErrBadRun", err)
	}
}

func TestDefaultMix(t *testing.T) {
	m := DefaultMix()
	kinds := map[string]int{}
	for _, q := range m.Searches {
		kinds[q.Kind]++
		if q.Values().Get("q") != q.Text {
			t.Errorf("%q: Values lost the query", q.Text)
		}
	}
	// The issue asks for selective and broad queries, in both languages,
	// with and without filters.
	for _, k := range []string{"sel-en", "sel-fr", "broad-en", "broad-fr", "filter-en", "filter-fr"} {
		if kinds[k] == 0 {
			t.Errorf("the mix has no %s query", k)
		}
	}
	if len(m.Suggest) == 0 {
		t.Error("the mix has no suggest prefix")
	}
}

func TestParseMix(t *testing.T) {
	m, err := ParseMix(strings.NewReader("# c\n\nsel-en\tcyber attack\tlang=en&year=2016\nsuggest\tcyb\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Searches) != 1 || m.Searches[0].Values().Encode() != "lang=en&q=cyber+attack&year=2016" {
		t.Errorf("searches %+v", m.Searches)
	}
	if len(m.Suggest) != 1 || m.Suggest[0] != "cyb" {
		t.Errorf("suggest %v", m.Suggest)
	}
	for _, bad := range []string{"no tab\n", "k\t\n", "k\tq\tp=%zz\n", "k\tq\tp\textra\n", "# only comments\n"} {
		if _, err := ParseMix(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseMix(%q): no error", bad)
		}
	}
}

func TestProcMem(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux only")
	}
	m, err := ProcMem(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("ProcMem = %+v: want 0 < RSS ≤ Peak", m)
	}
	if _, err := ProcMem(-1); err == nil {
		t.Error("ProcMem(-1): no error")
	}
	before, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(100 * time.Millisecond); time.Now().Before(end); {
	}
	after, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Errorf("ProcCPU did not grow over 100 ms of spinning: %v then %v", before, after)
	}
}
