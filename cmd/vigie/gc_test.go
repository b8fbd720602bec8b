package main

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestGCSettings: serve and full builds collect less often unless GOGC or
// GOMEMLIMIT says otherwise, and give the settings back when done.
func TestGCSettings(t *testing.T) {
	for _, tt := range []struct {
		name  string
		set   func() func()
		pct   int
		limit int64
	}{
		{"serve", func() func() { r, _ := serveGC(320 << 20); return r }, 200, 320 << 20}, // small test heap: the floor
		{"full build", fullBuildGC, 400, 512 << 20},
		{"serve, --heap-limit 0", func() func() { r, _ := serveGC(0); return r }, 200, math.MaxInt64},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			before := debug.SetGCPercent(-1)
			debug.SetGCPercent(before)
			restore := tt.set()
			pct := debug.SetGCPercent(-1)
			debug.SetGCPercent(pct)
			limit := debug.SetMemoryLimit(-1)
			restore()
			if pct != tt.pct || limit != tt.limit {
				t.Errorf("GOGC %d, limit %d; want %d, %d", pct, limit, tt.pct, tt.limit)
			}
			if after := debug.SetGCPercent(before); after != before {
				t.Errorf("GOGC %d after restore, want %d", after, before)
			}
			// GOGC set by the user wins.
			t.Setenv("GOGC", "150")
			restore = tt.set()
			pct = debug.SetGCPercent(-1)
			debug.SetGCPercent(pct)
			restore()
			if pct != before {
				t.Errorf("with GOGC set: GOGC %d, want it left at %d", pct, before)
			}
		})
	}
}

// The heap limit follows the live heap past its floor.
func TestHeapLimit(t *testing.T) {
	for _, tt := range []struct {
		floor int64
		live  uint64
		want  int64
	}{
		{320 << 20, 50 << 20, 320 << 20},
		{320 << 20, 200 << 20, 400 << 20},
		{320 << 20, 0, 320 << 20},
		{1, math.MaxUint64, math.MaxInt64 - 1},
	} {
		if got := heapLimit(tt.floor, tt.live); got != tt.want {
			t.Errorf("heapLimit(%d, %d) = %d, want %d", tt.floor, tt.live, got, tt.want)
		}
	}
	if liveHeap() == 0 {
		runtime.GC()
		if liveHeap() == 0 {
			t.Error("liveHeap: 0 after a collection")
		}
	}
}

// watchHeapLimit keeps the limit at heapLimit of the live heap, and stops
// with its context.
func TestWatchHeapLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	debug.SetMemoryLimit(math.MaxInt64)
	runtime.GC()
	const floor = 1 // below any live heap: the limit follows it
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); watchHeapLimit(ctx, floor, time.Millisecond) }()
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) == math.MaxInt64 {
		if time.Now().After(deadline) {
			t.Fatal("the limit was never set")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	// Twice the live heap of the watcher's last tick (a collection since
	// may have moved the live heap a little).
	if got, live := debug.SetMemoryLimit(-1), liveHeap(); got%2 != 0 || got < int64(live)/2 || got > 4*int64(live) {
		t.Errorf("limit %d with %d live, want twice the live heap", got, live)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	time.Sleep(20 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit set to %d after the watcher stopped", got)
	}
}
