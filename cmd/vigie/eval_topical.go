package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/search/lexicon"
	"github.com/vigie/vigie/search/relevance"
)

// topicalOptions configure the topical part of "vigie eval".
type topicalOptions struct {
	file    string // the topical set
	laws    string // laws-canada, to build the index when data has none
	data    string // data folder of the index of all of laws-canada ("": tmp)
	tmp     string // the command's temporary folder
	plain   bool   // also run the plain BM25 baseline
	misses  bool   // list the questions whose top Act is not first
	topical bool   // run the topical set
	titles  int    // run the Act titles as queries, this many (0: not)
	// acronyms is a file of acronyms in common use asked with the titles
	// ("": none).
	acronyms string
	modes    []string // relevance.ModeRestricted, ModeUnrestricted, ModeOwn
}

// evalTopical runs the topical set over an index of all of laws-canada:
// Vigie in each mode and, with o.plain, the plain BM25 baseline.
func evalTopical(ctx context.Context, stdout io.Writer, o topicalOptions, opts search.Options) error {
	f, err := os.Open(o.file)
	if err != nil {
		return fmt.Errorf("topical set: %w (run from the repository root, or give --topical)", err)
	}
	set, err := relevance.LoadTopical(f)
	f.Close()
	if err != nil {
		return err
	}
	data := o.data
	if data == "" {
		data = filepath.Join(o.tmp, "laws-all", "data")
	}
	if _, err := indexer.Current(data); errors.Is(err, indexer.ErrNoIndex) || errors.Is(err, os.ErrNotExist) {
		if o.laws == "" {
			return fmt.Errorf("no index in %s: give --laws to build one", data)
		}
		began := time.Now()
		fmt.Fprintf(stdout, "\nindexing all of %s into %s…\n", o.laws, data)
		if _, err := indexer.Build(ctx, buildOptions(o.laws, data, nil)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "indexed in %s\n", time.Since(began).Round(time.Second))
	}
	s, err := openSearcher(data, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	if o.topical {
		if err := runTopical(ctx, stdout, o, data, s, set); err != nil {
			return err
		}
	}
	if o.titles > 0 {
		items, err := relevance.TitleItems(ctx, s, o.titles)
		if err != nil {
			return err
		}
		tr, err := relevance.RunTitles(ctx, s, items)
		if err != nil {
			return err
		}
		if o.acronyms != "" {
			acr, err := relevance.ReadAcronyms(o.acronyms)
			if err != nil {
				return fmt.Errorf("%w (run from the repository root, or give --acronyms)", err)
			}
			if err := tr.AddAcronyms(ctx, s, acr); err != nil {
				return err
			}
		}
		fmt.Fprintln(stdout)
		tr.WriteTable(stdout)
		if o.misses {
			tr.WriteMisses(stdout)
		}
	}
	return nil
}

// runTopical runs the topical set over s (the index in data) and prints
// its table.
func runTopical(ctx context.Context, stdout io.Writer, o topicalOptions, data string, s *search.Searcher, set *relevance.TopicalSet) error {
	gen, m := s.Generation()
	var reps []*relevance.TopicalReport
	for _, mode := range o.modes {
		r, err := relevance.RunTopical(ctx, relevance.VigieRanker{S: s}, "vigie", mode, set)
		if err != nil {
			return err
		}
		reps = append(reps, r)
	}
	if o.plain {
		dir := filepath.Join(filepath.Dir(filepath.Clean(data)), filepath.Base(filepath.Clean(data))+"-plain-bm25")
		began := time.Now()
		p, err := relevance.OpenPlain(ctx, dir, gen, s)
		if err != nil {
			return err
		}
		defer p.Close()
		if d := time.Since(began); d > 5*time.Second {
			fmt.Fprintf(stdout, "plain BM25 index: %d passages, built in %s (%s)\n", p.Len(), d.Round(time.Second), dir)
		}
		for _, mode := range o.modes {
			r, err := relevance.RunTopical(ctx, p, "plain BM25", mode, set)
			if err != nil {
				return err
			}
			reps = append(reps, r)
		}
	}
	docs := 0
	if m != nil {
		docs = len(m.Documents)
	}
	fmt.Fprintf(stdout, "\ntopical questions: %d (%s) over %d documents (%s)\n", len(set.Questions), o.file, docs, gen)
	relevance.WriteTopicalTable(stdout, reps...)
	if o.misses {
		fmt.Fprintln(stdout)
		for _, r := range reps {
			fmt.Fprintf(stdout, "%s (%s):\n", r.Name, r.Mode)
			r.WriteTopicalMisses(stdout)
		}
	}
	return nil
}

// readLexicon reads a lexicon file written by "vigie lexicon build" and
// joins it to the embedded glossary, as the embedded lexicon is.
func readLexicon(path string) (*lexicon.Lexicon, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	defer f.Close()
	pairs, err := lexicon.Read(f, lexicon.SourceDice)
	if err != nil {
		return nil, fmt.Errorf("lexicon %s: %w", path, err)
	}
	return lexicon.New(lexicon.Glossary(), pairs), nil
}
