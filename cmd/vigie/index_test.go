package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vigie/vigie/indexer"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"64MiB", 64 << 20, true},
		{"200MB", 200e6, true},
		{"512k", 512 << 10, true},
		{"1.5GiB", 3 << 29, true},
		{"1048576", 1 << 20, true},
		{" 2 mib ", 2 << 20, true},
		{"0", 0, false},
		{"-1MB", 0, false},
		{"lots", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestProgressBar(t *testing.T) {
	p := indexer.Progress{Files: 50, FilesTotal: 100, Bytes: 250, BytesTotal: 1000, Documents: 50, Reused: 10,
		Passages: 400, Problems: 2, Elapsed: 10 * time.Second}
	line := progressLine(p)
	for _, want := range []string{"50/100 files (25%)", "50 documents (10 unchanged)", "400 passages", "5 docs/s", "40 passages/s", "ETA 30s", "2 problems"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	var buf bytes.Buffer
	bar := &progressBar{w: &buf}
	for i := range 100 {
		p.Files = i
		bar.update(p)
	}
	p.Files = p.FilesTotal
	bar.update(p) // the last file is always drawn
	bar.clear()
	if n := strings.Count(buf.String(), "\r\x1b[K"); n < 3 || n > 10 {
		t.Errorf("%d redraws for 101 quick updates: want the first, the last and the clear", n)
	}
	if !strings.Contains(buf.String(), "100/100 files") || !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("bar output %q", buf.String())
	}
	var nilBar *progressBar
	nilBar.clear() // no bar: nothing to clear, no panic
}
