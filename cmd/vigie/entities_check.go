package main

import (
	"context"

	"flag"
	"fmt"
	"io"

	"github.com/vigie/vigie/entity"
)

// cmdEntitiesCheck validates a gazetteer file as "vigie index --gazetteer"
// would use it, printing every problem with its line.
func cmdEntitiesCheck(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie entities check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("gazetteer-mode", env("VIGIE_GAZETTEER_MODE", "merge"), "check the file merged with the embedded gazetteer (merge) or alone (replace)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(stderr, "usage: vigie entities check [--gazetteer-mode merge|replace] FILE")
		return errUsage
	}
	m, err := entity.ParseMode(*mode)
	if err != nil {
		return err
	}
	g, err := entity.Combine(rest[0], m)
	if err != nil {
		var n int
		for _, e := range entity.Problems(err) {
			fmt.Fprintln(stderr, e)
			n++
		}
		return fmt.Errorf("%s: %d problems", rest[0], n)
	}
	actors, forums, children := 0, 0, 0
	for _, e := range g.Entities() {
		if g.IsType(e.ID, entity.Actor) {
			actors++
		}
		if g.IsType(e.ID, entity.Forum) {
			forums++
		}
		if e.Parent != "" {
			children++
		}
	}
	fmt.Fprintf(stdout, "%s: ok (%s): %d entities, %d actors, %d forums, %d with a parent; fingerprint %s\n",
		rest[0], m, len(g.Entities()), actors, forums, children, g.Fingerprint())
	return nil
}
