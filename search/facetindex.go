package search

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/vigie/vigie/indexer"
)

// Facet counts without bleve's facets. bleve counts a facet by reading the
// doc values of every match, field by field: on a broad query over all of
// laws-canada that was a third of the search. A facetIndex holds, for every
// passage of a generation (by bleve's internal document number), the
// ordinals of its facet values, read once from the facet fields' postings
// when the generation is opened; a search counts its matches with a few
// array reads each, in a document-match handler that bleve calls for every
// match. The counts are exact: every match is counted, as bleve would.

// facetColumn is one facet's values, document by document.
type facetColumn struct {
	facet indexer.Facet
	terms []string // ordinal → value
	// The ordinals of document n are ords[offsets[n]:offsets[n+1]].
	offsets []uint32
	ords    []uint32
}

// facetIndex is a generation's facet columns, in registry order.
type facetIndex struct {
	columns []facetColumn
	docs    uint64 // one past the largest document number seen
}

// openReader opens a reader on the current snapshot of idx; the caller
// closes it.
func openReader(idx bleve.Index) (index.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// newFacetIndex reads every facet field's terms and postings.
func newFacetIndex(idx bleve.Index) (*facetIndex, error) {
	r, err := openReader(idx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fi := &facetIndex{}
	type pair struct {
		doc uint64
		ord uint32
	}
	all := make([][]pair, len(indexer.Facets))
	for i, f := range indexer.Facets {
		col := facetColumn{facet: f}
		dict, err := r.FieldDict(f.Field)
		if err != nil {
			return nil, fmt.Errorf("facet %s: %w", f.Name, err)
		}
		for {
			e, err := dict.Next()
			if err != nil {
				dict.Close()
				return nil, fmt.Errorf("facet %s: %w", f.Name, err)
			}
			if e == nil {
				break
			}
			ord := uint32(len(col.terms))
			col.terms = append(col.terms, e.Term)
			tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), f.Field, false, false, false)
			if err != nil {
				dict.Close()
				return nil, fmt.Errorf("facet %s: %w", f.Name, err)
			}
			for {
				d, err := tfr.Next(nil)
				if err != nil {
					tfr.Close()
					dict.Close()
					return nil, fmt.Errorf("facet %s: %w", f.Name, err)
				}
				if d == nil {
					break
				}
				n := d.ID.Value()
				all[i] = append(all[i], pair{n, ord})
				fi.docs = max(fi.docs, n+1)
			}
			tfr.Close()
		}
		dict.Close()
		fi.columns = append(fi.columns, col)
	}
	for i := range fi.columns {
		col := &fi.columns[i]
		ps := all[i]
		sort.Slice(ps, func(a, b int) bool {
			if ps[a].doc != ps[b].doc {
				return ps[a].doc < ps[b].doc
			}
			return ps[a].ord < ps[b].ord
		})
		col.offsets = make([]uint32, fi.docs+1)
		col.ords = make([]uint32, len(ps))
		for j, p := range ps {
			col.offsets[p.doc+1]++
			col.ords[j] = p.ord
		}
		for n := uint64(1); n <= fi.docs; n++ {
			col.offsets[n] += col.offsets[n-1]
		}
	}
	return fi, nil
}

// facetCounts counts the values of some facets over the matches of one
// search.
type facetCounts struct {
	fi     *facetIndex
	counts [][]int32 // by column, count by ordinal; nil for a facet not counted
}

// reset sets every count of fc back to zero (nil: nothing to do).
func (fc *facetCounts) reset() {
	if fc == nil {
		return
	}
	for _, c := range fc.counts {
		clear(c)
	}
}

// counter returns counts of the named facets (all when names is nil).
func (fi *facetIndex) counter(names []string) *facetCounts {
	fc := &facetCounts{fi: fi, counts: make([][]int32, len(fi.columns))}
	for i, col := range fi.columns {
		if names == nil || slices.Contains(names, col.facet.Name) {
			fc.counts[i] = make([]int32, len(col.terms))
		}
	}
	return fc
}

// count adds document n's values to c, the counts of col.
func (col *facetColumn) count(c []int32, n uint64) {
	for _, o := range col.ords[col.offsets[n]:col.offsets[n+1]] {
		c[o]++
	}
}

// add counts document n.
func (fc *facetCounts) add(n uint64) {
	if n >= fc.fi.docs {
		return // no facet value at all
	}
	for i, c := range fc.counts {
		if c != nil {
			fc.fi.columns[i].count(c, n)
		}
	}
}

// addSet counts the documents of set, numbered from base (a segment's
// matches): read in batches, a column at a time, so that each column's
// arrays stay in cache while a batch is counted.
func (fc *facetCounts) addSet(base uint64, set *roaring.Bitmap) {
	var buf [256]uint32
	it := set.ManyIterator()
	for {
		n := it.NextMany(buf[:])
		if n == 0 {
			return
		}
		for i, c := range fc.counts {
			if c == nil {
				continue
			}
			col := &fc.fi.columns[i]
			for _, d := range buf[:n] {
				if doc := base + uint64(d); doc < fc.fi.docs { // else no facet value at all
					col.count(c, doc)
				}
			}
		}
	}
}

// result returns a facet's values as bleve's terms facet would: the Size
// most frequent, ties by value.
func (fc *facetCounts) result(name string) *bsearch.FacetResult {
	var c []int32
	var col *facetColumn
	for i := range fc.fi.columns {
		if fc.fi.columns[i].facet.Name == name {
			c, col = fc.counts[i], &fc.fi.columns[i]
		}
	}
	if c == nil || col == nil {
		return nil
	}
	terms := &bsearch.TermFacets{}
	for o, n := range c {
		if n > 0 {
			terms.Add(&bsearch.TermFacet{Term: col.terms[o], Count: int(n)})
		}
	}
	sort.Sort(terms)
	if terms.Len() > col.facet.Size {
		terms.TrimToTopN(col.facet.Size)
	}
	return &bsearch.FacetResult{Field: col.facet.Field, Terms: terms}
}

// withCounting returns ctx set so that bleve hands every match of the
// search run with it to fc before collecting it as usual.
func withCounting(ctx context.Context, fc *facetCounts) context.Context {
	return withHandler(ctx, func(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		return func(d *bsearch.DocumentMatch) error {
			if d != nil {
				fc.add(d.IndexInternalID.Value())
			}
			return next(d)
		}, loadID, nil
	})
}
