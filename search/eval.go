package search

import (
	"context"
	"errors"
	"math"
	"os"
	"sort"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// This file is Vigie's own evaluator of score-ordered searches. bleve
// evaluates a query with a tree of searchers that walk every candidate
// passage together, each allocating and scoring what it visits; most of a
// search's time goes there (docs/performance.md). The evaluator takes the
// same query tree and answers it in two steps over each segment:
//
//  1. the set of matching passages, from the postings' roaring bitmaps
//     (AND, OR, AND NOT), phrases checked by position only where they
//     can still change the answer;
//  2. the score of each match, term at a time: each term's postings are
//     read once, in order, for the matches that hold it (the postings of
//     frequent words kept decoded: postings.go), with bleve's own
//     formula: BM25 per term and field, one query norm for the whole
//     tree, the coordination factor of disjunctions, sums in bleve's
//     order (so the same to the last bit).
//
// It reproduces bleve's scores (eval_test.go, eval_fuzz_test.go and
// eval_full_test.go compare its answers with bleve's), and leaves to
// bleve a query holding a kind of node it does not know (match all, a
// fuzzy term), and every search under VIGIE_EVALUATOR=bleve.

// ekind is the kind of an evaluation node.
type ekind uint8

const (
	eNone ekind = iota // bleve's MatchNoneSearcher: matches nothing
	eTerm
	eConj
	eDisj
	eBool
	ePhrase
)

// enode is a node of the evaluation tree: one bleve searcher.
type enode struct {
	kind ekind
	// eTerm
	field string
	term  []byte
	boost float64
	idf   float64
	avg   float64 // average field length (BM25)
	qw    float64 // boost × idf × query norm (1: not normed)
	pls   []segment.PostingsList
	// the generation's decoded postings (postings.go), the segments
	// (their keys) and, per segment, this term's decoded list.
	cache    *postingsCache
	segs     []segment.Segment
	dec      *decoded
	decTried bool
	decPos   int
	inter    roaring.IntPeekable // the matches holding the term (exact)
	// eConj, eDisj, ePhrase: children in bleve's order (by count);
	// ePhrase's children are its term positions, gaps left out.
	kids []*enode
	min  int // eDisj
	// ePhrase: the position (from 0) of each child, and each child's
	// terms (one, or several for a multi-term position).
	pos   []int
	words [][]*enode
	// eBool
	must, should, mustNot, filter *enode
	count                         uint64 // bleve's Count(): its sort key
	phrased                       bool   // a phrase below: match narrows

	// per segment
	bm  *roaring.Bitmap
	it  segment.PostingsIterator
	cur segment.Posting
}

// errUnsupported marks a query the evaluator leaves to bleve.
var errUnsupported = errors.New("query kind not evaluated")

// compiler turns a bleve query into an evaluation tree.
type compiler struct {
	// lists and dicts keep, for one compilation, the postings lists of
	// each field's terms and the segments' dictionaries; toks the
	// analyses of each analyzer's texts.
	lists map[fieldTerm]termLists
	dicts map[segmentField]segment.TermDictionary
	toks  map[analyzerText]analysis.TokenStream
	cache *postingsCache
	segs  []segment.Segment
	snap  *scorch.IndexSnapshot
	m     mapping.IndexMapping
	docs  uint64
	avg   map[string]float64
}

func (c *compiler) avgLen(field string) (float64, error) {
	if a, ok := c.avg[field]; ok {
		return a, nil
	}
	card, err := c.snap.FieldCardinality(field)
	if err != nil {
		return 0, err
	}
	var a float64
	if c.docs > 0 {
		a = math.Ceil(float64(card) / float64(c.docs))
	}
	c.avg[field] = a
	return a, nil
}

func (c *compiler) leaf(field string, term []byte, boost float64) (*enode, error) {
	n := &enode{kind: eTerm, field: field, term: term, boost: boost, qw: 1, cache: c.cache, segs: c.segs}
	// A term is often asked for twice in one tree (the heading phrase
	// repeats the heading's words, a relaxed query its clauses): its
	// postings lists are looked up once.
	k := fieldTerm{field, string(term)}
	if pt, ok := c.lists[k]; ok {
		n.pls, n.count = pt.pls, pt.count
	} else {
		for _, ss := range c.snap.Segments() {
			dict, err := c.dictionary(ss, field)
			if err != nil {
				return nil, err
			}
			pl, err := dict.PostingsList(term, ss.Deleted(), nil)
			if err != nil {
				return nil, err
			}
			n.pls = append(n.pls, pl)
			n.count += pl.Count()
		}
		c.lists[k] = termLists{n.pls, n.count}
	}
	avg, err := c.avgLen(field)
	if err != nil {
		return nil, err
	}
	n.avg = avg
	if avg > 0 {
		n.idf = math.Log(1 + (float64(c.docs)-float64(n.count)+0.5)/(float64(n.count)+0.5))
	} else {
		n.idf = 1 + math.Log(float64(c.docs)/float64(n.count+1))
	}
	return n, nil
}

var noneNode = &enode{kind: eNone}

// byCount sorts nodes as bleve's OrderedSearcherList does.
type byCount []*enode

func (s byCount) Len() int           { return len(s) }
func (s byCount) Less(i, j int) bool { return s[i].count < s[j].count }
func (s byCount) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }

