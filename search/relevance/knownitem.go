package relevance

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search"
)

// KnownItem is a query whose answers are known: a law section's marginal
// note as the query, the section as the answer in its own language and
// the section of the same number in the other version of the Act as the
// answer across languages.
type KnownItem struct {
	Query   string
	Lang    string // the language of the query and of Doc
	Doc     string // the Act in the query's language
	TwinDoc string // the same Act in the other language
	Section string // the section number
	// Ties and TwinTies count the sections of the index in the query's
	// language (in the other language) whose marginal note is the same
	// as the section's (as its twin's), the section itself included: a
	// search for the note cannot tell them apart.
	Ties, TwinTies int
	// NamesDocument is true when the marginal note is, word for word, the
	// title of a document of its language (a consequential amendment
	// headed "Access to Information Act"): a reader who types it looks
	// for that Act, which the search rightly puts first, not for the
	// amending section. Such items are counted apart, not scored.
	NamesDocument bool
}

// reSection reads a law section heading: number, then marginal note.
var reSection = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)*) (\S.*)$`)

// KnownItems samples up to n known items from the laws of s's index: every
// Act present in both languages (document ids that differ only by an
// "en--"/"fr--" segment), every section with a marginal note, both
// languages, taken at an even stride in document order.
func KnownItems(ctx context.Context, s *search.Searcher, n int) ([]KnownItem, error) {
	docs := s.Documents()
	ids := map[string]bool{}
	for _, d := range docs {
		ids[d.ID] = true
	}
	var all []KnownItem
	titles := map[string]bool{} // language + title key
	for _, d := range docs {
		titles[d.Lang+"\x00"+noteKey(d.Title)] = true
	}
	notes := map[string]int{}     // language + note key → sections
	noteOf := map[string]string{} // document + section → note key
	for _, d := range docs {
		_, ps, err := s.Document(ctx, d.ID)
		if err != nil {
			return nil, fmt.Errorf("known items: %w", err)
		}
		twin := twinDocID(d.ID)
		seen := map[string]bool{}
		for _, p := range ps {
			m := reSection.FindStringSubmatch(p.Heading)
			if m == nil || seen[m[1]] {
				continue
			}
			seen[m[1]] = true
			key := d.Lang + "\x00" + noteKey(m[2])
			notes[key]++
			noteOf[d.ID+"\x00"+m[1]] = key
			if twin != "" && ids[twin] {
				all = append(all, KnownItem{Query: m[2], Lang: d.Lang, Doc: d.ID, TwinDoc: twin, Section: m[1]})
			}
		}
	}
	for i := range all {
		it := &all[i]
		it.Ties = notes[noteOf[it.Doc+"\x00"+it.Section]]                 // itself at least
		it.TwinTies = max(1, notes[noteOf[it.TwinDoc+"\x00"+it.Section]]) // 1: no twin section
		it.NamesDocument = titles[it.Lang+"\x00"+noteKey(it.Query)]
	}
	if n <= 0 || len(all) <= n {
		return all, nil
	}
	out := make([]KnownItem, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, all[i*len(all)/n])
	}
	return out, nil
}

// noteKey is a marginal note as a search sees it: its words, lower case,
// accents folded ("Definitions." and "definitions" are one note).
func noteKey(note string) string {
	words := strings.FieldsFunc(lang.Fold(strings.ToLower(note)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, " ")
}

// tiedRR is the expected reciprocal rank of an answer tied with k-1 others
// that a search cannot tell from it, all ranked first in a random order:
// (1 + 1/2 + … + 1/k) / k.
func tiedRR(k int) float64 {
	if k < 1 {
		return 0
	}
	h := 0.0
	for i := 1; i <= k; i++ {
		h += 1 / float64(i)
	}
	return h / float64(k)
}

// twinDocID returns the id of the other language's version of a document
// whose id has an "en" or "fr" segment ("laws--en--A-1" → "laws--fr--A-1"),
// or "".
func twinDocID(id string) string {
	segs := strings.Split(id, "--")
	for i, s := range segs {
		switch s {
		case lang.English:
			segs[i] = lang.French
			return strings.Join(segs, "--")
		case lang.French:
			segs[i] = lang.English
			return strings.Join(segs, "--")
		}
	}
	return ""
}

// KnownItemReport holds the known-item results: the section found in the
// query's language, and its twin found with the search restricted to the
// other language.
type KnownItemReport struct {
	N int
	// Named counts the items left out because their note is a document's
	// title (KnownItem.NamesDocument).
	Named int
	// MRR and Success (found in the top 10) for the section itself…
	SameMRR, SameSuccess float64
	// …and for its twin, by query language.
	CrossMRR, CrossSuccess map[string]float64
	CrossN                 map[string]int
	Cross                  float64 // MRR across languages, both directions
	// The ceilings: the MRR of a ranking that puts the answer and the
	// sections sharing its marginal note first, in a random order (the
	// best a search for the note alone can expect).
	SameCeiling  float64
	CrossCeiling map[string]float64
	CrossBoth    float64 // the ceiling across languages, both directions
}

// RunKnownItems searches every item twice: as is (the section must come
// up) and restricted to the other language (its twin must come up).
func RunKnownItems(ctx context.Context, s *search.Searcher, items []KnownItem) (*KnownItemReport, error) {
	r := &KnownItemReport{CrossMRR: map[string]float64{}, CrossSuccess: map[string]float64{}, CrossN: map[string]int{}, CrossCeiling: map[string]float64{}}
	for _, it := range items {
		if it.NamesDocument {
			r.Named++
			continue
		}
		r.SameCeiling += tiedRR(it.Ties)
		r.CrossCeiling[it.Lang] += tiedRR(it.TwinTies)
		r.CrossBoth += tiedRR(it.TwinTies)
		same, err := rankOf(ctx, s, it.Query, "", it.Doc, it.Section)
		if err != nil {
			return nil, err
		}
		other := lang.French
		if it.Lang == lang.French {
			other = lang.English
		}
		cross, err := rankOf(ctx, s, it.Query, other, it.TwinDoc, it.Section)
		if err != nil {
			return nil, err
		}
		r.N++
		if same > 0 {
			r.SameMRR += 1 / float64(same)
			r.SameSuccess++
		}
		r.CrossN[it.Lang]++
		if cross > 0 {
			r.CrossMRR[it.Lang] += 1 / float64(cross)
			r.CrossSuccess[it.Lang]++
			r.Cross += 1 / float64(cross)
		}
	}
	if r.N > 0 {
		n := float64(r.N)
		r.SameMRR /= n
		r.SameSuccess /= n
		r.Cross /= n
		r.SameCeiling /= n
		r.CrossBoth /= n
	}
	for l, c := range r.CrossN {
		r.CrossCeiling[l] /= float64(c)
		r.CrossMRR[l] /= float64(c)
		r.CrossSuccess[l] /= float64(c)
	}
	return r, nil
}

// rankOf returns the 1-based rank, in the top 10, of the first passage of
// doc's section num, or 0.
func rankOf(ctx context.Context, s *search.Searcher, q, lg, doc, num string) (int, error) {
	req := search.Request{Query: q, Size: Cutoff}
	if lg != "" {
		req.Filters = map[string][]string{"lang": {lg}}
	}
	res, err := s.Search(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("known item %q: %w", q, err)
	}
	for i, h := range res.Hits {
		if h.DocID == doc && (h.Heading == num || strings.HasPrefix(h.Heading, num+" ")) {
			return i + 1, nil
		}
	}
	return 0, nil
}

// WriteTable prints the known-item figures.
func (r *KnownItemReport) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "known items: %d law sections (query: the marginal note)", r.N)
	if r.Named > 0 {
		fmt.Fprintf(w, "; %d more left out, their note being an Act's title", r.Named)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-24s %4s  %6s  %10s  %7s\n", "answer", "n", "MRR", "success@10", "ceiling")
	fmt.Fprintf(w, "%-24s %4d  %6.3f  %10.3f  %7.3f\n", "section, same language", r.N, r.SameMRR, r.SameSuccess, r.SameCeiling)
	for _, l := range []string{lang.English, lang.French} {
		if r.CrossN[l] == 0 {
			continue
		}
		name := "twin, en query → fr"
		if l == lang.French {
			name = "twin, fr query → en"
		}
		fmt.Fprintf(w, "%-24s %4d  %6.3f  %10.3f  %7.3f\n", name, r.CrossN[l], r.CrossMRR[l], r.CrossSuccess[l], r.CrossCeiling[l])
	}
	fmt.Fprintf(w, "%-24s %4d  %6.3f  %10s  %7.3f\n", "twin, both directions", r.N, r.Cross, "", r.CrossBoth)
	fmt.Fprintln(w, "ceiling: the MRR if the answer and every section sharing its marginal note came first, in a random order")
}
