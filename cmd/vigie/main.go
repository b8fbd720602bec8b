// Command vigie is a bilingual (English/French) search engine for
// public-policy texts.
//
//	vigie serve   [--addr HOST:PORT] [--seeds DIR] [--data DIR]
//	vigie index   [--seeds DIR] [--data DIR]
//	vigie search  [--lang en|fr] [--json] [--data DIR] QUERY...
//	vigie version
//
// VIGIE_ADDR, VIGIE_DATA and VIGIE_SEEDS set the defaults of --addr,
// --data and --seeds; the README lists every flag and VIGIE_* variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `vigie: search English and French public-policy texts

Usage:
  vigie serve   [--addr HOST:PORT] [--seeds DIR] [--data DIR]   serve the API (builds the index first if there is none)
  vigie index   [--seeds DIR] [--data DIR]                      (re)build the index from the corpus folder
  vigie publish --to URL [--data DIR]                           upload the live generation to an object store (for serve --from)
  vigie serve --from URL [--data DIR]                           a replica: serve the generations published to URL
  vigie search  [--lang en|fr] [--json] [--data DIR] QUERY...   search from the terminal
  vigie entities [--data DIR] [DOC-ID...] [--text TEXT]        show the actors, forums and years extracted (no argument: list the gazetteer)
  vigie entities check [--gazetteer-mode merge|replace] FILE    validate your gazetteer file (problems with their lines)
  vigie entities discover --seeds DIR [--out FILE]              propose gazetteer entries from a corpus, to review
  vigie lexicon build|show [...]                                build or review the bilingual lexicon
  vigie eval [--corpus DIR]... [--judgments FILE] [--laws DIR]  relevance table: nDCG@10, MRR, recall@10 per query kind
  vigie healthcheck [--addr HOST:PORT]                          exit 0 if a local server answers /healthz
  vigie bench --corpus DIR [--fraction F] [--rate N] [--json]   index a corpus, load the HTTP API, print throughput, latency, RSS
  vigie version                                                 print the version

Environment: VIGIE_ADDR, VIGIE_DATA, VIGIE_SEEDS set the defaults of --addr, --data, --seeds;
VIGIE_GAZETTEER and VIGIE_GAZETTEER_MODE those of --gazetteer and --gazetteer-mode (index, serve);
serve also reads VIGIE_LOG_FORMAT, VIGIE_LOG_LEVEL, VIGIE_LOG_QUERIES, VIGIE_CORS_ORIGINS,
VIGIE_RATE_LIMIT, VIGIE_TRUSTED_PROXIES, VIGIE_DRAIN_DELAY and VIGIE_CACHE_SIZE.
Run "vigie COMMAND --help" for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal cancels ctx: commands finish cleanly (serve drains).
	// From then on signals are no longer caught, so a second one ends the
	// process at once.
	context.AfterFunc(ctx, stop)
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "publish":
		err = cmdPublish(ctx, args[1:], stdout, stderr)
	case "index":
		err = cmdIndex(ctx, args[1:], stdout, stderr)
	case "search":
		err = cmdSearch(ctx, args[1:], stdout, stderr)
	case "entities":
		err = cmdEntities(ctx, args[1:], stdout, stderr)
	case "healthcheck":
		err = cmdHealthcheck(ctx, args[1:], stdout, stderr)
	case "bench":
		err = cmdBench(ctx, args[1:], stdout, stderr)
	case "lexicon":
		err = cmdLexicon(ctx, args[1:], stdout, stderr)
	case "eval":
		err = cmdEval(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "vigie %s\n", version)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "vigie: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "vigie %s: %v\n", args[0], err)
	return 1
}

// errUsage reports a command-line mistake already explained on stderr.
var errUsage = errors.New("usage")

// env returns the environment variable name, or def when it is unset.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// parseFlags parses flags that may appear before, between or after the
// positional arguments, and returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	// A word such as "-NATO" is a query exclusion, not a flag: only names
	// the command defines are parsed as flags.
	var flags []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		name := strings.TrimLeft(a, "-")
		name, _, hasValue := strings.Cut(name, "=")
		if !strings.HasPrefix(a, "-") || len(a) < 2 || (fs.Lookup(name) == nil && name != "h" && name != "help") {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if f := fs.Lookup(name); f != nil && !hasValue && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	args = flags
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// newLogger returns a slog logger writing text or JSON to w.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}
