package api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
	"github.com/rs/cors"
)

// middleware installs the chain every request goes through, outermost
// first: request id, client address, security headers, logging and
// metrics (which see the final status, panics included), panic recovery,
// CORS, rate limit, body cap, query-string check.
func (s *server) middleware(r chi.Router) {
	r.Use(requestID)
	if len(s.opts.TrustedProxies) > 0 {
		r.Use(middleware.ClientIPFromXFF(s.opts.TrustedProxies...))
	} else {
		r.Use(middleware.ClientIPFromRemoteAddr)
	}
	r.Use(securityHeaders)
	r.Use(s.generationHeader)
	r.Use(s.observe)
	r.Use(s.recoverer)
	if len(s.opts.CORSOrigins) > 0 {
		r.Use(cors.New(cors.Options{
			AllowedOrigins: s.opts.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodHead},
			ExposedHeaders: []string{"Retry-After", "X-Request-Id", GenerationHeader, "X-Vigie-Total", "X-Vigie-Export-Limit", "X-Vigie-Export-Truncated", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"},
			MaxAge:         600,
		}).Handler)
	}
	if s.opts.RateLimit > 0 {
		limit := httprate.LimitBy(s.opts.RateLimit, s.opts.RateWindow,
			func(r *http.Request) (string, error) {
				return httprate.CanonicalizeIP(middleware.GetClientIP(r.Context())), nil
			},
			httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
				s.writeError(w, r, errRateLimited)
			}))
		r.Use(func(next http.Handler) http.Handler {
			limited := limit(next)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if isProbe(r.URL.Path) {
					next.ServeHTTP(w, r)
					return
				}
				limited.ServeHTTP(w, r)
			})
		})
	}
	r.Use(s.limitBody)
	r.Use(s.checkQueryString)
}

// requestID gives each request an id, in the log, in problem bodies and in
// the X-Request-Id response header. A client's or proxy's X-Request-Id is
// kept when it is a short token; anything else is replaced (chi's own
// middleware would keep any header and prefixes the host name).
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = base64.RawURLEncoding.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), middleware.RequestIDKey, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// securityHeaders are set on every response. The Content-Security-Policy
// suits JSON and plain HTML pages (same-origin resources only, no inline
// script, no framing); a handler serving HTML that needs more sets its
// own before writing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

// isProbe reports the paths that orchestrators poll: not rate limited,
// logged at debug level only.
func isProbe(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// observe logs each request and records its metrics, labelled by route
// pattern (never the raw path, so that label values stay few).
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		s.metrics.inflight.Inc()
		defer s.metrics.inflight.Dec()
		next.ServeHTTP(ww, r)
		d := time.Since(began)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK // nothing written: net/http sends 200
		}
		route := routeLabel(r)
		s.metrics.observeRequest(route, r.Method, status, d)
		level := slog.LevelInfo
		if isProbe(r.URL.Path) {
			level = slog.LevelDebug
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method), slog.String("route", route), slog.String("path", r.URL.Path),
			slog.Int("status", status), slog.Int("bytes", ww.BytesWritten()),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000),
			slog.String("request_id", middleware.GetReqID(r.Context())),
			slog.String("client", middleware.GetClientIP(r.Context())),
		}
		if s.opts.LogQueries {
			if q, ok := r.URL.Query()["q"]; ok && len(q) > 0 {
				attrs = append(attrs, slog.String("q", truncate(q[0], 256)))
			}
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// routeLabel is the chi route pattern that served r ("/api/v1/passages/{id}"),
// "unmatched" when no route did.
func routeLabel(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// recoverer turns a panic into a logged 500 problem.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "value", v, "method", r.Method, "path", r.URL.Path,
				"request_id", middleware.GetReqID(r.Context()), "stack", string(debug.Stack()))
			if ww, ok := w.(middleware.WrapResponseWriter); ok && ww.Status() != 0 {
				return // the response has begun: nothing sensible to add
			}
			s.writeError(w, r, errPanic)
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody caps the request body; reading past the cap fails with an
// *http.MaxBytesError that writeError turns into 413.
func (s *server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.opts.MaxBodyBytes {
			s.writeError(w, r, &http.MaxBytesError{Limit: s.opts.MaxBodyBytes})
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// checkQueryString refuses a malformed query string (bad percent-encoding,
// ';' separators) rather than dropping the parameters it cannot read.
func (s *server) checkQueryString(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
			s.writeError(w, r, badRequest{"The query string is malformed: use & between parameters and percent-encode reserved characters (%XX with two hex digits)."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// methodNotAllowed answers 405 with the Allow header listing the methods
// the path has.
func (s *server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if s.router.Match(chi.NewRouteContext(), m, r.URL.Path) {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
	}
	s.writeError(w, r, errMethodNotAllowed)
}

// retryAfter returns the seconds until the rate-limit window resets, from
// the X-RateLimit-Reset header httprate sets (at least 1).
func retryAfter(h http.Header, fallback time.Duration) string {
	if reset, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
		secs := math.Ceil(time.Until(time.Unix(reset, 0)).Seconds())
		return strconv.Itoa(int(max(1, secs)))
	}
	return strconv.Itoa(int(max(1, fallback.Seconds())))
}

var (
	errRateLimited      = errors.New("rate limited")
	errMethodNotAllowed = errors.New("method not allowed")
	errPanic            = errors.New("panic")
)
