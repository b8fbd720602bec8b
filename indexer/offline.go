package indexer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zapv17 "github.com/blevesearch/zapx/v17"

	"github.com/vigie/vigie/lang"
)

// A full build writes its index as bleve's offline builder
// (bleve.NewBuilder) does: segments built and written without scorch's
// introducer, persister (an fsync per batch) and background merger, then
// merged once, at the end, into one segment. The builder builds its
// segments one at a time, on the goroutine that hands it documents, and
// maps and analyses them there too; offlineWriter does the same work on
// every core instead:
//
//   - a pool of goroutines maps and analyses the passages (prepareDoc),
//     in chunks;
//   - the feeding goroutine cuts the analysed documents, in order, into
//     batches of offlineBatch;
//   - a second pool builds each batch's segment and writes it (zap, the
//     segment format and version bleve writes by default);
//   - close merges the segments, in order, into one (zap's merge, as the
//     builder's), and writes the index around it: bleve's builder writes
//     an index of one placeholder document (the root, the stored mapping
//     and the index's metadata, through bleve's API), whose one segment
//     file the merged segment then replaces. The root names the segment's
//     file, type and version only, nothing of its content.
//
// An incremental build, which deletes and replaces passages, keeps the
// online index (bleve.Index.Batch).

// Sizes of the offline build; variables so that tests can make many
// small segments.
var (
	// offlineChunkSize is how many passages a worker maps and analyses at
	// a time.
	offlineChunkSize = 128
	// offlineQueue bounds the chunks prepared ahead of the segment
	// builders, and so the memory analysed documents hold.
	offlineQueue = 16
	// offlineBatch is the number of documents a segment holds before the
	// final merge: larger segments hold more analysed documents in memory
	// and made no difference to the build's CPU (2,000 and 8,000 on
	// laws-canada).
	offlineBatch = 2000
)

// zapPlugin is the segment format of a full build: bleve's default
// (scorch registers zap v17 as its default segment plugin), named to the
// builder that writes the root (forceSegmentType, forceSegmentVersion).
var zapPlugin = &zapv17.ZapPlugin{}

// offlineWriter builds a new index from passages handed to add.
type offlineWriter struct {
	m      *mapping.IndexMappingImpl
	path   string // the index
	tmpDir string // the segments before the merge
	n      int    // passages added
	cur    *offlineChunk
	jobs   chan *offlineChunk
	order  chan *offlineChunk
	wg     sync.WaitGroup // the workers preparing chunks
	done   chan struct{}  // closed when the feeding goroutine ends
	batch  chan offlineSegment
	segWG  sync.WaitGroup // the workers building segments
	mu     sync.Mutex
	err    error
	closed bool
	// segments are the files of the segments built, by sequence number
	// (under mu).
	segments []string
	// words counts the words of the passages handed to the builder (the
	// feeding goroutine's until it ends).
	words wordCounts
}

// offlineChunk is a run of passages, mapped and analysed by a worker and
// handed on in the order they were added.
type offlineChunk struct {
	ids   []string
	recs  []map[string]interface{}
	docs  []*document.Document
	words wordCounts
	err   error
	ready chan struct{}
}

// offlineSegment is a batch of analysed documents to build a segment of,
// the seq-th of the build.
type offlineSegment struct {
	seq  int
	docs []index.Document
}

// newOfflineWriter prepares a new index at path (which must not exist) and
// starts the workers. Temporary segments go to the folder tmpDir, which
// close removes.
func newOfflineWriter(path, tmpDir string, m mapping.IndexMapping) (*offlineWriter, error) {
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok {
		return nil, fmt.Errorf("offline build: mapping is a %T", m)
	}
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	workers := max(runtime.GOMAXPROCS(0), 1)
	w := &offlineWriter{m: im, path: path, tmpDir: tmpDir, jobs: make(chan *offlineChunk, offlineQueue),
		order: make(chan *offlineChunk, offlineQueue), done: make(chan struct{}),
		batch: make(chan offlineSegment), words: wordCounts{}}
	for range workers {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for c := range w.jobs {
				w.prepare(c)
			}
		}()
		w.segWG.Add(1)
		go func() {
			defer w.segWG.Done()
			for b := range w.batch {
				w.build(b)
			}
		}()
	}
	go w.feed()
	return w, nil
}

// add queues one passage's record; it fails with the first error of an
// earlier one.
func (w *offlineWriter) add(id string, rec map[string]interface{}) error {
	if err := w.failed(); err != nil {
		return err
	}
	if w.cur == nil {
		w.cur = &offlineChunk{ids: make([]string, 0, offlineChunkSize), recs: make([]map[string]interface{}, 0, offlineChunkSize),
			ready: make(chan struct{})}
	}
	w.n++
	w.cur.ids = append(w.cur.ids, id)
	w.cur.recs = append(w.cur.recs, rec)
	if len(w.cur.ids) >= offlineChunkSize {
		w.submit()
	}
	return nil
}

