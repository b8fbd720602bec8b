package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search/lexicon"
)

// DefaultTimeout is the time limit of one search unless the server is
// told otherwise.
const DefaultTimeout = 2 * time.Second

var (
	// ErrNotFound is returned for an unknown document or passage id.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable is returned while no index is open.
	ErrUnavailable = errors.New("index unavailable")
)

// InputError is a problem with a request that the user can fix.
type InputError struct {
	Msg string
	// Facet names the facet whose filter value is unknown, or is empty:
	// the API then points to the list of values.
	Facet string
	// Limit names the limit the request went beyond (LimitQueryBytes…),
	// or is empty.
	Limit string
}

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// facetSpec returns the registry's declaration of a facet name (not an
// alias: requests are normalised to names before this).
func facetSpec(name string) (indexer.Facet, bool) {
	for _, f := range indexer.Facets {
		if f.Name == name {
			return f, true
		}
	}
	return indexer.Facet{}, false
}

// Request is one search.
type Request struct {
	// Query is the search-box text, parsed with Parse.
	Query string
	// Filters maps a facet name to the values selected: OR within a facet,
	// AND across facets. Years may be ranges "2013..2016".
	Filters map[string][]string
	// Page is 1-based; Size is the number of hits per page.
	Page, Size int
	// UI is the language of facet labels ("en" or "fr").
	UI string
	// After is the cursor of a previous page (Result.Next): the page
	// starts after that page's last hit. Page must then be 1 (or 0).
	After string
	// Sort is SortRelevance (the default) or SortDate.
	Sort string
	// DateFrom and DateTo bound the document's update (or publication)
	// date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD. Empty: unbounded.
	DateFrom, DateTo string
	// Group collapses the passages of one section or document into one
	// hit: GroupNone (the default), GroupSection or GroupDocument. A query
	// without words (a listing in document order) is not grouped.
	Group string

	// deferHits leaves the hits without highlights and twins, the result
	// holding what marks them (Result.pending): a grouped page reads many
	// passages and shows a few (retrieveGrouped).
	deferHits bool
}

// Hit is one passage in a result.
type Hit struct {
	ID      string `json:"id"`
	DocID   string `json:"doc_id"`
	Lang    string `json:"lang"`
	Title   string `json:"title"`
	Heading string `json:"heading"`
	Text    string `json:"text"`
	// Highlight is HTML: the passage or its best fragments, escaped, with
	// <mark> around matches.
	Highlight string `json:"highlight"`
	// HeadingHighlight is the heading as HTML, matches marked.
	HeadingHighlight string   `json:"heading_highlight"`
	Score            float64  `json:"score"`
	Ordinal          int      `json:"ordinal"`
	Start            int      `json:"start"`
	End              int      `json:"end"`
	Date             string   `json:"date,omitempty"`
	Actors           []string `json:"actors"`
	Forums           []string `json:"forums"`
	Years            []int    `json:"years"`
	// Twin is the passage saying the same in the other language, when the
	// corpus holds both versions of the document.
	Twin *Twin `json:"twin,omitempty"`
	// More is, in grouped results, the number of other passages of the
	// hit's section (or document) among the passages read for the page.
	More int `json:"more,omitempty"`
	// GroupKey identifies the hit's group in grouped results.
	GroupKey string `json:"group_key,omitempty"`
}

// FacetValue is one value of a facet with its count.
type FacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
	// Parent is the value of the entity this actor or forum belongs to
	// (the gazetteer's hierarchy), when it has one. Values are listed
	// with each child right after its parent when both are present.
	Parent string `json:"parent,omitempty"`
}

