package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/watch"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the web interface.
type Options struct {
	Logger *slog.Logger
	// SearchTimeout bounds each search; zero means 2 seconds.
	SearchTimeout time.Duration
	// Labels names actor and forum ids where the search result does not
	// (selected filters, document metadata); nil shows the ids.
	Labels search.Labeler
	// Watch reads the change log for the "What's new" page (/changes)
	// and document histories; nil answers 503 there.
	Watch *watch.Watcher
}

// ContentSecurityPolicy is sent with every page: scripts, styles and
// images only from this origin, no inline script or style, no framing.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

type handler struct {
	get   func() *search.Searcher
	opts  Options
	log   *slog.Logger
	pages map[string]*template.Template
	// static files by name, with their content hash (ETag and ?v=).
	static map[string]staticFile
	// router serves the pages alone (ServeHTTP, tests); a server mounts
	// them on its own router with Mount.
	router chi.Router
}

type staticFile struct {
	body  []byte
	hash  string
	ctype string
}

// Handler is the web interface. Mount adds its routes to a server's
// router; it also serves them alone as an http.Handler.
type Handler interface {
	http.Handler
	// Mount adds the pages' routes to r: the search page at /, documents
	// at /documents/{id}, the list of documents at /documents and assets
	// under /static/.
	Mount(r chi.Router)
}

// New returns the web interface. get returns the live searcher, or nil
// while the index is being built (pages then answer 503 and reload
// themselves).
func New(get func() *search.Searcher, opts Options) Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.SearchTimeout <= 0 {
		opts.SearchTimeout = search.DefaultTimeout
	}
	h := &handler{get: get, opts: opts, log: opts.Logger, pages: map[string]*template.Template{},
		static: map[string]staticFile{}}
	for _, name := range []string{"search", "document", "documents", "error", "changes", "history"} {
		h.pages[name] = template.Must(template.New("layout.html").ParseFS(templateFS, "templates/layout.html", "templates/change.html", "templates/"+name+".html"))
	}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h.static[strings.TrimPrefix(p, "static/")] = staticFile{body: b, hash: hex.EncodeToString(sum[:6]), ctype: contentType(p)}
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("web: embedded assets: %v", err)) // cannot happen: the files are compiled in
	}
	h.router = chi.NewRouter()
	h.Mount(h.router)
	h.router.NotFound(h.notFound)
	return h
}

// Mount adds the pages' routes to r.
func (h *handler) Mount(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(pageHeaders)
		for pattern, fn := range map[string]http.HandlerFunc{
			"/": h.search, "/documents/{id}": h.viewed(h.document), "/documents": h.viewed(h.documents), "/static/{name}": h.asset,
			"/documents/{id}/history": h.viewed(h.history), "/changes": h.viewed(h.whatsNew),
		} {
			r.Get(pattern, fn)
			r.Head(pattern, fn) // as GET, without the body
		}
	})
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.router.ServeHTTP(w, r) }

// pageHeaders sets the headers every page and asset carries.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// notFound is the page for an unknown path when the pages are served
// alone.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	p := h.newPage(w, r, "")
	h.fail(w, r, &p, search.ErrNotFound)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return "application/octet-stream"
}

