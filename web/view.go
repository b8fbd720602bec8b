package web

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search"
)

// page is what every page's layout needs.
type page struct {
	UI    string
	Title string
	// Q fills the search box.
	Q string
	// Hidden are extra inputs of the search form (ui when it was chosen).
	Hidden map[string]string
	// UIQuery is "?ui=xx" when the URL chose the interface language, for
	// links that leave the page.
	UIQuery string
	// SwitchHref shows the same page in the other interface language.
	SwitchHref, SwitchLang string
	// Static URLs, versioned by content so they can be cached.
	CSS, JS, Icon string
	// Status is the HTTP status; RefreshSeconds > 0 reloads the page
	// (the 503 page while the index is being built).
	Status         int
	RefreshSeconds int
}

// T translates a label into the page's language.
func (p *page) T(key string, args ...any) string { return tr(p.UI, key, args...) }

// LangName names a language code in the page's language.
func (p *page) LangName(code string) string { return lang.Label(code, p.UI) }

// facetTitle is a facet's heading in the page's language, from the
// registry.
func (p *page) facetTitle(name string) string {
	f, ok := indexer.FacetNamed(name)
	if !ok {
		return name
	}
	return f.Title[p.UI]
}

// Other is the interface language the switch offers.
func (p *page) Other() string {
	if p.UI == "fr" {
		return "en"
	}
	return "fr"
}

// searchView is the result page (and the landing page).
type searchView struct {
	page
	// Landing is the page without query or filter: intro, examples,
	// documents.
	Landing bool
	// InputError is a user mistake in the URL, shown above the results.
	InputError string

	Searched  bool // a search ran and Total/Hits mean something
	Total     uint64
	CountText string // "12 passages in 3.1 ms · page 2 of 3"
	Relaxed   bool
	Fuzzy     bool
	// Suggestion is a "did you mean" query, SuggestionHref its results.
	Suggestion, SuggestionHref string
	Hits                       []hitView
	Facets                     []facetView
	Chips                      []chip
	ClearHref                  string
	Pager                      *pager
	// PastEnd is the number of the last page when the URL asks for a
	// page after it; LastHref links it.
	PastEnd       int
	LastHref      string
	Examples      []link
	Documents     []docLink
	MoreDocuments int
	// FeedHref follows the search as an Atom feed of its new and changed
	// passages; ChangesHref shows them on the "What's new" page.
	FeedHref, ChangesHref string
	// Sort, DateFrom and DateTo fill the order and date-range inputs.
	Sort, DateFrom, DateTo string
}

// hitView is one result.
type hitView struct {
	N       int
	ID      string
	DocID   string
	Lang    string
	Title   string
	Heading template.HTML // search.Hit.HeadingHighlight: escaped, <mark> only
	Text    template.HTML // search.Hit.Highlight: escaped, <mark> only
	Date    string
	DateISO string
	Href    string
	Twin    *twinView
	// More is the number of other passages of the hit's section found.
	More int
}

// twinView is a hit's passage in the other language, shown as plain
// text (escaped by the template).
type twinView struct {
	Lang, Title, Heading, Text, Href string
}

type facetView struct {
	Name   string
	Legend string
	Values []facetValue
	// More are the values past the first few, folded under "More".
	More []facetValue
}

type facetValue struct {
	Name, Value, Label, ID string
	Count                  int
	Checked                bool
	// Depth is how many of the value's ancestors (the gazetteer's
	// hierarchy) the list shows above it: children are indented under
	// their parent.
	Depth int
}

type chip struct {
	Facet, Label, Href, Remove string
}

type link struct{ Text, Href string }

type docLink struct {
	Title, Lang, Date, Href string
	Passages                int
}

type pager struct {
	Prev, Next string
	Pages      []pageLink
}

type pageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool // an ellipsis between page numbers
}

// facetsShown is how many values of a facet are shown before "More".
const facetsShown = 8

// buildFacets turns the result's facet counts into checkbox lists. Every
// selected value gets a checked box, even one the counts no longer list,
// so that submitting the form never drops a filter silently.
func buildFacets(p *page, st state, res *search.Result, label func(facet, value string) string) []facetView {
	var out []facetView
	for _, name := range indexer.FacetNames() {
		fv := facetView{Name: name, Legend: p.facetTitle(name)}
		seen := map[string]bool{}
		var vals []facetValue
		if res != nil {
			depth := facetDepths(res.Facets[name])
			for _, v := range res.Facets[name] {
				seen[v.Value] = true
				vals = append(vals, facetValue{Name: name, Value: v.Value, Label: v.Label, Count: v.Count,
					Checked: slices.Contains(st.Filters[name], v.Value), Depth: depth[v.Value]})
			}
		}
		for _, v := range st.Filters[name] {
			if !seen[v] {
				vals = append(vals, facetValue{Name: name, Value: v, Label: label(name, v), Checked: true})
			}
		}
		if len(vals) == 0 {
			continue
		}
		for i := range vals {
			vals[i].ID = "f-" + name + "-" + strconv.Itoa(i)
			if vals[i].Label == "" {
				vals[i].Label = vals[i].Value
			}
		}
		// Checked values always stay in view.
		for _, v := range vals {
			if len(fv.Values) < facetsShown || v.Checked {
				fv.Values = append(fv.Values, v)
			} else {
				fv.More = append(fv.More, v)
			}
		}
		out = append(out, fv)
	}
	return out
}

