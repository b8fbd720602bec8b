package indexer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/lang"
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
	// Fingerprint names the version of whatever outside the corpus shapes
	// passages, such as the gazetteer behind Extract. An incremental build
	// reuses nothing from a generation built with another fingerprint.
	Fingerprint string
	// Gazetteer, when set, is the YAML source of the gazetteer behind
	// Extract. It is stored with the generation (GazetteerFile), so that
	// search reads the names and hierarchy the passages were tagged with.
	Gazetteer []byte
	// Full rebuilds every document. By default a build is incremental:
	// it starts from a copy of the live generation and re-analyses only
	// new and changed documents (by content hash), and deletes the
	// passages of removed ones.
	Full bool
	// Strict fails the build, leaving the live generation in place, when
	// any file or line had a problem (skipped or warned about).
	Strict bool
	// BatchSize is the number of passages per index batch.
	BatchSize int
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
	// Progress, when set, is called after each file with the counts so
	// far, from the goroutine that called Build.
	Progress func(Progress)
}

// ErrProblems is returned by a Strict build that found problems.
var ErrProblems = errors.New("problems found in the corpus (strict mode)")

// pipelineVersion changes whenever reading, splitting or the index mapping
// changes what a document becomes, so that incremental builds do not keep
// passages made by older code.
const pipelineVersion = "vigie-pipeline-6" // 3: one fold (NFKD) and Unicode lower case for every layer; 4: the numeric date field; 5: the vocabulary in files, not in the index; 6: a title cut mid-word completed from the text

// Progress is how far a build has got.
type Progress struct {
	Files      int           `json:"files"`
	FilesTotal int           `json:"files_total"`
	Bytes      int64         `json:"bytes"`
	BytesTotal int64         `json:"bytes_total"`
	Documents  int           `json:"documents"`
	Reused     int           `json:"reused"`
	Passages   int           `json:"passages"`
	Problems   int           `json:"problems"`
	Elapsed    time.Duration `json:"elapsed_ns"`
}

// DocsPerSecond is the rate of documents read so far.
func (p Progress) DocsPerSecond() float64 { return rate(p.Documents, p.Elapsed) }

// PassagesPerSecond is the rate of passages written so far.
func (p Progress) PassagesPerSecond() float64 { return rate(p.Passages, p.Elapsed) }

