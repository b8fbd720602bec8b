package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

func newTestServer(t *testing.T) (*httptest.Server, *Handle) {
	t.Helper()
	g := entity.Default()
	// The admin endpoints exist (with a token) so that the OpenAPI test
	// sees every route; without the token they answer 401.
	admin := &Admin{Token: "test-admin-token", Reindex: func(context.Context, func(indexer.Progress)) (*indexer.Manifest, error) {
		return &indexer.Manifest{}, nil
	}}
	return serveCorpus(t, "../seeds", g, search.Options{Gazetteer: g}, Options{Admin: admin})
}

func get(t *testing.T, ts *httptest.Server, path string) (int, http.Header, []byte) {
	t.Helper()
	res, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

func TestSearchEndpoint(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		query string
		lang  string
	}{
		{"OTAN", "fr"},
		{"cybersecurite", "fr"},
		{"cyber attacks", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			status, hdr, body := get(t, ts, "/api/v1/search?q="+url.QueryEscape(tt.query))
			if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
				t.Fatalf("status %d, content type %q: %s", status, hdr.Get("Content-Type"), body)
			}
			// Every documented field is present.
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(body, &raw); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"total", "took_ms", "hits", "facets"} {
				if _, ok := raw[f]; !ok {
					t.Errorf("response lacks %q", f)
				}
			}
			var hits []map[string]json.RawMessage
			_ = json.Unmarshal(raw["hits"], &hits)
			if len(hits) == 0 {
				t.Fatal("no hits")
			}
			for _, f := range []string{"id", "doc_id", "lang", "title", "heading", "text", "highlight", "score"} {
				if _, ok := hits[0][f]; !ok {
					t.Errorf("hit lacks %q", f)
				}
			}
			var res search.Result
			if err := json.Unmarshal(body, &res); err != nil {
				t.Fatal(err)
			}
			if res.Hits[0].Lang != tt.lang {
				t.Errorf("top hit in %s, want %s", res.Hits[0].Lang, tt.lang)
			}
			for _, h := range res.Hits {
				if !strings.Contains(h.Highlight+h.HeadingHighlight, "<mark>") {
					t.Errorf("highlight without <mark>: %.80s", h.Highlight)
				}
			}
			if len(res.Facets["lang"]) == 0 || res.Facets["lang"][0].Label == "" {
				t.Errorf("lang facet missing or unlabelled: %v", res.Facets["lang"])
			}
		})
	}
}

func TestSearchFacetLabelsFollowUI(t *testing.T) {
	ts, _ := newTestServer(t)
	labels := func(ui string) map[string]string {
		_, _, body := get(t, ts, "/api/v1/search?q=&ui="+ui)
		var res search.Result
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, f := range res.Facets["lang"] {
			out[f.Value] = f.Label
		}
		return out
	}
	if en := labels("en"); en["fr"] != "French" {
		t.Errorf("ui=en labels %v", en)
	}
	if fr := labels("fr"); fr["fr"] != "français" || fr["en"] != "anglais" {
		t.Errorf("ui=fr labels %v", fr)
	}
}

