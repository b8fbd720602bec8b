package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/watch"
	"github.com/vigie/vigie/web"
)

// Options configure the router. The zero value is a working server: no
// CORS, no rate limit, no query text in logs.
type Options struct {
	Logger *slog.Logger
	// SearchTimeout bounds each search; zero means 2 seconds.
	SearchTimeout time.Duration
	// Labels names actor and forum ids in the web pages where the search
	// result does not (selected filters, document metadata).
	Labels search.Labeler
	// LogQueries adds the query text (the q parameter) to request logs.
	LogQueries bool
	// MaxBodyBytes caps request bodies; zero means 1 MiB.
	MaxBodyBytes int64
	// CORSOrigins lists the origins allowed to call the API from a browser
	// (scheme://host[:port], one "*" wildcard allowed, "*" alone for any).
	// Empty: no CORS headers, cross-origin browser calls are refused.
	CORSOrigins []string
	// RateLimit is the number of requests one client may make per
	// RateWindow; zero disables rate limiting. Probes (/healthz, /readyz)
	// and /metrics are never limited.
	RateLimit int
	// RateWindow is the rate-limit window; zero means one minute.
	RateWindow time.Duration
	// TrustedProxies are the CIDR prefixes of reverse proxies whose
	// X-Forwarded-For header names the client (for rate limits and logs).
	// Empty: the client is the TCP peer.
	TrustedProxies []string
	// Metrics receives the server's metrics; nil creates a new set.
	Metrics *Metrics
	// SeparateMetrics leaves /metrics out of the router: the caller serves
	// Metrics.Handler on a listener of its own (serve --metrics-addr).
	SeparateMetrics bool
	// Admin, when it has a token, adds /api/v1/admin/reindex (admin.go).
	Admin *Admin
	// Changes is the data folder's change log, read by /api/v1/changes,
	// document histories and /feed.atom; nil answers 503 there.
	Changes *changelog.Log
}

// DefaultMaxBodyBytes caps request bodies when Options leave it zero.
const DefaultMaxBodyBytes = 1 << 20

// Validate reports options that cannot be used: a malformed CORS origin
// or proxy prefix, a negative limit.
func (o Options) Validate() error {
	for _, p := range o.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			return fmt.Errorf("trusted proxy %q: want a CIDR prefix such as 10.0.0.0/8", p)
		}
	}
	for _, origin := range o.CORSOrigins {
		if origin == "*" {
			continue
		}
		scheme, rest, ok := strings.Cut(origin, "://")
		if !ok || (scheme != "http" && scheme != "https") || rest == "" || strings.ContainsAny(rest, "/?#") || strings.Count(origin, "*") > 1 {
			return fmt.Errorf("CORS origin %q: want scheme://host[:port], such as https://example.org", origin)
		}
	}
	if o.RateLimit < 0 || o.MaxBodyBytes < 0 || o.SearchTimeout < 0 || o.RateWindow < 0 {
		return fmt.Errorf("negative limit in the API options")
	}
	return nil
}

// Handle lets the caller install the searcher once an index is open and
// mark the server as draining.
type Handle struct {
	searcher atomic.Pointer[search.Searcher]
	draining atomic.Bool
}

// SetSearcher makes s the searcher every request uses.
func (h *Handle) SetSearcher(s *search.Searcher) { h.searcher.Store(s) }

// Searcher returns the current searcher, or nil before the index is open.
func (h *Handle) Searcher() *search.Searcher { return h.searcher.Load() }

// SetDraining marks the server as shutting down: /readyz answers 503.
func (h *Handle) SetDraining() { h.draining.Store(true) }

// Draining reports whether SetDraining was called.
func (h *Handle) Draining() bool { return h.draining.Load() }

type server struct {
	h       *Handle
	log     *slog.Logger
	opts    Options
	metrics *Metrics
	router  chi.Router
	watch   *watch.Watcher
}

// NewRouter returns the HTTP handler for every route.
//
// Every response carries the security headers; errors are problem+json
// from writeError; requests are logged and counted by route pattern. Routes
// under /api must be described in the OpenAPI document (openapi.json): a
// test walks the router to check it.
func NewRouter(h *Handle, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.SearchTimeout <= 0 {
		opts.SearchTimeout = search.DefaultTimeout
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.RateWindow <= 0 {
		opts.RateWindow = time.Minute
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics("")
	}
	opts.Metrics.watch(h)
	r := chi.NewRouter()
	s := &server{h: h, log: opts.Logger, opts: opts, metrics: opts.Metrics, router: r,
		watch: watch.New(opts.Changes)}
	s.middleware(r)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.writeError(w, r, search.ErrNotFound) })
	r.MethodNotAllowed(s.methodNotAllowed)

	// The web interface: the search page, documents and their assets.
	web.New(h.Searcher, web.Options{Logger: opts.Logger, SearchTimeout: opts.SearchTimeout, Labels: opts.Labels, Watch: s.watch}).Mount(r)
	r.Get("/healthz", s.health)
	r.Get("/readyz", s.ready)
	if !opts.SeparateMetrics {
		r.Method(http.MethodGet, "/metrics", s.metrics.Handler())
	}
	r.Get("/feed.atom", s.feed)
	r.Get("/api/openapi.json", s.openAPI)
	r.Route("/api/v1", func(r chi.Router) {
		r.Get("/search", s.read(s.search))
		r.Get("/search/export", s.export)
		r.Get("/facets", s.read(s.facets))
		r.Get("/documents", s.read(s.documents))
		r.Get("/documents/{id}", s.read(s.document))
		r.Get("/documents/{id}/history", s.read(s.history))
		r.Get("/changes", s.read(s.changes))
		r.Get("/passages/{id}", s.read(s.passage))
		s.mountAdmin(r)
		r.Get("/suggest", s.read(s.suggest))
	})
	return r
}