func (w *offlineWriter) submit() {
	if w.cur == nil {
		return
	}
	c := w.cur
	w.cur = nil
	// order first: the feeding goroutine waits for chunks in that order,
	// and a full order queue holds add back until the builder catches up.
	w.order <- c
	w.jobs <- c
}

// prepare maps and analyses a chunk's documents, and counts their words.
func (w *offlineWriter) prepare(c *offlineChunk) {
	defer close(c.ready)
	c.docs = make([]*document.Document, len(c.ids))
	c.words = wordCounts{}
	for i, id := range c.ids {
		doc, words, err := prepareDoc(w.m, id, c.recs[i])
		if err != nil {
			c.err = err
			return
		}
		// The _id field, as scorch adds it to every document.
		doc.AddIDField()
		doc.Fields[len(doc.Fields)-1].Analyze()
		lg, _ := c.recs[i][FieldLang].(string)
		c.words.add(lg, words, 1)
		c.docs[i] = doc
		c.recs[i] = nil
	}
}

// feed cuts the analysed documents into segments' batches, in order.
func (w *offlineWriter) feed() {
	defer close(w.done)
	defer close(w.batch)
	var docs []index.Document
	seq := 0
	flush := func() {
		if len(docs) > 0 {
			w.batch <- offlineSegment{seq: seq, docs: docs}
			seq++
			docs = nil
		}
	}
	for c := range w.order {
		<-c.ready
		if w.failed() != nil {
			continue // drain
		}
		if c.err != nil {
			w.fail(c.err)
			continue
		}
		for _, d := range c.docs {
			docs = append(docs, d)
			if len(docs) >= offlineBatch {
				flush()
			}
		}
		w.words.merge(c.words)
		c.docs, c.words = nil, nil
	}
	if w.failed() == nil {
		flush()
	}
}

// testHookSegment, when set, runs before each segment is built; its
// error fails the build as a segment's own would.
var testHookSegment func(seq int) error

// build builds and writes one batch's segment.
func (w *offlineWriter) build(b offlineSegment) {
	if w.failed() != nil {
		return
	}
	if testHookSegment != nil {
		if err := testHookSegment(b.seq); err != nil {
			w.fail(fmt.Errorf("build segment: %w", err))
			return
		}
	}
	seg, _, err := zapPlugin.New(b.docs)
	if err != nil {
		w.fail(fmt.Errorf("build segment: %w", err))
		return
	}
	path := filepath.Join(w.tmpDir, fmt.Sprintf("%09d.zap", b.seq))
	un, ok := seg.(segment.UnpersistedSegment)
	if !ok {
		w.fail(fmt.Errorf("build segment: %T cannot be written", seg))
		return
	}
	if err := un.Persist(path); err != nil {
		w.fail(fmt.Errorf("write segment: %w", err))
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.segments) <= b.seq {
		w.segments = append(w.segments, "")
	}
	w.segments[b.seq] = path
}

func (w *offlineWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *offlineWriter) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

// stop ends the workers and the feeding goroutine once every queued chunk
// is through and every segment written.
func (w *offlineWriter) stop() {
	if w.closed {
		return
	}
	w.closed = true
	close(w.order)
	close(w.jobs)
	w.wg.Wait()
	<-w.done
	w.segWG.Wait()
}

// close writes the last passages, merges the segments into one and
// writes the index.
func (w *offlineWriter) close() error {
	if w.failed() == nil {
		w.submit()
	}
	w.stop()
	if err := w.failed(); err != nil {
		return err
	}
	if w.n == 0 {
		// The builder cannot write an index without a segment: an
		// empty index, as scorch writes one.
		if err := errors.Join(os.RemoveAll(w.tmpDir), os.RemoveAll(w.path)); err != nil {
			return fmt.Errorf("write index: %w", err)
		}
		idx, err := bleve.NewUsing(w.path, w.m, scorch.Name, scorch.Name, nil)
		if err != nil {
			return fmt.Errorf("create index: %w", err)
		}
		return idx.Close()
	}
	// The analysed documents are garbage now: hand their memory back
	// before the merge maps every segment, or the peak RSS is both.
	debug.FreeOSMemory()
	merged, err := w.merge()
	if err == nil {
		err = w.writeIndex(merged)
	}
	if err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	if err := os.RemoveAll(w.tmpDir); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return nil
}

