package web

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// maxPage caps the page parameter: deep pages cost memory in bleve
// (from+size hits are kept) and nobody reads page 1,000.
const maxPage = 1000

// pageSize is the number of hits per result page.
const pageSize = 10

// state is what a result page's URL says: query, filters, page and
// interface language. Every link of a page is the state with one change.
type state struct {
	Q       string
	Filters map[string][]string
	Page    int
	UI      string
	// explicitUI is set when the URL chose the interface language; links
	// keep ui= only then, so a shared link follows the reader's browser.
	explicitUI bool
	// pageErr is a user mistake in the page parameter.
	pageErr string
	// Sort is "" (relevance) or "date"; From and To bound the documents'
	// dates (date_from, date_to).
	Sort, From, To string
	// Group is "" (sections: the passages of one section shown as one
	// result), "none" (every passage) or "document".
	Group string
}

// readState parses a result page's query parameters. A filter may be
// repeated or comma-separated, as in the API.
func readState(q url.Values, ui string, explicitUI bool) state {
	s := state{Q: q.Get("q"), Filters: map[string][]string{}, Page: 1, UI: ui, explicitUI: explicitUI}
	for _, name := range indexer.FacetNames() {
		for _, v := range q[name] {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" && !slices.Contains(s.Filters[name], part) {
					s.Filters[name] = append(s.Filters[name], part)
				}
			}
		}
	}
	s.Sort, s.From, s.To = strings.TrimSpace(q.Get("sort")), strings.TrimSpace(q.Get("date_from")), strings.TrimSpace(q.Get("date_to"))
	if s.Sort == search.SortRelevance {
		s.Sort = ""
	}
	if s.Group = strings.TrimSpace(q.Get("group")); s.Group == search.GroupSection {
		s.Group = ""
	}
	// Filters typed in the query (lang:fr) become ticked boxes: the box,
	// not the query text, then carries them, so unticking removes them.
	var typed map[string][]string
	s.Q, typed = liftFilters(s.Q)
	for name, vals := range typed {
		for _, v := range vals {
			if !slices.Contains(s.Filters[name], v) {
				s.Filters[name] = append(s.Filters[name], v)
			}
		}
	}
	if v := strings.TrimSpace(q.Get("page")); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			s.pageErr = "page must be a whole number, 1 or more"
		case n > maxPage:
			s.pageErr = "page must be " + strconv.Itoa(maxPage) + " or less"
		default:
			s.Page = n
		}
	}
	return s
}

// hasFilters reports whether any filter is selected.
func (s state) hasFilters() bool {
	for _, v := range s.Filters {
		if len(v) > 0 {
			return true
		}
	}
	return false
}

// clone returns a copy whose filters can be changed freely.
func (s state) clone() state {
	c := s
	c.Filters = make(map[string][]string, len(s.Filters))
	for k, v := range s.Filters {
		c.Filters[k] = slices.Clone(v)
	}
	return c
}

// encode writes the state as a query string, in the order a reader
// expects (q first, ui last) rather than url.Values' alphabetical one.
func (s state) encode() string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	if s.Q != "" {
		add("q", s.Q)
	}
	for _, name := range indexer.FacetNames() {
		for _, val := range s.Filters[name] {
			add(name, val)
		}
	}
	if s.Sort != "" {
		add("sort", s.Sort)
	}
	if s.Group != "" {
		add("group", s.Group)
	}
	if s.From != "" {
		add("date_from", s.From)
	}
	if s.To != "" {
		add("date_to", s.To)
	}
	if s.Page > 1 {
		add("page", strconv.Itoa(s.Page))
	}
	if s.explicitUI {
		add("ui", s.UI)
	}
	return b.String()
}

// href is the URL of the result page for the state.
func (s state) href() string {
	if e := s.encode(); e != "" {
		return "/?" + e
	}
	return "/"
}

// without returns the state with one filter value removed, on page 1.
func (s state) without(name, value string) state {
	c := s.clone()
	c.Filters[name] = slices.DeleteFunc(c.Filters[name], func(v string) bool { return v == value })
	c.Page = 1
	return c
}

// withPage returns the state on page n.
func (s state) withPage(n int) state {
	c := s.clone()
	c.Page = n
	return c
}

// withQuery returns the state for another query, filters kept, page 1.
func (s state) withQuery(q string) state {
	c := s.clone()
	c.Q, c.Page = q, 1
	return c
}

// request is the search the state asks for.
func (s state) request() search.Request {
	return search.Request{Query: s.Q, Filters: s.clone().Filters, Page: s.Page, Size: pageSize, UI: s.UI,
		Sort: s.Sort, DateFrom: s.From, DateTo: s.To, Group: cmp.Or(s.Group, search.GroupSection)}
}

// uiQuery is "?ui=xx" when the interface language was chosen in the URL,
// for links that leave the result page.
func uiQuery(ui string, explicit bool) string {
	if explicit {
		return "?ui=" + ui
	}
	return ""
}

// liftFilters takes the filter words (lang:fr, forum:nato, année:2016)
// out of a query, outside quoted phrases, and returns the rest of the
// query and the filters. A word is a filter when search.Parse reads it as
// one alone, so the page and the search agree on what a filter is.
func liftFilters(q string) (string, map[string][]string) {
	if !strings.Contains(q, ":") {
		return q, nil
	}
	var filters map[string][]string
	var kept []string
	quoted := false
	for _, word := range strings.Fields(q) {
		quotes := strings.Count(word, "\"") + strings.Count(word, "“") + strings.Count(word, "”") +
			strings.Count(word, "«") + strings.Count(word, "»")
		if !quoted && quotes == 0 && strings.Contains(word, ":") {
			p := search.Parse(word)
			if len(p.Filters) > 0 && len(p.Groups) == 0 && len(p.Excluded) == 0 {
				if filters == nil {
					filters = map[string][]string{}
				}
				for name, vals := range p.Filters {
					filters[name] = append(filters[name], vals...)
				}
				continue
			}
		}
		if quotes%2 == 1 {
			quoted = !quoted
		}
		kept = append(kept, word)
	}
	if filters == nil {
		return q, nil
	}
	return strings.Join(kept, " "), filters
}
