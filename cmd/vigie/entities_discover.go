package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/internal/discover"
	"github.com/vigie/vigie/search/lexicon"
)

// cmdEntitiesDiscover proposes gazetteer entries from a corpus folder.
func cmdEntitiesDiscover(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie entities discover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.String("seeds", env("VIGIE_SEEDS", "seeds"), "corpus folder, read as vigie index reads it (env VIGIE_SEEDS)")
	out := fs.String("out", "", "write the proposed gazetteer to this file (default: standard output)")
	minCount := fs.Int("min-count", 3, "least number of passages naming an entity")
	maxN := fs.Int("max", 300, "most entities proposed, the most frequent first")
	all := fs.Bool("all", false, "also propose names the embedded gazetteer already has (for --gazetteer-mode replace)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "vigie entities discover: unexpected argument %q\n", rest[0])
		return errUsage
	}
	opts := discover.Options{Dir: *seeds, MinCount: *minCount, Max: *maxN, Lexicon: lexicon.Default()}
	if !*all {
		opts.Known = entity.Default()
	}
	res, err := discover.Run(ctx, opts)
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := res.WriteYAML(w); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d entities proposed (%d names already in the embedded gazetteer) from %d documents, %d passages, %d pairs in %s.\n",
		len(res.Candidates), len(res.Known), res.Stats.Documents, res.Stats.Passages, res.Stats.Pairs, res.Stats.Duration.Round(time.Millisecond))
	if *out != "" {
		fmt.Fprintf(stderr, "Review %s, then: vigie entities check %s && vigie index --gazetteer %s\n", *out, *out, *out)
	}
	return nil
}