// merge merges the segments, in order, into one, and returns its file.
func (w *offlineWriter) merge() (string, error) {
	if len(w.segments) == 1 {
		return w.segments[0], nil
	}
	segs := make([]segment.Segment, 0, len(w.segments))
	defer func() {
		for _, s := range segs {
			s.Close()
		}
	}()
	for _, p := range w.segments {
		s, err := zapPlugin.Open(p)
		if err != nil {
			return "", fmt.Errorf("open segment: %w", err)
		}
		segs = append(segs, s)
	}
	path := filepath.Join(w.tmpDir, "merged.zap")
	if _, _, err := zapPlugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), path, nil, nil); err != nil {
		return "", fmt.Errorf("merge segments: %w", err)
	}
	return path, nil
}

// writeIndex writes the index at w.path around the segment file seg: the
// offline builder writes an index of one placeholder document, whose
// segment seg replaces.
func (w *offlineWriter) writeIndex(seg string) error {
	s, err := zapPlugin.Open(seg)
	if err != nil {
		return fmt.Errorf("open segment: %w", err)
	}
	n := s.Count()
	s.Close()
	if n != uint64(w.n) {
		return fmt.Errorf("merged segment holds %d passages, not %d", n, w.n)
	}
	bld, err := bleve.NewBuilder(w.path, &preMapping{w.m}, map[string]interface{}{
		"batchSize":           1,
		"buildPathPrefix":     w.tmpDir,
		"forceSegmentType":    zapPlugin.Type(),
		"forceSegmentVersion": int(zapPlugin.Version()),
	})
	if err != nil {
		return err
	}
	const placeholder = "placeholder"
	doc, _, err := prepareDoc(w.m, placeholder, map[string]interface{}{})
	if err == nil {
		err = bld.Index(placeholder, prepared{doc})
	}
	if err := errors.Join(err, bld.Close()); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(w.path, "store", "*.zap"))
	if err != nil || len(files) != 1 {
		return fmt.Errorf("the builder wrote %d segments", len(files))
	}
	return os.Rename(seg, files[0])
}

// abort stops the workers without writing the index; the caller removes
// the folders.
func (w *offlineWriter) abort() {
	w.fail(errors.New("build aborted"))
	w.cur = nil
	w.stop()
}

// prepareDoc maps and analyses a passage's record (see record) as both
// kinds of build index it, and returns the distinct words of its text
// (lang.Words), from the same tokens. Two things differ from bleve's own
// analysis: the text is tokenized once for the index and the vocabulary,
// and a number field holds its full-precision term only (NumberTerm).
func prepareDoc(m mapping.IndexMapping, id string, rec map[string]interface{}) (*document.Document, []string, error) {
	doc := document.NewDocument(id)
	if err := m.MapDocument(doc, rec); err != nil {
		return nil, nil, fmt.Errorf("map passage %s: %w", id, err)
	}
	lg, _ := rec[FieldLang].(string)
	text := LangField(FieldText, lg)
	var words []string
	for j, f := range doc.Fields {
		if !f.Options().IsIndexed() {
			continue
		}
		var tokens analysis.TokenStream
		if tf, ok := f.(*document.TextField); ok && f.Name() == text && tf.Analyzer() != nil {
			value := tf.Value()
			if f.Options().IsStored() {
				value = append([]byte(nil), value...) // as TextField.Analyze: the stored value stays as written
			}
			tokens, words = lang.AnalyzeWords(tf.Analyzer(), value)
		} else if nf, ok := f.(*document.NumericField); ok {
			tokens = analysis.TokenStream{{Start: 0, End: len(nf.Value()), Term: nf.Value(), Position: 1, Type: analysis.Numeric}}
		} else {
			// Every other field as bleve analyses it.
			f.Analyze()
			doc.Fields[j] = analysedField{Field: f, length: f.AnalyzedLength(), freqs: f.AnalyzedTokenFrequencies()}
			continue
		}
		doc.Fields[j] = analysedField{Field: f, length: len(tokens), freqs: analysis.TokenFrequency(tokens, f.ArrayPositions(), f.Options())}
	}
	return doc, words, nil
}

// preMapping is the index mapping as the offline builder sees it: the
// same mapping (stored in the index as is), whose MapDocument takes a
// document offlineWriter has already mapped and analysed.
type preMapping struct {
	*mapping.IndexMappingImpl
}

// prepared is a document mapped and analysed by offlineWriter.
type prepared struct{ doc *document.Document }

func (m *preMapping) MapDocument(doc *document.Document, data interface{}) error {
	p, ok := data.(prepared)
	if !ok {
		return fmt.Errorf("offline build: unprepared document %T", data)
	}
	if p.doc.ID() != doc.ID() {
		return fmt.Errorf("offline build: document %q handed over as %q", p.doc.ID(), doc.ID())
	}
	*doc = *p.doc
	return nil
}

// analysedField is a field already analysed: the builder's call to
// Analyze keeps the result.
type analysedField struct {
	document.Field
	length int
	freqs  index.TokenFrequencies
}

func (analysedField) Analyze() {}

func (f analysedField) AnalyzedLength() int { return f.length }

func (f analysedField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

var _ index.Field = analysedField{}