// Result is a page of hits with facet counts.
type Result struct {
	Total  uint64                  `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
	// Relaxed is true when no passage matched every word and the result
	// holds passages matching some of them.
	Relaxed bool `json:"relaxed"`
	// Fuzzy is true when the query found little and the hits come from a
	// retry that also matches words close to the ones typed.
	Fuzzy bool `json:"fuzzy"`
	// Suggestion is the query with its misspelt words corrected from the
	// index's vocabulary ("did you mean"), when it found little.
	Suggestion string `json:"suggestion,omitempty"`
	Page       int    `json:"page"`
	Size       int    `json:"size"`
	// Next is the cursor of the following page (pass it as Request.After),
	// empty on the last page. Page is 0 in a result reached by a cursor.
	Next string `json:"next,omitempty"`

	// pending marks the hits of a result whose highlights were deferred
	// (Request.deferHits).
	pending *hitMarker
}

// hitMarker highlights hits: what a query looks for and the entities it
// names.
type hitMarker struct {
	qm       queryMarks
	entities map[string]bool
}

// mark fills a hit's highlights.
func (m *hitMarker) mark(s *View, hit *Hit) {
	textMarks := m.qm.marks(hit.Text, hit.Lang)
	headMarks := m.qm.marks(hit.Heading, hit.Lang)
	if len(m.entities) > 0 {
		// Mark the entity's other forms too: "United Nations" for "ONU".
		textMarks = s.entityMarks(hit.Text, m.entities, textMarks)
		headMarks = s.entityMarks(hit.Heading, m.entities, headMarks)
	}
	hit.Highlight = highlight(hit.Text, textMarks)
	hit.HeadingHighlight = markHTML(hit.Heading, headMarks, 0, len(hit.Heading))
}

// Labeler names facet values (entity ids) in a language. *entity.Gazetteer
// is one.
type Labeler interface {
	Label(id, lg string) string
}

// Options configure a Searcher.
type Options struct {
	// Labels names actor and forum ids in facets; nil uses the gazetteer.
	Labels Labeler
	// Gazetteer names actor and forum ids in facets, resolves filter values
	// given as names ("OTAN" for nato), and expands queries that name an
	// entity to its other forms. Nil disables all three.
	Gazetteer *entity.Gazetteer
	// GazetteerFromGeneration uses, for each generation, the gazetteer
	// stored with it by the build (indexer.Generation.Gazetteer), so that
	// labels, filters by name and expansion match the tagging; Gazetteer
	// remains in use for generations that stored none. Without Gazetteer
	// it does nothing.
	GazetteerFromGeneration bool
	// MaxSize caps Request.Size; it is Limits.MaxSize, kept for
	// callers that set only this.
	MaxSize int
	// Limits bound each request; zero fields take DefaultLimits.
	Limits Limits
	// BackgroundVocabulary makes New return before the generation's
	// vocabulary is read (about a second on a large index): searches are
	// answered at once, and the query-language guess (hence translation),
	// the fuzzy retry, did-you-mean and completions start when it is
	// ready. A server wants this; a one-shot command does not. Swap always
	// reads the new vocabulary before the new generation goes live.
	BackgroundVocabulary bool
	// Lexicon translates query terms into the other language; nil turns
	// the translation off.
	Lexicon *lexicon.Lexicon
	// CacheBytes bounds the memory of the result cache (cache.go); 0 turns
	// it off. vigie serve uses DefaultCacheBytes.
	CacheBytes int64
	// PostingsCacheBytes bounds the frequent words' postings the evaluator
	// keeps decoded for each generation (postings.go); 0:
	// DefaultPostingsCacheBytes; negative: none kept.
	PostingsCacheBytes int64
	// Workers is the number of searches run at once (admit.go); the others
	// wait in line for a worker, up to Queue of them (0: DefaultQueue), and
	// fail with ErrBusy when the line is full or their deadline passes first.
	// Answers from the result cache do not wait. 0: no limit (a one-shot
	// command); vigie serve uses DefaultWorkers.
	Workers, Queue int
}

// Searcher answers searches from the live index generation.
//
// What a request reads of a generation (its bleve index, manifest and
// documents, vocabulary and twins) is one snapshot: a request takes the
// live snapshot once, with Acquire, reads only from it, and releases it.
// Swap builds the new generation's snapshot completely (documents,
// vocabulary) before making it live, so no request ever sees the new index
// with the old documents or vocabulary, then waits for the requests still
// holding the old snapshot before closing it.
type Searcher struct {
	opts Options

	mu   sync.RWMutex
	live *snapshot
	// swapMu makes Swap and Close one at a time.
	swapMu sync.Mutex
	// counters count the result caches' hits, misses and evictions.
	counters cacheCounters
	// gate bounds the searches run at once; nil: no bound.
	gate *gate
}

// snapshot is one generation with what is derived from it.
type snapshot struct {
	gen  *indexer.Generation
	docs map[string]int // doc id → index in gen.Manifest.Documents
	// titles finds the documents a query names by their title; nil while
	// it is read in the background, as vocab.
	titles atomic.Pointer[titleIndex]
	// vocab is the generation's vocabulary and completions; nil while it
	// is read in the background (Options.BackgroundVocabulary).
	vocab atomic.Pointer[vocabulary]
	// gaz is the generation's gazetteer (Options.gazetteerOf); nil when
	// entity features are off.
	gaz *entity.Gazetteer
	// facets holds the facet values of every passage, for counting; nil
	// while it is read in the background (bleve's facets count
	// meanwhile), or if it could not be read.
	facets atomic.Pointer[facetIndex]
	// refs counts the requests (and the background vocabulary read) using
	// the snapshot: it is closed when they are done.
	refs sync.WaitGroup
	// cache keeps the generation's recent answers; nil when off.
	cache *resultCache
	// postings keeps the generation's frequent postings decoded for the
	// evaluator (postings.go).
	postings *postingsCache
}

func newSnapshot(gen *indexer.Generation) *snapshot {
	docs := make(map[string]int, len(gen.Manifest.Documents))
	for i, d := range gen.Manifest.Documents {
		docs[d.ID] = i
	}
	return &snapshot{gen: gen, docs: docs}
}

// postingsBytes is the bound of the decoded postings (0: none).
func (o Options) postingsBytes() int64 {
	switch {
	case o.PostingsCacheBytes < 0:
		return 0
	case o.PostingsCacheBytes == 0:
		return DefaultPostingsCacheBytes
	}
	return o.PostingsCacheBytes
}

// New returns a Searcher over gen; it takes ownership of gen.
func New(gen *indexer.Generation, opts Options) *Searcher {
	if opts.Limits.MaxSize == 0 && opts.MaxSize > 0 {
		opts.Limits.MaxSize = opts.MaxSize
	}
	opts.Limits = opts.Limits.withDefaults()
	opts.MaxSize = opts.Limits.MaxSize
	s := &Searcher{opts: opts, gate: newGate(opts.Workers, opts.Queue)}
	sn := newSnapshot(gen)
	sn.gaz = opts.gazetteerOf(gen)
	sn.cache = newResultCache(opts.CacheBytes, &s.counters)
	sn.postings = newPostingsCache(opts.postingsBytes())
	if !opts.BackgroundVocabulary {
		sn.derive()
		s.live = sn
		return s
	}
	s.live = sn
	sn.refs.Add(1) // Swap and Close wait for the vocabulary's read
	go func() {
		defer sn.refs.Done()
		sn.derive()
	}()
	return s
}

// derive reads what the snapshot derives from its generation: the
// vocabulary, the facet columns and the titles.
func (sn *snapshot) derive() {
	if fi, err := newFacetIndex(sn.gen.Index); err == nil {
		sn.facets.Store(fi)
	}
	sn.titles.Store(newTitleIndex(sn.gen))
	sn.vocab.Store(newVocabulary(sn.gen, sn.gaz))
}

// View is one request's hold on a generation: every read through it comes
// from the same generation, which stays open until Release.
type View struct {
	opts *Options
	sn   *snapshot
	gate *gate
}

// Acquire returns a view of the live generation; the caller must Release
// it. A request acquires once and reads everything through its view.
func (s *Searcher) Acquire() *View {
	s.mu.RLock()
	sn := s.live
	sn.refs.Add(1)
	s.mu.RUnlock()
	return &View{opts: &s.opts, sn: sn, gate: s.gate}
}

// Release ends the view's hold on its generation. The view must not be
// used after.
func (v *View) Release() { v.sn.refs.Done() }

// Generation returns the name and manifest of the view's generation.
func (v *View) Generation() (string, *indexer.Manifest) {
	return v.sn.gen.Name, v.sn.gen.Manifest
}

// Swap makes gen the live generation, waits for the requests using the
// old one to finish, and closes it. The new generation's documents and
// vocabulary are read before it goes live.
func (s *Searcher) Swap(gen *indexer.Generation) error {
	s.swapMu.Lock()
	defer s.swapMu.Unlock()
	sn := newSnapshot(gen)
	sn.gaz = s.opts.gazetteerOf(gen)
	sn.cache = newResultCache(s.opts.CacheBytes, &s.counters)
	sn.postings = newPostingsCache(s.opts.postingsBytes())
	sn.derive()
	s.mu.Lock()
	old := s.live
	s.live = sn
	s.mu.Unlock()
	old.cache.close()
	old.refs.Wait()
	return old.gen.Close()
}

// Close waits for the requests using the live generation, then closes it.
func (s *Searcher) Close() error {
	s.swapMu.Lock()
	defer s.swapMu.Unlock()
	s.mu.RLock()
	sn := s.live
	s.mu.RUnlock()
	sn.refs.Wait()
	return sn.gen.Close()
}

// Generation returns the live generation's name and manifest.
func (s *Searcher) Generation() (string, *indexer.Manifest) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.live.gen.Name, s.live.gen.Manifest
}

// Documents lists the documents of the live generation in id order.
func (s *Searcher) Documents() []indexer.DocInfo {
	v := s.Acquire()
	defer v.Release()
	return v.Documents()
}

// Documents lists the documents of the view's generation in id order.
func (v *View) Documents() []indexer.DocInfo {
	out := append([]indexer.DocInfo(nil), v.sn.gen.Manifest.Documents...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Search runs a request on the live generation (see View.Search).
func (s *Searcher) Search(ctx context.Context, r Request) (*Result, error) {
	v := s.Acquire()
	defer v.Release()
	return v.Search(ctx, r)
}

// Document returns a document of the live generation (see View.Document).
func (s *Searcher) Document(ctx context.Context, id string) (*indexer.DocInfo, []Hit, error) {
	v := s.Acquire()
	defer v.Release()
	return v.Document(ctx, id)
}

// Passage returns a passage of the live generation (see View.Passage).
func (s *Searcher) Passage(ctx context.Context, id string) (*Hit, error) {
	v := s.Acquire()
	defer v.Release()
	return v.Passage(ctx, id)
}

// Suggest completes text from the live generation (see View.Suggest).
func (s *Searcher) Suggest(text, lg string, n int) ([]Suggestion, error) {
	v := s.Acquire()
	defer v.Release()
	return v.Suggest(text, lg, n)
}

// Document returns a document's metadata and its passages in order.
func (s *View) Document(ctx context.Context, id string) (*indexer.DocInfo, []Hit, error) {
	i, ok := s.sn.docs[id]
	if !ok {
		return nil, nil, ErrNotFound
	}
	info := s.sn.gen.Manifest.Documents[i]
	q := bleve.NewTermQuery(id)
	q.SetField(indexer.FieldDocID)
	req := bleve.NewSearchRequestOptions(q, max(info.Passages, 1), 0, false)
	req.Fields = indexer.StoredFields
	req.SortBy([]string{indexer.FieldOrdinal})
	res, err := s.sn.gen.Index.SearchInContext(ctx, req)
	if err != nil {
		return nil, nil, fmt.Errorf("document %s: %w", id, err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, plain(toHit(h)))
	}
	return &info, hits, nil
}

// Passage returns one passage by id, with its twin if it has one.
func (s *View) Passage(ctx context.Context, id string) (*Hit, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = indexer.StoredFields
	res, err := s.sn.gen.Index.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("passage %s: %w", id, err)
	}
	if len(res.Hits) == 0 {
		return nil, ErrNotFound
	}
	hits := []Hit{plain(toHit(res.Hits[0]))}
	if err := s.attachTwins(ctx, hits); err != nil {
		return nil, err
	}
	return &hits[0], nil
}

// plain fills a hit's HTML fields without marks, for lookups by id.
func plain(h Hit) Hit {
	h.Score = 0
	h.Highlight = markHTML(h.Text, nil, 0, len(h.Text))
	h.HeadingHighlight = markHTML(h.Heading, nil, 0, len(h.Heading))
	return h
}

// filterQuery builds the filters of a request, leaving out one facet
// (for disjunctive counts); nil when there are none.
func filterQuery(filters map[string][]string, except string) (query.Query, error) {
	var conj []query.Query
	for _, f := range indexer.Facets {
		name := f.Name
		vals := filters[name]
		if name == except || len(vals) == 0 {
			continue
		}
		var alts []query.Query
		for _, v := range vals {
			q, err := valueQuery(f, v)
			if err != nil {
				return nil, err
			}
			alts = append(alts, q)
		}
		conj = append(conj, bleve.NewDisjunctionQuery(alts...))
	}
	if len(conj) == 0 {
		return nil, nil
	}
	return bleve.NewConjunctionQuery(conj...), nil
}

func valueQuery(f indexer.Facet, v string) (query.Query, error) {
	field := f.Field
	if f.Kind == indexer.FacetYear {
		lo, hi, err := parseYears(v)
		if err != nil {
			return nil, err
		}
		if lo == hi {
			t := bleve.NewTermQuery(strconv.Itoa(lo))
			t.SetField(field)
			return t, nil
		}
		yes := true
		r := bleve.NewTermRangeInclusiveQuery(strconv.Itoa(lo), strconv.Itoa(hi), &yes, &yes)
		r.SetField(field)
		return r, nil
	}
	t := bleve.NewTermQuery(v)
	t.SetField(field)
	return t, nil
}

// parseYears reads "2016", "2013..2016", "2013-2016", "..2016", "2013..".
func parseYears(v string) (lo, hi int, err error) {
	v = strings.TrimSpace(v)
	bad := inputErrorf("year %q: want a year such as 2016 or a range such as 2013..2016", v)
	a, b, isRange := strings.Cut(v, "..")
	if !isRange {
		a, b, isRange = strings.Cut(v, "-")
	}
	parse := func(s string, def int) (int, bool) {
		s = strings.TrimSpace(s)
		if s == "" {
			return def, true
		}
		n, err := strconv.Atoi(s)
		if err != nil || len(s) != 4 || n < 1000 {
			return 0, false
		}
		return n, true
	}
	if !isRange {
		n, ok := parse(v, 0)
		if !ok || v == "" {
			return 0, 0, bad
		}
		return n, n, nil
	}
	lo, ok1 := parse(a, 1000)
	hi, ok2 := parse(b, 9999)
	if !ok1 || !ok2 || lo > hi || (strings.TrimSpace(a) == "" && strings.TrimSpace(b) == "") {
		return 0, 0, bad
	}
	return lo, hi, nil
}

// validate checks a request's filter values and paging.
func (s *View) validate(r *Request) error {
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Size == 0 {
		r.Size = 10
	}
	if err := s.opts.Limits.checkPaging(r); err != nil {
		return err
	}
	for name, vals := range r.Filters {
		f, ok := facetSpec(name)
		if !ok {
			return inputErrorf("unknown filter %q (want %s)", name, orList(indexer.FacetNames()))
		}
		for i, v := range vals {
			switch f.Kind {
			case indexer.FacetEntity:
				if g := s.sn.gaz; g != nil {
					id, ok := g.Lookup(v)
					if !ok {
						return &InputError{Msg: fmt.Sprintf("%s %q: no such %s", name, v, name), Facet: name}
					}
					vals[i] = id
				}
			case indexer.FacetLang:
				if !slices.Contains(lang.Languages, v) {
					return inputErrorf("lang %q: want %s", v, orList(lang.Languages))
				}
			case indexer.FacetYear:
				if _, _, err := parseYears(v); err != nil {
					return err
				}
			}
		}
	}
	if r.UI != "fr" {
		r.UI = "en"
	}
	return checkDates(r)
}

// search runs a request: parse, build per-language queries, add filters,
// fetch a page of hits with highlights and facet counts. A request beyond
// the Searcher's Limits fails with an *InputError naming the limit.
// View.Search (cache.go) calls it when the result cache cannot answer.
func (s *View) search(ctx context.Context, r Request) (*Result, error) {
	began := time.Now()
	if err := ctx.Err(); err != nil {
		return nil, err // already past its deadline: do not start
	}
	lim := s.opts.Limits
	if err := lim.checkQueryBytes(r.Query); err != nil {
		return nil, err
	}
	q := Parse(r.Query)
	if err := lim.checkTerms(q); err != nil {
		return nil, err
	}
	q = expandEntities(q, s.sn.gaz)
	filters := map[string][]string{}
	for k, v := range r.Filters {
		if len(v) > 0 {
			filters[k] = append(filters[k], v...)
		}
	}
	for k, v := range q.Filters {
		filters[k] = append(filters[k], v...)
	}
	r.Filters = filters
	if err := s.validate(&r); err != nil {
		return nil, err
	}
	if err := checkGroup(&r); err != nil {
		return nil, err
	}
	var res *Result
	var err error
	if r.Group != GroupNone && !q.Empty() {
		res, err = s.retrieveGrouped(ctx, q, r)
	} else {
		var after *cursor
		if r.After != "" {
			c, err := decodeCursor(r.After, cursorKey(r), len(orderOf(q, r)))
			if err != nil {
				return nil, err
			}
			after = &c
		}
		res, err = s.retrieve(ctx, q, r, after)
	}
	if err != nil {
		return nil, err
	}
	if res.Hits == nil {
		res.Hits = []Hit{} // "hits": [] in JSON, not null
	}
	res.TookMS = float64(time.Since(began).Microseconds()) / 1000
	return res, nil
}

// checkClauses counts the clauses of t, the strictest text query built for
// a plan (textQuery(p, false)), and of filters (a relaxed query has the
// same clauses).
func (s *View) checkClauses(t query.Query, filters map[string][]string) error {
	f, err := filterQuery(filters, "")
	if err != nil {
		return err
	}
	b := bleve.NewBooleanQuery()
	if t != nil {
		b.AddMust(t)
	}
	if f != nil {
		b.AddFilter(f)
	}
	return s.opts.Limits.checkClauses(b, s)
}

// sortOrder is the order of hits: by score for a text query (ties by
// id), in document order for an empty one.
func sortOrder(q Query) bsearch.SortOrder {
	if q.Empty() {
		return bsearch.SortOrder{
			&bsearch.SortField{Field: indexer.FieldDocID, Type: bsearch.SortFieldAsString},
			&bsearch.SortField{Field: indexer.FieldOrdinal, Type: bsearch.SortFieldAsNumber},
			&bsearch.SortDocID{},
		}
	}
	return bsearch.SortOrder{&bsearch.SortScore{Desc: true}, &bsearch.SortDocID{}}
}

// byScore reports whether an order is the score order, which topHits
// collects.
func byScore(order bsearch.SortOrder) bool {
	return len(order) == 2 && order[0].RequiresScoring()
}

// run fetches one page: after the cursor when there is one, else page
// r.Page. One hit more than the page is fetched to know whether a next
// page exists. Facets without a selection are counted on the main query;
// a facet with a selection is counted without its own filter
// (disjunctive), so that a user can widen the choice. text, when not nil,
// is textQuery(p, anyGroup), already built.
func (s *View) run(ctx context.Context, p plan, r Request, anyGroup bool, after *cursor, text query.Query) (*Result, error) {
	if text == nil {
		text = textQuery(p, anyGroup)
	}
	combine := func(except string) (query.Query, error) {
		return combineQuery(text, r, r.Filters, except)
	}
	main, err := combine("")
	if err != nil {
		return nil, err
	}
	var viaTwin query.Query
	if src := s.twinSource(p, r); src != "" {
		f := make(map[string][]string, len(r.Filters))
		for k, v := range r.Filters {
			f[k] = v
		}
		f["lang"] = []string{src}
		if viaTwin, err = combineQuery(text, r, f, ""); err != nil {
			return nil, err
		}
	}
	var separate, joint []string
	for _, f := range indexer.Facets {
		if len(r.Filters[f.Name]) > 0 {
			separate = append(separate, f.Name)
		} else {
			joint = append(joint, f.Name)
		}
	}
	fi := s.sn.facets.Load()
	var fc *facetCounts
	if fi != nil {
		fc = fi.counter(joint)
	}
	order := orderOf(p.q, r)
	var out *Result
	var page []*bsearch.DocumentMatch
	fusedAt := -1
	switch {
	case viaTwin != nil:
		out, page, fusedAt, err = s.collectFused(ctx, p, main, viaTwin, text, r, fc, after)
	case byScore(order):
		out, page, err = s.collectByScore(ctx, main, text, r, fc, after)
	default:
		out, page, err = s.collectSorted(ctx, main, text, order, r, fc, after)
	}
	if err != nil {
		return nil, err
	}
	out.Relaxed = anyGroup
	if len(page) > r.Size {
		page = page[:r.Size]
		last := page[len(page)-1]
		scoreAt := -1
		for i, o := range order {
			if o.RequiresScoring() {
				scoreAt = i
			}
		}
		c := cursor{Relaxed: anyGroup, Soft: p.soft, Key: cursorKey(r)}
		switch {
		case fusedAt >= 0:
			c.Sort = []string{"0", ""}
			c.Fused = fusedAt + r.Size
		case byScore(order):
			last.DecodedSort = []string{"", last.ID} // topHits' order: score, id
			c.Sort = sortValues(last, scoreAt)
		default:
			c.Sort = sortValues(last, scoreAt)
		}
		out.Next = c.encode()
	}
	return s.finish(ctx, p, text, r, out, page, joint, separate, fi, fc, combine)
}

// combineQuery joins a text query (nil: every passage) with the filters
// and date range of a request, leaving out the filter of one facet.
func combineQuery(text query.Query, r Request, filters map[string][]string, except string) (query.Query, error) {
	f, err := filterQuery(filters, except)
	if err != nil {
		return nil, err
	}
	if d := dateQuery(r); d != nil {
		if f == nil {
			f = d
		} else {
			f = bleve.NewConjunctionQuery(f, d)
		}
	}
	switch {
	case text == nil && f == nil:
		return bleve.NewMatchAllQuery(), nil
	case text == nil:
		return f, nil
	case f == nil:
		return text, nil
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(text)
	b.AddFilter(f)
	return b, nil
}

// finish fills a page's hits (highlights of what text looks for) and the
// facet counts.
func (s *View) finish(ctx context.Context, p plan, text query.Query, r Request, out *Result, page []*bsearch.DocumentMatch, joint, separate []string, fi *facetIndex, fc *facetCounts, combine func(string) (query.Query, error)) (*Result, error) {
	if fc != nil {
		for _, name := range joint {
			out.Facets[name] = s.facetValues(name, fc.result(name), r.UI)
		}
	}
	m := &hitMarker{entities: p.entities()}
	if len(page) > 0 {
		m.qm = collectMarks(text)
	}
	if r.deferHits {
		out.pending = m
	}
	for _, h := range page {
		hit := toHit(h)
		if !r.deferHits {
			m.mark(s, &hit)
		}
		out.Hits = append(out.Hits, hit)
	}
	for _, name := range separate {
		fq, err := combine(name)
		if err != nil {
			return nil, err
		}
		if out.Facets[name], err = s.countFacet(ctx, fq, name, fi, r.UI); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// collectByScore runs a score-ordered search with topHits, then fetches
// the page's passages (stored fields and, for the highlights, term
// locations) in a second search restricted to them: bleve gathers
// locations for the page alone, not for every match.
func (s *View) collectByScore(ctx context.Context, main, text query.Query, r Request, fc *facetCounts, after *cursor) (*Result, []*bsearch.DocumentMatch, error) {
	skip := (r.Page - 1) * r.Size
	t := &topHits{k: skip + r.Size + 1, fc: fc}
	if after != nil {
		skip, t.k = 0, r.Size+1
		score, err := strconv.ParseFloat(after.Sort[0], 64)
		if err != nil {
			return nil, nil, errCursor
		}
		t.after = &position{score: score, id: after.Sort[1]}
	}
	total, err := s.evaluate(ctx, main, t)
	if err != nil {
		return nil, nil, err
	}
	out := &Result{Total: total, Page: r.Page, Size: r.Size, Facets: map[string][]FacetValue{}}
	if after != nil {
		out.Page = 0
	}
	items := t.sorted()
	if skip >= len(items) {
		return out, nil, nil
	}
	items = items[skip:]
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.id
	}
	byID, err := s.pageMatches(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	page := make([]*bsearch.DocumentMatch, 0, len(items))
	for _, it := range items {
		if h := byID[it.id]; h != nil {
			h.Score = it.score
			page = append(page, h)
		}
	}
	return out, page, nil
}

// evaluate runs a score-ordered search into t: with Vigie's evaluator
// (eval.go) when it knows every node of the query, else with bleve's
// searchers. It returns the number of matches.
func (s *View) evaluate(ctx context.Context, q query.Query, t *topHits) (uint64, error) {
	total, ok, err := evaluateOwn(ctx, s.sn.gen.Index, q, t, s.sn.postings)
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	if ok {
		return total, nil
	}
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	req.SortBy([]string{"-_score"})
	res, err := s.sn.gen.Index.SearchInContext(withHandler(ctx, t.handler), req)
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	return res.Total, nil
}

// pageMatches fetches the stored fields of a page's passages by id (the
// highlights are found by analysing them again: marks.go).
func (s *View) pageMatches(ctx context.Context, ids []string) (map[string]*bsearch.DocumentMatch, error) {
	return s.load(ctx, ids, indexer.StoredFields)
}

// collectSorted runs a search in a field order (document order) with
// bleve's collector, counting facets with fc.
func (s *View) collectSorted(ctx context.Context, main, text query.Query, order bsearch.SortOrder, r Request, fc *facetCounts, after *cursor) (*Result, []*bsearch.DocumentMatch, error) {
	req := bleve.NewSearchRequestOptions(main, r.Size+1, (r.Page-1)*r.Size, false)
	req.SortByCustom(order)
	if after != nil {
		req.From = 0
		req.SetSearchAfter(after.Sort)
	}
	sctx := ctx
	if fc != nil {
		sctx = withCounting(ctx, fc)
	} else {
		for _, f := range indexer.Facets {
			if len(r.Filters[f.Name]) == 0 {
				req.AddFacet(f.Name, bleve.NewFacetRequest(f.Field, f.Size))
			}
		}
	}
	res, err := s.sn.gen.Index.SearchInContext(sctx, req)
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Total: res.Total, Page: r.Page, Size: r.Size, Facets: map[string][]FacetValue{}}
	if after != nil {
		out.Page = 0
	}
	for name, fr := range res.Facets {
		out.Facets[name] = s.facetValues(name, fr, r.UI)
	}
	if len(res.Hits) > 0 {
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		byID, err := s.pageMatches(ctx, ids)
		if err != nil {
			return nil, nil, err
		}
		for _, h := range res.Hits {
			if m := byID[h.ID]; m != nil {
				h.Fields = m.Fields
			}
		}
	}
	return out, res.Hits, nil
}

// countFacet counts one facet's values over the matches of q.
func (s *View) countFacet(ctx context.Context, q query.Query, name string, fi *facetIndex, ui string) ([]FacetValue, error) {
	f, _ := facetSpec(name)
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	if fi == nil {
		req.AddFacet(name, bleve.NewFacetRequest(f.Field, f.Size))
		res, err := s.sn.gen.Index.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("facet %s: %w", name, err)
		}
		return s.facetValues(name, res.Facets[name], ui), nil
	}
	fc := fi.counter([]string{name})
	t := &topHits{fc: fc} // k 0: count, keep nothing
	if _, err := s.evaluate(ctx, q, t); err != nil {
		return nil, fmt.Errorf("facet %s: %w", name, err)
	}
	return s.facetValues(name, fc.result(name), ui), nil
}

// entityMarks adds to marks the mentions in text of the given entities.
func (s *View) entityMarks(text string, ids map[string]bool, marks []markSpan) []markSpan {
	added := false
	for _, m := range s.sn.gaz.Find(text) {
		// A mention of a child counts for its ancestors, as in the index.
		if ids[m.ID] || slices.ContainsFunc(s.sn.gaz.Ancestors(m.ID), func(a string) bool { return ids[a] }) {
			marks = append(marks, markSpan{m.Start, m.End})
			added = true
		}
	}
	if !added {
		return marks
	}
	return mergeSpans(marks)
}

func (s *View) facetValues(name string, fr *bsearch.FacetResult, ui string) []FacetValue {
	f, _ := facetSpec(name)
	out := []FacetValue{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	g := s.sn.gaz
	var labels Labeler
	if s.opts.Labels != nil {
		labels = s.opts.Labels
	} else if g != nil {
		labels = g
	}
	for _, t := range fr.Terms.Terms() {
		fv := FacetValue{Value: t.Term, Label: t.Term, Count: t.Count}
		switch f.Kind {
		case indexer.FacetLang:
			fv.Label = lang.Label(t.Term, ui)
		case indexer.FacetEntity:
			if labels != nil {
				fv.Label = labels.Label(t.Term, ui)
			}
			if g != nil {
				fv.Parent = g.Parent(t.Term)
			}
		}
		out = append(out, fv)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if f.Kind == indexer.FacetYear {
			return out[i].Value > out[j].Value
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Label < out[j].Label
	})
	return nestChildren(out)
}

// toHit maps a bleve hit to our own type: nothing of bleve's (index
// paths, internal ids) leaks.
func toHit(h *bsearch.DocumentMatch) Hit {
	str := func(f string) string {
		v, _ := h.Fields[f].(string)
		return v
	}
	num := func(f string) int {
		v, _ := h.Fields[f].(float64)
		return int(v)
	}
	list := func(f string) []string {
		switch v := h.Fields[f].(type) {
		case string:
			return []string{v}
		case []interface{}:
			out := make([]string, 0, len(v))
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return []string{}
	}
	var years []int
	for _, y := range list(indexer.FieldYears) {
		if n, err := strconv.Atoi(y); err == nil {
			years = append(years, n)
		}
	}
	if years == nil {
		years = []int{}
	}
	return Hit{
		ID:      h.ID,
		DocID:   str(indexer.FieldDocID),
		Lang:    str(indexer.FieldLang),
		Title:   str(indexer.FieldTitle),
		Heading: str(indexer.FieldHeading),
		Text:    str(indexer.FieldText),
		Score:   h.Score,
		Ordinal: num(indexer.FieldOrdinal),
		Start:   num(indexer.FieldStart),
		End:     num(indexer.FieldEnd),
		Date:    str(indexer.FieldUpdated),
		Actors:  list(indexer.FieldActors),
		Forums:  list(indexer.FieldForums),
		Years:   years,
	}
}
