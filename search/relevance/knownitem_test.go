package relevance

import (
	"math"
	"testing"
)

func TestTiedRR(t *testing.T) {
	tests := []struct {
		k    int
		want float64
	}{
		{1, 1},
		{2, 0.75},                  // first or second, equally likely
		{3, (1 + 0.5 + 1.0/3) / 3}, // 0.611
		{0, 0},
	}
	for _, tt := range tests {
		if got := tiedRR(tt.k); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("tiedRR(%d) = %v, want %v", tt.k, got, tt.want)
		}
	}
}

func TestNoteKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Definitions", "definitions."},
		{"Définitions", "DEFINITIONS"},
		{"Contracts over $10,000", "contracts over 10 000"},
	}
	for _, tt := range tests {
		if noteKey(tt.a) != noteKey(tt.b) {
			t.Errorf("noteKey(%q) = %q, noteKey(%q) = %q: want one note", tt.a, noteKey(tt.a), tt.b, noteKey(tt.b))
		}
	}
}
