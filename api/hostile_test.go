package api

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

// hostileCorpus copies the seeds and the hostile fixtures into one folder.
func hostileCorpus(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, src := range []string{testutil.Seeds(), testutil.Hostile()} {
		entries, err := os.ReadDir(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// newServerOver indexes corpus and serves it with opts.
func newServerOver(t testing.TB, corpus string, opts Options) (*httptest.Server, *Handle) {
	t.Helper()
	return serveCorpus(t, corpus, nil, search.Options{}, opts)
}

// serveCorpus indexes corpus, tagging passages with g when it is not nil,
// and serves it with a searcher made with so and the router with opts.
func serveCorpus(t testing.TB, corpus string, g *entity.Gazetteer, so search.Options, opts Options) (*httptest.Server, *Handle) {
	t.Helper()
	data := t.TempDir()
	bo := indexer.Options{Seeds: corpus, Data: data}
	if g != nil {
		bo.Extract = g.Annotate
	}
	if _, err := indexer.Build(context.Background(), bo); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	h := &Handle{}
	s := search.New(gen, so)
	t.Cleanup(func() { s.Close() })
	h.SetSearcher(s)
	if opts.Changes == nil {
		opts.Changes = changelog.Open(data) // as vigie serve does
	}
	ts := httptest.NewServer(NewRouter(h, opts))
	t.Cleanup(ts.Close)
	return ts, h
}

// checkProblem asserts that a response is a well-formed problem with
// the given status and no leaked internals.
func checkProblem(t *testing.T, what string, status int, hdr http.Header, body []byte) {
	t.Helper()
	if hdr.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: %d with content type %q: %.200s", what, status, hdr.Get("Content-Type"), body)
		return
	}
	var p problem
	if err := json.Unmarshal(body, &p); err != nil || p.Status != status || p.Title == "" || p.Type == "" || p.Detail == "" {
		t.Errorf("%s: body %s is not a problem with status %d", what, body, status)
	}
	for _, leak := range []string{"/tmp", "bleve", "scorch", ".go:", "goroutine", "runtime.", "index/", "gen-"} {
		if strings.Contains(string(body), leak) {
			t.Errorf("%s: problem leaks %q: %s", what, leak, body)
		}
	}
}

// TestHostileRequests: no request, however malformed, gets a 5xx; every
// error is problem+json; the server still answers afterwards.
func TestHostileRequests(t *testing.T) {
	ts, _ := newServerOver(t, hostileCorpus(t), Options{})
	prefixes := strings.Repeat("ab* cd* ef* gh* ", 8)
	chain := strings.Repeat("w-", 400) + "w"
	q := func(s string) string { return "/api/v1/search?q=" + url.QueryEscape(s) }
	requests := []string{
		// empty and huge
		"/api/v1/search", "/api/v1/search?q=", "/api/v1/search?q=%20%20%20",
		q(strings.Repeat("cyber ", 200)), q(strings.Repeat("x", 64<<10)), q(chain),
		// quotes and operators
		q(`"cyber`), q(`"`), q(`""""`), q(`"cyber" "`), q(`«cyber`), q(`- -- OR OR | || * ** ()`), q("-"), q("OR"),
		q("-cyber"), q("- cyber -"), q("+cyber +"), q("cyber AND NOT nato"), q("(cyber OR (nato"), q("!@#$%^&*()_+={}[]|\\:;'<>?,./"),
		// regex and wildcard bombs, query-string syntax that our parser must not pass to bleve
		q("a*"), q("*****"), q("/.*/"), q("/(a+)+$/"), q("*a*b*c*d*"), q(".*.*.*.*"), q("c*"), q("cy*"), q("?*?*?*"),
		q(prefixes), q("cyber~5"), q("cyber~"), q("cyber^1000"), q("text_en:cyber"), q("_id:x"), q("_all:cyber"),
		q("year:>2000"), q("year:[2000 TO 2020]"), q("lang:xx"), q("lang:"), q("actor:"), q("year:abcd"),
		// control characters, invalid UTF-8, bad percent-encoding
		"/api/v1/search?q=%00", "/api/v1/search?q=%01%02%1b[31m", "/api/v1/search?q=cyber%0d%0aX-Injected:%201",
		"/api/v1/search?q=%ff%fe", "/api/v1/search?q=%c0%af", "/api/v1/search?q=%ed%a0%80", "/api/v1/search?q=%e2%80%ae",
		"/api/v1/search?q=%zz", "/api/v1/search?q=%", "/api/v1/search?q=%e", "/api/v1/search?q=a%2", "/api/v1/search?q=a;b",
		"/api/v1/search?q=a&&&&b=", "/api/v1/search?&", "/api/v1/search?=x", "/api/v1/search?q",
		// paging
		"/api/v1/search?page=-1", "/api/v1/search?page=0", "/api/v1/search?page=99999999999999999999",
		"/api/v1/search?page=9223372036854775807&size=100", "/api/v1/search?size=0", "/api/v1/search?size=-5",
		"/api/v1/search?size=101", "/api/v1/search?size=1e3", "/api/v1/search?page=1.5", "/api/v1/search?page=%20",
		"/api/v1/search?size=abc", "/api/v1/search?page=2&page=3", "/api/v1/search?page=100&size=100",
		"/api/v1/search?page=101&size=100", "/api/v1/search?page=0x10", "/api/v1/search?size=%00",
		"/api/v1/search?after=junk", "/api/v1/search?after=%ff", "/api/v1/search?after=" + strings.Repeat("A", 8000),
		"/api/v1/search?after=eyJzIjpbIngiXSwiayI6IiJ9", "/api/v1/search?page=2&after=junk",
		// unknown parameters
		"/api/v1/search?q=cyber&foo=bar", "/api/v1/search?q[]=x&q[]=y", "/api/v1/search?__proto__=1", "/api/v1/search?q=cyber&q=nato",
		// every filter with junk
		"/api/v1/search?lang=xx", "/api/v1/search?lang=", "/api/v1/search?lang=en,fr,xx", "/api/v1/search?lang=%ff",
		"/api/v1/search?actor=%3Cscript%3E", "/api/v1/search?actor=%ff", "/api/v1/search?forum='%20OR%201=1--",
		"/api/v1/search?forum=" + strings.Repeat("x,", 2000), "/api/v1/search?year=abcd", "/api/v1/search?year=2016..2013",
		"/api/v1/search?year=99999", "/api/v1/search?year=...", "/api/v1/search?year=-", "/api/v1/search?year=2013..2016..2019",
		"/api/v1/search?year=-2016", "/api/v1/search?year=%00", "/api/v1/search?ui=%3Cscript%3E", "/api/v1/search?ui=%ff",
		"/api/v1/facets?ui=xx", "/api/v1/facets?ui=%3Cscript%3E&x=%zz",
		// HTML and script in q
		q("<script>alert(1)</script>"), q(`"><img src=x onerror=alert(1)>`), q("javascript:alert(1)"), q("<mark>cyber</mark>"),
		// paths
		"/api/v1/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/api/v1/documents/%3Cscript%3E", "/api/v1/passages/%00",
		"/api/v1/passages/" + strings.Repeat("x", 5000), "/api/v1/documents/", "/api/v1/search/", "//api/v1/search",
		"/API/V1/SEARCH", "/api/v1/documents/a/b/c", "/api/v2/search", "/api", "/api/", "/.env", "/metrics?x=%zz",
	}
	for _, path := range requests {
		name := path
		if len(name) > 80 {
			name = name[:80] + "…"
		}
		t.Run(name, func(t *testing.T) {
			status, hdr, body := get(t, ts, path)
			if status >= 500 {
				t.Fatalf("GET %s: %d %.300s", name, status, body)
			}
			if hdr.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("no nosniff header")
			}
			if status >= 400 {
				checkProblem(t, name, status, hdr, body)
				return
			}
			var res map[string]json.RawMessage
			if err := json.Unmarshal(body, &res); err != nil {
				t.Errorf("200 with a body that is not JSON: %.200s", body)
			}
			if strings.Contains(string(body), "X-Injected") && hdr.Get("X-Injected") != "" {
				t.Error("header injection")
			}
			checkEscaped(t, body)
		})
	}

	// Requests that net/http itself refuses before routing (an invalid
	// request line, an oversized header) get its own 4xx, never a 5xx.
	for _, raw := range []string{
		"GET /api/v1/documents/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /api/v1/search?q=\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /api/v1/search?q=" + strings.Repeat("a", 2<<20) + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /api/v1/search HTTP/1.1\r\nHost: x\r\nX: \xff\xfe\r\n\r\n",
		"BREW /api/v1/search HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		status := rawStatus(t, ts, raw)
		if status == 0 || status >= 500 {
			t.Errorf("raw request %.60q: status %d", raw, status)
		}
	}
	// The one 5xx net/http sends by itself: an unknown protocol version.
	if status := rawStatus(t, ts, "GET /api/v1/search HTTP/9.9\r\nHost: x\r\n\r\n"); status != http.StatusHTTPVersionNotSupported {
		t.Errorf("HTTP/9.9: status %d", status)
	}

	// The server is still up and answers normally.
	if status, _, _ := get(t, ts, "/healthz"); status != 200 {
		t.Fatalf("/healthz after hostile requests: %d", status)
	}
	status, _, body := get(t, ts, "/api/v1/search?q=OTAN")
	var res search.Result
	if status != 200 || json.Unmarshal(body, &res) != nil || res.Total == 0 {
		t.Fatalf("search after hostile requests: %d %.200s", status, body)
	}
}

// rawStatus sends a raw request and returns the response status, or 0
// when the connection closed without one.
func rawStatus(t *testing.T, ts *httptest.Server, raw string) int {
	t.Helper()
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	go func() { _, _ = io.WriteString(c, raw) }()
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

var markTags = strings.NewReplacer("<mark>", "", "</mark>", "")

// checkEscaped asserts that every HTML field of a JSON body (highlight,
// heading_highlight) holds no markup but <mark> and no unescaped quote.
func checkEscaped(t *testing.T, body []byte) {
	t.Helper()
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, sub := range v {
				if s, ok := sub.(string); ok && strings.HasSuffix(k, "highlight") {
					if rest := markTags.Replace(s); strings.ContainsAny(rest, `<>"'`) {
						t.Errorf("%s holds unescaped markup: %q", k, s)
					}
					continue
				}
				walk(sub)
			}
		case []any:
			for _, sub := range v {
				walk(sub)
			}
		}
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	walk(v)
}

// TestHighlightsEscapeHostileDocuments: markup in documents and queries
// reaches clients only escaped in the HTML fields, whatever matched.
func TestHighlightsEscapeHostileDocuments(t *testing.T) {
	ts, _ := newServerOver(t, hostileCorpus(t), Options{})
	hostile := map[string]bool{}
	_, _, body := get(t, ts, "/api/v1/documents")
	var list struct {
		Documents []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"documents"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	for _, d := range list.Documents {
		if strings.ContainsAny(d.Title, "<>") {
			hostile[d.ID] = true
		}
	}
	if len(hostile) < 3 {
		t.Fatalf("only %d hostile documents indexed with markup in the title: %s", len(hostile), body)
	}
	marked := 0
	for _, query := range []string{"script", "alert", "onerror", "img", "cyber", "cybersécurité", "strategy", "heading",
		`"onerror alert"`, "<script>", `"><img src=x onerror=alert(1)>`, "iframe", "svg onload", "textarea", "javascript", "mark", ""} {
		status, _, body := get(t, ts, "/api/v1/search?size=100&q="+url.QueryEscape(query))
		if status != 200 {
			t.Fatalf("q=%s: %d %s", query, status, body)
		}
		checkEscaped(t, body)
		var res search.Result
		_ = json.Unmarshal(body, &res)
		for _, h := range res.Hits {
			if hostile[h.DocID] && strings.Contains(h.Highlight+h.HeadingHighlight, "<mark>") {
				marked++
			}
		}
	}
	if marked == 0 {
		t.Error("no hostile passage was highlighted: the test checks nothing")
	}
	// Escaped, not dropped: the markup is still there as text.
	_, _, body = get(t, ts, "/api/v1/search?q=onerror")
	if !regexp.MustCompile(`&lt;img src=x <mark>onerror</mark>=alert`).Match(body) {
		t.Errorf("the escaped markup is missing from the highlight: %.600s", body)
	}
	for id := range hostile {
		status, _, body := get(t, ts, "/api/v1/documents/"+url.PathEscape(id))
		if status != 200 {
			t.Fatalf("document %s: %d", id, status)
		}
		checkEscaped(t, body)
	}
}

func TestHostileSeedsAreHostile(t *testing.T) {
	// Guard the fixture: it must keep its markup.
	for _, name := range []string{"script-injection.txt", "markup-injection.md", "injection-fr.txt"} {
		b, err := os.ReadFile(filepath.Join(testutil.Hostile(), name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "<script>") || !strings.Contains(string(b), `"><img src=x onerror=`) {
			t.Errorf("%s lost its hostile markup", name)
		}
	}
}
