package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigie/vigie/indexer"
)

func cmdIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.String("seeds", env("VIGIE_SEEDS", "seeds"), "corpus folder, read recursively (.txt, .md, .html, .jsonl) (env VIGIE_SEEDS)")
	data := fs.String("data", env("VIGIE_DATA", "data"), "data folder for index generations (env VIGIE_DATA)")
	logFormat := fs.String("log-format", env("VIGIE_LOG_FORMAT", "text"), "log format: text or json (env VIGIE_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("VIGIE_LOG_LEVEL", "warn"), "log level: debug, info, warn, error (env VIGIE_LOG_LEVEL)")
	full := fs.Bool("full", false, "re-analyse every document (default: incremental, unchanged documents keep their passages)")
	strict := fs.Bool("strict", false, "fail, leaving the live index as it is, if any file or line has a problem")
	maxDoc := sizeFlag(indexer.DefaultReadOptions.MaxDocBytes)
	fs.Var(&maxDoc, "max-doc-size", "largest document read, e.g. 64MiB; larger files (and longer JSON Lines lines) are skipped")
	maxPassage := fs.Int("max-passage", indexer.DefaultSplitOptions.Limit, "longest passage in characters; a longer sentence is cut at a space")
	progress := fs.Bool("progress", isTerminal(stderr), "show progress on stderr (default: when stderr is a terminal)")
	gazFile := fs.String("gazetteer", env("VIGIE_GAZETTEER", ""), "your gazetteer (YAML, the format of docs/gazetteer.md) to tag actors and forums (env VIGIE_GAZETTEER)")
	gazMode := fs.String("gazetteer-mode", env("VIGIE_GAZETTEER_MODE", "merge"), "merge: add your entities to the embedded ones (same id: yours wins); replace: yours alone (env VIGIE_GAZETTEER_MODE)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "vigie index: unexpected argument %q\n", rest[0])
		return errUsage
	}
	if *maxPassage < 100 {
		fmt.Fprintf(stderr, "vigie index: --max-passage %d: want at least 100 characters\n", *maxPassage)
		return errUsage
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	// A bad gazetteer stops the command before anything is built: never a
	// half-tagged index.
	gaz, err := loadGazetteer(*gazFile, *gazMode)
	if err != nil {
		return err
	}
	opts := buildOptionsWith(*seeds, *data, log, gaz)
	opts.Full, opts.Strict = *full, *strict
	opts.Read.MaxDocBytes = int64(maxDoc)
	opts.Split.Limit = *maxPassage
	var bar *progressBar
	if *progress {
		bar = &progressBar{w: stderr}
		opts.Progress = bar.update
	}
	fmt.Fprintf(stdout, "Indexing %s into %s…\n", *seeds, *data)
	if _, cerr := indexer.Current(*data); opts.Full || errors.Is(cerr, indexer.ErrNoIndex) {
		defer fullBuildGC()()
	}
	m, err := indexer.Build(ctx, opts)
	bar.clear()
	if m != nil {
		printBuild(stdout, m, err == nil)
	}
	if errors.Is(err, indexer.ErrLocked) {
		return fmt.Errorf("%w (%s); wait for it to finish", err, *data)
	}
	return err
}

// printBuild reports what a build read and wrote, and what it skipped.
func printBuild(w io.Writer, m *indexer.Manifest, live bool) {
	langs := map[string]int{}
	for _, d := range m.Documents {
		langs[d.Lang]++
	}
	fmt.Fprintf(w, "Read %d documents (%d English, %d French); wrote %d passages in %s.\n",
		len(m.Documents), langs["en"], langs["fr"], m.Passages, m.Duration.Round(time.Millisecond))
	if c := m.Changes; c != nil && c.Base != "" {
		fmt.Fprintf(w, "Incremental: %d unchanged (reused), %d new, %d changed, %d removed.\n", c.Reused, c.Added, c.Changed, c.Removed)
	}
	if len(m.Problems) > 0 {
		skipped := map[string]int{}
		warned := map[string]int{}
		nSkipped := 0
		for _, p := range m.Problems {
			if p.Skipped {
				skipped[p.Kind]++
				nSkipped++
			} else {
				warned[p.Kind]++
			}
		}
		fmt.Fprintf(w, "%d problems: %d skipped (%s), %d warnings (%s):\n", len(m.Problems),
			nSkipped, countList(skipped), len(m.Problems)-nSkipped, countList(warned))
		for _, p := range m.Problems {
			hint := ""
			if p.Kind == indexer.KindTooLarge {
				hint = " (--max-doc-size)"
			}
			fmt.Fprintf(w, "  %s%s\n", p, hint)
		}
	}
	if live {
		fmt.Fprintf(w, "Generation %s is live.\n", m.Generation)
	} else {
		fmt.Fprintln(w, "The live generation was not changed.")
	}
}

// countList writes counts by kind: "2 empty, 1 binary".
func countList(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	kinds := make([]string, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if m[kinds[i]] != m[kinds[j]] {
			return m[kinds[i]] > m[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

// progressBar redraws one status line on a terminal, at most four times a
// second.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	last  time.Time
	drawn bool
}

func (b *progressBar) update(p indexer.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if time.Since(b.last) < 250*time.Millisecond && p.Files < p.FilesTotal {
		return
	}
	b.last = time.Now()
	b.drawn = true
	fmt.Fprintf(b.w, "\r\x1b[K%s", progressLine(p))
}

// clear erases the status line; a nil bar does nothing.
func (b *progressBar) clear() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}

// progressLine is the status line: counts, rates and time left.
func progressLine(p indexer.Progress) string {
	pct := 0.0
	if p.BytesTotal > 0 {
		pct = 100 * float64(p.Bytes) / float64(p.BytesTotal)
	}
	s := fmt.Sprintf("%d/%d files (%.0f%%) · %d documents", p.Files, p.FilesTotal, pct, p.Documents)
	if p.Reused > 0 {
		s += fmt.Sprintf(" (%d unchanged)", p.Reused)
	}
	s += fmt.Sprintf(" · %d passages · %.0f docs/s · %.0f passages/s", p.Passages, p.DocsPerSecond(), p.PassagesPerSecond())
	if eta := p.ETA(); eta > 0 {
		s += " · ETA " + eta.Round(time.Second).String()
	}
	if p.Problems > 0 {
		s += fmt.Sprintf(" · %d problems", p.Problems)
	}
	return s
}

// sizeFlag is a byte count written as 64MiB, 200MB, 512k or 1048576.
type sizeFlag int64

func (s *sizeFlag) String() string { return strconv.FormatInt(int64(*s), 10) }

func (s *sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

func parseSize(v string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gib", 1 << 30}, {"mib", 1 << 20}, {"kib", 1 << 10}, {"gb", 1e9}, {"mb", 1e6}, {"kb", 1e3}, {"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}, {"b", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("size %q: want a positive number of bytes such as 64MiB", v)
	}
	return int64(n * float64(mult)), nil
}

// serveGC lets the garbage collector run half as often while serving
// (GOGC 200 instead of 100): a search allocates its searchers, postings
// and hits afresh, and collecting them was a third of a search's CPU. On
// all of laws-canada, one search at a time: 4.3 → 3.7 ms of CPU a
// heading, 4.7 → 4.2 ms a broad query (medians of three rounds); over
// HTTP with the result cache on, 385–406 → 446–501 searches/s
// (docs/performance.md). GOGC 400 was no better and took RSS to 504 MiB
// without the cache.
//
// GOGC 200 lets the heap grow to three times what was live at the last
// collection, and under 16 clients that includes every search in flight:
// with the result and postings caches full, serve's RSS reached 555 MiB
// on laws-canada. So serve also keeps a soft heap limit (heapLimit): the
// larger of floor (--heap-limit, 320 MiB by default; 0: none) and twice
// the heap live at the last collection, checked every second
// (watchHeapLimit), so that a larger corpus, whose live heap alone passes
// the floor, raises the limit with it and the collector never runs
// without pause: at twice the live heap it collects no more often than
// Go's default (GOGC 100). On laws-canada: RSS 555 → 471 MiB, the same
// searches/s.
//
// Like fullBuildGC it leaves alone what GOGC or GOMEMLIMIT set, and
// returns a function that restores the settings.
func serveGC(floor int64) (restore func(), limited bool) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}, false
	}
	pct := debug.SetGCPercent(200)
	lim := debug.SetMemoryLimit(-1)
	if floor > 0 {
		debug.SetMemoryLimit(heapLimit(floor, liveHeap()))
	}
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(lim)
	}, floor > 0
}

// heapLimit is serve's soft heap limit: floor, or twice the live heap
// when that is larger.
func heapLimit(floor int64, live uint64) int64 {
	return max(floor, 2*int64(min(live, math.MaxInt64/2)))
}

// liveHeap returns the heap live at the end of the last collection.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// watchHeapLimit raises or lowers serve's soft heap limit (heapLimit) as
// the live heap changes, every period until ctx is done.
func watchHeapLimit(ctx context.Context, floor int64, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			debug.SetMemoryLimit(heapLimit(floor, liveHeap()))
		}
	}
}

// fullBuildGC lets the garbage collector run less often while a full
// build runs (GOGC 400 instead of 100, within a soft limit of 512 MiB of
// heap): a full build allocates several gigabytes of short-lived analysis
// results, and collecting them was a tenth of its CPU. On all of
// laws-canada a 768 MiB limit took as much CPU and 230 MiB more RSS. It leaves alone
// what GOGC or GOMEMLIMIT set, and returns a function that restores the
// settings. An incremental build allocates little; the server, which
// also builds, keeps its own (serveGC).
func fullBuildGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	pct := debug.SetGCPercent(400)
	lim := debug.SetMemoryLimit(512 << 20)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(lim)
	}
}
