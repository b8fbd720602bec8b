package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// On-disk layout of a data folder:
//
//	data/CURRENT            name of the live generation, replaced by rename
//	data/gen-<time>/index/  the bleve index of that generation
//	data/gen-<time>/manifest.json
//	data/gen-<time>/gazetteer.yaml  the gazetteer its passages were tagged with
//	data/.lock              held (flock) while a build runs
const (
	currentFile  = "CURRENT"
	lockFile     = ".lock"
	genPrefix    = "gen-"
	indexDir     = "index"
	manifestFile = "manifest.json"
)

// GazetteerFile is the name, in a generation's folder, of the gazetteer
// (Options.Gazetteer) its passages were tagged with.
const GazetteerFile = "gazetteer.yaml"

var (
	// ErrNoIndex means the data folder holds no complete generation yet.
	ErrNoIndex = errors.New("no index in data folder")
	// ErrLocked means another build holds the data folder.
	ErrLocked = errors.New("another index build is running on this data folder")
)

// DocInfo is a document's entry in a generation's manifest.
type DocInfo struct {
	Document
	Passages int      `json:"passages"`
	Year     int      `json:"year,omitempty"`
	Actors   []string `json:"actors,omitempty"`
	Forums   []string `json:"forums,omitempty"`
	Years    []int    `json:"years,omitempty"`
}

// Manifest describes one index generation.
type Manifest struct {
	Generation string        `json:"generation"`
	BuiltAt    time.Time     `json:"built_at"`
	Duration   time.Duration `json:"duration_ns"`
	Documents  []DocInfo     `json:"documents"`
	Passages   int           `json:"passages"`
	Problems   []Problem     `json:"problems,omitempty"`
	// Fingerprint identifies the pipeline and settings that built the
	// generation; an incremental build reuses only a generation with the
	// same fingerprint.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Changes counts what the build did with each document.
	Changes *Changes `json:"changes,omitempty"`
}

// Changes compares a generation with the one it was built from.
type Changes struct {
	// Base is the generation an incremental build started from; empty
	// for a full build.
	Base string `json:"base,omitempty"`
	// Reused documents were unchanged: their passages were kept as they
	// were, without being read again.
	Reused int `json:"reused"`
	// Added and Changed documents were analysed and indexed.
	Added   int `json:"added"`
	Changed int `json:"changed"`
	// Removed documents were in the base generation and are gone.
	Removed int `json:"removed"`
}

// Generation is an opened index generation.
type Generation struct {
	Name     string
	Index    bleve.Index
	Manifest *Manifest
	// Twins maps a passage id to its twin's, the passage saying the same
	// in the other language's version of the document.
	Twins map[string]string
	// Gazetteer is the source of the gazetteer the generation was tagged
	// with (Options.Gazetteer); nil when the build stored none.
	Gazetteer []byte
	// Vocabulary holds the words of each language's passages and how
	// many passages hold each (words.go).
	Vocabulary Vocabulary
}

// Close closes the generation's index.
func (g *Generation) Close() error { return g.Index.Close() }

// Current returns the name of the live generation in dataDir.
func Current(dataDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", ErrNoIndex
	}
	if err != nil {
		return "", fmt.Errorf("read current generation: %w", err)
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, genPrefix) || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("data folder: CURRENT names %q, not a generation", name)
	}
	return name, nil
}

// LiveGazetteer returns the gazetteer stored with the live generation of
// dataDir (GazetteerFile); nil, with no error, when there is no index or
// the generation stored none.
func LiveGazetteer(dataDir string) ([]byte, error) {
	name, err := Current(dataDir)
	if errors.Is(err, ErrNoIndex) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dataDir, name, GazetteerFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read gazetteer of generation %s: %w", name, err)
	}
	return b, nil
}

// Open opens the live generation of dataDir for searching.
func Open(dataDir string) (*Generation, error) {
	name, err := Current(dataDir)
	if err != nil {
		return nil, err
	}
	return OpenGeneration(filepath.Join(dataDir, name))
}

// OpenGeneration opens the generation folder dir (a gen-… folder of a data
// folder, whether CURRENT names it or not) for searching.
func OpenGeneration(dir string) (*Generation, error) {
	name := filepath.Base(dir)
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	twins, err := readTwins(dir)
	if err != nil {
		return nil, err
	}
	gaz, err := os.ReadFile(filepath.Join(dir, GazetteerFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read gazetteer of generation %s: %w", name, err)
	}
	idx, err := bleve.OpenUsing(filepath.Join(dir, indexDir), map[string]interface{}{
		"read_only":    true,
		"bolt_timeout": "5s",
	})
	if err != nil {
		return nil, fmt.Errorf("open generation %s: %w", name, err)
	}
	vocab, err := readVocabulary(dir, idx)
	if err != nil {
		idx.Close()
		return nil, err
	}
	return &Generation{Name: name, Index: idx, Manifest: m, Twins: twins, Gazetteer: gaz, Vocabulary: vocab}, nil
}

func readManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return nil, fmt.Errorf("read manifest of %s: %w", filepath.Base(dir), err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse manifest of %s: %w", filepath.Base(dir), err)
	}
	return &m, nil
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// switchCurrent points CURRENT at gen atomically: write a temporary file,
// sync it, rename it over CURRENT, sync the folder.
func switchCurrent(dataDir, gen string) error {
	tmp := filepath.Join(dataDir, currentFile+".tmp")
	if err := writeFileSync(tmp, []byte(gen+"\n")); err != nil {
		return fmt.Errorf("write current generation: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dataDir, currentFile)); err != nil {
		return fmt.Errorf("switch current generation: %w", err)
	}
	return syncDir(dataDir)
}

// copyIndex copies the (closed, or opened read-only) index at src to dst
// and opens the copy for writing. The live generation is never written:
// a build changes only its copy.
func copyIndex(src, dst string) (bleve.Index, error) {
	if err := copyDir(src, dst); err != nil {
		return nil, fmt.Errorf("copy live index: %w", err)
	}
	idx, err := bleve.OpenUsing(dst, map[string]interface{}{"bolt_timeout": "2s"})
	if err != nil {
		return nil, fmt.Errorf("open copy of live index: %w", err)
	}
	return idx, nil
}

// copyDir copies a folder tree of regular files, syncing each file.
func copyDir(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		s, d := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		switch {
		case e.IsDir():
			if err := copyDir(s, d); err != nil {
				return err
			}
		case e.Type().IsRegular():
			if err := copyFile(s, d); err != nil {
				return err
			}
		}
	}
	return syncDir(dst)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lock takes the data folder's build lock without waiting.
func lock(dataDir string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dataDir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// generations lists generation folders in dataDir, oldest first.
func generations(dataDir string) ([]string, error) {
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), genPrefix) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// prune removes generations other than those in keep: unfinished builds
// left by a crash, and generations older than the previous one.
func prune(dataDir string, keep ...string) error {
	gens, err := generations(dataDir)
	if err != nil {
		return err
	}
	kept := map[string]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	var errs []error
	for _, g := range gens {
		if !kept[g] {
			if err := os.RemoveAll(filepath.Join(dataDir, g)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