func TestErrorsAreProblems(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		path   string
		status int
	}{
		{"/api/v1/search?q=x&size=abc", 400},
		{"/api/v1/search?q=x&size=100000", 400},
		{"/api/v1/search?q=x&page=-2", 400},
		{"/api/v1/search?q=x&lang=de", 400},
		{"/api/v1/search?q=x&year=soon", 400},
		{"/api/v1/documents/nope", 404},
		{"/api/v1/passages/nope", 404},
		{"/api/v1/nothing-here", 404},
		{"/../../etc/passwd", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, hdr, body := get(t, ts, tt.path)
			if status != tt.status {
				t.Errorf("status %d, want %d: %s", status, tt.status, body)
			}
			if hdr.Get("Content-Type") != "application/problem+json" {
				t.Errorf("content type %q", hdr.Get("Content-Type"))
			}
			var p problem
			if err := json.Unmarshal(body, &p); err != nil || p.Status != tt.status || p.Title == "" {
				t.Errorf("body %s is not a problem with status %d", body, tt.status)
			}
			for _, leak := range []string{"/tmp", "bleve", "scorch", ".go:", "goroutine"} {
				if strings.Contains(string(body), leak) {
					t.Errorf("error body leaks %q: %s", leak, body)
				}
			}
		})
	}
	status, _, _ := get(t, ts, "/api/v1/search?q=x")
	if status != 200 {
		t.Errorf("server unhealthy after bad requests: %d", status)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	ts, _ := newTestServer(t)
	res, err := http.Post(ts.URL+"/api/v1/search", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 405 {
		t.Errorf("POST /api/v1/search: %d", res.StatusCode)
	}
}

func TestDocumentsEndpoints(t *testing.T) {
	ts, _ := newTestServer(t)
	status, _, body := get(t, ts, "/api/v1/documents")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	var list struct {
		Total     int `json:"total"`
		Documents []struct {
			ID           string `json:"id"`
			Title        string `json:"title"`
			Lang         string `json:"lang"`
			Updated      string `json:"updated"`
			PassageCount int    `json:"passage_count"`
		} `json:"documents"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 || len(list.Documents) != 2 {
		t.Fatalf("documents: %s", body)
	}
	d := list.Documents[1]
	if d.ID != "004_dca60fb814a64a17" || d.Lang != "fr" || d.Updated != "2025-05-28" || d.PassageCount == 0 {
		t.Errorf("document %+v", d)
	}
	status, _, body = get(t, ts, "/api/v1/documents/"+d.ID)
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	var doc struct {
		ID       string       `json:"id"`
		Passages []search.Hit `json:"passages"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != d.ID || len(doc.Passages) != d.PassageCount {
		t.Fatalf("document %s: %d passages, want %d", doc.ID, len(doc.Passages), d.PassageCount)
	}
	for i, p := range doc.Passages {
		if p.Ordinal != i {
			t.Errorf("passage %d out of order", i)
		}
	}
	status, _, body = get(t, ts, "/api/v1/passages/"+url.PathEscape(doc.Passages[2].ID))
	var p search.Hit
	if status != 200 || json.Unmarshal(body, &p) != nil || p.Text != doc.Passages[2].Text {
		t.Errorf("passage: %d %s", status, body)
	}
}

func TestHealthBeforeAndAfterIndex(t *testing.T) {
	h := &Handle{}
	ts := httptest.NewServer(NewRouter(h, Options{}))
	defer ts.Close()
	for _, path := range []string{"/healthz", "/readyz", "/api/v1/search?q=x"} {
		if status, _, _ := get(t, ts, path); status != 503 {
			t.Errorf("%s before the index is open: %d, want 503", path, status)
		}
	}
	ts2, h2 := newTestServer(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, _, _ := get(t, ts2, path); status != 200 {
			t.Errorf("%s with an index: %d", path, status)
		}
	}
	h2.SetDraining()
	if status, _, _ := get(t, ts2, "/readyz"); status != 503 {
		t.Errorf("/readyz while draining: %d", status)
	}
}

func TestFacetFilters(t *testing.T) {
	ts, _ := newTestServer(t)
	decode := func(path string) search.Result {
		t.Helper()
		status, _, body := get(t, ts, path)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		var res search.Result
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	nato := decode("/api/v1/search?forum=nato&size=100")
	langs := map[string]bool{}
	for _, h := range nato.Hits {
		langs[h.Lang] = true
		if !slices.Contains(h.Forums, "nato") {
			t.Errorf("forum=nato hit without nato: %v", h.Forums)
		}
	}
	if !langs["en"] || !langs["fr"] {
		t.Errorf("forum=nato should find both languages, got %v", langs)
	}
	// Repeatable: OR within a facet; the comma form is the same.
	a := decode("/api/v1/search?forum=nato&forum=g7")
	b := decode("/api/v1/search?forum=nato,g7")
	if a.Total != b.Total || a.Total <= nato.Total {
		t.Errorf("forum=nato&forum=g7: %d, forum=nato,g7: %d, nato alone %d", a.Total, b.Total, nato.Total)
	}
	// AND across facets.
	en := decode("/api/v1/search?forum=nato&lang=en")
	if en.Total == 0 || en.Total >= nato.Total {
		t.Errorf("forum=nato&lang=en: %d of %d", en.Total, nato.Total)
	}
	y := decode("/api/v1/search?q=cyber&year=2016")
	if y.Total == 0 {
		t.Error("q=cyber&year=2016 found nothing")
	}
	for _, h := range y.Hits {
		if !slices.Contains(h.Years, 2016) {
			t.Errorf("year=2016 hit with years %v", h.Years)
		}
	}
	fr := decode("/api/v1/search?forum=nato&ui=fr")
	for _, fv := range fr.Facets["forum"] {
		if fv.Value == "nato" && fv.Label != entity.Default().Label("nato", "fr") {
			t.Errorf("ui=fr label of nato = %q", fv.Label)
		}
	}
	for _, f := range []string{"actor", "forum", "year", "lang"} {
		if len(fr.Facets[f]) == 0 {
			t.Errorf("facets.%s missing", f)
		}
	}
	if status, _, _ := get(t, ts, "/api/v1/search?actor=nobody-at-all"); status != 400 {
		t.Errorf("unknown actor: %d", status)
	}
}

func TestFacetsEndpoint(t *testing.T) {
	ts, _ := newTestServer(t)
	status, _, body := get(t, ts, "/api/v1/facets?ui=fr")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	var res struct {
		Total  int                            `json:"total"`
		Facets map[string][]search.FacetValue `json:"facets"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || len(res.Facets["actor"]) == 0 || len(res.Facets["forum"]) == 0 || len(res.Facets["year"]) == 0 {
		t.Fatalf("facets: %s", body)
	}
	labels := map[string]string{}
	for _, fv := range res.Facets["forum"] {
		labels[fv.Value] = fv.Label
	}
	if labels["un"] != entity.Default().Label("un", "fr") {
		t.Errorf("un label %q", labels["un"])
	}
}

// The web interface is mounted beside the API without changing it.
func TestWebInterfaceMounted(t *testing.T) {
	ts, _ := newTestServer(t)
	for path, ctype := range map[string]string{
		"/?q=OTAN":                               "text/html; charset=utf-8",
		"/documents":                             "text/html; charset=utf-8",
		"/documents/004_dca60fb814a64a17":        "text/html; charset=utf-8",
		"/static/vigie.css":                      "text/css; charset=utf-8",
		"/api/v1/documents/004_dca60fb814a64a17": "application/json; charset=utf-8",
	} {
		status, hdr, body := get(t, ts, path)
		if status != 200 || hdr.Get("Content-Type") != ctype {
			t.Errorf("GET %s: %d %q, want 200 %q", path, status, hdr.Get("Content-Type"), ctype)
		}
		if strings.HasPrefix(ctype, "text/html") && !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET %s: no Content-Security-Policy", path)
		}
		if path == "/?q=OTAN" && !strings.Contains(string(body), "<mark>OTAN</mark>") {
			t.Errorf("GET %s: no highlighted result", path)
		}
	}
	if status, hdr, _ := get(t, ts, "/documents/nope"); status != 404 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Errorf("unknown document page: %d %q", status, hdr.Get("Content-Type"))
	}
}
