package relevance

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

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
	// Section is the number of a section of Doc (its middle numbered
	// one), cited with the title ("Privacy Act s. 8", "Loi sur …, art.
	// 8"); "" when Doc has none.
	Section string
	// Code is Doc's chapter code ("P-21" of "…en--P-21"), asked alone in
	// Doc's language; "" when its id has none.
	Code string
}

// Citation is the item's section cited with its title, as a reader of
// its language writes it.
func (it TitleItem) Citation() string {
	if it.Lang == lang.French {
		return it.Query + ", art. " + it.Section
	}
	return it.Query + " s. " + it.Section
}

// TitleItems samples up to n documents of s's index at an even stride in
// document order, their titles as queries. The other version of a
// document is found by its id ("…en--A-1" and "…fr--A-1").
func TitleItems(ctx context.Context, s *search.Searcher, n int) ([]TitleItem, error) {
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
		it := TitleItem{Query: d.Title, Lang: d.Lang, Doc: d.ID, Ties: titles[d.Lang+"\x00"+noteKey(d.Title)],
			Code: docCode(d.ID)}
		if t := twinDocID(d.ID); ids[t] {
			it.TwinDoc = t
		}
		all = append(all, it)
	}
	if n > 0 && len(all) > n {
		out := make([]TitleItem, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, all[i*len(all)/n])
		}
		all = out
	}
	for i := range all {
		_, ps, err := s.Document(ctx, all[i].Doc)
		if err != nil {
			return nil, fmt.Errorf("titles: %w", err)
		}
		var numbers []string
		for _, p := range ps {
			if m := reSection.FindStringSubmatch(p.Heading); m != nil && (len(numbers) == 0 || numbers[len(numbers)-1] != m[1]) {
				numbers = append(numbers, m[1])
			}
		}
		if len(numbers) > 0 {
			all[i].Section = numbers[len(numbers)/2]
		}
	}
	return all, nil
}

// TitleReport holds the navigational figures: MRR@10 and success@1 of the
// document among the first ten distinct documents, in the title's language
// and, restricted to the other language, of its other version.
type TitleReport struct {
	N                        int
	SameMRR, SameFirst       float64
	CrossN                   int
	CrossMRR, CrossFirst     float64
	SameCeiling              float64
	SameMisses, CrossMisses  []string // queries whose document is not first
	CiteN                    int      // items with a section, cited
	CiteMRR, CiteFirst       float64  // the section among the first ten passages
	CiteMisses               []string // citations whose section is not first
	CodeN                    int      // items with a code, asked in their language
	CodeMRR, CodeFirst       float64  // the document among the first ten
	CodeMisses               []string // codes whose document is not first
	AcronymN                 int      // acronyms in common use (AddAcronyms)
	AcronymMRR, AcronymFirst float64  // the document among the first ten
	AcronymMisses            []string // acronyms whose document is not first
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
		tally(same, &r.SameMRR, &r.SameFirst, &r.SameMisses, fmt.Sprintf("%q (%s) rank %d", it.Query, it.Doc, same))
		if it.Section != "" {
			cite, err := sectionRank(ctx, s, it.Citation(), it.Doc, it.Section)
			if err != nil {
				return nil, err
			}
			r.CiteN++
			tally(cite, &r.CiteMRR, &r.CiteFirst, &r.CiteMisses, fmt.Sprintf("%q rank %d", it.Citation(), cite))
		}
		if it.Code != "" {
			code, err := docRank(ctx, s, it.Code, it.Lang, it.Doc)
			if err != nil {
				return nil, err
			}
			r.CodeN++
			tally(code, &r.CodeMRR, &r.CodeFirst, &r.CodeMisses, fmt.Sprintf("%q (%s, lang %s) rank %d", it.Code, it.Doc, it.Lang, code))
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
		tally(cross, &r.CrossMRR, &r.CrossFirst, &r.CrossMisses, fmt.Sprintf("%q → %s rank %d", it.Query, it.TwinDoc, cross))
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
	if r.CiteN > 0 {
		r.CiteMRR /= float64(r.CiteN)
		r.CiteFirst /= float64(r.CiteN)
	}
	if r.CodeN > 0 {
		r.CodeMRR /= float64(r.CodeN)
		r.CodeFirst /= float64(r.CodeN)
	}
	return r, nil
}

// AcronymItem is an acronym in common use for a document ("PIPEDA"), asked
// alone: the document must come first.
type AcronymItem struct {
	Acronym string
	Lang    string // the language of the title it abbreviates
	Code    string // the document's code: its id ends with "<Lang>--<Code>"
}

// ReadAcronyms reads a file of acronyms: one "acronym<TAB>lang<TAB>code" a
// line, "#" starting a comment line.
func ReadAcronyms(path string) ([]AcronymItem, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("acronyms: %w", err)
	}
	var out []AcronymItem
	for i, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[0] == "" || (f[1] != lang.English && f[1] != lang.French) || f[2] == "" {
			return nil, fmt.Errorf("acronyms: %s:%d: want acronym, en or fr, and a code, separated by tabs", filepath.Base(path), i+1)
		}
		out = append(out, AcronymItem{Acronym: f[0], Lang: f[1], Code: f[2]})
	}
	return out, nil
}

