package main

import (
	"math"
	"runtime/debug"
	"testing"
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
		{"serve", serveGC, 200, math.MaxInt64}, // no limit
		{"full build", fullBuildGC, 400, 512 << 20},
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
