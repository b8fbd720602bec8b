package indexer

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/vigie/vigie/lang"
)

// A full build writes its index with bleve's offline builder
// (bleve.NewBuilder): segments are built and written without scorch's
// introducer, persister (an fsync per batch) and background merger, and
// merged once, at the end, into one segment. The builder maps and
// analyses each document on the goroutine that hands it over, one at a
// time; offlineWriter maps and analyses on a pool of goroutines instead,
// so that analysis runs on every core while the builder turns the
// analysed documents into segments.
//
// The builder receives the analysed documents through bleve's own API:
// its Index(id, data) calls the mapping's MapDocument, and preMapping's
// copies the document prepared here, whose fields' Analyze do nothing.
// An incremental build, which deletes and replaces passages, keeps the
// online index (bleve.Index.Batch).

// Sizes of the offline build; variables so that tests can make many
// small segments.
var (
	// offlineChunkSize is how many passages a worker maps and analyses at
	// a time.
	offlineChunkSize = 128
	// offlineQueue bounds the chunks prepared ahead of the builder, and so
	// the memory analysed documents hold.
	offlineQueue = 16
	// offlineBatch is the number of documents per segment the builder
	// writes before the final merge: larger segments hold more analysed
	// documents in memory and made no difference to the build's CPU
	// (2,000 and 8,000 on laws-canada).
	offlineBatch = 2000
)

// offlineMergeMax is how many segments the builder merges at once: all
// of them up to two million passages, so that the final merge reads each
// segment once instead of merging merged segments again.
const offlineMergeMax = 1024

// offlineWriter builds a new index from passages handed to add.
type offlineWriter struct {
	m      mapping.IndexMapping
	bld    bleve.Builder
	path   string // the index
	tmpDir string // the builder's segments before the merge
	n      int    // passages added
	cur    *offlineChunk
	jobs   chan *offlineChunk
	order  chan *offlineChunk
	wg     sync.WaitGroup // the workers
	done   chan struct{}  // closed when the feeding goroutine ends
	mu     sync.Mutex
	err    error
	closed bool
	// words counts the words of the passages handed to the builder (the
	// feeding goroutine's until it ends).
	words wordCounts
}

// offlineChunk is a run of passages, mapped and analysed by a worker and
// handed to the builder in the order they were added.
type offlineChunk struct {
	ids   []string
	recs  []map[string]interface{}
	docs  []*document.Document
	words wordCounts
	err   error
	ready chan struct{}
}

// newOfflineWriter creates the index at path (which must not exist) and
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
	bld, err := bleve.NewBuilder(path, &preMapping{im}, map[string]interface{}{
		"batchSize":       offlineBatch,
		"mergeMax":        offlineMergeMax,
		"buildPathPrefix": tmpDir,
	})
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	w := &offlineWriter{m: m, bld: bld, path: path, tmpDir: tmpDir, jobs: make(chan *offlineChunk, offlineQueue),
		order: make(chan *offlineChunk, offlineQueue), done: make(chan struct{}), words: wordCounts{}}
	for range max(runtime.GOMAXPROCS(0), 1) {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for c := range w.jobs {
				w.prepare(c)
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
		lg, _ := c.recs[i][FieldLang].(string)
		c.words.add(lg, words, 1)
		c.docs[i] = doc
		c.recs[i] = nil
	}
}

// feed hands the analysed documents to the builder, in order.
func (w *offlineWriter) feed() {
	defer close(w.done)
	for c := range w.order {
		<-c.ready
		if w.failed() != nil {
			continue // drain
		}
		err := c.err
		for i := 0; err == nil && i < len(c.docs); i++ {
			if e := w.bld.Index(c.ids[i], prepared{c.docs[i]}); e != nil {
				err = fmt.Errorf("index passage %s: %w", c.ids[i], e)
			}
		}
		if err != nil {
			w.fail(err)
		}
		w.words.merge(c.words)
		c.docs, c.words = nil, nil
	}
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
// is through.
func (w *offlineWriter) stop() {
	if w.closed {
		return
	}
	w.closed = true
	close(w.order)
	close(w.jobs)
	w.wg.Wait()
	<-w.done
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
	if err := w.bld.Close(); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	if err := os.RemoveAll(w.tmpDir); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return nil
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
		switch f := f.(type) {
		case *document.TextField:
			if f.Name() != text || f.Analyzer() == nil {
				f.Analyze()
				doc.Fields[j] = analysedField{Field: f, length: f.AnalyzedLength(), freqs: f.AnalyzedTokenFrequencies()}
				continue
			}
			value := f.Value()
			if f.Options().IsStored() {
				value = append([]byte(nil), value...) // as TextField.Analyze: the stored value stays as written
			}
			tokens, words = lang.AnalyzeWords(f.Analyzer(), value)
		case *document.NumericField:
			tokens = analysis.TokenStream{{Start: 0, End: len(f.Value()), Term: f.Value(), Position: 1, Type: analysis.Numeric}}
		default:
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
