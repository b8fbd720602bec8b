package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Extractor finds the actors, forums and years a passage refers to.
type Extractor func(text string) (actors, forums []string, years []int)

// Options configure a build.
type Options struct {
	// Seeds is the corpus folder, read recursively.
	Seeds string
	// Data is the data folder holding index generations.
	Data string
	// Read and Split bound ingestion and passage length; zero values take
	// the defaults.
	Read  ReadOptions
	Split SplitOptions
	// Extract, when set, annotates each passage with entities and years.
	Extract Extractor
	// BatchSize is the number of passages per index batch.
	BatchSize int
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// Build reads the corpus, writes a new index generation next to the live
// one and, only if every step succeeded, makes it the live generation.
// A failed or interrupted build leaves the live generation untouched; its
// leftovers are removed by the next build. At most two generations (the
// new live one and the previous) are kept.
func Build(ctx context.Context, opts Options) (*Manifest, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	began := time.Now()
	if err := os.MkdirAll(opts.Data, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	release, err := lock(opts.Data)
	if err != nil {
		return nil, err
	}
	defer release()

	live, err := Current(opts.Data)
	if err != nil && !errors.Is(err, ErrNoIndex) {
		return nil, err
	}
	// Leftovers of interrupted builds, and generations older than live.
	if err := prune(opts.Data, live); err != nil {
		log.Warn("could not remove old generations", "err", err)
	}

	docs, problems, err := ReadDir(ctx, opts.Seeds, opts.Read)
	if err != nil {
		return nil, err
	}
	for _, p := range problems {
		log.Warn("document problem", "path", p.Path, "line", p.Line, "reason", p.Reason, "skipped", p.Skipped)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%w in corpus folder (%d problems)", ErrNoDocuments, len(problems))
	}
	log.Info("read corpus", "documents", len(docs), "problems", len(problems))

	gen := genPrefix + began.UTC().Format("20060102T150405.000000000Z")
	genDir := filepath.Join(opts.Data, gen)
	if err := os.MkdirAll(genDir, 0o755); err != nil {
		return nil, fmt.Errorf("create generation: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(genDir)
		}
	}()
	idx, err := bleve.NewUsing(filepath.Join(genDir, indexDir), NewMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	m := &Manifest{Generation: gen, BuiltAt: began.UTC(), Problems: problems}
	twins := linkTwins(docs, opts.Split)
	if err := writePassages(ctx, idx, docs, opts, m, log, twins); err != nil {
		idx.Close()
		return nil, err
	}
	if err := idx.Close(); err != nil {
		return nil, fmt.Errorf("close index: %w", err)
	}
	m.Duration = time.Since(began)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	if err := writeFileSync(filepath.Join(genDir, manifestFile), mb); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := switchCurrent(opts.Data, gen); err != nil {
		return nil, err
	}
	ok = true
	if err := prune(opts.Data, gen, live); err != nil {
		log.Warn("could not remove old generations", "err", err)
	}
	log.Info("built index", "generation", gen, "documents", len(m.Documents), "passages", m.Passages, "duration", m.Duration.Round(time.Millisecond))
	return m, nil
}

// writePassages splits, annotates and indexes every document in batches.
func writePassages(ctx context.Context, idx bleve.Index, docs []*Document, opts Options, m *Manifest, log *slog.Logger, twins map[string]string) error {
	batch := idx.NewBatch()
	flush := func() error {
		if batch.Size() == 0 {
			return nil
		}
		if err := idx.Batch(batch); err != nil {
			return fmt.Errorf("index batch: %w", err)
		}
		batch.Reset()
		return nil
	}
	lastLog := time.Now()
	for i, doc := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		ps := Split(doc, opts.Split)
		info := DocInfo{Document: *doc, Passages: len(ps), Year: doc.Year()}
		seenA, seenF, seenY := map[string]bool{}, map[string]bool{}, map[int]bool{}
		for j := range ps {
			p := &ps[j]
			if opts.Extract != nil {
				p.Actors, p.Forums, p.Years = opts.Extract(p.Heading + "\n" + p.Text)
			}
			for _, a := range p.Actors {
				if !seenA[a] {
					seenA[a] = true
					info.Actors = append(info.Actors, a)
				}
			}
			for _, f := range p.Forums {
				if !seenF[f] {
					seenF[f] = true
					info.Forums = append(info.Forums, f)
				}
			}
			for _, y := range p.Years {
				if !seenY[y] {
					seenY[y] = true
					info.Years = append(info.Years, y)
				}
			}
			r := record(p, doc)
			if t := twins[p.ID]; t != "" {
				r[FieldTwin] = t
			}
			if err := batch.Index(p.ID, r); err != nil {
				return fmt.Errorf("index passage of %s: %w", doc.Path, err)
			}
			if batch.Size() >= opts.BatchSize {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		m.Passages += len(ps)
		m.Documents = append(m.Documents, info)
		if time.Since(lastLog) > 5*time.Second {
			lastLog = time.Now()
			log.Info("indexing", "documents", i+1, "of", len(docs), "passages", m.Passages)
		}
	}
	return flush()
}