func anyPhrased(ns ...*enode) bool {
	for _, k := range ns {
		if k != nil && k.phrased {
			return true
		}
	}
	return false
}

func sumCount(ns []*enode) uint64 {
	var n uint64
	for _, k := range ns {
		n += k.count
	}
	return n
}

type fieldTerm struct{ field, term string }

type termLists struct {
	pls   []segment.PostingsList
	count uint64
}

type segmentField struct {
	seg   *scorch.SegmentSnapshot
	field string
}

type analyzerText struct{ analyzer, text string }

// dictionary returns the dictionary of field in a segment, opened once a
// compilation.
func (c *compiler) dictionary(ss *scorch.SegmentSnapshot, field string) (segment.TermDictionary, error) {
	k := segmentField{ss, field}
	if d, ok := c.dicts[k]; ok {
		return d, nil
	}
	d, err := ss.Segment().Dictionary(field)
	if err != nil {
		return nil, err
	}
	c.dicts[k] = d
	return d, nil
}

// tokens analyses text with a (named name), once a compilation (a word
// is matched in the text, heading and title fields with the same
// analyzer).
func (c *compiler) tokens(a analysis.Analyzer, name, text string) analysis.TokenStream {
	k := analyzerText{name, text}
	if t, ok := c.toks[k]; ok {
		return t
	}
	t := a.Analyze([]byte(text))
	c.toks[k] = t
	return t
}

func (c *compiler) analyse(analyzerName, field string) (analysis.Analyzer, string, error) {
	if analyzerName == "" {
		analyzerName = c.m.AnalyzerNameForPath(field)
	}
	a := c.m.AnalyzerNamed(analyzerName)
	if a == nil {
		return nil, "", errUnsupported
	}
	return a, analyzerName, nil
}

func (c *compiler) compile(q query.Query) (*enode, error) {
	switch q := q.(type) {
	case *query.TermQuery:
		return c.leaf(q.FieldVal, []byte(q.Term), q.BoostVal.Value())
	case *query.MatchQuery:
		if q.Fuzziness != 0 || q.FieldVal == "" {
			return nil, errUnsupported
		}
		a, name, err := c.analyse(q.Analyzer, q.FieldVal)
		if err != nil {
			return nil, err
		}
		toks := c.tokens(a, name, q.Match)
		if len(toks) == 0 {
			return noneNode, nil
		}
		kids := make([]*enode, len(toks))
		for i, t := range toks {
			if kids[i], err = c.leaf(q.FieldVal, t.Term, q.BoostVal.Value()); err != nil {
				return nil, err
			}
		}
		if q.Operator == query.MatchQueryOperatorOr {
			return disj(kids, 1), nil
		}
		return conj(kids), nil
	case *query.MatchPhraseQuery:
		if q.Fuzziness != 0 || q.FieldVal == "" {
			return nil, errUnsupported
		}
		a, name, err := c.analyse(q.Analyzer, q.FieldVal)
		if err != nil {
			return nil, err
		}
		toks := c.tokens(a, name, q.MatchPhrase)
		if len(toks) == 0 {
			return noneNode, nil
		}
		return c.phrase(toks, q.FieldVal, q.BoostVal.Value())
	case *query.ConjunctionQuery:
		kids := make([]*enode, 0, len(q.Conjuncts))
		for _, k := range q.Conjuncts {
			n, err := c.compile(k)
			if err != nil {
				return nil, err
			}
			kids = append(kids, n)
		}
		if len(kids) == 0 {
			return noneNode, nil
		}
		return conj(kids), nil
	case *query.DisjunctionQuery:
		kids := make([]*enode, 0, len(q.Disjuncts))
		for _, k := range q.Disjuncts {
			n, err := c.compile(k)
			if err != nil {
				return nil, err
			}
			kids = append(kids, n)
		}
		if len(kids) == 0 {
			return noneNode, nil
		}
		if q.Min > float64(len(kids)) {
			return nil, errUnsupported // bleve's error to give
		}
		// Beyond 10 children bleve's heap disjunction sums them in
		// another order: the scores may differ in the last bits.
		return disj(kids, int(q.Min)), nil
	case *query.BooleanQuery:
		return c.boolean(q)
	case *query.MatchNoneQuery:
		return noneNode, nil
	case *query.PrefixQuery:
		if q.FieldVal == "" {
			return nil, errUnsupported
		}
		dict, err := c.snap.FieldDictPrefix(q.FieldVal, []byte(q.Prefix))
		if err != nil {
			return nil, err
		}
		return c.terms(dict, q.FieldVal, q.BoostVal.Value(), func(terms []string) ([]string, bool) {
			return terms, false
		}, q.Prefix)
	case *query.TermRangeQuery:
		if q.FieldVal == "" {
			return nil, errUnsupported
		}
		// As bleve's TermRangeSearcher: the dictionary's range ends
		// before its end term, so a zero byte makes the maximum part of
		// it; an exclusive end is dropped after.
		lo, hi := []byte(q.Min), []byte(nil)
		if q.Max != "" {
			hi = append([]byte(q.Max), 0)
		}
		dict, err := c.snap.FieldDictRange(q.FieldVal, lo, hi)
		if err != nil {
			return nil, err
		}
		return c.terms(dict, q.FieldVal, q.BoostVal.Value(), func(terms []string) ([]string, bool) {
			if len(terms) == 0 {
				return nil, true
			}
			if q.InclusiveMin != nil && !*q.InclusiveMin && terms[0] == q.Min {
				if terms = terms[1:]; len(terms) == 0 {
					return nil, true
				}
			}
			if (q.InclusiveMax == nil || !*q.InclusiveMax) && q.Max != "" && terms[len(terms)-1] == q.Max {
				terms = terms[:len(terms)-1]
			}
			return terms, false
		}, "")
	}
	return nil, errUnsupported
}

