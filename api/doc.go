// Package api serves Vigie's REST API over a search.Searcher.
//
// [NewRouter] builds every route with chi: /healthz and /readyz for
// probes, /metrics for Prometheus, /api/openapi.json (the OpenAPI 3.1
// document, embedded from openapi.json), /api/v1/search, /api/v1/facets,
// /api/v1/documents and /api/v1/passages, and the web interface of package
// web at /, /documents and /static.
//
// Every request goes through one middleware chain: request id, client
// address, security headers, request log and metrics (by route pattern),
// panic recovery, optional CORS and rate limit, body cap, query-string
// check. Errors are written in one place (writeError), as RFC 9457
// problem+json, and never carry file paths or bleve's messages.
//
// [Metrics] holds the Prometheus metrics; the code that rebuilds the
// index reports to it with [Metrics.ObserveReindex]. A route added to the
// router must be added to openapi.json: a test walks the router.
package api
