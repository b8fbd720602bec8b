package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/vigie/vigie/indexer"
)

func cmdIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.String("seeds", env("VIGIE_SEEDS", "seeds"), "corpus folder, read recursively (.txt, .md) (env VIGIE_SEEDS)")
	data := fs.String("data", env("VIGIE_DATA", "data"), "data folder for index generations (env VIGIE_DATA)")
	logFormat := fs.String("log-format", env("VIGIE_LOG_FORMAT", "text"), "log format: text or json (env VIGIE_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("VIGIE_LOG_LEVEL", "warn"), "log level: debug, info, warn, error (env VIGIE_LOG_LEVEL)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "vigie index: unexpected argument %q\n", rest[0])
		return errUsage
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Indexing %s into %s…\n", *seeds, *data)
	m, err := indexer.Build(ctx, buildOptions(*seeds, *data, log))
	if err != nil {
		return err
	}
	printBuild(stdout, m)
	return nil
}

// printBuild reports what a build read and wrote.
func printBuild(w io.Writer, m *indexer.Manifest) {
	langs := map[string]int{}
	for _, d := range m.Documents {
		langs[d.Lang]++
	}
	fmt.Fprintf(w, "Read %d documents (%d English, %d French); wrote %d passages in %s.\n",
		len(m.Documents), langs["en"], langs["fr"], m.Passages, m.Duration.Round(time.Millisecond))
	skipped := 0
	for _, p := range m.Problems {
		if p.Skipped {
			skipped++
		}
	}
	if len(m.Problems) > 0 {
		fmt.Fprintf(w, "%d problems (%d files skipped):\n", len(m.Problems), skipped)
		for _, p := range m.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	fmt.Fprintf(w, "Generation %s is live.\n", m.Generation)
}
