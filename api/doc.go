// Package api serves Vigie's REST API over a search.Searcher.
//
// [NewRouter] builds every route with chi: /healthz and /readyz for
// probes, /api/v1/search, /api/v1/facets, /api/v1/documents and
// /api/v1/passages, and the web interface of package web at /, /documents
// and /static. API errors are written in one place, as RFC 9457
// problem+json, and never carry file paths or bleve's messages.
package api
