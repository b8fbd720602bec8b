package api

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/watch"
)

// watchRequest reads the parameters shared by /api/v1/changes and
// /feed.atom: since, q, the search filters, kind, page and size.
func watchRequest(r *http.Request, defSize int) (watch.Request, error) {
	qv := r.URL.Query()
	req := watch.Request{Since: qv.Get("since"), Query: qv.Get("q"), Filters: map[string][]string{}}
	var err error
	if req.Page, err = intParam(r, "page", 1); err != nil {
		return req, err
	}
	if req.Size, err = intParam(r, "size", defSize); err != nil {
		return req, err
	}
	for _, name := range indexer.FacetNames() {
		req.Filters[name] = splitList(qv[name])
	}
	req.Kinds = splitList(qv["kind"])
	return req, nil
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

func (s *server) changes(ctx context.Context, r *http.Request, v *search.View) (any, error) {
	req, err := watchRequest(r, 20)
	if err != nil {
		return nil, err
	}
	return s.watch.Changes(ctx, v, req)
}

func (s *server) history(ctx context.Context, r *http.Request, v *search.View) (any, error) {
	id := chi.URLParam(r, "id")
	vs, err := s.watch.History(ctx, v, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": id, "versions": vs}, nil
}

// feed serves the changes of a query as Atom: by default the new and
// changed passages (kind=removed adds the removed ones), 50 entries.
func (s *server) feed(w http.ResponseWriter, r *http.Request) {
	req, err := watchRequest(r, 50)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(req.Kinds) == 0 {
		req.Kinds = []string{string(changelog.Added), string(changelog.Changed)}
	}
	v, err := s.view(w)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer v.Release()
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	res, err := s.watch.Changes(ctx, v, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	key := feedKey(r.URL.Query())
	title := "Vigie"
	if q := strings.TrimSpace(req.Query); q != "" {
		title += ": " + q
	}
	f := watch.Feed{Title: title, Key: key, Self: "/feed.atom?" + key, Alternate: "/changes?" + key}
	_, m := v.Generation()
	f.Updated = m.BuiltAt // when nothing matched: the generation's time
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	if err := watch.WriteAtom(w, f, res.Changes); err != nil {
		s.log.Warn("write feed", "err", err)
	}
}

// feedKey is the query string of a feed's query without paging, sorted,
// so the same query always has the same feed id.
func feedKey(qv url.Values) string {
	out := url.Values{}
	keys := make([]string, 0, len(qv))
	for k := range qv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "page", "size", "ui":
			continue
		}
		for _, v := range qv[k] {
			if strings.TrimSpace(v) != "" {
				out.Add(k, v)
			}
		}
	}
	return out.Encode()
}