// ETA estimates the time left from the share of bytes read; zero when it
// cannot tell yet.
func (p Progress) ETA() time.Duration {
	if p.Bytes <= 0 || p.BytesTotal <= p.Bytes {
		return 0
	}
	return time.Duration(float64(p.Elapsed) * float64(p.BytesTotal-p.Bytes) / float64(p.Bytes))
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Build reads the corpus, writes a new index generation next to the live
// one and, only if every step succeeded, makes it the live generation.
// A failed or interrupted build leaves the live generation untouched; its
// leftovers are removed by the next build. At most two generations (the
// new live one and the previous) are kept. A build that fails after
// reading the corpus (no usable document, or problems in Strict mode)
// returns the manifest it would have written along with the error.
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
	// Change-log records of builds that never went live.
	if err := changelog.Open(opts.Data).Prune(live); err != nil {
		log.Warn("could not clean up the change log", "err", err)
	}
	srcs, sidecars, err := walk(opts.Seeds)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, s := range srcs {
		total += s.size
	}
	fp := fingerprint(opts)
	var prev *Manifest
	if !opts.Full && live != "" {
		prev, err = readManifest(filepath.Join(opts.Data, live))
		switch {
		case err != nil:
			log.Warn("live generation unreadable; full build", "generation", live, "err", err)
			prev = nil
		case prev.Fingerprint != fp:
			log.Info("live generation built by another pipeline or settings; full build", "generation", live)
			prev = nil
		}
	}

	gen := genPrefix + began.UTC().Format("20060102T150405.000000000Z")
	genDir := filepath.Join(opts.Data, gen)
	if err := os.MkdirAll(genDir, 0o755); err != nil {
		return nil, fmt.Errorf("create generation: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(genDir)
			_ = changelog.Open(opts.Data).Discard(gen)
		}
	}()
	idxPath := filepath.Join(genDir, indexDir)
	var idx bleve.Index
	if prev != nil {
		idx, err = copyIndex(filepath.Join(opts.Data, live, indexDir), idxPath)
		if err != nil {
			log.Warn("cannot copy the live generation; full build", "err", err)
			prev = nil
			if err := os.RemoveAll(idxPath); err != nil {
				return nil, fmt.Errorf("remove partial copy: %w", err)
			}
		}
	}
	m := &Manifest{Generation: gen, BuiltAt: began.UTC(), Fingerprint: fp, Changes: &Changes{}}
	b := &builder{opts: opts, m: m, log: log, began: began,
		progress: Progress{FilesTotal: len(srcs), BytesTotal: total}, handled: map[string]bool{}}
	r := newReader(opts.Seeds, opts.Read, sidecars)
	var twins map[string]string
	if idx == nil {
		twins, err = b.writeFull(ctx, r, srcs, idxPath, filepath.Join(genDir, "build"))
	} else {
		m.Changes.Base = live
		b.prev = map[string]*DocInfo{}
		for i := range prev.Documents {
			b.prev[prev.Documents[i].ID] = &prev.Documents[i]
		}
		r.setPrevious(prev)
		log.Info("incremental build", "base", live, "documents", len(prev.Documents))
		twins, err = b.writeIncremental(ctx, r, srcs, idx, filepath.Join(opts.Data, live))
	}
	if err != nil {
		return nil, err
	}
	if err := writeFileSync(filepath.Join(genDir, twinsFile), encodeTwins(twins)); err != nil {
		return nil, fmt.Errorf("write twins: %w", err)
	}
	if err := writeVocabulary(genDir, b.words); err != nil {
		return nil, err
	}
	if opts.Gazetteer != nil {
		if err := writeFileSync(filepath.Join(genDir, GazetteerFile), opts.Gazetteer); err != nil {
			return nil, fmt.Errorf("write gazetteer: %w", err)
		}
	}
	skipped := 0
	for _, p := range m.Problems {
		log.Info("document problem", "path", p.Path, "line", p.Line, "kind", p.Kind, "reason", p.Reason, "skipped", p.Skipped)
		if p.Skipped {
			skipped++
		}
	}
	if len(m.Problems) > 0 {
		log.Warn("problems in the corpus", "problems", len(m.Problems), "skipped", skipped)
	}
	m.Duration = time.Since(began)
	if len(m.Documents) == 0 {
		return m, fmt.Errorf("%w in corpus folder (%d problems)", ErrNoDocuments, len(m.Problems))
	}
	if opts.Strict && len(m.Problems) > 0 {
		return m, fmt.Errorf("%w: %d problems; the live generation was not changed", ErrProblems, len(m.Problems))
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	if err := writeFileSync(filepath.Join(genDir, manifestFile), mb); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	// The change log's record goes before the switch: it counts only once
	// CURRENT names gen (see changelog.Log.Chain), so a crash on either
	// side of the switch leaves the log consistent with the live index.
	recBegan := time.Now()
	rec, err := recordChanges(ctx, opts.Data, live, genDir, m)
	if err != nil {
		return nil, err
	}
	log.Info("recorded changes", "baseline", rec.Baseline, "documents", len(rec.Documents),
		"passages", len(rec.Changes), "duration", time.Since(recBegan).Round(time.Millisecond))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if testHookBeforeSwitch != nil {
		testHookBeforeSwitch(opts.Data, gen)
	}
	if err := switchCurrent(opts.Data, gen); err != nil {
		return nil, err
	}
	ok = true
	if err := prune(opts.Data, gen, live); err != nil {
		log.Warn("could not remove old generations", "err", err)
	}
	c := m.Changes
	log.Info("built index", "generation", gen, "documents", len(m.Documents), "passages", m.Passages,
		"reused", c.Reused, "added", c.Added, "changed", c.Changed, "removed", c.Removed,
		"problems", len(m.Problems), "duration", m.Duration.Round(time.Millisecond))
	return m, nil
}

// writeIncremental writes the changes of an incremental build into idx,
// a copy of the live generation's index (in the folder live), merges its
// segments into one, closes it and returns the twin links of its
// passages, read back from the index (a reused document is relinked with
// a partner that changed). The vocabulary is the live one's, updated.
func (b *builder) writeIncremental(ctx context.Context, r *reader, srcs []source, idx bleve.Index, live string) (map[string]string, error) {
	vocab, err := readVocabulary(live, idx)
	if err == nil {
		b.words, err = countsOf(vocab)
	}
	if err != nil {
		idx.Close()
		return nil, err
	}
	b.idx, b.batch = idx, idx.NewBatch()
	// One writer: deletions and additions must reach the index in order.
	b.writer = newBatchWriter(idx, 1)
	err = b.run(ctx, r, srcs)
	b.m.Problems = r.problems
	if err == nil {
		err = b.finish()
	}
	if werr := b.writer.close(); err == nil {
		err = werr
	}
	if err == nil {
		err = compact(ctx, idx)
	}
	var twins map[string]string
	if err == nil {
		twins, err = linkStoredTwins(idx, b.m.Documents)
	}
	if err != nil {
		idx.Close()
		return nil, err
	}
	if err := idx.Close(); err != nil {
		return nil, fmt.Errorf("close index: %w", err)
	}
	return twins, nil
}

// writeFull writes every passage into a new index at idxPath with bleve's
// offline builder (offline.go): one segment, no background merges, no
// fsync per batch. The twins are aligned from the passages, kept in
// memory, instead of being read back from the index.
func (b *builder) writeFull(ctx context.Context, r *reader, srcs []source, idxPath, tmpDir string) (map[string]string, error) {
	w, err := newOfflineWriter(idxPath, tmpDir, NewMapping())
	if err != nil {
		return nil, err
	}
	b.offline = w
	b.passages = map[string][]Passage{}
	err = b.run(ctx, r, srcs)
	b.m.Problems = r.problems
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		w.abort()
		return nil, err
	}
	// The twins are aligned while the builder merges its segments (on one
	// goroutine): both cores stay busy.
	var (
		twins map[string]string
		terr  error
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		twins, terr = linkTwins(b.m.Documents, func(id string) ([]Passage, error) { return b.passages[id], nil })
	}()
	err = w.close()
	<-done
	b.passages, b.words = nil, w.words
	if err != nil {
		return nil, err
	}
	return twins, terr
}

