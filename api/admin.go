package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/vigie/vigie/indexer"
)

// Admin enables the admin endpoints. Without a Token they do not exist
// (404 like any unknown path).
type Admin struct {
	// Token is the bearer token a client must send
	// ("Authorization: Bearer TOKEN"); it is compared in constant time.
	Token string
	// Reindex rebuilds the index and makes the result live, reporting
	// progress through the callback. It runs in the background, after the
	// request that started it has been answered, with a context that is
	// not cancelled when that request ends.
	Reindex func(ctx context.Context, progress func(indexer.Progress)) (*indexer.Manifest, error)
}

// Reindex job states.
const (
	jobIdle      = "idle"
	jobRunning   = "running"
	jobSucceeded = "succeeded"
	jobFailed    = "failed"
)

// reindexJob is the state of the last background reindex.
type reindexJob struct {
	mu         sync.Mutex
	state      string
	started    time.Time
	finished   time.Time
	progress   indexer.Progress
	manifest   *indexer.Manifest
	errMessage string
}

// reindexStatus is the JSON body of GET (and POST) /api/v1/admin/reindex.
type reindexStatus struct {
	State      string           `json:"state"`
	StartedAt  *time.Time       `json:"started_at,omitempty"`
	FinishedAt *time.Time       `json:"finished_at,omitempty"`
	Progress   *reindexProgress `json:"progress,omitempty"`
	Result     *reindexResult   `json:"result,omitempty"`
	Error      string           `json:"error,omitempty"`
}

type reindexProgress struct {
	Files             int     `json:"files"`
	FilesTotal        int     `json:"files_total"`
	Bytes             int64   `json:"bytes"`
	BytesTotal        int64   `json:"bytes_total"`
	Documents         int     `json:"documents"`
	Reused            int     `json:"reused"`
	Passages          int     `json:"passages"`
	Problems          int     `json:"problems"`
	ElapsedSeconds    float64 `json:"elapsed_s"`
	DocsPerSecond     float64 `json:"docs_per_s"`
	PassagesPerSecond float64 `json:"passages_per_s"`
	ETASeconds        float64 `json:"eta_s"`
}

type reindexResult struct {
	Generation string           `json:"generation,omitempty"`
	Documents  int              `json:"documents"`
	Passages   int              `json:"passages"`
	Skipped    int              `json:"skipped"`
	Problems   int              `json:"problems"`
	Changes    *indexer.Changes `json:"changes,omitempty"`
	Seconds    float64          `json:"duration_s"`
}

// mountAdmin adds the admin routes when an Admin with a token is set.
func (s *server) mountAdmin(r chi.Router) {
	a := s.opts.Admin
	if a == nil || a.Token == "" || a.Reindex == nil {
		return
	}
	job := &reindexJob{state: jobIdle}
	want := sha256.Sum256([]byte(a.Token))
	r.Route("/admin", func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
				// Hashing first makes the comparison independent of the
				// token's length too.
				got := sha256.Sum256([]byte(strings.TrimSpace(token)))
				if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
					w.Header().Set("WWW-Authenticate", `Bearer realm="vigie-admin"`)
					s.writeError(w, r, httpError{http.StatusUnauthorized, "Unauthorized", "Send the admin token as \"Authorization: Bearer TOKEN\"."})
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		r.Get("/reindex", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, job.status())
		})
		r.Post("/reindex", func(w http.ResponseWriter, r *http.Request) {
			if !job.start() {
				s.writeError(w, r, httpError{http.StatusConflict, "Reindex already running", "A reindex is already running; follow it with GET /api/v1/admin/reindex."})
				return
			}
			reqID := middleware.GetReqID(r.Context())
			s.log.Info("reindex started", "request_id", reqID)
			go job.run(context.WithoutCancel(r.Context()), a.Reindex, s.log.With("request_id", reqID))
			w.Header().Set("Location", "/api/v1/admin/reindex")
			writeJSON(w, http.StatusAccepted, job.status())
		})
	})
}

func (j *reindexJob) start() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state == jobRunning {
		return false
	}
	j.state, j.started, j.finished = jobRunning, time.Now(), time.Time{}
	j.progress, j.manifest, j.errMessage = indexer.Progress{}, nil, ""
	return true
}

func (j *reindexJob) run(ctx context.Context, reindex func(context.Context, func(indexer.Progress)) (*indexer.Manifest, error), log *slog.Logger) {
	m, err := reindex(ctx, func(p indexer.Progress) {
		j.mu.Lock()
		j.progress = p
		j.mu.Unlock()
	})
	j.mu.Lock()
	defer j.mu.Unlock()
	j.finished = time.Now()
	j.manifest = m
	if err != nil {
		j.state = jobFailed
		j.errMessage = reindexError(err)
		log.Error("reindex failed", "err", err)
		return
	}
	j.state = jobSucceeded
	log.Info("reindex done", "generation", m.Generation, "documents", len(m.Documents), "passages", m.Passages)
}

// reindexError says why a build failed without internal details (paths,
// bleve messages): those go to the log.
func reindexError(err error) string {
	switch {
	case errors.Is(err, indexer.ErrLocked):
		return "Another index build is running on this data folder."
	case errors.Is(err, indexer.ErrNoDocuments):
		return "The corpus folder holds no usable document; the live index was not changed."
	case errors.Is(err, context.Canceled):
		return "Interrupted: the server is shutting down; the live index was not changed."
	}
	return "The build failed; the live index was not changed. The server log has the cause."
}

func (j *reindexJob) status() reindexStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := reindexStatus{State: j.state, Error: j.errMessage}
	if j.state == jobIdle {
		return st
	}
	started := j.started
	st.StartedAt = &started
	if !j.finished.IsZero() {
		finished := j.finished
		st.FinishedAt = &finished
	}
	p := j.progress
	if j.state == jobRunning {
		p.Elapsed = time.Since(j.started)
	}
	st.Progress = &reindexProgress{Files: p.Files, FilesTotal: p.FilesTotal, Bytes: p.Bytes, BytesTotal: p.BytesTotal,
		Documents: p.Documents, Reused: p.Reused, Passages: p.Passages, Problems: p.Problems,
		ElapsedSeconds: p.Elapsed.Seconds(), DocsPerSecond: p.DocsPerSecond(), PassagesPerSecond: p.PassagesPerSecond(),
		ETASeconds: p.ETA().Seconds()}
	if m := j.manifest; m != nil {
		res := &reindexResult{Documents: len(m.Documents), Passages: m.Passages, Problems: len(m.Problems),
			Changes: m.Changes, Seconds: m.Duration.Seconds()}
		if j.state == jobSucceeded {
			res.Generation = m.Generation
		}
		for _, p := range m.Problems {
			if p.Skipped {
				res.Skipped++
			}
		}
		st.Result = res
	}
	return st
}