// maxTerms is the most terms a prefix or range expands to that the
// evaluator takes on; beyond, bleve (and its clause limit) decides.
const maxTerms = 1024

// terms is bleve's multi-term searcher (a prefix, a range): a
// disjunction of the dictionary's terms, each a term searcher (none: a
// disjunction of nothing, which bleve keeps); keep trims the list as
// bleve does for a range, or says it matches nothing (bleve's
// MatchNoneSearcher). A prefix that is no term's start, or only its own
// term's, is bleve's term searcher of the prefix itself: it matches
// nothing (or that term) but weighs in the query norm.
func (c *compiler) terms(dict index.FieldDict, field string, boost float64, keep func([]string) ([]string, bool), prefix string) (*enode, error) {
	defer dict.Close()
	var terms []string
	seen := map[string]bool{}
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		if !seen[e.Term] {
			seen[e.Term] = true
			terms = append(terms, e.Term)
		}
		if len(terms) > maxTerms {
			return nil, errUnsupported
		}
	}
	var none bool
	if terms, none = keep(terms); none {
		return noneNode, nil
	}
	if prefix != "" && (len(terms) == 0 || len(terms) == 1 && terms[0] == prefix) {
		return c.leaf(field, []byte(prefix), boost)
	}
	kids := make([]*enode, len(terms))
	for i, t := range terms {
		var err error
		if kids[i], err = c.leaf(field, []byte(t), boost); err != nil {
			return nil, err
		}
	}
	return disj(kids, 0), nil
}

func conj(kids []*enode) *enode {
	s := make(byCount, len(kids))
	copy(s, kids)
	sort.Sort(s)
	return &enode{kind: eConj, kids: s, count: sumCount(s), phrased: anyPhrased(s...)}
}

func disj(kids []*enode, min int) *enode {
	s := make(byCount, len(kids))
	copy(s, kids)
	sort.Sort(s)
	return &enode{kind: eDisj, kids: s, min: min, count: sumCount(s), phrased: anyPhrased(s...)}
}

// phrase mirrors bleve's MatchPhraseQuery: terms by position (gaps where
// stop words were), a conjunction of one searcher a position.
func (c *compiler) phrase(toks analysis.TokenStream, field string, boost float64) (*enode, error) {
	first, last := math.MaxInt, 0
	for _, t := range toks {
		first = min(first, t.Position)
		last = max(last, t.Position)
	}
	terms := make([][][]byte, last-first+1)
	for _, t := range toks {
		terms[t.Position-first] = append(terms[t.Position-first], t.Term)
	}
	n := &enode{kind: ePhrase, phrased: true}
	var kids []*enode
	for p, ts := range terms {
		var words []*enode
		for _, t := range ts {
			if len(t) == 0 {
				continue
			}
			w, err := c.leaf(field, t, boost)
			if err != nil {
				return nil, err
			}
			words = append(words, w)
		}
		switch {
		case len(words) == 0:
			continue
		case len(ts) == 1:
			kids = append(kids, words[0])
		default:
			kids = append(kids, disj(words, 1))
		}
		n.pos = append(n.pos, p)
		n.words = append(n.words, words)
	}
	if len(kids) == 0 {
		return nil, errUnsupported
	}
	cj := conj(kids)
	n.kids, n.count = cj.kids, cj.count
	return n, nil
}

