package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/loadgen"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search/lexicon"
)

// Benchmarks of search on a laws-canada subset, with the query mix of
// `vigie bench` (internal/loadgen/queries.txt). Run with
//
//	go test -run '^$' -bench 'TextQuery|Mix|Broad' -benchmem ./search
//
// Figures are in docs/performance.md.

// lawsSearcher indexes one Act in every of laws-canada, in both languages.
func lawsSearcher(b *testing.B, every int) *Searcher {
	b.Helper()
	root := testutil.Corpus(b, "laws-canada")
	names, err := os.ReadDir(filepath.Join(root, lang.English))
	if err != nil {
		b.Fatal(err)
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name() < names[j].Name() })
	dir := b.TempDir()
	for i, n := range names {
		if i%every != 0 {
			continue
		}
		for _, lg := range lang.Languages {
			raw, err := os.ReadFile(filepath.Join(root, lg, n.Name()))
			if err != nil {
				b.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(dir, lg), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, lg, n.Name()), raw, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return openCorpus(b, dir)
}

// mixRequest is the Request the API makes of a mix entry's parameters.
func mixRequest(q loadgen.Query) Request {
	v := q.Values()
	r := Request{Query: v.Get("q"), Filters: map[string][]string{}}
	for _, name := range indexer.FacetNames() {
		r.Filters[name] = append(r.Filters[name], v[name]...)
	}
	if v.Get("page") != "" {
		r.Page = 3
	}
	return r
}

// BenchmarkTextQuery parses each query of the mix and builds its bleve
// query in both languages (each word analysed twice): the per-request
// cost before bleve runs.
func BenchmarkTextQuery(b *testing.B) {
	mix := loadgen.DefaultMix().Searches
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := mix[i%len(mix)]
		textQuery(plan{q: Parse(q.Text)}, false)
		i++
	}
}

