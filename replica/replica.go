package replica

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/prometheus/client_golang/prometheus"
	"gocloud.dev/gcerrors"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
)

// Options configure a Replica.
type Options struct {
	// Data is the local data folder the replica downloads generations to.
	// It must not be shared with `vigie index` or another replica.
	Data string
	// Interval is the mean time between two reads of CURRENT; each wait
	// is drawn between half and one and a half of it. 0 polls only when
	// Trigger is called.
	Interval time.Duration
	// Install makes gen the generation every request uses and takes
	// ownership of it; it must not fail a request (search.Searcher.Swap
	// waits for the requests using the old generation, then closes it).
	// It is called from one goroutine at a time.
	Install func(gen *indexer.Generation) error
	// Warm lists queries run on a new generation before it is installed,
	// so that its first requests find its files in the page cache; nil
	// takes a few common words of both languages.
	Warm []string
	// Registerer receives the replica's metrics; nil registers none.
	Registerer prometheus.Registerer
	Logger     *slog.Logger
}

// Reasons a generation is refused, the label of vigie_replica_refused_total.
const (
	ReasonManifest     = "manifest"     // unreadable or missing manifest
	ReasonIncompatible = "incompatible" // format, bleve version or mapping this binary cannot serve
	ReasonChecksum     = "checksum"     // archive size or sha256 differs from the manifest
	ReasonArchive      = "archive"      // the archive does not unpack (corrupt, truncated, hostile names)
	ReasonOpen         = "open"         // the unpacked generation does not open or answer a search
)

// Replica keeps a serving process on the generation a store names.
type Replica struct {
	st   *Store
	opts Options
	log  *slog.Logger
	trig chan struct{}

	mu       sync.Mutex
	serving  string            // generation installed
	previous string            // the one before, kept on disk
	refused  map[string]string // generation → manifest sha256 refused
	quiet    string            // last poll error logged, not repeated

	refusedTotal *prometheus.CounterVec
	installs     prometheus.Counter
	pollErrors   prometheus.Counter
	downloaded   prometheus.Counter
	lastSync     prometheus.Gauge
	installTime  prometheus.Histogram
}

// New returns a replica reading st. Call Start, then Run.
func New(st *Store, opts Options) (*Replica, error) {
	if opts.Install == nil || opts.Data == "" {
		return nil, errors.New("replica: Install and Data are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Warm == nil {
		opts.Warm = []string{"security", "sécurité", "data", "données", "international"}
	}
	r := &Replica{st: st, opts: opts, log: opts.Logger, trig: make(chan struct{}, 1), refused: map[string]string{},
		refusedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_replica_refused_total",
			Help: "Published generations refused by this replica, by reason (manifest, incompatible, checksum, archive, open).",
		}, []string{"reason"}),
		installs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigie_replica_installs_total", Help: "Generations this replica downloaded (or reopened) and swapped in.",
		}),
		pollErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigie_replica_poll_errors_total", Help: "Reads of the store's CURRENT that failed.",
		}),
		downloaded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigie_replica_download_bytes_total", Help: "Archive bytes downloaded from the store.",
		}),
		lastSync: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vigie_replica_last_sync_timestamp_seconds", Help: "When the store's CURRENT was last read successfully.",
		}),
		installTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vigie_replica_install_duration_seconds",
			Help:    "Time from reading a new CURRENT to serving its generation: download, checks, open, warm-up, swap.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}),
	}
	for _, reason := range []string{ReasonManifest, ReasonIncompatible, ReasonChecksum, ReasonArchive, ReasonOpen} {
		r.refusedTotal.WithLabelValues(reason)
	}
	if opts.Registerer != nil {
		for _, c := range []prometheus.Collector{r.refusedTotal, r.installs, r.pollErrors, r.downloaded, r.lastSync, r.installTime} {
			if err := opts.Registerer.Register(c); err != nil {
				return nil, fmt.Errorf("replica metrics: %w", err)
			}
		}
	}
	return r, nil
}

