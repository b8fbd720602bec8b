package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/vigie/vigie/search"
)

// problem is an RFC 9457 problem details body.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Limit names the limit a request went beyond (max_query_bytes…).
	Limit     string `json:"limit,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// badRequest is an input error found by the API layer itself.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

// httpError is an error with its own status and message for the client.
type httpError struct {
	status        int
	title, detail string
}

func (e httpError) Error() string { return e.title }

// writeError maps an error to a status and writes it as problem+json. It
// is the only place errors become responses: user mistakes get their own
// message, anything else a generic one (the cause goes to the log). The
// title is the status's standard phrase, as RFC 9457 asks for the
// about:blank type; detail says what happened.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var in *search.InputError
	var br badRequest
	var tooBig *http.MaxBytesError
	var he httpError
	p := problem{RequestID: middleware.GetReqID(r.Context())}
	switch {
	case errors.As(err, &in):
		p.Status, p.Detail, p.Limit = http.StatusBadRequest, in.Msg, in.Limit
		if in.Facet != "" {
			p.Detail += " (see /api/v1/facets)"
		}
	case errors.As(err, &br):
		p.Status, p.Detail = http.StatusBadRequest, br.msg
	case errors.As(err, &tooBig):
		p.Status, p.Detail = http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", tooBig.Limit)
	case errors.As(err, &he):
		p.Status, p.Title, p.Detail = he.status, he.title, he.detail
	case errors.Is(err, search.ErrNotFound):
		p.Status, p.Detail = http.StatusNotFound, "No such resource."
	case errors.Is(err, errMethodNotAllowed):
		p.Status, p.Detail = http.StatusMethodNotAllowed, "This resource does not answer this method; see the Allow header."
	case errors.Is(err, errRateLimited):
		p.Status = http.StatusTooManyRequests
		p.Detail = fmt.Sprintf("At most %d requests per %s from one client; retry after the number of seconds in Retry-After.", s.opts.RateLimit, s.opts.RateWindow)
		w.Header().Set("Retry-After", retryAfter(w.Header(), s.opts.RateWindow))
	case errors.Is(err, search.ErrUnavailable):
		p.Status, p.Detail = http.StatusServiceUnavailable, "The index is being built; try again shortly."
		w.Header().Set("Retry-After", "5")
	case errors.Is(err, search.ErrBusy):
		p.Status, p.Detail = http.StatusServiceUnavailable, "Every search worker is busy; retry in a moment."
		w.Header().Set("Retry-After", "1")
	case errors.Is(err, context.DeadlineExceeded):
		p.Status = http.StatusServiceUnavailable
		p.Detail = fmt.Sprintf("The search took longer than its %s time limit; narrow the query (fewer words, longer prefixes, filters).", s.opts.SearchTimeout)
	case errors.Is(err, context.Canceled):
		p.Status = 499 // client closed request
	default:
		p.Status, p.Detail = http.StatusInternalServerError, "Something went wrong on our side."
		if !errors.Is(err, errPanic) { // the recoverer logged it
			s.log.Error("request failed", "err", err, "method", r.Method, "path", r.URL.Path, "request_id", p.RequestID)
		}
	}
	if p.Status == 499 {
		w.WriteHeader(p.Status) // for the log and metrics; nobody is listening
		return
	}
	p.Type, p.Title = "about:blank", http.StatusText(p.Status)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