// BenchmarkSearchMix runs the mix's queries, by kind, on 1 Act in 20
// (about 5% of laws-canada): ns/op is one search with highlights and
// facets, as the API runs it.
func BenchmarkSearchMix(b *testing.B) {
	s := lawsSearcher(b, 20)
	byKind := map[string][]Request{}
	var kinds []string
	for _, q := range loadgen.DefaultMix().Searches {
		if byKind[q.Kind] == nil {
			kinds = append(kinds, q.Kind)
		}
		byKind[q.Kind] = append(byKind[q.Kind], mixRequest(q))
	}
	sort.Strings(kinds)
	ctx := context.Background()
	for _, k := range kinds {
		reqs := byKind[k]
		b.Run(k, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.Search(ctx, reqs[i%len(reqs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkBroadCost splits the cost of a broad query ("minister", tens
// of thousands of hits on the full corpus) into what bleve does for the
// ranking alone, then with stored fields and term locations (for the
// highlights), then with the four facets, and finally the whole Search.
func BenchmarkBroadCost(b *testing.B) {
	s := lawsSearcher(b, 20)
	view := s.Acquire()
	defer view.Release()
	ctx := context.Background()
	for _, word := range []string{"minister", "ministre"} {
		text := textQuery(plan{q: Parse(word)}, false)
		steps := []struct {
			name            string
			fields, facets  bool
			highlightFields bool
		}{
			{"rank", false, false, false},
			{"rank+fields+locations", true, false, true},
			{"rank+facets", false, true, false},
			{"rank+fields+locations+facets", true, true, true},
		}
		for _, st := range steps {
			b.Run(word+"/"+st.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					req := bleve.NewSearchRequestOptions(text, 10, 0, false)
					req.SortBy([]string{"-_score", "_id"})
					if st.fields {
						req.Fields = indexer.StoredFields
					}
					req.IncludeLocations = st.highlightFields
					if st.facets {
						for _, f := range indexer.Facets {
							req.AddFacet(f.Name, bleve.NewFacetRequest(f.Field, f.Size))
						}
					}
					if _, err := view.sn.gen.Index.SearchInContext(ctx, req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(word+"/Search", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Search(ctx, Request{Query: word}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLawsFull runs the corpus mixes of `vigie bench` (section
// headings, broad words and pairs) in process on an index of all of
// laws-canada that already exists in $VIGIE_PERF_DATA (vigie index
// --data DIR), as the API runs them. Skipped without it.
func BenchmarkLawsFull(b *testing.B) {
	gen, mixes := lawsFullMixes(b)
	s := New(gen, Options{Gazetteer: entity.Default(), Lexicon: lexicon.Default()})
	defer s.Close()
	ctx := context.Background()
	for _, mix := range mixes {
		b.Run(mix.name, func(b *testing.B) {
			for _, q := range mix.qs[:50] { // warm: facet columns read, segments paged in
				if _, err := s.Search(ctx, mixRequest(q)); err != nil {
					b.Fatal(err)
				}
			}
			i := 0
			cpu := cpuTime()
			scored0 := scoredDocs.Load()
			for b.Loop() {
				if _, err := s.Search(ctx, mixRequest(mix.qs[i%len(mix.qs)])); err != nil {
					b.Fatal(err)
				}
				i++
			}
			// CPU time a search (the process's, GC included): what
			// the machine's load distorts least.
			b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(scoredDocs.Load()-scored0)/float64(b.N), "scored/op")
		})
	}
}

// namedMix is one of the corpus mixes of `vigie bench`.
type namedMix struct {
	name string
	qs   []loadgen.Query
}

// lawsFullMixes opens the index of all of laws-canada in
// $VIGIE_PERF_DATA (skipping without it) and draws 2,000 queries of the
// headings and broad mixes from the corpus. The caller closes the
// generation (Searcher.Close does).
func lawsFullMixes(b testing.TB) (*indexer.Generation, []namedMix) {
	data := os.Getenv("VIGIE_PERF_DATA")
	if data == "" {
		b.Skip("VIGIE_PERF_DATA names no data folder holding an index of laws-canada")
	}
	root := testutil.Corpus(b, "laws-canada")
	headings, err := loadgen.HeadingMix(root, 2000)
	if err != nil {
		b.Fatal(err)
	}
	broad, err := loadgen.BroadMix(root, 2000)
	if err != nil {
		b.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		b.Fatal(err)
	}
	return gen, []namedMix{{"headings", headings}, {"broad", broad}}
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLawsMatchSet measures what the set of passages a query of the
// headings or broad mix matches costs when it is computed from the
// postings' bitmaps (roaring OR within a word over fields, AND across
// words, OR across languages), without scoring: the floor of a query
// evaluator that would find the matches with bitmaps and score only the
// best candidates. It leaves out translations, spelling variants and
// phrases, so it is a lower bound, not a replacement; it reports the
// passages found beside the cost (docs/performance.md). Needs
// VIGIE_PERF_DATA, as BenchmarkLawsFull.
func BenchmarkLawsMatchSet(b *testing.B) {
	gen, mixes := lawsFullMixes(b)
	defer gen.Close()
	reader, err := openReader(gen.Index)
	if err != nil {
		b.Fatal(err)
	}
	defer reader.Close()
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		b.Skip("not a scorch index")
	}
	type orer interface{ OrInto(*roaring.Bitmap) }
	matchSet := func(q Query) uint64 {
		var total uint64
		for _, ss := range snap.Segments() {
			seg := ss.Segment()
			var all *roaring.Bitmap
			for _, lg := range lang.Languages {
				analyzer := lang.AnalyzerFor(lg)
				var branch *roaring.Bitmap
				for _, g := range q.Groups {
					group := roaring.New()
					words := 0
					for _, t := range g {
						terms := lang.Terms(analyzer, t.Text)
						words += len(terms)
						for _, f := range []string{indexer.FieldText, indexer.FieldHeading, indexer.FieldTitle} {
							dict, err := seg.Dictionary(indexer.LangField(f, lg))
							if err != nil {
								b.Fatal(err)
							}
							var inField *roaring.Bitmap
							for _, term := range terms {
								pl, err := dict.PostingsList([]byte(term), ss.Deleted(), nil)
								if err != nil {
									b.Fatal(err)
								}
								bm := roaring.New()
								if o, ok := pl.(orer); ok {
									o.OrInto(bm)
								}
								if inField == nil {
									inField = bm
								} else {
									inField.And(bm)
								}
							}
							if inField != nil {
								group.Or(inField)
							}
						}
					}
					if words == 0 {
						continue // stop words only
					}
					if branch == nil {
						branch = group
					} else {
						branch.And(group)
					}
				}
				if branch == nil {
					continue
				}
				if all == nil {
					all = branch
				} else {
					all.Or(branch)
				}
			}
			if all != nil {
				total += all.GetCardinality()
			}
		}
		return total
	}
	for _, mix := range mixes {
		b.Run(mix.name, func(b *testing.B) {
			qs := make([]Query, len(mix.qs))
			for i, q := range mix.qs {
				qs[i] = Parse(q.Values().Get("q"))
			}
			var found uint64
			i := 0
			for b.Loop() {
				found += matchSet(qs[i%len(qs)])
				i++
			}
			b.ReportMetric(float64(found)/float64(b.N), "passages/op")
		})
	}
}

// BenchmarkLawsCompile compiles, for the evaluator, the bleve query of
// each query of the mixes (as parsed, without expansion) against the
// index of all of laws-canada: the lookups of every term in every field
// and the analyses. Needs VIGIE_PERF_DATA, as BenchmarkLawsFull.
func BenchmarkLawsCompile(b *testing.B) {
	gen, mixes := lawsFullMixes(b)
	defer gen.Close()
	reader, err := openReader(gen.Index)
	if err != nil {
		b.Fatal(err)
	}
	defer reader.Close()
	for _, mix := range mixes {
		qs := make([]query.Query, len(mix.qs))
		for i, q := range mix.qs {
			qs[i] = textQuery(plan{q: Parse(q.Values().Get("q"))}, false)
		}
		b.Run(mix.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, _, err := compileQuery(reader, gen.Index.Mapping(), qs[i%len(qs)], nil); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkLawsFacets counts the four facets over a random set of 700
// (a heading search's matches) or 5,000 passages (a broad one) of all of
// laws-canada: a match at a time (add, bleve's handler path) or a batch
// and a column at a time (addSet, the evaluator's).
func BenchmarkLawsFacets(b *testing.B) {
	gen, _ := lawsFullMixes(b)
	defer gen.Close()
	fi, err := newFacetIndex(gen.Index)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{700, 5000} {
		set := roaring.New()
		rng := rand.New(rand.NewPCG(1, 2))
		for set.GetCardinality() < uint64(n) {
			set.Add(uint32(rng.IntN(int(fi.docs))))
		}
		fc := fi.counter(nil)
		b.Run(fmt.Sprintf("%d/each", n), func(b *testing.B) {
			for b.Loop() {
				it := set.Iterator()
				for it.HasNext() {
					fc.add(uint64(it.Next()))
				}
			}
		})
		b.Run(fmt.Sprintf("%d/batch", n), func(b *testing.B) {
			for b.Loop() {
				fc.addSet(0, set)
			}
		})
	}
}

// BenchmarkLawsTitleIndex measures what a generation's title index
// (titles.go) adds to reading what a snapshot derives: every title
// analysed (the documents are paired on the first title named, not
// here). Needs VIGIE_PERF_DATA, as BenchmarkLawsFull.
func BenchmarkLawsTitleIndex(b *testing.B) {
	gen, _ := lawsFullMixes(b)
	defer gen.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ti := newTitleIndex(gen)
		if len(ti.byKey) == 0 {
			b.Fatal("no titles")
		}
	}
}

// BenchmarkLawsGrouped measures a grouped page of ten (by section, as the
// web page asks, and by document) over the headings and broad mixes, the
// result cache off. Needs VIGIE_PERF_DATA, as BenchmarkLawsFull.
func BenchmarkLawsGrouped(b *testing.B) {
	gen, mixes := lawsFullMixes(b)
	s := New(gen, Options{})
	defer s.Close()
	for _, g := range []string{GroupSection, GroupDocument} {
		for _, mix := range mixes {
			b.Run(g+"/"+mix.name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					v := mix.qs[i%len(mix.qs)].Values()
					if _, err := s.Search(context.Background(), Request{Query: v.Get("q"), Size: 10, Group: g}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
