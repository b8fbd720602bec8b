package search

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigie/vigie/internal/testutil"
)

// waitUntil polls cond for up to two seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestGate(t *testing.T) {
	ctx := context.Background()
	g := newGate(1, 1)
	stats := func() WorkerStats { return (&Searcher{gate: g}).WorkerStats() }

	leave, err := g.enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The one worker is taken: a search whose time runs out in line
	// fails busy, and says why.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	_, err = g.enter(short)
	cancel()
	if !errors.Is(err, ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("enter with the worker taken and a 20 ms limit: %v, want ErrBusy and DeadlineExceeded", err)
	}
	// One search waits in line (the queue's one place); the next is
	// turned away at once.
	got := make(chan error, 1)
	go func() {
		l, err := g.enter(ctx)
		if err == nil {
			l()
		}
		got <- err
	}()
	waitUntil(t, "a search in line", func() bool { return stats().Waiting == 1 })
	began := time.Now()
	if _, err := g.enter(ctx); !errors.Is(err, ErrBusy) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("enter with the line full: %v, want ErrBusy alone", err)
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("a full line turned the search away after %s, want at once", d)
	}
	if st := stats(); st.Workers != 1 || st.Running != 1 || st.Queue != 1 || st.Rejected != 1 || st.Expired != 1 || st.Admitted != 1 {
		t.Errorf("stats with the worker taken: %+v", st)
	}
	// Giving the worker back lets the one in line through.
	leave()
	if err := <-got; err != nil {
		t.Fatalf("the search in line: %v", err)
	}
	st := stats()
	if st.Running != 0 || st.Waiting != 0 || st.Admitted != 2 || st.Waited <= 0 {
		t.Errorf("stats after: %+v, want nothing running or waiting, 2 admitted, some time waited", st)
	}
	// A client that leaves while in line reads as canceled.
	leave, _ = g.enter(ctx)
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.enter(gone); !errors.Is(err, context.Canceled) || errors.Is(err, ErrBusy) {
		t.Errorf("enter with a canceled context: %v, want Canceled (not ErrBusy)", err)
	}
	leave()

	// No gate: no limit.
	var none *gate
	for range 3 {
		if _, err := none.enter(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if newGate(0, 10) != nil {
		t.Error("newGate(0, …) limits searches; want no gate")
	}
	if g := newGate(2, 0); g.maxWait != DefaultQueue {
		t.Errorf("newGate(2, 0) queues %d, want DefaultQueue", g.maxWait)
	}
}

// TestSearchWaitsForAWorker: a Searcher with Options.Workers runs searches
// through its gate; answers from the result cache do not wait for one.
func TestSearchWaitsForAWorker(t *testing.T) {
	s, _ := openCached(t, testutil.Seeds(), 1<<20)
	s.gate = newGate(1, 4)
	ctx := context.Background()
	r := Request{Query: "cyber"}
	first := mustSearch(t, s, r)
	if st := s.WorkerStats(); st.Admitted != 1 || st.Running != 0 {
		t.Fatalf("after one search: %+v, want 1 admitted, none running", st)
	}

	leave, err := s.gate.enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := s.Search(short, Request{Query: "OTAN"}); !errors.Is(err, ErrBusy) {
		t.Errorf("a search with the only worker taken: %v, want ErrBusy", err)
	}
	cached, err := s.Search(short, r)
	if err != nil || !sameAnswer(first, cached) {
		t.Errorf("a cached answer with the only worker taken: %v; want the cached answer at once", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Search(ctx, Request{Query: "OTAN"})
		done <- err
	}()
	waitUntil(t, "a search in line", func() bool { return s.WorkerStats().Waiting == 1 })
	leave()
	if err := <-done; err != nil {
		t.Errorf("the search in line, once the worker was free: %v", err)
	}
	if st := s.WorkerStats(); st.Admitted != 3 || st.Expired != 1 {
		t.Errorf("stats at the end: %+v, want 3 admitted (the test's hold included), 1 expired", st)
	}
}