// Serving returns the generation installed, "" before the first.
func (r *Replica) Serving() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.serving
}

// Trigger asks Run to read CURRENT now (SIGHUP).
func (r *Replica) Trigger() {
	select {
	case r.trig <- struct{}{}:
	default:
	}
}

// Start prepares the local data folder (removing unfinished downloads) and
// installs the generation it names, if any, so that a restarted replica
// answers at once; Run then moves it to the store's.
func (r *Replica) Start(ctx context.Context) error {
	if err := os.MkdirAll(r.opts.Data, 0o755); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	entries, err := os.ReadDir(r.opts.Data)
	if err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".incoming-") {
			_ = os.RemoveAll(filepath.Join(r.opts.Data, e.Name()))
		}
	}
	name, err := indexer.Current(r.opts.Data)
	if errors.Is(err, indexer.ErrNoIndex) {
		return nil
	}
	if err != nil {
		r.log.Warn("local data folder unreadable; waiting for the store", "err", err)
		return nil
	}
	gen, err := indexer.OpenGeneration(filepath.Join(r.opts.Data, name))
	if err != nil {
		r.log.Warn("local generation does not open; waiting for the store", "generation", name, "err", err)
		return nil
	}
	if err := r.install(gen, name); err != nil {
		return err
	}
	r.log.Info("serving the local generation until the store is read", "generation", name)
	return nil
}