func (c *compiler) boolean(q *query.BooleanQuery) (*enode, error) {
	sub := func(q query.Query) (*enode, error) {
		if q == nil {
			return nil, nil
		}
		n, err := c.compile(q)
		if err != nil || n.kind == eNone {
			return nil, err
		}
		return n, nil
	}
	n := &enode{kind: eBool}
	var err error
	if n.mustNot, err = sub(q.MustNot); err != nil {
		return nil, err
	}
	if n.must, err = sub(q.Must); err != nil {
		return nil, err
	}
	if n.should, err = sub(q.Should); err != nil {
		return nil, err
	}
	if q.Filter != nil {
		// Evaluated unscored, as the excluded clause: neither takes part
		// in the query norm (weight).
		if n.filter, err = c.compile(q.Filter); err != nil {
			return nil, err
		}
	}
	switch {
	case n.must == nil && n.should == nil && n.mustNot == nil && n.filter == nil:
		return noneNode, nil
	case n.must == nil && n.should == nil:
		return nil, errUnsupported // match all, filtered or minus something
	case n.must != nil && n.should == nil && n.mustNot == nil && n.filter == nil:
		return n.must, nil
	case n.must == nil && n.should != nil && n.mustNot == nil && n.filter == nil:
		return n.should, nil
	}
	if n.should != nil && n.should.kind != eDisj {
		return nil, errUnsupported
	}
	n.phrased = anyPhrased(n.must, n.should, n.mustNot, n.filter)
	if n.must != nil {
		n.count += n.must.count
	}
	if n.should != nil {
		n.count += n.should.count
	}
	return n, nil
}

// weight is bleve's Weight(): the sum of its terms' squared weights.
func (n *enode) weight() float64 {
	switch n.kind {
	case eTerm:
		w := n.boost * n.idf
		return w * w
	case eBool:
		var w float64
		if n.must != nil {
			w += n.must.weight()
		}
		if n.should != nil {
			w += n.should.weight()
		}
		return w
	}
	var w float64
	for _, k := range n.kids {
		w += k.weight()
	}
	return w
}

// setNorm gives every scored term the query norm, as the outermost of
// bleve's searchers does last.
func (n *enode) setNorm(qn float64) {
	switch n.kind {
	case eTerm:
		n.qw = n.boost * n.idf * qn
	case eBool:
		if n.must != nil {
			n.must.setNorm(qn)
		}
		if n.should != nil {
			n.should.setNorm(qn)
		}
	default:
		for _, k := range n.kids {
			k.setNorm(qn)
		}
	}
}

// evaluate runs a compiled tree over every segment of snap: each match is
// counted in fc (when set) and offered to t. It returns the number of
// matches.
func (root *enode) evaluate(ctx context.Context, snap *scorch.IndexSnapshot, t *topHits, fc *facetCounts) (uint64, error) {
	var total, offset uint64
	for si, ss := range snap.Segments() {
		base := offset
		offset += ss.Segment().Count()
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		set := root.match(si, nil)
		if set == nil || set.IsEmpty() {
			root.release()
			continue
		}
		total += set.GetCardinality()
		if fc != nil {
			fc.addSet(base, set)
		}
		if evalTestHook != nil {
			evalTestHook() // after the facets are counted: a failure there must reset them
		}
		if t.k > 0 {
			if err := root.scoreSet(ctx, si, base, set, t); err != nil {
				return 0, err
			}
		}
		root.release()
	}
	return total, t.loadErr
}

// scoreSet scores the matches of segment si (set), term at a time
// (exact), and offers them to t.
func (root *enode) scoreSet(ctx context.Context, si int, base uint64, set *roaring.Bitmap, t *topHits) error {
	scoreAll := func(docs []uint32) error {
		scoredDocs.Add(int64(len(docs)))
		for i, d := range docs {
			if i&1023 == 1023 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			s, err := root.score(si, uint64(d))
			if err != nil {
				return err
			}
			t.offer(s, base+uint64(d))
		}
		return nil
	}
	if root.zeroWeight() {
		// A term of zero weight: a 0 could not tell a match from none.
		return scoreAll(set.ToArray())
	}
	// Block after block of matches, so that the arrays of exact stay
	// small however many passages match.
	bp := &arrayPool{set: set}
	block := make([]uint32, scoreBlock)
	it := set.ManyIterator()
	for {
		n := it.NextMany(block)
		if n == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		docs := block[:n]
		bp.n = n
		sc, _, err := root.exact(si, docs, bp)
		if err != nil {
			return err
		}
		scoredDocs.Add(int64(n))
		if sc == nil {
			continue // none of this block matches the root: cannot be
		}
		for i, d := range docs {
			t.offer(sc[i], base+uint64(d))
		}
		bp.put(sc)
	}
}

