package web

import (
	"context"
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/watch"
)

// changeView is one change on the "What's new" and history pages.
type changeView struct {
	ID, Kind, KindLabel string
	DocID, Title, Lang  string
	Heading             string
	Time, TimeISO       string
	Href                string
	// Body is trusted HTML: the word diff (changelog escapes the text and
	// adds only <del>/<ins>), or the escaped text.
	Body          template.HTML
	PrevHeading   string
	Removed, Adds []string
}

// changesView is the "What's new" page.
type changesView struct {
	page
	Since, Kind, Lang string
	Total             int
	Generation        string
	Changes           []changeView
	InputError        string
	FeedHref          string
	Prev, Next        string
	Truncated         bool
	Searched          bool
	// Keep are the filters the form has no input for (actor, forum,
	// year…): hidden inputs, so that submitting the form keeps them.
	Keep []keptFilter
}

type keptFilter struct{ Name, Value string }

// historyView is a document's history page.
type historyView struct {
	page
	DocID, DocHref string
	Versions       []versionView
}

type versionView struct {
	Kind, KindLabel string
	Time, TimeISO   string
	Generation      string
	Counts          string
	Changes         []changeView
}

func formatTime(ui string, t time.Time) string {
	t = t.UTC()
	return formatDate(ui, t.Format(time.DateOnly)) + " " + t.Format("15:04") + " UTC"
}

func (h *handler) changeView(p *page, c *changelog.Change) changeView {
	v := changeView{ID: c.ID, Kind: string(c.Kind), KindLabel: p.T("change." + string(c.Kind)), DocID: c.DocID,
		Title: c.Title, Lang: c.Lang, Heading: c.Heading, Time: formatTime(p.UI, c.Time),
		TimeISO: c.Time.UTC().Format(time.RFC3339)}
	v.Href = watch.PassageURL(c)
	if p.UIQuery != "" {
		if path, frag, ok := strings.Cut(v.Href, "#"); ok {
			v.Href = path + p.UIQuery + "#" + frag
		}
	}
	switch {
	case c.Kind == changelog.Changed && c.Diff != nil:
		v.Body = template.HTML(c.Diff.HTML)
		v.Removed, v.Adds = c.Diff.Removed, c.Diff.Added
		if c.Previous != nil && c.Previous.Heading != c.Heading {
			v.PrevHeading = c.Previous.Heading
		}
	case c.Kind == changelog.Removed:
		v.Body = template.HTML("<del>" + html.EscapeString(c.Text) + "</del>")
	default:
		v.Body = template.HTML(html.EscapeString(c.Text))
	}
	return v
}

// whatsNew serves /changes: the changes since a date, with the search's
// query and filters, newest first, and the link to follow them as a feed.
func (h *handler) whatsNew(w http.ResponseWriter, r *http.Request, p page, sr *search.View) {
	p.Title = p.T("changes.title")
	qv := r.URL.Query()
	v := &changesView{page: p, Since: qv.Get("since"), Kind: qv.Get("kind"), Lang: qv.Get("lang")}
	v.Q = qv.Get("q")
	req := watch.Request{Since: v.Since, Query: v.Q, Filters: map[string][]string{}, Size: pageSize}
	for _, name := range indexer.FacetNames() {
		for _, val := range qv[name] {
			for _, part := range strings.Split(val, ",") {
				if part = strings.TrimSpace(part); part != "" {
					req.Filters[name] = append(req.Filters[name], part)
					if name != "lang" {
						v.Keep = append(v.Keep, keptFilter{name, part})
					}
				}
			}
		}
	}
	if v.Kind != "" {
		req.Kinds = []string{v.Kind}
	}
	req.Page = 1
	if s := qv.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			v.InputError = "page must be a whole number, 1 or more"
		}
		req.Page = n
	}
	feed := url.Values{}
	for k, vals := range qv {
		if k == "page" || k == "ui" {
			continue
		}
		for _, val := range vals {
			if strings.TrimSpace(val) != "" {
				feed.Add(k, val)
			}
		}
	}
	v.FeedHref = "/feed.atom"
	if e := feed.Encode(); e != "" {
		v.FeedHref += "?" + e
	}
	if v.InputError == "" {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.SearchTimeout)
		defer cancel()
		res, err := h.opts.Watch.Changes(ctx, sr, req)
		var in *search.InputError
		switch {
		case errors.As(err, &in):
			v.Status, v.InputError = http.StatusBadRequest, in.Msg
		case err != nil:
			h.fail(w, r, &v.page, err)
			return
		default:
			v.Searched, v.Total, v.Generation, v.Truncated = true, res.Total, res.Generation, res.Truncated
			for i := range res.Changes {
				v.Changes = append(v.Changes, h.changeView(&v.page, &res.Changes[i]))
			}
			link := func(n int) string {
				c := url.Values{}
				for k, vals := range qv {
					c[k] = vals
				}
				c.Set("page", strconv.Itoa(n))
				return "/changes?" + c.Encode()
			}
			if req.Page > 1 {
				v.Prev = link(req.Page - 1)
			}
			if req.Page*pageSize < res.Total {
				v.Next = link(req.Page + 1)
			}
		}
	}
	h.render(w, r, "changes", v.Status, v)
}

// history serves /documents/{id}/history: the versions of a document,
// newest first, with the changed words marked.
func (h *handler) history(w http.ResponseWriter, r *http.Request, p page, sr *search.View) {
	id := r.PathValue("id")
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.SearchTimeout)
	defer cancel()
	vs, err := h.opts.Watch.History(ctx, sr, id)
	if err != nil {
		h.fail(w, r, &p, err)
		return
	}
	v := &historyView{page: p, DocID: id, DocHref: "/documents/" + url.PathEscape(id) + p.UIQuery}
	v.Title = id
	for _, ver := range vs {
		if v.Title == id && ver.Title != "" {
			v.Title = ver.Title
		}
		vv := versionView{Kind: string(ver.Kind), KindLabel: p.T("version." + string(ver.Kind)), Time: formatTime(p.UI, ver.Time),
			TimeISO: ver.Time.UTC().Format(time.RFC3339), Generation: ver.Generation}
		if ver.Kind == changelog.Changed {
			vv.Counts = p.T("version.counts", ver.Added, ver.Changed, ver.Removed)
		}
		for i := range ver.Changes {
			vv.Changes = append(vv.Changes, h.changeView(&v.page, &ver.Changes[i]))
		}
		v.Versions = append(v.Versions, vv)
	}
	v.page.Title = p.T("history.title") + " · " + v.Title
	h.render(w, r, "history", http.StatusOK, v)
}