// AddAcronyms asks each acronym of items alone, grouped by document, and
// adds the rank of its document to r. An item whose document the index
// lacks is an error.
func (r *TitleReport) AddAcronyms(ctx context.Context, s *search.Searcher, items []AcronymItem) error {
	docs := s.Documents()
	for _, it := range items {
		doc, key := "", it.Lang+"--"+it.Code
		for _, d := range docs {
			if d.ID == key || strings.HasSuffix(d.ID, "--"+key) {
				doc = d.ID
			}
		}
		if doc == "" {
			return fmt.Errorf("acronyms: %s: no document %s in %s", it.Acronym, it.Code, it.Lang)
		}
		rank, err := docRank(ctx, s, it.Acronym, "", doc)
		if err != nil {
			return err
		}
		r.AcronymN++
		tally(rank, &r.AcronymMRR, &r.AcronymFirst, &r.AcronymMisses, fmt.Sprintf("%q (%s) rank %d", it.Acronym, doc, rank))
	}
	if r.AcronymN > 0 {
		r.AcronymMRR /= float64(r.AcronymN)
		r.AcronymFirst /= float64(r.AcronymN)
	}
	return nil
}

// tally adds a rank (1-based; 0: not found) to a figure's sums: its
// reciprocal to mrr, one to first when it is 1, miss to misses otherwise.
func tally(rank int, mrr, first *float64, misses *[]string, miss string) {
	if rank > 0 {
		*mrr += 1 / float64(rank)
	}
	if rank == 1 {
		*first++
	} else {
		*misses = append(*misses, miss)
	}
}

// reCode is a chapter code's shape: "P-21", "B-9.8594".
var reCode = regexp.MustCompile(`^[A-Z]{1,3}-[0-9]+(?:\.[0-9]+)*$`)

// docCode returns the chapter code ending document id ("P-21" of
// "en--P-21"), or "".
func docCode(id string) string {
	if i := strings.LastIndex(id, "--"); i >= 0 {
		id = id[i+2:]
	}
	if !reCode.MatchString(id) {
		return ""
	}
	return id
}

// sectionRank returns the 1-based rank, among the first Cutoff passages q
// finds, of the first passage of doc's section num, or 0.
func sectionRank(ctx context.Context, s *search.Searcher, q, doc, num string) (int, error) {
	res, err := s.Search(ctx, search.Request{Query: q, Size: Cutoff})
	if err != nil {
		return 0, fmt.Errorf("citation %q: %w", q, err)
	}
	for i, h := range res.Hits {
		if m := reSection.FindStringSubmatch(h.Heading); h.DocID == doc && m != nil && m[1] == num {
			return i + 1, nil
		}
	}
	return 0, nil
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
	if r.CiteN > 0 {
		fmt.Fprintf(w, "%-24s %4d  %6.3f  %8.3f\n", "a section, cited", r.CiteN, r.CiteMRR, r.CiteFirst)
		fmt.Fprintln(w, "cited: \"Title s. N\" (English), \"Titre, art. N\" (French); the section among the first ten passages")
	}
	if r.CodeN > 0 {
		fmt.Fprintf(w, "%-24s %4d  %6.3f  %8.3f\n", "the Act, by its code", r.CodeN, r.CodeMRR, r.CodeFirst)
		fmt.Fprintln(w, "by its code: the chapter code alone (\"P-21\"), restricted to the Act's language")
	}
	if r.AcronymN > 0 {
		fmt.Fprintf(w, "%-24s %4d  %6.3f  %8.3f\n", "the Act, by an acronym", r.AcronymN, r.AcronymMRR, r.AcronymFirst)
		fmt.Fprintln(w, "by an acronym: acronyms in common use (\"PIPEDA\", \"LPRPDE\"; search/testdata/acronyms.tsv), alone")
	}
}

// WriteMisses lists the titles whose Act (or other version) is not first.
func (r *TitleReport) WriteMisses(w io.Writer) {
	for _, m := range r.SameMisses {
		fmt.Fprintln(w, "  same  ", m)
	}
	for _, m := range r.CrossMisses {
		fmt.Fprintln(w, "  across", m)
	}
	for _, m := range r.CiteMisses {
		fmt.Fprintln(w, "  cited ", m)
	}
	for _, m := range r.CodeMisses {
		fmt.Fprintln(w, "  code  ", m)
	}
	for _, m := range r.AcronymMisses {
		fmt.Fprintln(w, "  acronym", m)
	}
}