// fingerprint identifies everything besides a document's content that
// shapes its passages.
func fingerprint(opts Options) string {
	lang := opts.Read.DefaultLang
	if lang == "" {
		lang = DefaultReadOptions.DefaultLang
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%+v\x00%s\x00%s\x00%t",
		pipelineVersion, opts.Split.withDefaults(), lang, opts.Fingerprint, opts.Extract != nil))
	return hex.EncodeToString(h[:8])
}

// sourcePath is the file a document came from: its path without the
// "#L12" line anchor of a JSON Lines record.
func sourcePath(p string) string {
	if i := strings.LastIndex(p, "#L"); i > 0 && isJSONL(p[:i]) {
		return p[:i]
	}
	return p
}

// builder writes the passages of the entries a reader produces.
type builder struct {
	idx      bleve.Index
	batch    *bleve.Batch
	opts     Options
	m        *Manifest
	log      *slog.Logger
	began    time.Time
	progress Progress
	lastLog  time.Time
	prev     map[string]*DocInfo // previous generation's documents by id
	handled  map[string]bool     // previous documents reused or replaced
	writer   *batchWriter
	// offline, in a full build, writes the passages instead of batch and
	// writer; passages then keeps each document's passages (id, heading,
	// text) for the twins.
	offline  *offlineWriter
	passages map[string][]Passage
	// words counts the vocabulary of the generation being built.
	words wordCounts
}

// batchWriter writes batches to the index in the background while the
// builder prepares the next ones (splitting, entities, the mapping): bleve
// analyses a batch in parallel but builds and persists its segment on one
// goroutine, so a build that waited for each batch kept one core idle.
// An incremental build writes with one writer, in order (a full build
// writes with the offline builder instead: offline.go).
type batchWriter struct {
	idx     bleve.Index
	batches chan *bleve.Batch
	wg      sync.WaitGroup
	mu      sync.Mutex
	err     error
}

