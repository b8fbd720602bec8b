package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// Options configure the router.
type Options struct {
	Logger *slog.Logger
	// SearchTimeout bounds each search; zero means 2 seconds.
	SearchTimeout time.Duration
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

type server struct {
	h    *Handle
	log  *slog.Logger
	opts Options
}

// NewRouter returns the HTTP handler for every route.
func NewRouter(h *Handle, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.SearchTimeout <= 0 {
		opts.SearchTimeout = 2 * time.Second
	}
	s := &server{h: h, log: opts.Logger, opts: opts}
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(s.logRequests)
	r.Use(s.recoverer)
	r.Use(securityHeaders)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.writeError(w, r, search.ErrNotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_, _ = w.Write([]byte(`{"type":"about:blank","title":"Method not allowed","status":405}` + "\n"))
	})
	r.Get("/healthz", s.health)
	r.Get("/readyz", s.ready)
	r.Route("/api/v1", func(r chi.Router) {
		r.Get("/search", s.search)
		r.Get("/facets", s.facets)
		r.Get("/documents", s.documents)
		r.Get("/documents/{id}", s.document)
		r.Get("/passages/{id}", s.passage)
		r.Get("/suggest", s.suggest)
	})
	return r
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
			"bytes", ww.BytesWritten(), "duration_ms", time.Since(began).Milliseconds(),
			"request_id", middleware.GetReqID(r.Context()))
	})
}

func (s *server) searcher() (*search.Searcher, error) {
	if sr := s.h.Searcher(); sr != nil {
		return sr, nil
	}
	return nil, search.ErrUnavailable
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
	case s.h.draining.Load():
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
	case sr == nil:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
	default:
		gen, m := sr.Generation()
		writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "generation": gen,
			"documents": len(m.Documents), "passages": m.Passages})
	}
}

// intParam reads an optional positive integer query parameter.
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

func (s *server) search(w http.ResponseWriter, r *http.Request) {
	sr, err := s.searcher()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	qv := r.URL.Query()
	req := search.Request{Query: qv.Get("q"), UI: uiLang(qv.Get("ui")), Filters: map[string][]string{}}
	if req.Page, err = intParam(r, "page", 1); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Size, err = intParam(r, "size", 10); err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, name := range search.Facets {
		for _, v := range qv[name] {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					req.Filters[name] = append(req.Filters[name], part)
				}
			}
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	res, err := sr.Search(ctx, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if res.Hits == nil {
		res.Hits = []search.Hit{}
	}
	writeJSON(w, http.StatusOK, res)
}

func uiLang(v string) string {
	if strings.HasPrefix(strings.ToLower(v), "fr") {
		return "fr"
	}
	return "en"
}

func (s *server) facets(w http.ResponseWriter, r *http.Request) {
	sr, err := s.searcher()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	res, err := sr.Search(ctx, search.Request{UI: uiLang(r.URL.Query().Get("ui")), Size: 1})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": res.Total, "facets": res.Facets})
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

func (s *server) documents(w http.ResponseWriter, r *http.Request) {
	sr, err := s.searcher()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	docs := sr.Documents()
	out := make([]docSummary, 0, len(docs))
	for _, d := range docs {
		out = append(out, summarize(d))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(out), "documents": out})
}

func (s *server) document(w http.ResponseWriter, r *http.Request) {
	sr, err := s.searcher()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	info, passages, err := sr.Document(ctx, chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		docSummary
		Passages []search.Hit `json:"passages"`
	}{summarize(*info), passages})
}

func (s *server) passage(w http.ResponseWriter, r *http.Request) {
	sr, err := s.searcher()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	p, err := sr.Passage(ctx, chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