// scoreBlock is how many matches exact scores at once (a variable: a
// test makes blocks small).
var scoreBlock = 4096

// zeroWeight reports whether some scored term of the tree has a weight of
// zero (a boost of 0), whose matches would score 0.
func (n *enode) zeroWeight() bool {
	if n.kind == eTerm {
		return n.qw*n.idf == 0
	}
	for _, k := range n.kids {
		if k.zeroWeight() {
			return true
		}
	}
	for _, k := range []*enode{n.must, n.should} {
		if k != nil && k.zeroWeight() {
			return true
		}
	}
	return false
}

// scoredDocs counts the matches scored, in the whole process
// (EvaluatorStats).
var scoredDocs atomic.Int64

// arrayPool hands out the per-match arrays of exact, reused within one
// segment's evaluation.
type arrayPool struct {
	n    int
	free [][]float64
	// set is the segment's match set (docs as a bitmap).
	set *roaring.Bitmap
}

func (p *arrayPool) get() []float64 {
	if k := len(p.free); k > 0 && cap(p.free[k-1]) >= p.n {
		b := p.free[k-1][:p.n]
		p.free = p.free[:k-1]
		clear(b)
		return b
	}
	return make([]float64, p.n)
}

func (p *arrayPool) put(b []float64) {
	if b != nil {
		p.free = append(p.free, b)
	}
}

// exact returns the score of n for each match in docs (ascending; bp.set
// as a bitmap), 0 where n does not match, computed term at a time: each
// term's postings are read once, in order, for the matches that hold it,
// and each node combines its children's arrays as score does, in the
// same order, so that the sums are the same to the last bit. ok is false
// when some term's match would score 0 (a zero weight), where a 0 could
// not tell a match from none: the caller then scores match by match.
func (n *enode) exact(si int, docs []uint32, bp *arrayPool) ([]float64, bool, error) {
	switch n.kind {
	case eNone:
		return nil, true, nil
	case eTerm:
		if n.bm == nil || n.bm.IsEmpty() {
			return nil, true, nil
		}
		if n.qw*n.idf == 0 {
			return nil, false, nil
		}
		if n.inter == nil {
			// The matches holding the term, walked block after block.
			n.inter = roaring.And(n.bm, bp.set).Iterator()
		}
		it := n.inter
		// Past the matches of earlier blocks this node was not asked
		// about (a conjunction stops at a child matching nothing).
		it.AdvanceIfNeeded(docs[0])
		last := docs[len(docs)-1]
		if !it.HasNext() || it.PeekNext() > last {
			return nil, true, nil
		}
		out := bp.get()
		j := 0
		for it.HasNext() && it.PeekNext() <= last {
			d := it.Next()
			for docs[j] < d { // the term's matches are within docs: j stays in range
				j++
			}
			freq, norm, err := n.posting(si, uint64(d))
			if err != nil {
				return nil, false, err
			}
			out[j] = n.termScore(freq, norm)
			j++
		}
		return out, true, nil
	case eConj, ePhrase:
		var sum []float64
		for _, k := range n.kids {
			kb, ok, err := k.exact(si, docs, bp)
			if !ok || err != nil {
				return nil, ok, err
			}
			if kb == nil {
				bp.put(sum)
				return nil, true, nil // a child matches none of docs: neither does n
			}
			if sum == nil {
				sum = kb
				continue
			}
			for i, v := range kb {
				if v == 0 || sum[i] == 0 {
					sum[i] = 0
				} else {
					sum[i] += v
				}
			}
			bp.put(kb)
		}
		if n.kind == ePhrase {
			n.mask(sum, docs)
		}
		return sum, true, nil
	case eDisj:
		var sum, count []float64
		for _, k := range n.kids {
			kb, ok, err := k.exact(si, docs, bp)
			if !ok || err != nil {
				return nil, ok, err
			}
			if kb == nil {
				continue
			}
			if sum == nil {
				sum, count = kb, bp.get()
				for i, v := range kb {
					if v != 0 {
						count[i] = 1
					}
				}
				continue
			}
			for i, v := range kb {
				if v != 0 {
					sum[i] += v
					count[i]++
				}
			}
			bp.put(kb)
		}
		if sum == nil {
			return nil, true, nil
		}
		total := float64(len(n.kids))
		for i := range sum {
			if count[i] < float64(n.min) {
				sum[i] = 0
				continue
			}
			sum[i] *= count[i] / total
		}
		bp.put(count)
		return sum, true, nil
	case eBool:
		var sum, sb []float64
		if n.must != nil {
			var ok bool
			var err error
			if sum, ok, err = n.must.exact(si, docs, bp); !ok || err != nil || sum == nil {
				return nil, ok, err
			}
		}
		if n.should != nil {
			var ok bool
			var err error
			if sb, ok, err = n.should.exact(si, docs, bp); !ok || err != nil {
				return nil, ok, err
			}
		}
		switch {
		case sum == nil && sb == nil:
			return nil, true, nil
		case sum == nil:
			sum = sb
		case sb == nil:
			if n.should != nil && n.should.min > 0 {
				bp.put(sum)
				return nil, true, nil
			}
		default:
			for i, v := range sb {
				switch {
				case sum[i] == 0:
				case v != 0:
					sum[i] += v
				case n.should.min > 0:
					sum[i] = 0 // the required should does not match
				}
			}
			bp.put(sb)
		}
		if n.mustNot != nil || n.filter != nil {
			n.mask(sum, docs)
		}
		return sum, true, nil
	}
	return nil, false, nil
}