func newBatchWriter(idx bleve.Index, writers int) *batchWriter {
	w := &batchWriter{idx: idx, batches: make(chan *bleve.Batch, writers)}
	for range writers {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for batch := range w.batches {
				if w.failed() != nil {
					continue // drain
				}
				if err := idx.Batch(batch); err != nil {
					w.mu.Lock()
					if w.err == nil {
						w.err = fmt.Errorf("index batch: %w", err)
					}
					w.mu.Unlock()
				}
			}
		}()
	}
	return w
}

func (w *batchWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// write queues a batch; it fails with the first error of an earlier one.
func (w *batchWriter) write(batch *bleve.Batch) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.batches <- batch
	return nil
}

// close waits for every queued batch and returns the first error.
func (w *batchWriter) close() error {
	close(w.batches)
	w.wg.Wait()
	return w.failed()
}

// compact merges the index's segments into one. A search looks up each
// of its terms in every segment and walks their postings segment by
// segment: the 15 segments a build of laws-canada left made a search
// several times dearer than one segment (docs/performance.md).
func compact(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	count := func(key string) uint64 {
		n, _ := sc.StatsMap()[key].(uint64)
		return n
	}
	// Segments still in memory are not merged: wait for the persister,
	// and merge again while a merge of the background merger, running at
	// the same time, left more than one.
	for range 5 {
		for wait := 0; count("num_root_memorysegments") > 0 && wait < 3000; wait++ {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
		if count("num_root_filesegments") <= 1 {
			return nil
		}
		if err := sc.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
			return fmt.Errorf("compact index: %w", err)
		}
	}
	return nil
}

// item is what the reading goroutine sends: an entry, or the end of a
// file with its size and the problem count so far.
type item struct {
	entry
	fileDone bool
	size     int64
	problems int
}

// run reads the sources in one goroutine and indexes in this one, so that
// parsing overlaps with bleve's analysis.
func (b *builder) run(ctx context.Context, r *reader, srcs []source) error {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan item, 64)
	var readErr error
	go func() {
		defer close(ch)
		send := func(it item) error {
			select {
			case ch <- it:
				return nil
			case <-rctx.Done():
				return rctx.Err()
			}
		}
		for _, src := range srcs {
			if err := r.read(rctx, src, func(e entry) error { return send(item{entry: e}) }); err != nil {
				readErr = err
				return
			}
			if err := send(item{fileDone: true, size: src.size, problems: len(r.problems)}); err != nil {
				readErr = err
				return
			}
		}
		r.orphanSidecars()
	}()
	var err error
	for it := range ch {
		if err != nil {
			continue // drain until the reader stops
		}
		if err = ctx.Err(); err == nil {
			err = b.handle(it)
		}
		if err != nil {
			cancel()
		}
	}
	if err != nil {
		return err
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

func (b *builder) handle(it item) error {
	switch {
	case it.fileDone:
		p := &b.progress
		p.Files++
		p.Bytes += it.size
		p.Problems = it.problems
		p.Elapsed = time.Since(b.began)
		if b.opts.Progress != nil {
			b.opts.Progress(*p)
		}
		if time.Since(b.lastLog) > 5*time.Second {
			b.lastLog = time.Now()
			b.log.Info("indexing", "files", p.Files, "of", p.FilesTotal, "documents", p.Documents,
				"reused", p.Reused, "passages", p.Passages,
				"docs_per_s", int(p.DocsPerSecond()), "passages_per_s", int(p.PassagesPerSecond()),
				"eta", p.ETA().Round(time.Second))
		}
		return nil
	case it.reused != nil:
		info := *it.reused
		b.handled[info.ID] = true
		b.m.Documents = append(b.m.Documents, info)
		b.m.Passages += info.Passages
		b.m.Changes.Reused++
		b.progress.Documents++
		b.progress.Reused++
		b.progress.Passages += info.Passages
		return nil
	}
	doc := it.doc
	if old := b.prev[doc.ID]; old != nil && !b.handled[doc.ID] {
		// Changed: its old passages go before its new ones are added (an
		// unchanged passage keeps its id and is written again).
		b.handled[doc.ID] = true
		if err := b.deleteDoc(old); err != nil {
			return err
		}
		b.m.Changes.Changed++
	} else {
		b.m.Changes.Added++
	}
	n, err := b.indexDoc(doc)
	if err != nil {
		return err
	}
	b.progress.Documents++
	b.progress.Passages += n
	return nil
}

// finish deletes the passages of documents that are gone and writes the
// last batch.
func (b *builder) finish() error {
	for id, old := range b.prev {
		if !b.handled[id] {
			if err := b.deleteDoc(old); err != nil {
				return err
			}
			b.m.Changes.Removed++
		}
	}
	return b.flush()
}

func (b *builder) flush() error {
	if b.batch.Size() == 0 {
		return nil
	}
	if err := b.writer.write(b.batch); err != nil {
		return err
	}
	// A new batch, never Reset: the writer owns the one queued (and
	// scorch's Batch can return while its analysis goroutine still ranges
	// over the batch's operations, found by the race detector).
	b.batch = b.idx.NewBatch()
	return nil
}

// deleteDoc queues the deletion of every passage of a previous document,
// and takes their words out of the vocabulary.
func (b *builder) deleteDoc(old *DocInfo) error {
	q := bleve.NewTermQuery(old.ID)
	q.SetField(FieldDocID)
	const page = 1000
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(q, page, from, false)
		req.Fields = []string{FieldLang, FieldText}
		res, err := b.idx.Search(req)
		if err != nil {
			return fmt.Errorf("find passages of %s: %w", old.ID, err)
		}
		for _, h := range res.Hits {
			b.batch.Delete(h.ID)
			lg, _ := h.Fields[FieldLang].(string)
			text, _ := h.Fields[FieldText].(string)
			b.words.add(lg, lang.Words(text), -1)
		}
		if len(res.Hits) < page {
			break
		}
	}
	if b.batch.Size() >= b.opts.BatchSize {
		return b.flush()
	}
	return nil
}