func (h *handler) asset(w http.ResponseWriter, r *http.Request) {
	f, ok := h.static[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("ETag", `"`+f.hash+`"`)
	// A request carrying the current version may be cached for good; the
	// pages always link the current version.
	if r.URL.Query().Get("v") == f.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

// staticURL is an asset's URL with its content version.
func (h *handler) staticURL(name string) string {
	return "/static/" + name + "?v=" + h.static[name].hash
}

// newPage fills what every page needs. switchState is the page's URL
// state for the language switch ("" when the page has no query state).
func (h *handler) newPage(w http.ResponseWriter, r *http.Request, title string) page {
	ui, explicit := pickUI(r)
	w.Header().Set("Content-Language", ui)
	w.Header().Add("Vary", "Accept-Language")
	p := page{UI: ui, Title: title, Hidden: map[string]string{}, CSS: h.staticURL("vigie.css"),
		JS: h.staticURL("vigie.js"), Icon: h.staticURL("favicon.svg"), Status: http.StatusOK}
	if explicit {
		p.Hidden["ui"] = ui
		p.UIQuery = uiQuery(ui, true)
	}
	// The switch shows this very URL in the other language.
	q := r.URL.Query()
	q.Set("ui", p.Other())
	p.SwitchLang = p.Other()
	path := r.URL.Path
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
		path = "/" // never a protocol-relative link to another host
	}
	p.SwitchHref = path + "?" + q.Encode()
	return p
}

// view takes the live generation for one page (the caller releases it)
// and names it in the X-Vigie-Generation header, as the API does; nil
// while there is no index.
func (h *handler) view(w http.ResponseWriter) *search.View {
	sr := h.get()
	if sr == nil {
		return nil
	}
	v := sr.Acquire()
	name, _ := v.Generation()
	w.Header().Set("X-Vigie-Generation", name)
	return v
}

// label names a facet value for the page's language: the searcher's
// labels for actors and forums, language names, year ranges.
func (h *handler) labeler(ui string) func(facet, value string) string {
	return func(facet, value string) string {
		f, _ := indexer.FacetNamed(facet)
		switch f.Kind {
		case indexer.FacetLang:
			return lang.Label(value, ui)
		case indexer.FacetEntity:
			if h.opts.Labels != nil {
				if l := h.opts.Labels.Label(value, ui); l != "" {
					return l
				}
			}
		case indexer.FacetYear:
			if a, b, ok := strings.Cut(value, ".."); ok {
				return strings.TrimSpace(a) + "–" + strings.TrimSpace(b)
			}
		}
		return value
	}
}

// render executes a page template into a buffer first, so that a
// template error becomes a clean 500 rather than half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, name string, status int, data any) {
	var buf bytes.Buffer
	if err := h.pages[name].Execute(&buf, data); err != nil {
		h.log.Error("render page", "page", name, "err", err, "path", r.URL.Path)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("Internal error / Erreur interne\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// errorView is the page for errors that leave nothing else to show.
type errorView struct {
	page
	Heading, Message string
}

// fail turns an error into a page with a status that fits; like the
// API's writeError, it is the one place this package maps errors, and
// only a user's own input is echoed back.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, p *page, err error) {
	v := &errorView{page: *p}
	var in *search.InputError
	switch {
	case errors.As(err, &in):
		v.Status, v.Heading, v.Message = http.StatusBadRequest, v.T("error.input"), in.Msg
	case errors.Is(err, search.ErrNotFound):
		v.Status, v.Heading, v.Message = http.StatusNotFound, v.T("error.notfound"), v.T("error.notfound.doc")
	case errors.Is(err, search.ErrUnavailable):
		v.Status, v.Heading, v.Message = http.StatusServiceUnavailable, v.T("error.unavailable"), v.T("error.building")
		v.RefreshSeconds = 5
		w.Header().Set("Retry-After", "5")
	case errors.Is(err, search.ErrBusy):
		v.Status, v.Heading, v.Message = http.StatusServiceUnavailable, v.T("error.title"), v.T("error.busy")
		v.RefreshSeconds = 2
		w.Header().Set("Retry-After", "1")
	case errors.Is(err, context.DeadlineExceeded):
		v.Status, v.Heading, v.Message = http.StatusServiceUnavailable, v.T("error.title"), v.T("error.slow")
	case errors.Is(err, context.Canceled):
		return // the client left
	default:
		v.Status, v.Heading, v.Message = http.StatusInternalServerError, v.T("error.title"), v.T("error.body")
		h.log.Error("page failed", "err", err, "path", r.URL.Path)
	}
	v.Title = v.Heading
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, "error", v.Status, v)
}

func (h *handler) search(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "")
	st := readState(r.URL.Query(), p.UI, p.Hidden["ui"] != "")
	p.Q = st.Q
	sr := h.view(w)
	if sr == nil {
		h.fail(w, r, &p, search.ErrUnavailable)
		return
	}
	defer sr.Release()
	label := h.labeler(p.UI)
	v := &searchView{page: p, Chips: buildChips(&p, st, label)}
	if len(v.Chips) > 1 {
		c := st.clone()
		c.Filters, c.Page = map[string][]string{}, 1
		v.ClearHref = c.href()
	}
	v.Landing = strings.TrimSpace(st.Q) == "" && !st.hasFilters() && st.Sort == "" && st.From == "" && st.To == ""
	v.Sort, v.DateFrom, v.DateTo = st.Sort, st.From, st.To
	if st.Q != "" {
		v.Title = st.Q
	}

	var res *search.Result
	var err error
	if st.pageErr != "" {
		err = &search.InputError{Msg: st.pageErr}
	} else {
		req := st.request()
		if v.Landing {
			req.Size = 1 // only the facet counts and the total
		}
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.SearchTimeout)
		defer cancel()
		res, err = sr.Search(ctx, req)
	}
	var in *search.InputError
	switch {
	case errors.As(err, &in):
		v.Status, v.InputError = http.StatusBadRequest, in.Msg
	case err != nil:
		h.fail(w, r, &v.page, err)
		return
	}
	v.Facets = buildFacets(&v.page, st, res, label)
	if v.Landing {
		h.fillLanding(v, sr, st)
	} else if res != nil {
		h.fillResults(v, st, res)
	}
	h.render(w, r, "search", v.Status, v)
}

