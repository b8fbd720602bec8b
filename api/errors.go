package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/vigie/vigie/search"
)

// problem is an RFC 9457 problem details body.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
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
// message, anything else a generic one (the cause goes to the log).
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var in *search.InputError
	var br badRequest
	var he httpError
	p := problem{RequestID: middleware.GetReqID(r.Context())}
	switch {
	case errors.As(err, &in):
		p.Status, p.Title, p.Detail = http.StatusBadRequest, "Invalid request", in.Msg
	case errors.As(err, &br):
		p.Status, p.Title, p.Detail = http.StatusBadRequest, "Invalid request", br.msg
	case errors.As(err, &he):
		p.Status, p.Title, p.Detail = he.status, he.title, he.detail
	case errors.Is(err, search.ErrNotFound):
		p.Status, p.Title, p.Detail = http.StatusNotFound, "Not found", "No such resource."
	case errors.Is(err, search.ErrUnavailable):
		p.Status, p.Title, p.Detail = http.StatusServiceUnavailable, "Index not ready", "The index is being built; try again shortly."
		w.Header().Set("Retry-After", "5")
	case errors.Is(err, context.DeadlineExceeded):
		p.Status, p.Title, p.Detail = http.StatusServiceUnavailable, "Search took too long", "The search exceeded its time limit; narrow the query."
	case errors.Is(err, context.Canceled):
		p.Status, p.Title = 499, "Client closed request"
	default:
		p.Status, p.Title, p.Detail = http.StatusInternalServerError, "Internal error", "Something went wrong on our side."
		s.log.Error("request failed", "err", err, "path", r.URL.Path, "request_id", p.RequestID)
	}
	p.Type = "about:blank"
	if p.Status == 499 {
		return // nobody is listening
	}
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

// recoverer turns a panic into a logged 500 problem.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", v, "path", r.URL.Path, "request_id", middleware.GetReqID(r.Context()))
				s.writeError(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
