package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/search/relevance"
)

// cmdEval prints the relevance table: nDCG@10, MRR and recall@10 per kind
// of judged query, and with --laws the known-item MRR on law sections.
func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var corpora multiFlag
	fs.Var(&corpora, "corpus", "corpus folder to index for the judged queries (repeatable; default: the seeds and ../shared/corpora/cloud-guardrails)")
	judgments := fs.String("judgments", filepath.Join("search", "testdata", "relevance.json"), "judged query set")
	data := fs.String("data", "", "evaluate this existing data folder instead of indexing --corpus folders")
	laws := fs.String("laws", "", "laws-canada folder: also run the known-item test on a sample of Acts")
	acts := fs.String("acts", strings.Join(relevance.LawSample, ","), "Acts of the known-item sample (comma-separated)")
	items := fs.Int("items", 200, "number of known items (law sections)")
	titleItems := fs.Int("titles", 400, "number of Act titles asked as queries (the titles set)")
	acronyms := fs.String("acronyms", filepath.Join("search", "testdata", "acronyms.tsv"), "acronyms in common use asked with the titles set (\"\": none)")
	misses := fs.Bool("misses", false, "list the queries whose first judged passage is not first")
	noLexicon := fs.Bool("no-lexicon", false, "search without the bilingual lexicon (to measure what it brings)")
	lexFile := fs.String("lexicon", "", "search with the glossary and this lexicon file (from \"vigie lexicon build\") instead of the embedded lexicon")
	topical := fs.String("topical", filepath.Join("search", "testdata", "topical.json"), "topical judged set over all of laws-canada")
	lawsData := fs.String("laws-data", "", "data folder of an index of all of --laws for the topical set: reused when it holds one, built there otherwise (default: a temporary folder)")
	plainBM25 := fs.Bool("plain", true, "also run the topical set against a plain BM25 index of the same passages")
	sets := fs.String("sets", "judged,known,topical,titles", "which evaluations to run (comma-separated: judged, known, topical, titles; known needs --laws, topical and titles --laws or --laws-data)")
	modes := fs.String("modes", relevance.ModeRestricted+","+relevance.ModeUnrestricted+","+relevance.ModeOwn, "topical modes: lang (restricted to the answers' language), all (unrestricted, other-language hits skipped), own (restricted to the question's language and judged there: what a cross-lingual question misses in its own language already)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "vigie eval: unexpected argument %q\n", rest[0])
		return errUsage
	}
	opts := searchOptions()
	switch {
	case *noLexicon:
		opts.Lexicon = nil
	case *lexFile != "":
		if opts.Lexicon, err = readLexicon(*lexFile); err != nil {
			return err
		}
	}
	run := map[string]bool{}
	for _, name := range strings.Split(*sets, ",") {
		switch name = strings.TrimSpace(name); name {
		case "judged", "known", "topical", "titles":
			run[name] = true
		default:
			fmt.Fprintf(stderr, "vigie eval: --sets: unknown set %q (want judged, known, topical, titles)\n", name)
			return errUsage
		}
	}
	setsGiven := false
	fs.Visit(func(f *flag.Flag) { setsGiven = setsGiven || f.Name == "sets" })
	if setsGiven && *laws == "" && (run["known"] || (run["topical"] || run["titles"]) && *lawsData == "") {
		fmt.Fprintln(stderr, "vigie eval: the known-item test needs --laws, the topical set --laws or --laws-data: skipped")
	}
	tmp, err := os.MkdirTemp("", "vigie-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if run["judged"] {
		if err := evalJudged(ctx, stdout, tmp, *judgments, *data, corpora, *misses, opts); err != nil {
			return err
		}
	}
	if (run["topical"] || run["titles"]) && (*laws != "" || *lawsData != "") {
		to := topicalOptions{file: *topical, laws: *laws, data: *lawsData, tmp: tmp, plain: *plainBM25, misses: *misses, topical: run["topical"]}
		if run["titles"] {
			to.titles, to.acronyms = *titleItems, *acronyms
		}
		for _, m := range strings.Split(*modes, ",") {
			switch m = strings.TrimSpace(m); m {
			case relevance.ModeRestricted, relevance.ModeUnrestricted, relevance.ModeOwn:
				to.modes = append(to.modes, m)
			default:
				fmt.Fprintf(stderr, "vigie eval: --modes: unknown mode %q (want lang, all, own)\n", m)
				return errUsage
			}
		}
		if err := evalTopical(ctx, stdout, to, opts); err != nil {
			return err
		}
	}
	if !run["known"] || *laws == "" {
		return nil
	}
	names := strings.Split(*acts, ",")
	ls, err := indexCorpus(ctx, filepath.Join(tmp, "laws"), map[string]string{"laws": *laws},
		map[string][]string{"laws": relevance.LawFiles(names)}, opts)
	if err != nil {
		return err
	}
	defer ls.Close()
	ki, err := relevance.KnownItems(ctx, ls, *items)
	if err != nil {
		return err
	}
	kr, err := relevance.RunKnownItems(ctx, ls, ki)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nActs: %s\n", strings.Join(names, ", "))
	kr.WriteTable(stdout)
	return nil
}

// evalJudged prints the table of the judged query set.
func evalJudged(ctx context.Context, stdout io.Writer, tmp, judgments, data string, corpora multiFlag, misses bool, opts search.Options) error {
	f, err := os.Open(judgments)
	if err != nil {
		return fmt.Errorf("judged queries: %w (run from the repository root, or give --judgments)", err)
	}
	set, err := relevance.Load(f)
	f.Close()
	if err != nil {
		return err
	}
	var s *search.Searcher
	if data != "" {
		if s, err = openSearcher(data, opts); err != nil {
			return err
		}
	} else {
		sources := map[string]string{}
		if len(corpora) == 0 {
			corpora = multiFlag{env("VIGIE_SEEDS", "seeds"), filepath.Join("..", "shared", "corpora", "cloud-guardrails")}
		}
		for _, c := range corpora {
			sources[filepath.Base(filepath.Clean(c))] = c
		}
		if s, err = indexCorpus(ctx, filepath.Join(tmp, "judged"), sources, nil, opts); err != nil {
			return err
		}
	}
	defer s.Close()
	rep, err := relevance.Run(ctx, s, set)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "judged queries: %d (%s)\n", len(set.Queries), judgments)
	rep.WriteTable(stdout)
	if misses {
		fmt.Fprintln(stdout)
		rep.WriteMisses(stdout)
	}
	return nil
}

// indexCorpus copies the sources into dir/corpus, indexes them into
// dir/data and opens a searcher.
func indexCorpus(ctx context.Context, dir string, sources map[string]string, files map[string][]string, opts search.Options) (*search.Searcher, error) {
	corpus, data := filepath.Join(dir, "corpus"), filepath.Join(dir, "data")
	if err := relevance.CopyCorpus(corpus, sources, files); err != nil {
		return nil, err
	}
	if _, err := indexer.Build(ctx, buildOptions(corpus, data, nil)); err != nil {
		return nil, err
	}
	return openSearcher(data, opts)
}

// openSearcher opens the live generation of data for the commands that
// search from the terminal.
func openSearcher(data string, opts search.Options) (*search.Searcher, error) {
	gen, err := indexer.Open(data)
	if errors.Is(err, indexer.ErrNoIndex) {
		return nil, fmt.Errorf("no index in %s: run \"vigie index\" first", data)
	}
	if err != nil {
		return nil, err
	}
	return search.New(gen, opts), nil
}