// fillResults maps a search result to the view.
func (h *handler) fillResults(v *searchView, st state, res *search.Result) {
	v.Searched, v.Total, v.Relaxed = true, res.Total, res.Relaxed
	count := v.T("results.count", res.Total)
	if res.Total == 1 {
		count = v.T("results.count.one")
	}
	v.CountText = count + " " + v.T("results.took", res.TookMS)
	if last := (res.Total + pageSize - 1) / pageSize; last > 1 && uint64(st.Page) <= last {
		v.CountText += " · " + v.T("results.page", st.Page, last)
	}
	first := (st.Page-1)*pageSize + 1
	for i, hit := range res.Hits {
		v.Hits = append(v.Hits, hitView{
			N: first + i, ID: hit.ID, DocID: hit.DocID, Lang: hit.Lang, Title: hit.Title,
			// The only trusted HTML of the package: the search package
			// escapes the passage and adds nothing but <mark>…</mark>.
			Heading: template.HTML(hit.HeadingHighlight),
			Text:    template.HTML(hit.Highlight),
			Date:    formatDate(v.UI, hit.Date), DateISO: hit.Date,
			Href: docHref(hit.DocID, hit.ID, &st), More: hit.More,
		})
	}
	fillExtras(v, st, readExtras(res))
	if h.opts.Watch != nil {
		f := st.withPage(1)
		f.explicitUI, f.Sort, f.From, f.To = false, "", "", ""
		if e := f.encode(); e != "" {
			v.FeedHref, v.ChangesHref = "/feed.atom?"+e, "/changes?"+e
		}
	}
	v.Pager = buildPager(&v.page, st, res.Total)
	switch {
	case res.Total == 0:
		v.Examples = examples(v.UI, st)
	case len(res.Hits) == 0: // a page past the last one
		last := int(min((res.Total+pageSize-1)/pageSize, maxPage))
		v.PastEnd, v.LastHref = last, st.withPage(last).href()
	}
}

// examples are queries that find something in the seed corpus, in the
// interface's language first.
func examples(ui string, st state) []link {
	qs := []string{"cyber attacks", "cybersecurite", "OTAN", `"Cyber Defence Pledge"`, "NATO OR OTAN", "stratégie -OTAN"}
	if ui == "fr" {
		qs = []string{"cybersécurité", "OTAN", "ministere des armees", `"sécurité du numérique"`, "NATO OR OTAN", "cyber attacks"}
	}
	base := state{UI: st.UI, explicitUI: st.explicitUI, Filters: map[string][]string{}}
	var out []link
	for _, q := range qs {
		out = append(out, link{Text: q, Href: base.withQuery(q).href()})
	}
	return out
}

// landingDocs is how many documents the landing page lists.
const landingDocs = 20

func (h *handler) fillLanding(v *searchView, sr *search.View, st state) {
	v.Examples = examples(v.UI, st)
	docs := sr.Documents()
	for i, d := range docs {
		if i == landingDocs {
			v.MoreDocuments = len(docs)
			break
		}
		v.Documents = append(v.Documents, docLink{Title: d.Title, Lang: d.Lang, Date: formatDate(v.UI, d.Updated),
			Href: docHref(d.ID, "", &state{UI: st.UI, explicitUI: st.explicitUI}), Passages: d.Passages})
	}
}

// viewed adapts a page that reads the index: it makes the page, takes
// the live generation for it (the 503 page while there is none) and
// releases it after.
func (h *handler) viewed(fn func(w http.ResponseWriter, r *http.Request, p page, sr *search.View)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := h.newPage(w, r, "")
		sr := h.view(w)
		if sr == nil {
			h.fail(w, r, &p, search.ErrUnavailable)
			return
		}
		defer sr.Release()
		fn(w, r, p, sr)
	}
}

func (h *handler) document(w http.ResponseWriter, r *http.Request, p page, sr *search.View) {
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.SearchTimeout)
	defer cancel()
	info, passages, err := sr.Document(ctx, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, &p, err)
		return
	}
	// "from" is the result page the reader came from; it is re-encoded
	// from known parameters only, so it can only ever link to a search.
	back := ""
	if from, err := url.ParseQuery(r.URL.Query().Get("from")); err == nil && len(from) > 0 {
		st := readState(from, p.UI, p.Hidden["ui"] != "")
		st.pageErr = ""
		back = st.href()
		p.Q = st.Q
	}
	p.Title = info.Title
	v := newDocView(p, info, passages, h.labeler(p.UI), back)
	h.render(w, r, "document", http.StatusOK, v)
}

// documentsView lists every document.
type documentsView struct {
	page
	Documents []docLink
}

func (h *handler) documents(w http.ResponseWriter, r *http.Request, p page, sr *search.View) {
	p.Title = p.T("documents.title")
	v := &documentsView{page: p}
	st := &state{UI: p.UI, explicitUI: p.Hidden["ui"] != ""}
	for _, d := range sr.Documents() {
		v.Documents = append(v.Documents, docLink{Title: d.Title, Lang: d.Lang, Date: formatDate(p.UI, d.Updated),
			Href: docHref(d.ID, "", st), Passages: d.Passages})
	}
	h.render(w, r, "documents", http.StatusOK, v)
}