// facetDepths returns, for each value, how many of its ancestors are in
// the list (search lists each child right after its parent). Depth is
// capped at 3.
func facetDepths(values []search.FacetValue) map[string]int {
	parent := map[string]string{}
	for _, v := range values {
		parent[v.Value] = v.Parent
	}
	out := map[string]int{}
	for _, v := range values {
		d := 0
		for p := v.Parent; p != "" && d < 3; p = parent[p] {
			if _, ok := parent[p]; !ok {
				break
			}
			d++
		}
		if d > 0 {
			out[v.Value] = d
		}
	}
	return out
}

// buildChips lists the selected filters, each a link that removes it.
func buildChips(p *page, st state, label func(facet, value string) string) []chip {
	var out []chip
	for _, name := range indexer.FacetNames() {
		for _, v := range st.Filters[name] {
			l := label(name, v)
			out = append(out, chip{Facet: p.facetTitle(name), Label: l, Href: st.without(name, v).href(),
				Remove: p.T("filters.remove", p.facetTitle(name), l)})
		}
	}
	return out
}

// buildPager links the pages around the current one.
func buildPager(p *page, st state, total uint64) *pager {
	last := int((total + pageSize - 1) / pageSize)
	last = min(last, maxPage)
	if last <= 1 && st.Page <= 1 {
		return nil
	}
	pg := &pager{}
	if st.Page > 1 {
		pg.Prev = st.withPage(min(st.Page-1, max(last, 1))).href()
	}
	if st.Page < last {
		pg.Next = st.withPage(st.Page + 1).href()
	}
	prevN := 0
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < st.Page-2 || n > st.Page+2) {
			continue
		}
		if prevN != 0 && n > prevN+1 {
			pg.Pages = append(pg.Pages, pageLink{Gap: true})
		}
		pg.Pages = append(pg.Pages, pageLink{N: n, Href: st.withPage(n).href(), Current: n == st.Page})
		prevN = n
	}
	return pg
}

// docHref links a passage in its document, remembering the result page
// so the document can link back to it.
func docHref(docID, passageID string, st *state) string {
	h := "/documents/" + url.PathEscape(docID)
	var q []string
	if st != nil {
		if st.explicitUI {
			q = append(q, "ui="+url.QueryEscape(st.UI))
		}
		if from := st.encode(); from != "" {
			q = append(q, "from="+url.QueryEscape(from))
		}
	}
	if len(q) > 0 {
		h += "?" + strings.Join(q, "&")
	}
	if passageID != "" {
		h += "#" + url.PathEscape(passageID)
	}
	return h
}

// extras are the result fields for "did you mean", the fuzzy retry and
// twin passages, taken from a search result.
type extras struct {
	Suggestion string
	Fuzzy      bool
	Twins      []*search.Twin // by hit, nil where a hit has none
}

// readExtras takes the optional fields of a result.
func readExtras(res *search.Result) extras {
	x := extras{Suggestion: res.Suggestion, Fuzzy: res.Fuzzy, Twins: make([]*search.Twin, len(res.Hits))}
	for i := range res.Hits {
		x.Twins[i] = res.Hits[i].Twin
	}
	return x
}

// fillExtras puts the optional fields into the view.
func fillExtras(v *searchView, st state, x extras) {
	v.Fuzzy = x.Fuzzy
	if s := strings.TrimSpace(x.Suggestion); s != "" && s != strings.TrimSpace(st.Q) {
		v.Suggestion, v.SuggestionHref = s, st.withQuery(s).href()
	}
	for i, t := range x.Twins {
		if i >= len(v.Hits) || t == nil || t.Text == "" {
			continue
		}
		v.Hits[i].Twin = &twinView{Lang: t.Lang, Title: t.Title, Heading: t.Heading, Text: clip(t.Text, 400),
			Href: docHref(t.DocID, t.ID, &st)}
	}
}

// clip shortens s to about n bytes at a word boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexAny(s[:n], " \n")
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimSpace(s[:cut]) + " …"
}
