package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// cmdEntities shows what the gazetteer extracts: from a document of the
// index, passage by passage, or from a text given with --text; without
// either, it lists the gazetteer.
func cmdEntities(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return cmdEntitiesCheck(ctx, args[1:], stdout, stderr)
		case "discover":
			return cmdEntitiesDiscover(ctx, args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("vigie entities", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", env("VIGIE_DATA", "data"), "data folder holding the index (env VIGIE_DATA)")
	text := fs.String("text", "", "extract from this text instead of a document")
	ui := fs.String("ui", "en", "language of labels: en or fr")
	gazFile := fs.String("gazetteer", "", "try this gazetteer (YAML) instead of the live generation's (default: the one the index was built with, else the embedded one)")
	gazMode := fs.String("gazetteer-mode", "merge", "with --gazetteer: merge with the embedded gazetteer, or replace it")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	g := entity.Default()
	if *gazFile != "" {
		if g, err = loadGazetteer(*gazFile, *gazMode); err != nil {
			return err
		}
	} else if src, err := indexer.LiveGazetteer(*data); err != nil {
		return err
	} else if src != nil {
		// The gazetteer the live generation was tagged with.
		if g, err = entity.Load(bytes.NewReader(src)); err != nil {
			return fmt.Errorf("gazetteer of the live generation: %w", err)
		}
	}
	if *text != "" {
		printExtraction(stdout, g, *text, *ui)
		return nil
	}
	if len(rest) == 0 {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTYPES\tPARENT\tENGLISH\tFRENCH")
		for _, e := range g.Entities() {
			parent := e.Parent
			if parent == "" {
				parent = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.ID, strings.Join(e.Types, ","), parent, e.Label["en"], e.Label["fr"])
		}
		return tw.Flush()
	}
	s, err := openSearcher(*data, searchOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	for _, id := range rest {
		info, passages, err := s.Document(ctx, id)
		if errors.Is(err, search.ErrNotFound) {
			return fmt.Errorf("no document %q (see \"vigie search\" or /api/v1/documents)", id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s [%s] %s (year %d)\n", info.ID, info.Lang, info.Title, info.Year)
		for _, p := range passages {
			fmt.Fprintf(stdout, "\n  #%d %s\n", p.Ordinal, p.Heading)
			printExtraction(indent{stdout}, g, p.Heading+"\n"+p.Text, *ui)
		}
	}
	return nil
}

// printExtraction lists the mentions, actors, forums and years of text.
func printExtraction(w io.Writer, g *entity.Gazetteer, text, ui string) {
	actors, forums := g.Extract(text)
	label := func(ids []string) string {
		var out []string
		for _, id := range ids {
			out = append(out, fmt.Sprintf("%s (%s)", id, g.Label(id, ui)))
		}
		if len(out) == 0 {
			return "-"
		}
		return strings.Join(out, ", ")
	}
	fmt.Fprintf(w, "actors: %s\n", label(actors))
	fmt.Fprintf(w, "forums: %s\n", label(forums))
	fmt.Fprintf(w, "years:  %v\n", entity.Years(text))
	for _, m := range g.Find(text) {
		fmt.Fprintf(w, "  %q → %s\n", text[m.Start:m.End], m.ID)
	}
}

// indent prefixes every line written with four spaces.
type indent struct{ w io.Writer }

func (i indent) Write(p []byte) (int, error) {
	s := strings.TrimSuffix(string(p), "\n")
	_, err := io.WriteString(i.w, "    "+strings.ReplaceAll(s, "\n", "\n    ")+"\n")
	return len(p), err
}
