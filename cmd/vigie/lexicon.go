package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vigie/vigie/internal/lexiconbuild"
	"github.com/vigie/vigie/lang"

	"github.com/vigie/vigie/search/lexicon"
)

const lexiconUsage = `Usage:
  vigie lexicon build --corpus DIR [--out FILE] [--min-count N] [--min-dice X]
      derive English-French term pairs from parallel Acts (en/ and fr/ with the same file names)
  vigie lexicon show [--file FILE] [--top N] [--source dice|def|glossary] [TERM...]
      print the top pairs, or the translations of each TERM (English or French)
`

// cmdLexicon builds and reviews the bilingual lexicon used to expand
// queries into the other language.
func cmdLexicon(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, lexiconUsage)
		return errUsage
	}
	switch args[0] {
	case "build":
		return lexiconBuild(ctx, args[1:], stdout, stderr)
	case "show":
		return lexiconShow(args[1:], stdout, stderr)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, lexiconUsage)
		return nil
	}
	fmt.Fprintf(stderr, "vigie lexicon: unknown action %q\n%s", args[0], lexiconUsage)
	return errUsage
}

func lexiconBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie lexicon build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := fs.String("corpus", "", "folder with en/ and fr/ holding the same Acts under the same file names (required)")
	out := fs.String("out", "", "file to write (default: standard output)")
	minCount := fs.Int("min-count", 0, "least number of aligned units sharing a pair (default 5)")
	minDice := fs.Float64("min-dice", 0, "least Dice coefficient of a kept pair (default 0.4)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	exclude := fs.String("exclude", "", "Acts to leave out of the build (comma-separated file names without .md: A-1,P-21), to evaluate on Acts the lexicon has not seen")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *corpus == "" {
		fmt.Fprint(stderr, "vigie lexicon build: --corpus DIR is required and takes no argument\n")
		return errUsage
	}
	log, err := newLogger(stderr, "text", *logLevel)
	if err != nil {
		return err
	}
	var files []string
	if *exclude != "" {
		if files, err = actFilesExcept(*corpus, strings.Split(*exclude, ",")); err != nil {
			return err
		}
	}
	pairs, st, err := lexiconbuild.Build(ctx, lexiconbuild.BuildOptions{Corpus: *corpus, Files: files, MinCount: *minCount, MinDice: *minDice, Logger: log})
	if err != nil {
		return err
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("create %s: %w", *out, err)
		}
		defer f.Close()
		w = f
	}
	header := []string{
		"Vigie bilingual lexicon, built by `vigie lexicon build` from " + filepath.Base(filepath.Clean(*corpus)) + ".",
		fmt.Sprintf("%d Acts, %d aligned units, %d definitions; %d pairs; built in %s.", st.Files, st.Units, st.Definitions, st.Pairs, st.Duration.Round(time.Second)),
		"weight: Dice coefficient (dice) or share of the term's definitions (def); count: evidence.",
	}
	if err := lexicon.Write(w, pairs, header...); err != nil {
		return fmt.Errorf("write lexicon: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", *out, err)
		}
		fmt.Fprintf(stdout, "Wrote %d pairs to %s (%d Acts, %d aligned units, %d skipped, %d definitions) in %s.\n",
			st.Pairs, *out, st.Files, st.Units, st.Skipped, st.Definitions, st.Duration.Round(time.Millisecond))
	}
	return nil
}

func lexiconShow(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie lexicon show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("file", "", "lexicon file (default: the embedded glossary and lexicon)")
	top := fs.Int("top", 40, "number of pairs to print")
	source := fs.String("source", "", "only pairs from this source: dice, def or glossary")
	terms, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var pairs []lexicon.Pair
	lex := lexicon.Default()
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return fmt.Errorf("open %s: %w", *file, err)
		}
		defer f.Close()
		if pairs, err = lexicon.Read(f, lexicon.SourceDice); err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
		lex = lexicon.New(pairs)
	} else {
		pairs = lexicon.Embedded()
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	if len(terms) > 0 {
		for _, t := range terms {
			for _, lg := range lang.Languages {
				stems := lang.Terms(lang.AnalyzerFor(lg), t)
				for _, tr := range lex.Lookup(lg, stems) {
					fmt.Fprintf(tw, "%s\t[%s→]\t%s\t%.3f\t%s\n", t, lg, tr.Text, tr.Weight, tr.Source)
				}
			}
		}
		return nil
	}
	fmt.Fprintln(tw, "en\tfr\tweight\tcount\tsource")
	n := 0
	for _, p := range pairs {
		if *source != "" && !strings.Contains(p.Source, *source) {
			continue
		}
		if n == *top {
			break
		}
		n++
		fmt.Fprintf(tw, "%s\t%s\t%.3f\t%d\t%s\n", p.EN, p.FR, p.Weight, p.Count, p.Source)
	}
	return nil
}

// actFilesExcept lists the file names present in both corpus/en and
// corpus/fr, less the excluded Acts (names without .md).
func actFilesExcept(corpus string, exclude []string) ([]string, error) {
	skip := map[string]bool{}
	for _, a := range exclude {
		if a = strings.TrimSpace(a); a != "" {
			skip[a+".md"] = true
		}
	}
	fr, err := os.ReadDir(filepath.Join(corpus, "fr"))
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	inFR := map[string]bool{}
	for _, e := range fr {
		inFR[e.Name()] = true
	}
	en, err := os.ReadDir(filepath.Join(corpus, "en"))
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var out []string
	for _, e := range en {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".md") && inFR[n] && !skip[n] {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("corpus %s: no Act left after --exclude", corpus)
	}
	return out, nil
}