// Run polls the store until ctx ends: at once, then every Interval (with
// jitter) and whenever Trigger is called.
func (r *Replica) Run(ctx context.Context) {
	for {
		_ = r.Sync(ctx)
		var wait <-chan time.Time
		var t *time.Timer
		if r.opts.Interval > 0 {
			t = time.NewTimer(r.opts.Interval/2 + rand.N(r.opts.Interval+1))
			wait = t.C
		}
		select {
		case <-ctx.Done():
		case <-wait:
		case <-r.trig:
			r.log.Info("reading the store now (SIGHUP)")
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// Sync reads CURRENT once and, when it names another generation than the
// one served, fetches, checks and installs it. It returns nil when there
// was nothing to do; a refused generation is an error (also logged once).
func (r *Replica) Sync(ctx context.Context) error {
	name, err := r.st.Current(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.pollErrors.Inc()
			r.logOnce(err)
		}
		return err
	}
	r.lastSync.SetToCurrentTime()
	r.mu.Lock()
	serving, previous := r.serving, r.previous
	r.mu.Unlock()
	if name == serving {
		r.quiet = "" // all is well: log the next problem again
		return nil
	}
	began := time.Now()
	m, raw, err := r.st.Manifest(ctx, name)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msum := sum(raw)
	r.mu.Lock()
	refused, already := r.refused[name]
	r.mu.Unlock()
	if already && refused == msum {
		return nil // refused before, and its manifest is unchanged since
	}
	if err != nil {
		if raw == nil && gcerrors.Code(err) != gcerrors.NotFound {
			r.logOnce(err) // the store did not answer: tried again at the next poll
			return err
		}
		return r.refuse(name, msum, ReasonManifest, err)
	}
	if err := compatible(m, name); err != nil {
		return r.refuse(name, msum, ReasonIncompatible, err)
	}
	dir := filepath.Join(r.opts.Data, name)
	if name == previous && r.verified(dir, m) {
		// A rollback to the generation served before: already on disk.
		r.log.Info("store went back to the previous generation; reopening it", "generation", name)
	} else {
		if err := r.fetch(ctx, m, dir); err != nil {
			if ctx.Err() != nil {
				return err
			}
			var rf refusal
			if errors.As(err, &rf) {
				return r.refuse(name, msum, rf.reason, rf.err)
			}
			r.logOnce(err) // a local or network problem: tried again at the next poll
			return err
		}
	}
	gen, err := indexer.OpenGeneration(dir)
	if err == nil {
		err = warm(ctx, gen.Index, r.opts.Warm)
		if err != nil {
			gen.Close()
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		_ = os.RemoveAll(dir)
		return r.refuse(name, msum, ReasonOpen, err)
	}
	if err := r.install(gen, name); err != nil {
		return err
	}
	r.quiet = ""
	r.installTime.Observe(time.Since(began).Seconds())
	r.log.Info("serving new generation", "generation", name, "previous", serving,
		"documents", m.Documents, "passages", m.Passages, "published_at", m.PublishedAt,
		"duration_ms", time.Since(began).Milliseconds())
	return nil
}

// install hands gen to Options.Install, then records it as the local
// data folder's CURRENT and removes generations older than the previous.
func (r *Replica) install(gen *indexer.Generation, name string) error {
	if err := r.opts.Install(gen); err != nil {
		// Only closing the old generation can fail once the swap is done.
		r.log.Warn("close previous generation", "err", err)
	}
	r.installs.Inc()
	r.mu.Lock()
	prev := r.serving
	r.serving = name
	if prev != "" && prev != name {
		r.previous = prev
	}
	keep := []string{name, r.previous}
	r.mu.Unlock()
	if err := writeCurrent(r.opts.Data, name); err != nil {
		r.log.Warn("record the local generation", "err", err)
	}
	if err := prune(r.opts.Data, keep...); err != nil {
		r.log.Warn("remove old generations", "err", err)
	}
	return nil
}

// refusal is a generation this replica will not serve.
type refusal struct {
	reason string
	err    error
}

func (e refusal) Error() string { return e.reason + ": " + e.err.Error() }

func (r *Replica) refuse(name, msum, reason string, err error) error {
	r.refusedTotal.WithLabelValues(reason).Inc()
	r.mu.Lock()
	r.refused[name] = msum
	serving := r.serving
	r.mu.Unlock()
	r.log.Error("refused a published generation; still serving the one before", "generation", name,
		"reason", reason, "err", err, "serving", serving)
	return refusal{reason, err}
}

func (r *Replica) logOnce(err error) {
	if msg := err.Error(); msg != r.quiet {
		r.quiet = msg
		if errors.Is(err, ErrNothingPublished) {
			r.log.Info("waiting for a generation to be published")
			return
		}
		r.log.Warn("cannot read the store; trying again at the next poll", "err", err)
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// fetch streams the archive into a hidden folder of the data folder while
// hashing it, checks its size and sha256 against the manifest, and renames
// the folder to dir.
func (r *Replica) fetch(ctx context.Context, m *Manifest, dir string) error {
	rd, err := r.st.b.NewReader(ctx, m.Archive, nil)
	if err != nil {
		return refusal{ReasonChecksum, fmt.Errorf("open archive: %w", err)}
	}
	defer rd.Close()
	tmp := filepath.Join(r.opts.Data, ".incoming-"+m.Generation)
	_ = os.RemoveAll(tmp)
	h := sha256.New()
	cr := &countReader{r: io.TeeReader(rd, h), limit: m.Size}
	xerr := extractArchive(cr, tmp, m.Unpacked)
	// Read what extraction left (all of it when it stopped early), so
	// that the checksum names the cause: a corrupt or partial upload is a
	// checksum failure, an archive whose bytes match but do not unpack
	// was published broken.
	_, derr := io.Copy(io.Discard, cr)
	r.downloaded.Add(float64(cr.n))
	fail := func(err error) error {
		_ = os.RemoveAll(tmp)
		return err
	}
	switch {
	case ctx.Err() != nil:
		return fail(ctx.Err())
	case cr.over || (derr == nil && cr.n != m.Size):
		return fail(refusal{ReasonChecksum, fmt.Errorf("archive is %d bytes or more, the manifest says %d", cr.n, m.Size)})
	case derr != nil:
		return fail(fmt.Errorf("download %s: %w", m.Generation, derr))
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != m.SHA256 {
		return fail(refusal{ReasonChecksum, fmt.Errorf("archive sha256 %s, the manifest says %s", got, m.SHA256)})
	}
	if errors.Is(xerr, errArchive) {
		return fail(refusal{ReasonArchive, xerr})
	}
	if xerr != nil {
		return fail(fmt.Errorf("unpack %s: %w", m.Generation, xerr))
	}
	// The change log's records that came with the generation join the data
	// folder's change log (they count once the generation is live).
	if err := moveRecords(filepath.Join(tmp, changelog.Dir), filepath.Join(r.opts.Data, changelog.Dir)); err != nil {
		return fail(fmt.Errorf("change log of %s: %w", m.Generation, err))
	}
	mb, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(tmp, publishedFile), mb, 0o644); err != nil {
		_ = os.RemoveAll(tmp)
		return err
	}
	_ = os.RemoveAll(dir) // an earlier, unverified copy
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.RemoveAll(tmp)
		return err
	}
	return nil
}

// publishedFile, in a downloaded generation folder, is the store's
// manifest it was checked against.
const publishedFile = "published.json"

// verified reports whether dir holds the download of exactly m.
func (r *Replica) verified(dir string, m *Manifest) bool {
	b, err := os.ReadFile(filepath.Join(dir, publishedFile))
	if err != nil {
		return false
	}
	var local Manifest
	return json.Unmarshal(b, &local) == nil && local.SHA256 == m.SHA256 && local.Size == m.Size
}

// countReader counts and hashes what goes through; it fails past limit
// bytes, so that an archive larger than announced is not read to its end.
type countReader struct {
	r     io.Reader
	n     int64
	limit int64
	over  bool
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		c.over = true
		return n, fmt.Errorf("longer than the manifest's %d bytes", c.limit)
	}
	return n, err
}

// warm runs a few searches on a freshly opened generation (match-all with
// a sort, and the words given), so that its first requests do not pay for
// reading its segments, and so that an index that opens but cannot answer
// is refused before it is installed.
func warm(ctx context.Context, idx bleve.Index, words []string) error {
	reqs := []*bleve.SearchRequest{bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 10, 0, false)}
	for _, w := range words {
		q := bleve.NewDisjunctionQuery()
		for _, f := range []string{indexer.LangField(indexer.FieldText, "en"), indexer.LangField(indexer.FieldText, "fr")} {
			mq := bleve.NewMatchQuery(w)
			mq.SetField(f)
			q.AddQuery(mq)
		}
		req := bleve.NewSearchRequestOptions(q, 10, 0, false)
		req.Fields = indexer.StoredFields
		reqs = append(reqs, req)
	}
	for _, req := range reqs {
		if _, err := idx.SearchInContext(ctx, req); err != nil {
			return fmt.Errorf("warm-up search: %w", err)
		}
	}
	return nil
}

// writeCurrent points the local data folder's CURRENT at gen (temporary
// file, rename), as the indexer does.
func writeCurrent(data, gen string) error {
	tmp := filepath.Join(data, "CURRENT.tmp")
	if err := os.WriteFile(tmp, []byte(gen+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(data, "CURRENT"))
}

// prune removes the gen-… folders of data other than keep.
func prune(data string, keep ...string) error {
	entries, err := os.ReadDir(data)
	if err != nil {
		return err
	}
	kept := map[string]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") && !kept[e.Name()] {
			errs = append(errs, os.RemoveAll(filepath.Join(data, e.Name())))
		}
	}
	return errors.Join(errs...)
}

// moveRecords moves the change-log files of src (if any) into dst,
// replacing files of the same name, and removes src.
func moveRecords(src, dst string) error {
	entries, err := os.ReadDir(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := os.Rename(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.RemoveAll(src)
}