// mask zeroes the entries of out (for docs) of the passages n does not
// match.
func (n *enode) mask(out []float64, docs []uint32) {
	for i, d := range docs {
		if out[i] != 0 && !n.bm.Contains(d) {
			out[i] = 0
		}
	}
}

// match returns the passages of segment si that n matches, exactly within
// the passages of within (nil: all); it keeps the bitmaps of the tree for
// score.
func (n *enode) match(si int, within *roaring.Bitmap) *roaring.Bitmap {
	switch n.kind {
	case eNone:
		n.bm = roaring.New()
	case eTerm:
		n.bm = roaring.New()
		n.it, n.cur = nil, nil
		if pl := n.pls[si]; pl != nil {
			if o, ok := pl.(interface{ OrInto(*roaring.Bitmap) }); ok {
				o.OrInto(n.bm)
			}
		}
	case eConj:
		var bm *roaring.Bitmap
		for _, k := range n.kids {
			kb := k.match(si, narrow(k, within, bm))
			if bm == nil {
				bm = kb.Clone()
			} else {
				bm.And(kb)
			}
		}
		n.bm = bm
	case eDisj:
		bms := make([]*roaring.Bitmap, len(n.kids))
		for i, k := range n.kids {
			bms[i] = k.match(si, within)
		}
		n.bm = roaring.FastOr(bms...)
		if n.min > 1 {
			keep := roaring.New()
			it := n.bm.Iterator()
			for it.HasNext() {
				d := it.Next()
				c := 0
				for _, b := range bms {
					if b.Contains(d) {
						c++
					}
				}
				if c >= n.min {
					keep.Add(d)
				}
			}
			n.bm = keep
		}
	case ePhrase:
		var bm *roaring.Bitmap
		for _, k := range n.kids {
			kb := k.match(si, nil)
			if bm == nil {
				bm = kb.Clone()
			} else {
				bm.And(kb)
			}
		}
		if within != nil {
			bm.And(within)
		}
		n.bm = n.checkPhrase(si, bm)
	case eBool:
		var bm *roaring.Bitmap
		if n.filter != nil {
			bm = n.filter.match(si, within).Clone()
		}
		if n.must != nil {
			mb := n.must.match(si, narrow(n.must, within, bm))
			if bm == nil {
				bm = mb.Clone()
			} else {
				bm.And(mb)
			}
		}
		if n.should != nil {
			sb := n.should.match(si, narrow(n.should, within, bm))
			if n.must == nil {
				if bm == nil {
					bm = sb.Clone()
				} else {
					bm.And(sb)
				}
			} else if n.should.min > 0 {
				bm.And(sb)
			}
		}
		if n.mustNot != nil {
			bm.AndNot(n.mustNot.match(si, narrow(n.mustNot, within, bm)))
		}
		n.bm = bm
	}
	return n.bm
}

// narrow is the set k's phrases need checking in: within restricted to
// bm (either may be nil: no restriction); nil for a tree without phrases.
func narrow(k *enode, within, bm *roaring.Bitmap) *roaring.Bitmap {
	switch {
	case !k.phrased:
		return nil
	case bm == nil:
		return within
	case within == nil:
		return bm
	}
	return roaring.And(within, bm)
}