// GenerationHeader names, in every response read from an index, the
// generation that answered it.
const GenerationHeader = "X-Vigie-Generation"

// view takes the live generation for one request (the caller releases
// it) and names it in the response's GenerationHeader: everything the
// response holds comes from that one generation.
func (s *server) view(w http.ResponseWriter) (*search.View, error) {
	sr := s.h.Searcher()
	if sr == nil {
		return nil, search.ErrUnavailable
	}
	v := sr.Acquire()
	name, _ := v.Generation()
	w.Header().Set(GenerationHeader, name)
	return v, nil
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if s.h.Searcher() == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	sr := s.h.Searcher()
	switch {
	case s.h.Draining():
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
	case sr == nil:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
	default:
		gen, m := sr.Generation()
		writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "generation": gen,
			"documents": len(m.Documents), "passages": m.Passages})
	}
}

// intParam reads an optional integer query parameter.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, badRequest{name + " must be an integer"}
	}
	return n, nil
}

// reader answers a request from one generation: its result is written as
// JSON, its error as a problem.
type reader func(ctx context.Context, r *http.Request, v *search.View) (any, error)

// read adapts a reader: it takes the live generation for the request (503
// while there is none), bounds the work by the search timeout, and
// releases the generation after.
func (s *server) read(h reader) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := s.view(w)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer v.Release()
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
		defer cancel()
		body, err := h(ctx, r, v)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, body)
	}
}

func (s *server) search(ctx context.Context, r *http.Request, sr *search.View) (any, error) {
	var err error
	qv := r.URL.Query()
	req := search.Request{Query: qv.Get("q"), UI: uiLang(qv.Get("ui")), After: qv.Get("after"), Filters: map[string][]string{},
		Sort: qv.Get("sort"), DateFrom: qv.Get("date_from"), DateTo: qv.Get("date_to"), Group: qv.Get("group")}
	if req.Page, err = intParam(r, "page", 1); err != nil {
		return nil, err
	}
	if req.Size, err = intParam(r, "size", 10); err != nil {
		return nil, err
	}
	for _, name := range indexer.FacetNames() {
		for _, v := range qv[name] {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					req.Filters[name] = append(req.Filters[name], part)
				}
			}
		}
	}
	began := time.Now()
	res, err := sr.Search(ctx, req)
	s.metrics.observeSearch(time.Since(began), res, err)
	if err != nil {
		return nil, err
	}
	if res.Hits == nil {
		res.Hits = []search.Hit{}
	}
	return res, nil
}

func uiLang(v string) string {
	if strings.HasPrefix(strings.ToLower(v), "fr") {
		return "fr"
	}
	return "en"
}

func (s *server) facets(ctx context.Context, r *http.Request, sr *search.View) (any, error) {
	res, err := sr.Search(ctx, search.Request{UI: uiLang(r.URL.Query().Get("ui")), Size: 1})
	if err != nil {
		return nil, err
	}
	return map[string]any{"total": res.Total, "facets": res.Facets}, nil
}

// docSummary is a document in listings: no file-system detail beyond the
// path relative to the corpus.
type docSummary struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Lang      string   `json:"lang"`
	Path      string   `json:"path"`
	Source    string   `json:"source,omitempty"`
	Licence   string   `json:"licence,omitempty"`
	Published string   `json:"published,omitempty"`
	Updated   string   `json:"updated,omitempty"`
	Year      int      `json:"year,omitempty"`
	Passages  int      `json:"passage_count"`
	Actors    []string `json:"actors"`
	Forums    []string `json:"forums"`
	Years     []int    `json:"years"`
}

func summarize(d indexer.DocInfo) docSummary {
	nz := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	ys := d.Years
	if ys == nil {
		ys = []int{}
	}
	return docSummary{ID: d.ID, Title: d.Title, Lang: d.Lang, Path: d.Path, Source: d.Source, Licence: d.Licence,
		Published: d.Published, Updated: d.Updated, Year: d.Year, Passages: d.Passages,
		Actors: nz(d.Actors), Forums: nz(d.Forums), Years: ys}
}

func (s *server) documents(_ context.Context, _ *http.Request, sr *search.View) (any, error) {
	docs := sr.Documents()
	out := make([]docSummary, 0, len(docs))
	for _, d := range docs {
		out = append(out, summarize(d))
	}
	return map[string]any{"total": len(out), "documents": out}, nil
}

func (s *server) document(ctx context.Context, r *http.Request, sr *search.View) (any, error) {
	info, passages, err := sr.Document(ctx, chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	return struct {
		docSummary
		Passages []search.Hit `json:"passages"`
	}{summarize(*info), passages}, nil
}

func (s *server) passage(ctx context.Context, r *http.Request, sr *search.View) (any, error) {
	return sr.Passage(ctx, chi.URLParam(r, "id"))
}
