package relevance

import (
	"context"
	"fmt"
	"io"

	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search"
)

// TitleItem is a navigational query: a document's title, answered by the
// document, and, asked in the other language, by its other version.
type TitleItem struct {
	Query   string
	Lang    string // the language of the title and of Doc
	Doc     string
	TwinDoc string // "" when the document has no other version
	// Ties counts the documents of Doc's language bearing the same title
	// (Doc included): a search for the title cannot tell them apart.
	Ties int
}

// TitleItems samples up to n documents of s's index at an even stride in
// document order, their titles as queries. The other version of a
// document is found by its id ("…en--A-1" and "…fr--A-1").
func TitleItems(s *search.Searcher, n int) []TitleItem {
	docs := s.Documents()
	ids := map[string]bool{}
	titles := map[string]int{}
	for _, d := range docs {
		ids[d.ID] = true
		titles[d.Lang+"\x00"+noteKey(d.Title)]++
	}
	var all []TitleItem
	for _, d := range docs {
		if noteKey(d.Title) == "" {
			continue
		}
		it := TitleItem{Query: d.Title, Lang: d.Lang, Doc: d.ID, Ties: titles[d.Lang+"\x00"+noteKey(d.Title)]}
		if t := twinDocID(d.ID); ids[t] {
			it.TwinDoc = t
		}
		all = append(all, it)
	}
	if n <= 0 || len(all) <= n {
		return all
	}
	out := make([]TitleItem, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, all[i*len(all)/n])
	}
	return out
}

// TitleReport holds the navigational figures: MRR@10 and success@1 of the
// document among the first ten distinct documents, in the title's language
// and, restricted to the other language, of its other version.
type TitleReport struct {
	N                       int
	SameMRR, SameFirst      float64
	CrossN                  int
	CrossMRR, CrossFirst    float64
	SameCeiling             float64
	SameMisses, CrossMisses []string // queries whose document is not first
}

// RunTitles searches every item's title grouped by document: as is (the
// document must come first) and, when it has another version, restricted
// to the other language (that version must come first).
func RunTitles(ctx context.Context, s *search.Searcher, items []TitleItem) (*TitleReport, error) {
	r := &TitleReport{}
	for _, it := range items {
		same, err := docRank(ctx, s, it.Query, "", it.Doc)
		if err != nil {
			return nil, err
		}
		r.N++
		r.SameCeiling += tiedRR(it.Ties)
		if same > 0 {
			r.SameMRR += 1 / float64(same)
		}
		if same == 1 {
			r.SameFirst++
		} else {
			r.SameMisses = append(r.SameMisses, fmt.Sprintf("%q (%s) rank %d", it.Query, it.Doc, same))
		}
		if it.TwinDoc == "" {
			continue
		}
		other := lang.French
		if it.Lang == lang.French {
			other = lang.English
		}
		cross, err := docRank(ctx, s, it.Query, other, it.TwinDoc)
		if err != nil {
			return nil, err
		}
		r.CrossN++
		if cross > 0 {
			r.CrossMRR += 1 / float64(cross)
		}
		if cross == 1 {
			r.CrossFirst++
		} else {
			r.CrossMisses = append(r.CrossMisses, fmt.Sprintf("%q → %s rank %d", it.Query, it.TwinDoc, cross))
		}
	}
	if r.N > 0 {
		r.SameMRR /= float64(r.N)
		r.SameFirst /= float64(r.N)
		r.SameCeiling /= float64(r.N)
	}
	if r.CrossN > 0 {
		r.CrossMRR /= float64(r.CrossN)
		r.CrossFirst /= float64(r.CrossN)
	}
	return r, nil
}

// docRank returns the 1-based rank of doc among the first Cutoff
// documents q finds (grouped by document, restricted to lg unless ""), or
// 0.
func docRank(ctx context.Context, s *search.Searcher, q, lg, doc string) (int, error) {
	req := search.Request{Query: q, Size: Cutoff, Group: search.GroupDocument}
	if lg != "" {
		req.Filters = map[string][]string{"lang": {lg}}
	}
	res, err := s.Search(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("title %q: %w", q, err)
	}
	for i, h := range res.Hits {
		if h.DocID == doc {
			return i + 1, nil
		}
	}
	return 0, nil
}

// WriteTable prints the navigational figures.
func (r *TitleReport) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "Act titles: %d (query: the title; answer: the Act among the first ten Acts)\n", r.N)
	fmt.Fprintf(w, "%-24s %4s  %6s  %8s  %7s\n", "answer", "n", "MRR", "first", "ceiling")
	fmt.Fprintf(w, "%-24s %4d  %6.3f  %8.3f  %7.3f\n", "the Act", r.N, r.SameMRR, r.SameFirst, r.SameCeiling)
	fmt.Fprintf(w, "%-24s %4d  %6.3f  %8.3f\n", "its other version", r.CrossN, r.CrossMRR, r.CrossFirst)
}

// WriteMisses lists the titles whose Act (or other version) is not first.
func (r *TitleReport) WriteMisses(w io.Writer) {
	for _, m := range r.SameMisses {
		fmt.Fprintln(w, "  same  ", m)
	}
	for _, m := range r.CrossMisses {
		fmt.Fprintln(w, "  across", m)
	}
}