// checkPhrase keeps the passages of cand where the phrase's terms stand
// at consecutive positions (gaps where stop words were left out).
func (n *enode) checkPhrase(si int, cand *roaring.Bitmap) *roaring.Bitmap {
	out := roaring.New()
	if cand.IsEmpty() {
		return out
	}
	type termPos struct {
		it  segment.PostingsIterator
		cur segment.Posting
	}
	its := make([][]termPos, len(n.words))
	for i, ws := range n.words {
		for _, w := range ws {
			var tp termPos
			if pl := w.pls[si]; pl != nil {
				tp.it = pl.Iterator(false, false, true, nil)
			}
			its[i] = append(its[i], tp)
		}
	}
	var starts, next []uint64
	it := cand.Iterator()
	for it.HasNext() {
		d := uint64(it.Next())
		starts = starts[:0]
		ok := true
		for i := range its {
			next = next[:0]
			for j := range its[i] {
				tp := &its[i][j]
				if tp.it == nil {
					continue
				}
				if tp.cur == nil || tp.cur.Number() < d {
					p, err := tp.it.Advance(d)
					if err != nil {
						p = nil
					}
					tp.cur = p
					if p == nil {
						tp.it = nil
						continue
					}
				}
				if tp.cur.Number() != d {
					continue
				}
				for _, l := range tp.cur.Locations() {
					// Candidate start of the phrase.
					next = append(next, l.Pos()-uint64(n.pos[i]))
				}
			}
			if i == 0 {
				starts = append(starts, next...)
			} else {
				starts = keepCommon(starts, next)
			}
			if len(starts) == 0 {
				ok = false
				break
			}
		}
		if ok {
			out.Add(uint32(d))
		}
	}
	return out
}

