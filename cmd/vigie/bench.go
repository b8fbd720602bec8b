package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/vigie/vigie/internal/bench"
)

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := fs.String("corpus", "", "corpus folder to index and search (required)")
	fraction := fs.Float64("fraction", 1, "share of the corpus's files to use, chosen deterministically by file name (0 < f ≤ 1)")
	rate := fs.Float64("rate", 200, "open-loop rate, requests/s")
	duration := fs.Duration("duration", 20*time.Second, "duration of each load phase")
	concurrency := fs.Int("concurrency", 16, "closed-loop clients")
	rounds := fs.Int("rounds", 5, "rounds of the query mix for the in-process vs HTTP comparison")
	maxRequests := fs.Int("max-requests", 200000, "cap on the requests of each load phase")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	keep := fs.Bool("keep", false, "keep the temporary corpus and data folders (their path is printed)")
	bin := fs.String("bin", "", "vigie binary run as the index and serve processes (default: this executable)")
	data := fs.String("data", "", "serve this data folder's index of the corpus as it is, instead of indexing the corpus")
	cacheSize := fs.String("cache-size", "", "passed to the server as --cache-size (0: no result cache); empty: serve's default")
	workers := fs.Int("search-workers", 0, "passed to the server as --search-workers; 0: serve's default")
	cpuProfile := fs.String("cpuprofile", "", "write the server's CPU profile over the corpus mixes to this file (go tool pprof FILE); the server then runs with --metrics-addr and --pprof")
	writeMixes := fs.String("write-mixes", "", "write the corpus mixes (--mixes), one query a line, to DIR/NAME.txt and exit: the queries the peers' scripts run (internal/bench/peers/)")
	mixes := fs.String("mixes", "headings-2k,headings-30k,broad-5k", "comma-separated corpus mixes to run after the default mix (empty: none)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "vigie bench: unexpected argument %q\n", rest[0])
		return errUsage
	}
	switch {
	case *corpus == "":
		fmt.Fprintln(stderr, "vigie bench: --corpus DIR is required")
		return errUsage
	case !(*fraction > 0 && *fraction <= 1):
		fmt.Fprintln(stderr, "vigie bench: --fraction must be in (0, 1]")
		return errUsage
	case *cacheSize != "" && new(cacheSizeFlag).Set(*cacheSize) != nil:
		fmt.Fprintf(stderr, "vigie bench: --cache-size %q: want a size such as 64MiB, or 0\n", *cacheSize)
		return errUsage
	case *workers < 0:
		fmt.Fprintln(stderr, "vigie bench: --search-workers must not be negative")
		return errUsage
	case *rate <= 0 || *duration <= 0 || *concurrency <= 0 || *rounds <= 0 || *maxRequests <= 0:
		fmt.Fprintln(stderr, "vigie bench: --rate, --duration, --concurrency, --rounds and --max-requests must be positive")
		return errUsage
	}
	if *writeMixes != "" {
		files, err := bench.WriteMixes(*corpus, *writeMixes, splitList(*mixes))
		for _, f := range files {
			fmt.Fprintln(stdout, f)
		}
		return err
	}
	return bench.Run(ctx, bench.Options{
		Corpus: *corpus, Fraction: *fraction, Rate: *rate, Duration: *duration, Concurrency: *concurrency,
		Rounds: *rounds, MaxRequests: *maxRequests, JSON: *asJSON, Keep: *keep, Bin: *bin, Search: searchOptions(),
		Data: *data, Mixes: append([]string{}, splitList(*mixes)...), CacheSize: *cacheSize,
		SearchWorkers: *workers, CPUProfile: *cpuProfile,
	}, stdout, stderr)
}