// indexDoc splits, annotates and queues one document's passages.
func (b *builder) indexDoc(doc *Document) (int, error) {
	ps := Split(doc, b.opts.Split)
	info := DocInfo{Document: *doc, Passages: len(ps), Year: doc.Year()}
	info.Text, info.Blocks = "", nil // the manifest keeps metadata only
	seenA, seenF, seenY := map[string]bool{}, map[string]bool{}, map[int]bool{}
	for j := range ps {
		p := &ps[j]
		if b.opts.Extract != nil {
			p.Actors, p.Forums, p.Years = b.opts.Extract(p.Heading + "\n" + p.Text)
		}
		p.Actors = union(doc.Actors, p.Actors)
		p.Forums = union(doc.Forums, p.Forums)
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
		if b.offline != nil {
			if err := b.offline.add(p.ID, record(p, doc)); err != nil {
				return 0, err
			}
			continue
		}
		d, words, err := prepareDoc(b.idx.Mapping(), p.ID, record(p, doc))
		if err == nil {
			err = b.batch.IndexAdvanced(d)
		}
		if err != nil {
			return 0, fmt.Errorf("index passage of %s: %w", doc.Path, err)
		}
		b.words.add(p.Lang, words, 1)
		if b.batch.Size() >= b.opts.BatchSize {
			if err := b.flush(); err != nil {
				return 0, err
			}
		}
	}
	if b.passages != nil {
		slim := make([]Passage, len(ps))
		for j := range ps {
			slim[j] = Passage{ID: ps[j].ID, DocID: doc.ID, Heading: ps[j].Heading, Text: ps[j].Text, Ordinal: ps[j].Ordinal}
		}
		b.passages[doc.ID] = slim
	}
	b.m.Passages += len(ps)
	b.m.Documents = append(b.m.Documents, info)
	return len(ps), nil
}

// union is a followed by the values of b it lacks.
func union(a, b []string) []string {
	if len(a) == 0 {
		return b
	}
	out := append([]string(nil), a...)
	for _, v := range b {
		found := false
		for _, w := range a {
			if v == w {
				found = true
				break
			}
		}
		if !found {
			out = append(out, v)
		}
	}
	return out
}