// keepCommon keeps the values of a found in b.
func keepCommon(a, b []uint64) []uint64 {
	out := a[:0]
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// score is n's score for passage d of segment si, which n matches.
func (n *enode) score(si int, d uint64) (float64, error) {
	switch n.kind {
	case eTerm:
		freq, norm, err := n.posting(si, d)
		if err != nil {
			return 0, err
		}
		return n.termScore(freq, norm), nil
	case eConj, ePhrase:
		var sum float64
		for _, k := range n.kids {
			s, err := k.score(si, d)
			if err != nil {
				return 0, err
			}
			sum += s
		}
		return sum, nil
	case eDisj:
		var sum float64
		matched := 0
		for _, k := range n.kids {
			if !k.bm.Contains(uint32(d)) {
				continue
			}
			s, err := k.score(si, d)
			if err != nil {
				return 0, err
			}
			sum += s
			matched++
		}
		return sum * (float64(matched) / float64(len(n.kids))), nil
	case eBool:
		var sum float64
		if n.must != nil {
			s, err := n.must.score(si, d)
			if err != nil {
				return 0, err
			}
			sum += s
		}
		if n.should != nil && n.should.bm.Contains(uint32(d)) {
			s, err := n.should.score(si, d)
			if err != nil {
				return 0, err
			}
			sum += s
		}
		return sum, nil
	}
	return 0, errors.New("evaluator: scoring a node that matches nothing")
}

// posting returns the frequency and norm of term n in passage d of
// segment si, which holds it: from the decoded postings when the list is
// long enough to be kept decoded, else by stepping the list's iterator.
func (n *enode) posting(si int, d uint64) (uint64, float64, error) {
	if !n.decTried {
		n.decTried = true
		if pl := n.pls[si]; pl != nil && pl.Count() >= decodeFrom && n.cache != nil {
			dec, err := n.cache.get(postingsKey{seg: n.segs[si], field: n.field, term: string(n.term)}, pl)
			if err != nil {
				return 0, 0, err
			}
			n.dec, n.decPos = dec, 0
		}
	}
	if n.dec != nil {
		i := n.dec.find(uint32(d), n.decPos)
		if i < 0 {
			return 0, 0, errors.New("evaluator: posting not found")
		}
		n.decPos = i
		return uint64(n.dec.freqs[i]), n.dec.norm(i), nil
	}
	if n.cur == nil || n.cur.Number() < d {
		if n.it == nil {
			n.it = n.pls[si].Iterator(true, true, false, nil)
		}
		p, err := n.it.Advance(d)
		if err != nil {
			return 0, 0, err
		}
		n.cur = p
	}
	if n.cur == nil || n.cur.Number() != d {
		return 0, 0, errors.New("evaluator: posting not found")
	}
	return n.cur.Frequency(), n.cur.Norm(), nil
}

// termScore is bleve's score of term n at a frequency and norm: BM25
// (tf-idf in an index without field lengths), times the query weight.
func (n *enode) termScore(freq uint64, norm float64) float64 {
	var tf float64
	if freq < 64 {
		tf = sqrtCache[freq]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	var s float64
	if n.avg > 0 {
		fieldLength := 1 / (norm * norm)
		s = n.idf * (tf * bsearch.BM25_k1) /
			(tf + bsearch.BM25_k1*(1-bsearch.BM25_b+(bsearch.BM25_b*fieldLength/n.avg)))
	} else {
		s = tf * norm * n.idf
	}
	if n.qw != 1 {
		s *= n.qw
	}
	return s
}

// release drops the per-segment state of a tree.
func (n *enode) release() {
	n.bm, n.it, n.cur = nil, nil, nil
	n.dec, n.decTried, n.decPos, n.inter = nil, false, 0, nil
	for _, k := range n.kids {
		k.release()
	}
	for _, ws := range n.words {
		for _, w := range ws {
			w.release()
		}
	}
	for _, k := range []*enode{n.must, n.should, n.mustNot, n.filter} {
		if k != nil {
			k.release()
		}
	}
}

var sqrtCache = func() []float64 {
	c := make([]float64, 64)
	for i := range c {
		c[i] = math.Sqrt(float64(i))
	}
	return c
}()

// compileQuery compiles q against the snapshot reader, or returns
// errUnsupported.
func compileQuery(reader index.IndexReader, m mapping.IndexMapping, q query.Query, cache *postingsCache) (*enode, *scorch.IndexSnapshot, error) {
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil, errUnsupported
	}
	docs, err := snap.DocCount()
	if err != nil {
		return nil, nil, err
	}
	c := &compiler{snap: snap, m: m, docs: docs, avg: map[string]float64{}, cache: cache,
		lists: map[fieldTerm]termLists{}, dicts: map[segmentField]segment.TermDictionary{}, toks: map[analyzerText]analysis.TokenStream{}}
	for _, ss := range snap.Segments() {
		c.segs = append(c.segs, ss.Segment())
	}
	root, err := c.compile(q)
	if err != nil {
		return nil, nil, err
	}
	if root.kind == eNone {
		return root, snap, nil
	}
	if root.kind != eTerm {
		// The outermost searcher norms the whole tree; a lone term
		// searcher is never normed.
		root.setNorm(1 / math.Sqrt(root.weight()))
	}
	return root, snap, nil
}

// evaluateOwn runs q on idx with the evaluator into t (and t's facet
// counts), returning the number of matches; ok is false, with nothing
// done, when the evaluator does not know some node of q.
func evaluateOwn(ctx context.Context, idx bleve.Index, q query.Query, t *topHits, cache *postingsCache) (total uint64, ok bool, err error) {
	if !ownEvaluator {
		return 0, false, nil
	}
	defer func() {
		// A bug of the evaluator must not cost the reader an answer:
		// bleve answers instead, and the failure is counted
		// (vigie_search_evaluator_failures_total).
		if r := recover(); r != nil {
			evalFailures.Add(1)
			t.fc.reset()
			*t = topHits{k: t.k, fc: t.fc, after: t.after}
			total, ok, err = 0, false, nil
		}
	}()
	reader, err := openReader(idx)
	if err != nil {
		return 0, false, err
	}
	defer reader.Close()
	root, snap, err := compileQuery(reader, idx.Mapping(), q, cache)
	switch {
	case errors.Is(err, errUnsupported):
		evalBleveRuns.Add(1)
		return 0, false, nil
	case err != nil:
		return 0, false, err
	}
	t.reader = reader
	evalOwnRuns.Add(1)
	if root.kind == eNone {
		return 0, true, nil
	}
	total, err = root.evaluate(ctx, snap, t, t.fc)
	if err != nil {
		return 0, false, err
	}
	return total, true, t.loadIDs()
}

// ownEvaluator turns the evaluator on: VIGIE_EVALUATOR=bleve in the
// environment leaves every search to bleve's searchers (a way back should
// the evaluator ever misbehave); tests turn it off to compare.
var ownEvaluator = os.Getenv("VIGIE_EVALUATOR") != "bleve"

// evalOwnRuns and evalBleveRuns count the score-ordered searches the
// evaluator answered and those it left to bleve.
var evalOwnRuns, evalBleveRuns, evalFailures atomic.Int64

// evalTestHook, when set (by tests only), runs in each evaluation, between
// counting the facets and scoring.
var evalTestHook func()

// EvaluatorStats describe the work of the evaluator (eval.go) in this
// process, and the decoded postings of the live generation.
type EvaluatorStats struct {
	// Own and Bleve count the score-ordered searches (and facet counts)
	// the evaluator answered and those it left to bleve.
	Own, Bleve int64
	// Failures counts the searches the evaluator failed (a bug), which
	// bleve then answered.
	Failures int64
	// Scored counts the matches scored.
	Scored int64
	// PostingsBytes and PostingsLists describe the decoded postings kept
	// for the live generation; PostingsHits and PostingsMisses count
	// lookups.
	PostingsBytes, PostingsCapacity int64
	PostingsLists                   int
	PostingsHits, PostingsMisses    int64
}

// EvaluatorStats returns the evaluator's figures.
func (s *Searcher) EvaluatorStats() EvaluatorStats {
	st := EvaluatorStats{
		Own: evalOwnRuns.Load(), Bleve: evalBleveRuns.Load(), Failures: evalFailures.Load(),
		Scored: scoredDocs.Load(),
	}
	s.mu.RLock()
	c := s.live.postings
	s.mu.RUnlock()
	if c != nil {
		st.PostingsCapacity = c.max
		st.PostingsBytes, st.PostingsLists, st.PostingsHits, st.PostingsMisses = c.stats()
	}
	return st
}
