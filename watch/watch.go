package watch

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// MaxCandidates bounds the changes a filtered request looks at: the
// newest ones since the request's start. Beyond it Result.Truncated is
// set; narrow with since.
const MaxCandidates = 5000

// MaxSize caps Request.Size.
const MaxSize = 100

// Watcher reads the change log of a data folder for a request's view of
// the live generation.
type Watcher struct {
	log *changelog.Log

	// cache keeps the filtered changes of the last requests (feed readers
	// poll the same URL), keyed by live generation and filters.
	mu    sync.Mutex
	cache map[string]cached
	order []string
}

type cached struct {
	changes   []changelog.Change
	truncated bool
}

// cacheSize is the number of filtered change lists kept.
const cacheSize = 32

// New returns a Watcher over log; nil log answers search.ErrUnavailable.
func New(log *changelog.Log) *Watcher {
	return &Watcher{log: log, cache: map[string]cached{}}
}

// Request asks for the changes since a time or a generation.
type Request struct {
	// Since is an RFC 3339 time, a date (YYYY-MM-DD, midnight UTC) or a
	// generation name (gen-…): changes made strictly after it. Empty: all.
	Since string
	// Query and Filters select changes as a search would select passages.
	Query   string
	Filters map[string][]string
	// Kinds keeps only these kinds of change (added, changed, removed);
	// empty keeps all.
	Kinds []string
	// Page is 1-based; Size defaults to 20.
	Page, Size int
}

// Result is a page of changes, newest first.
type Result struct {
	Total int `json:"total"`
	Page  int `json:"page"`
	Size  int `json:"size"`
	// Generation is the live generation: pass it as since next time to
	// see only what changed after this answer.
	Generation string `json:"generation"`
	// Truncated is true when more than MaxCandidates changes were made
	// since the start: only the newest were filtered.
	Truncated bool               `json:"truncated"`
	Changes   []changelog.Change `json:"changes"`
}

func inputErr(format string, args ...any) error {
	return &search.InputError{Msg: fmt.Sprintf(format, args...)}
}

// ParseSince reads a since value: an RFC 3339 time, a date, or a
// generation name.
func ParseSince(v string) (t time.Time, gen string, err error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return time.Time{}, "", nil
	case strings.HasPrefix(v, "gen-") && !strings.ContainsAny(v, `/\`):
		return time.Time{}, v, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, "", nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, "", nil
	}
	return time.Time{}, "", inputErr("since %q: want a time (2026-01-31T08:00:00Z), a date (2026-01-31) or a generation (gen-…)", v)
}

func (w *Watcher) live(v *search.View) (string, error) {
	if v == nil || w == nil || w.log == nil {
		return "", search.ErrUnavailable
	}
	gen, _ := v.Generation()
	return gen, nil
}

// Changes returns a page of the changes matching r, newest first, as of
// the view's generation (filters run with its searcher's options).
func (w *Watcher) Changes(ctx context.Context, sr *search.View, r Request) (*Result, error) {
	gen, err := w.live(sr)
	if err != nil {
		return nil, err
	}
	t, sinceGen, err := ParseSince(r.Since)
	if err != nil {
		return nil, err
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Size == 0 {
		r.Size = 20
	}
	if r.Page < 1 || r.Size < 1 || r.Size > MaxSize {
		return nil, &search.InputError{Msg: fmt.Sprintf("page must be 1 or more and size between 1 and %d", MaxSize), Limit: search.LimitSize}
	}
	if r.Page*r.Size > MaxCandidates {
		return nil, &search.InputError{Msg: fmt.Sprintf("page × size must be at most %d", MaxCandidates), Limit: search.LimitWindow}
	}
	kinds := map[changelog.Kind]bool{}
	for _, k := range r.Kinds {
		switch kk := changelog.Kind(strings.TrimSpace(k)); kk {
		case changelog.Added, changelog.Changed, changelog.Removed:
			kinds[kk] = true
		default:
			return nil, inputErr("kind %q: want added, changed or removed", k)
		}
	}
	chain, err := w.log.Chain(gen)
	if err != nil {
		return nil, err
	}
	all := changelog.Since(chain, t, sinceGen)
	if len(kinds) > 0 {
		kept := all[:0:0]
		for _, c := range all {
			if kinds[c.Kind] {
				kept = append(kept, c)
			}
		}
		all = kept
	}
	res := &Result{Page: r.Page, Size: r.Size, Generation: gen, Changes: []changelog.Change{}}
	key := cacheKey(gen, r)
	if c, ok := w.cached(key); ok {
		all, res.Truncated = c.changes, c.truncated
	} else if strings.TrimSpace(r.Query) != "" || hasFilters(r.Filters) {
		if len(all) > MaxCandidates {
			all, res.Truncated = all[:MaxCandidates], true
		}
		ps := make([]indexer.Passage, 0, len(all))
		date := make(map[string]string, len(all))
		for _, c := range all {
			p := c.Passage()
			ps = append(ps, indexer.Passage{ID: c.ID, DocID: p.DocID, Lang: p.Lang, Title: p.Title,
				Heading: p.Heading, Ordinal: p.Ordinal, Text: p.Text, Actors: p.Actors, Forums: p.Forums, Years: p.Years})
			date[c.ID] = p.Date
		}
		ok, err := sr.Matching(ctx, r.Query, r.Filters, ps, date)
		if err != nil {
			return nil, err
		}
		kept := all[:0:0]
		for _, c := range all {
			if ok[c.ID] {
				kept = append(kept, c)
			}
		}
		all = kept
		w.remember(key, cached{all, res.Truncated})
	}
	res.Total = len(all)
	from := (r.Page - 1) * r.Size
	if from < len(all) {
		res.Changes = all[from:min(from+r.Size, len(all))]
	}
	return res, nil
}

// cacheKey identifies the filtered change list of a request.
func cacheKey(gen string, r Request) string {
	var b strings.Builder
	b.WriteString(gen + "\x00" + r.Since + "\x00" + r.Query)
	names := make([]string, 0, len(r.Filters))
	for k := range r.Filters {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		vals := slices.Clone(r.Filters[k])
		sort.Strings(vals)
		b.WriteString("\x00" + k + "=" + strings.Join(vals, "\x01"))
	}
	kinds := slices.Clone(r.Kinds)
	sort.Strings(kinds)
	b.WriteString("\x00kinds=" + strings.Join(kinds, "\x01"))
	return b.String()
}

func (w *Watcher) cached(key string) (cached, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.cache[key]
	return c, ok
}

func (w *Watcher) remember(key string, c cached) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.cache[key]; ok {
		return
	}
	if len(w.order) >= cacheSize {
		delete(w.cache, w.order[0])
		w.order = w.order[1:]
	}
	w.cache[key] = c
	w.order = append(w.order, key)
}

func hasFilters(f map[string][]string) bool {
	for _, v := range f {
		if len(v) > 0 {
			return true
		}
	}
	return false
}

// History returns the versions of a document newest first, and its title.
// A document the live generation does not hold and the log never saw is
// search.ErrNotFound.
func (w *Watcher) History(ctx context.Context, sr *search.View, docID string) ([]changelog.Version, error) {
	gen, err := w.live(sr)
	if err != nil {
		return nil, err
	}
	chain, err := w.log.Chain(gen)
	if err != nil {
		return nil, err
	}
	vs := changelog.History(chain, docID)
	if len(vs) == 0 {
		if _, _, err := sr.Document(ctx, docID); err != nil {
			return nil, err
		}
		return []changelog.Version{}, nil
	}
	return vs, nil
}
