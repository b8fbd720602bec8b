package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vigie/vigie/search"
)

// Metrics are a server's Prometheus metrics, served at /metrics. Labels
// take few values: route patterns (never raw paths), known methods,
// status codes, outcomes.
//
// Create one with NewMetrics, pass it in Options.Metrics, and call
// ObserveReindex from the code that rebuilds the index.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inflight prometheus.Gauge
	searches *prometheus.HistogramVec
	hits     prometheus.Histogram
	reindex  *prometheus.HistogramVec
	handle   atomic.Pointer[Handle]
}

// NewMetrics returns a fresh set of metrics in its own registry, with Go
// runtime and process metrics and vigie_build_info{version}.
func NewMetrics(version string) *Metrics {
	if version == "" {
		version = "dev"
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vigie_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern, method and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "code"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vigie_http_requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
		searches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vigie_search_duration_seconds",
			Help:    "Time spent in search.Searcher.Search, waiting for a worker included, by outcome (ok, invalid, busy, timeout, canceled, error).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"outcome"}),
		hits: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vigie_search_hits",
			Help:    "Total hits of successful searches.",
			Buckets: []float64{0, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 100000},
		}),
		reindex: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vigie_reindex_duration_seconds",
			Help:    "Time to build an index generation, by outcome (ok, error).",
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
		}, []string{"outcome"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "vigie_build_info",
		Help:        "Always 1; the version label is the version stamped at build time.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.reg.MustRegister(m.requests, m.latency, m.inflight, m.searches, m.hits, m.reindex, build,
		indexCollector{m}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Outcomes known in advance show as zero rather than missing.
	for _, o := range []string{"ok", "invalid", "busy", "timeout", "canceled", "error"} {
		m.searches.WithLabelValues(o)
	}
	for _, o := range []string{"ok", "error"} {
		m.reindex.WithLabelValues(o)
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registerer lets other packages add their own collectors.
func (m *Metrics) Registerer() prometheus.Registerer { return m.reg }

// ObserveReindex records one build of an index generation: its duration
// and whether it failed.
func (m *Metrics) ObserveReindex(d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.reindex.WithLabelValues(outcome).Observe(d.Seconds())
}

// watch makes the index gauges read from h.
func (m *Metrics) watch(h *Handle) { m.handle.Store(h) }

var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

func (m *Metrics) observeRequest(route, method string, status int, d time.Duration) {
	if !knownMethods[method] {
		method = "other"
	}
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.latency.WithLabelValues(route, method, code).Observe(d.Seconds())
}

func (m *Metrics) observeSearch(d time.Duration, res *search.Result, err error) {
	var in *search.InputError
	outcome := "ok"
	switch {
	case err == nil:
		m.hits.Observe(float64(res.Total))
	case errors.As(err, &in):
		outcome = "invalid"
	case errors.Is(err, search.ErrBusy):
		outcome = "busy"
	case errors.Is(err, context.DeadlineExceeded):
		outcome = "timeout"
	case errors.Is(err, context.Canceled):
		outcome = "canceled"
	default:
		outcome = "error"
	}
	m.searches.WithLabelValues(outcome).Observe(d.Seconds())
}

// indexCollector reads the live generation at scrape time, so that a
// swapped generation shows at once and an old generation's label goes
// away; and the searcher's result cache figures (search.CacheStats).
type indexCollector struct{ m *Metrics }

var (
	descReady = prometheus.NewDesc("vigie_index_ready",
		"1 when an index is open and the server is not draining, else 0.", nil, nil)
	descGeneration = prometheus.NewDesc("vigie_index_generation_info",
		"Always 1; the generation label names the live index generation.", []string{"generation"}, nil)
	descBuilt = prometheus.NewDesc("vigie_index_built_timestamp_seconds",
		"When the live index generation was built, in Unix seconds.", nil, nil)
	descDocuments = prometheus.NewDesc("vigie_index_documents",
		"Documents in the live index generation.", nil, nil)
	descPassages = prometheus.NewDesc("vigie_index_passages",
		"Passages in the live index generation.", nil, nil)
	descCacheHits = prometheus.NewDesc("vigie_search_cache_hits_total",
		"Searches answered from the result cache.", nil, nil)
	descCacheMisses = prometheus.NewDesc("vigie_search_cache_misses_total",
		"Searches the result cache did not hold, computed.", nil, nil)
	descCacheEvictions = prometheus.NewDesc("vigie_search_cache_evictions_total",
		"Answers dropped from the result cache to stay within its size (a swap's emptying not counted).", nil, nil)
	descCacheBytes = prometheus.NewDesc("vigie_search_cache_bytes",
		"Estimated memory of the answers in the result cache of the live generation.", nil, nil)
	descCacheEntries = prometheus.NewDesc("vigie_search_cache_entries",
		"Answers in the result cache of the live generation.", nil, nil)
	descCacheCapacity = prometheus.NewDesc("vigie_search_cache_capacity_bytes",
		"The result cache's memory bound (--cache-size); 0 when it is off.", nil, nil)
	descWorkers = prometheus.NewDesc("vigie_search_workers",
		"Searches run at once (--search-workers); 0 when not limited.", nil, nil)
	descWorkersBusy = prometheus.NewDesc("vigie_search_workers_busy",
		"Searches running now on a worker.", nil, nil)
	descQueued = prometheus.NewDesc("vigie_search_queue_waiting",
		"Searches waiting for a worker.", nil, nil)
	descQueueCapacity = prometheus.NewDesc("vigie_search_queue_capacity",
		"Most searches that may wait for a worker (--search-queue).", nil, nil)
	descAdmitted = prometheus.NewDesc("vigie_search_admitted_total",
		"Searches that got a worker (answers from the result cache need none).", nil, nil)
	descRejected = prometheus.NewDesc("vigie_search_rejected_total",
		"Searches that got no worker: the line was full (queue_full) or their time limit ran out or their client left while they waited (expired).", []string{"reason"}, nil)
	descEvaluations = prometheus.NewDesc("vigie_search_evaluations_total",
		"Score-ordered searches and facet counts, by evaluator: Vigie's own (vigie) or bleve's searchers (bleve: a query kind the evaluator does not know, or VIGIE_EVALUATOR=bleve).", []string{"evaluator"}, nil)
	descEvalFailures = prometheus.NewDesc("vigie_search_evaluator_failures_total",
		"Searches the evaluator failed (a bug, logged nowhere else), which bleve's searchers then answered.", nil, nil)
	descMatches = prometheus.NewDesc("vigie_search_matches_scored_total",
		"Matches scored by the evaluator.", nil, nil)
	descPostingsBytes = prometheus.NewDesc("vigie_postings_cache_bytes",
		"Memory of the frequent words' postings kept decoded for the live generation.", nil, nil)
	descPostingsCapacity = prometheus.NewDesc("vigie_postings_cache_capacity_bytes",
		"The bound of the decoded postings of one generation.", nil, nil)
	descPostingsLists = prometheus.NewDesc("vigie_postings_cache_lists",
		"Postings lists kept decoded for the live generation.", nil, nil)
	descPostingsLookups = prometheus.NewDesc("vigie_postings_cache_lookups_total",
		"Lookups of decoded postings lists of the live generation: found (hit) or decoded (miss).", []string{"result"}, nil)
	descQueueWait = prometheus.NewDesc("vigie_search_queue_wait_seconds_total",
		"Time admitted searches spent waiting for a worker; over vigie_search_admitted_total, the mean wait.", nil, nil)
)

func (c indexCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descReady, descGeneration, descBuilt, descDocuments, descPassages,
		descCacheHits, descCacheMisses, descCacheEvictions, descCacheBytes, descCacheEntries, descCacheCapacity,
		descWorkers, descWorkersBusy, descQueued, descQueueCapacity, descAdmitted, descRejected, descQueueWait,
		descEvaluations, descEvalFailures, descMatches, descPostingsBytes, descPostingsCapacity, descPostingsLists, descPostingsLookups} {
		ch <- d
	}
}

func (c indexCollector) Collect(ch chan<- prometheus.Metric) {
	h := c.m.handle.Load()
	var sr *search.Searcher
	if h != nil {
		sr = h.Searcher()
	}
	ready := 0.0
	if sr != nil && !h.Draining() {
		ready = 1
	}
	ch <- prometheus.MustNewConstMetric(descReady, prometheus.GaugeValue, ready)
	if sr == nil {
		return
	}
	gen, man := sr.Generation()
	ch <- prometheus.MustNewConstMetric(descGeneration, prometheus.GaugeValue, 1, gen)
	if !man.BuiltAt.IsZero() {
		ch <- prometheus.MustNewConstMetric(descBuilt, prometheus.GaugeValue, float64(man.BuiltAt.UnixNano())/1e9)
	}
	ch <- prometheus.MustNewConstMetric(descDocuments, prometheus.GaugeValue, float64(len(man.Documents)))
	ch <- prometheus.MustNewConstMetric(descPassages, prometheus.GaugeValue, float64(man.Passages))
	cs := sr.CacheStats()
	ch <- prometheus.MustNewConstMetric(descCacheHits, prometheus.CounterValue, float64(cs.Hits))
	ch <- prometheus.MustNewConstMetric(descCacheMisses, prometheus.CounterValue, float64(cs.Misses))
	ch <- prometheus.MustNewConstMetric(descCacheEvictions, prometheus.CounterValue, float64(cs.Evictions))
	ch <- prometheus.MustNewConstMetric(descCacheBytes, prometheus.GaugeValue, float64(cs.Bytes))
	ch <- prometheus.MustNewConstMetric(descCacheEntries, prometheus.GaugeValue, float64(cs.Entries))
	ch <- prometheus.MustNewConstMetric(descCacheCapacity, prometheus.GaugeValue, float64(cs.Capacity))
	ws := sr.WorkerStats()
	ch <- prometheus.MustNewConstMetric(descWorkers, prometheus.GaugeValue, float64(ws.Workers))
	ch <- prometheus.MustNewConstMetric(descWorkersBusy, prometheus.GaugeValue, float64(ws.Running))
	ch <- prometheus.MustNewConstMetric(descQueued, prometheus.GaugeValue, float64(ws.Waiting))
	ch <- prometheus.MustNewConstMetric(descQueueCapacity, prometheus.GaugeValue, float64(ws.Queue))
	ch <- prometheus.MustNewConstMetric(descAdmitted, prometheus.CounterValue, float64(ws.Admitted))
	ch <- prometheus.MustNewConstMetric(descRejected, prometheus.CounterValue, float64(ws.Rejected), "queue_full")
	ch <- prometheus.MustNewConstMetric(descRejected, prometheus.CounterValue, float64(ws.Expired), "expired")
	ch <- prometheus.MustNewConstMetric(descQueueWait, prometheus.CounterValue, ws.Waited.Seconds())
	es := sr.EvaluatorStats()
	ch <- prometheus.MustNewConstMetric(descEvaluations, prometheus.CounterValue, float64(es.Own), "vigie")
	ch <- prometheus.MustNewConstMetric(descEvaluations, prometheus.CounterValue, float64(es.Bleve), "bleve")
	ch <- prometheus.MustNewConstMetric(descEvalFailures, prometheus.CounterValue, float64(es.Failures))
	ch <- prometheus.MustNewConstMetric(descMatches, prometheus.CounterValue, float64(es.Scored))
	ch <- prometheus.MustNewConstMetric(descPostingsBytes, prometheus.GaugeValue, float64(es.PostingsBytes))
	ch <- prometheus.MustNewConstMetric(descPostingsCapacity, prometheus.GaugeValue, float64(es.PostingsCapacity))
	ch <- prometheus.MustNewConstMetric(descPostingsLists, prometheus.GaugeValue, float64(es.PostingsLists))
	ch <- prometheus.MustNewConstMetric(descPostingsLookups, prometheus.CounterValue, float64(es.PostingsHits), "hit")
	ch <- prometheus.MustNewConstMetric(descPostingsLookups, prometheus.CounterValue, float64(es.PostingsMisses), "miss")
}
