package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

// The test index holds the seeds and testdata/corpus (a bilingual pair
// and two documents full of hostile markup), annotated by a toy entity
// extractor so that the actor, forum and year facets have values before
// the real gazetteer lands.
var testSearcher *search.Searcher

func TestMain(m *testing.M) {
	code, err := runMain(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func runMain(m *testing.M) (int, error) {
	tmp, err := os.MkdirTemp("", "vigie-web-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	corpus := filepath.Join(tmp, "corpus")
	if err := copyCorpus(corpus, testutil.Seeds(), "testdata/corpus"); err != nil {
		return 0, err
	}
	data := filepath.Join(tmp, "data")
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: corpus, Data: data, Extract: toyExtract}); err != nil {
		return 0, fmt.Errorf("build test index: %w", err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		return 0, err
	}
	testSearcher = search.New(gen, search.Options{Labels: toyLabels})
	defer testSearcher.Close()
	return m.Run(), nil
}

// copyCorpus copies the files of several folders into dst.
func copyCorpus(dst string, srcs ...string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, src := range srcs {
		entries, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

var reYear = regexp.MustCompile(`\b(?:19|20)\d\d\b`)

// toyExtract stands in for the gazetteer: a few names, and years.
func toyExtract(text string) (actors, forums []string, years []int) {
	for word, id := range map[string]string{"ANSSI": "anssi", "hygiene": "hostile-actor"} {
		if strings.Contains(text, word) {
			actors = append(actors, id)
		}
	}
	for word, id := range map[string]string{"NATO": "nato", "OTAN": "nato", "European Union": "eu", "Union européenne": "eu"} {
		if strings.Contains(text, word) && !slices.Contains(forums, id) {
			forums = append(forums, id)
		}
	}
	for _, y := range reYear.FindAllString(text, -1) {
		n, _ := strconv.Atoi(y)
		if !slices.Contains(years, n) {
			years = append(years, n)
		}
	}
	slices.Sort(actors)
	slices.Sort(forums)
	return actors, forums, years
}

type labels map[string]map[string]string

func (l labels) Label(id, lang string) string { return l[id][lang] }

var toyLabels = labels{
	"anssi":         {"en": "French cyber agency (ANSSI)", "fr": "Agence nationale de la sécurité des systèmes d’information"},
	"nato":          {"en": "NATO", "fr": "OTAN"},
	"eu":            {"en": "European Union", "fr": "Union européenne"},
	"hostile-actor": {"en": `<script>alert(1)</script>"><img src=x onerror=alert(1)>`, "fr": `<script>alert(1)</script>`},
}

func newHandler() http.Handler {
	return New(func() *search.Searcher { return testSearcher }, Options{Labels: toyLabels})
}

// get serves one request; header pairs follow the target.
func get(t testing.TB, h http.Handler, target string, header ...string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	body, _ := io.ReadAll(w.Result().Body)
	return w.Code, w.Header(), string(body)
}

// attrs returns the unescaped values of an attribute on the elements
// whose opening tag matches tag (a regexp fragment such as `a class="chip`).
func attrs(body, tag, attr string) []string {
	re := regexp.MustCompile(`<` + tag + `[^>]*?\s` + attr + `="([^"]*)"`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// hitLangs lists the language badges of the hits on a page.
func hitLangs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<li class="hit" id="r\d+">\s*<article lang="(\w+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestSearchPage(t *testing.T) {
	h := newHandler()
	status, hdr, body := get(t, h, "/?q=cyber+attacks")
	if status != 200 || hdr.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("status %d, content type %q", status, hdr.Get("Content-Type"))
	}
	res, err := testSearcher.Search(context.Background(), search.Request{Query: "cyber attacks", Size: pageSize, Group: search.GroupSection})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("the test corpus has no hit for cyber attacks")
	}
	// The hits are the search's hits, in order, each linking to its
	// passage in its document.
	hrefs := attrs(body, `h2 class="hit-title"[^>]*><a`, "href")
	if len(hrefs) != len(res.Hits) {
		t.Fatalf("%d hit links, want %d", len(hrefs), len(res.Hits))
	}
	for i, hit := range res.Hits {
		u, err := url.Parse(hrefs[i])
		if err != nil || u.Path != "/documents/"+hit.DocID || u.Fragment != hit.ID || u.Query().Get("from") != "q=cyber+attacks" {
			t.Errorf("hit %d links %q, want /documents/%s?from=…#%s", i, hrefs[i], hit.DocID, hit.ID)
		}
		if !strings.Contains(body, hit.Highlight) {
			t.Errorf("hit %d: highlight not rendered as HTML: %.80s", i, hit.Highlight)
		}
	}
	if !strings.Contains(body, "<mark>attacks</mark>") {
		t.Error("no <mark> in the page")
	}
	for _, want := range []string{
		`<input type="search" id="q" name="q" value="cyber attacks"`,
		fmt.Sprintf(`>%d passages in `, res.Total),
		`<span class="badge badge-en" lang="en"><span aria-hidden="true">en</span><span class="sr-only">English</span></span>`,
		`<time datetime="2017-10-04">4 October 2017</time>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestFacetsAndChips(t *testing.T) {
	h := newHandler()
	_, _, body := get(t, h, "/?q=resilience&lang=en&forum=nato")
	if langs := hitLangs(body); len(langs) == 0 || slices.ContainsFunc(langs, func(l string) bool { return l != "en" }) {
		t.Errorf("lang=en shows hits in %v", langs)
	}
	// Checked boxes for the selection; the other language is still
	// offered with its count (disjunctive facets), inside the GET form.
	checked := regexp.MustCompile(`<input type="checkbox" form="search-form" id="[^"]+" name="(\w+)" value="([^"]+)"( checked)?><label for="[^"]+"><span class="label">([^<]*)</span> <span class="n">(\d+)</span>`)
	type box struct {
		checked bool
		label   string
		count   int
	}
	boxes := map[string]box{}
	for _, m := range checked.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[5])
		boxes[m[1]+"="+m[2]] = box{m[3] != "", html.UnescapeString(m[4]), n}
	}
	if b := boxes["lang=en"]; !b.checked || b.label != "English" || b.count == 0 {
		t.Errorf("lang=en box %+v", b)
	}
	if b, ok := boxes["lang=fr"]; !ok || b.checked || b.count == 0 {
		t.Errorf("lang=fr box %+v (present %v): want unchecked with a count", b, ok)
	}
	if b := boxes["forum=nato"]; !b.checked || b.label != "NATO" {
		t.Errorf("forum=nato box %+v", b)
	}
	// Each chip removes its own filter and keeps the rest.
	chips := attrs(body, `a class="chip`, "href")
	want := []string{"/?q=resilience&forum=nato", "/?q=resilience&lang=en"}
	if !slices.Equal(chips, want) {
		t.Errorf("chip links %q, want %q", chips, want)
	}
	if labels := attrs(body, `a class="chip`, "aria-label"); len(labels) != 2 || labels[0] != "Remove filter Language: English" {
		t.Errorf("chip labels %q", labels)
	}
	if clear := attrs(body, `a class="clear`, "href"); !slices.Equal(clear, []string{"/?q=resilience"}) {
		t.Errorf("clear-all link %q", clear)
	}

	// French interface: facet values and chips use the French labels,
	// also for a selected value the counts do not list.
	_, _, body = get(t, h, "/?q=resilience&forum=nato&ui=fr")
	for _, want := range []string{`<span class="label">français</span>`, `<span class="label">OTAN</span>`, `aria-label="Retirer le filtre Enceinte : OTAN"`} {
		if !strings.Contains(body, want) {
			t.Errorf("French page lacks %s", want)
		}
	}
	_, _, body = get(t, h, "/?q=resilience&actor=anssi&ui=fr")
	if !strings.Contains(body, `<span class="label">Agence nationale de la sécurité des systèmes d’information</span>`) {
		t.Error("selected actor without its French label")
	}
}

// A selected value that the counts no longer list keeps its checked box,
// so that submitting the form does not drop it.
func TestSelectedValueAlwaysHasABox(t *testing.T) {
	_, _, body := get(t, newHandler(), "/?q=resilience&year=1850")
	if !regexp.MustCompile(`name="year" value="1850" checked>`).MatchString(body) {
		t.Error("no checked box for year=1850")
	}
	if !strings.Contains(body, "No passage matches “resilience”.") {
		t.Error("no empty state")
	}
}

func TestUILanguage(t *testing.T) {
	h := newHandler()
	tests := []struct {
		target, accept, want string
		explicit             bool
	}{
		{"/", "", "en", false},
		{"/", "fr-CA,fr;q=0.9,en;q=0.5", "fr", false},
		{"/", "en-GB,fr;q=0.5", "en", false},
		{"/", "de-DE,de;q=0.9", "en", false},
		{"/", "!!garbage", "en", false},
		{"/?ui=fr", "en", "fr", true},
		{"/?ui=en", "fr", "en", true},
		{"/?ui=xx", "fr", "fr", false},
		{"/documents/resilience-en?ui=fr", "", "fr", true},
	}
	for _, tt := range tests {
		t.Run(tt.target+" "+tt.accept, func(t *testing.T) {
			_, hdr, body := get(t, h, tt.target, "Accept-Language", tt.accept)
			if !strings.Contains(body, `<html lang="`+tt.want+`">`) || hdr.Get("Content-Language") != tt.want {
				t.Errorf("want the page in %s; Content-Language %q", tt.want, hdr.Get("Content-Language"))
			}
			if !strings.Contains(hdr.Get("Vary"), "Accept-Language") {
				t.Error("no Vary: Accept-Language")
			}
			button := map[string]string{"en": ">Search</button>", "fr": ">Rechercher</button>"}[tt.want]
			if !strings.Contains(body, button) {
				t.Errorf("button label is not %s", button)
			}
			// The switch offers the other language for this same page.
			sw := attrs(body, `a id="ui-switch"`, "href")
			other := map[string]string{"en": "fr", "fr": "en"}[tt.want]
			if len(sw) != 1 || !strings.Contains(sw[0], "ui="+other) {
				t.Errorf("language switch %q", sw)
			}
			hidden := strings.Contains(body, `<input type="hidden" name="ui" value="`+tt.want+`">`)
			if hidden != tt.explicit {
				t.Errorf("hidden ui input present %v, want %v", hidden, tt.explicit)
			}
		})
	}
}

// The French pages show no English label.
func TestFrenchPagesAreFrench(t *testing.T) {
	h := newHandler()
	english := []string{"Search policy texts", ">Filters<", "Read in context", ">Language<", "passages in", "Updated",
		"Skip to results", "Apply filters", "No passage", "Remove filter", "Back to results", "About this document", ">Next"}
	for _, target := range []string{"/?ui=fr", "/?q=resilience&lang=fr&ui=fr", "/?q=cyber*&ui=fr",
		"/?q=zzzqqq&lang=en&ui=fr", "/documents/resilience-en?ui=fr&from=q%3Dx", "/documents?ui=fr", "/documents/nope?ui=fr"} {
		_, _, body := get(t, h, target)
		for _, s := range english {
			if strings.Contains(body, s) {
				t.Errorf("%s shows English %q", target, s)
			}
		}
	}
}

func TestCatalogueIsComplete(t *testing.T) {
	for key := range catalogue["en"] {
		if _, ok := catalogue["fr"][key]; !ok {
			t.Errorf("%q has no French translation", key)
		}
	}
	for key := range catalogue["fr"] {
		if _, ok := catalogue["en"][key]; !ok {
			t.Errorf("%q has no English text", key)
		}
	}
	// Every key a template asks for exists.
	re := regexp.MustCompile(`\.T "([^"]+)"`)
	files, _ := templateFS.ReadDir("templates")
	for _, f := range files {
		b, _ := templateFS.ReadFile("templates/" + f.Name())
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if _, ok := catalogue["en"][m[1]]; !ok {
				t.Errorf("%s uses unknown label %q", f.Name(), m[1])
			}
		}
	}
}

// hostile is markup a document or a query might carry; a page must show
// it as text.
var hostile = []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`}

// assertInert fails if any hostile string appears unescaped, or if the
// page has an element that would run script.
func assertInert(t *testing.T, where, body string) {
	t.Helper()
	for _, s := range hostile {
		if strings.Contains(body, s) {
			t.Errorf("%s: %q appears unescaped", where, s)
		}
	}
	for _, bad := range []string{"<script>", "<img src=x", `="javascript:`} {
		if strings.Contains(body, bad) {
			t.Errorf("%s: contains %q", where, bad)
		}
	}
	// Attribute values are quoted and escaped by html/template (no raw
	// '"' or '>' inside), so the attributes of a tag are what is left once
	// the quoted values are removed.
	for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(body, -1) {
		names := regexp.MustCompile(`="[^"]*"`).ReplaceAllString(tag, "")
		if regexp.MustCompile(`\s(on[a-zA-Z]+|style)(\s|=|>|$)`).MatchString(names) {
			t.Errorf("%s: inline handler or style: %s", where, tag)
		}
	}
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1) {
		if !strings.Contains(tag, ` src="/static/`) {
			t.Errorf("%s: inline script %s", where, tag)
		}
	}
}

func TestHostileInput(t *testing.T) {
	h := newHandler()
	q := url.QueryEscape
	targets := []string{
		"/?q=" + q(hostile[0]),
		"/?q=" + q(hostile[1]) + "&ui=fr",
		"/?q=" + q(hostile[1]+" resilience"),
		"/?q=resilience&actor=" + q(hostile[0]) + "&forum=" + q(hostile[1]),
		"/?q=verbatim",          // the plain-text document: title, heading, passage
		"/?q=quotes+markup",     // the Markdown document
		"/?q=hygiene",           // an actor whose label is hostile
		"/?q=hygiene&ui=fr",     //
		"/?actor=hostile-actor", // selected, as a chip
		"/?lang=" + q(hostile[0]),
		"/?year=" + q(hostile[1]),
		"/?page=" + q(hostile[0]),
		"/documents/hostile",
		"/documents/hostile-plain?from=" + q("q="+hostile[0]),
		"/documents/" + q(hostile[0]),
		"/documents",
		"/?ui=" + q(hostile[1]),
	}
	for _, target := range targets {
		status, _, body := get(t, h, target)
		if status >= 500 {
			t.Errorf("%s: status %d", target, status)
		}
		assertInert(t, target, body)
	}
	// The hostile text is shown, escaped, not dropped.
	_, _, body := get(t, h, "/?q=verbatim")
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("escaped %q missing from the results", want)
		}
	}
	_, _, body = get(t, h, "/documents/hostile-plain")
	if !strings.Contains(body, "5 &lt; 6 &amp; 7 &gt; 3") {
		t.Error("document text not shown escaped")
	}
	// A javascript: source is shown as text, not linked.
	_, _, body = get(t, h, "/documents/hostile")
	if !strings.Contains(body, `<dd class="source">javascript:alert(1)</dd>`) {
		t.Error("javascript: source not shown as text")
	}
}

func TestDocumentPage(t *testing.T) {
	h := newHandler()
	info, passages, err := testSearcher.Document(context.Background(), "resilience-en")
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := get(t, h, "/documents/resilience-en?from="+url.QueryEscape("q=resilience&lang=en&evil=1&page=x"))
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	// Every passage, in order, with its id as anchor.
	ids := attrs(body, `div class="passage"`, "id")
	var want []string
	for _, p := range passages {
		want = append(want, p.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("passage anchors %q, want %q", ids, want)
	}
	for _, s := range []string{
		"<h1>" + info.Title + "</h1>",
		"<h2 id=\"s1\">Why resilience matters</h2>",
		"<h2 id=\"s3\">International cooperation</h2>",
		"<li>report significant incidents within 72 hours;</li>",
		`<a href="https://example.org/en/resilience" rel="noopener noreferrer">https://example.org/en/resilience</a>`,
		`<time datetime="2019-06-12">12 June 2019</time>`,
		`<dd>Open Government Licence</dd>`,
		`<a href="/?forum=nato">NATO</a>`,
		`<p class="back"><a href="/?q=resilience&amp;lang=en">`, // unknown parameters dropped
	} {
		if !strings.Contains(body, s) {
			t.Errorf("document page lacks %s", s)
		}
	}
	if status, _, body := get(t, h, "/documents/no-such-document"); status != 404 || !strings.Contains(body, "Page not found") {
		t.Errorf("unknown document: %d", status)
	}
	_, _, body = get(t, h, "/documents/resilience-fr?ui=fr")
	if !strings.Contains(body, `<time datetime="2019-06-12">12 juin 2019</time>`) || !strings.Contains(body, `<a href="/?forum=nato&amp;ui=fr">OTAN</a>`) {
		t.Error("French document page: dates or entity labels not in French")
	}
}

func TestDocumentsPage(t *testing.T) {
	_, _, body := get(t, newHandler(), "/documents")
	links := attrs(body, `li><a`, "href")
	if len(links) != len(testSearcher.Documents()) {
		t.Errorf("%d document links, want %d", len(links), len(testSearcher.Documents()))
	}
}

func TestLandingPage(t *testing.T) {
	_, _, body := get(t, newHandler(), "/")
	for _, s := range []string{"<h1>Search policy texts in English and French</h1>", `<a href="/?q=cyber&#43;attacks">cyber attacks</a>`,
		`<fieldset class="facet facet-lang">`, `<fieldset class="facet facet-year">`, `<a href="/documents/004_dca60fb814a64a17" lang="fr">A l’international</a>`} {
		if !strings.Contains(body, s) {
			t.Errorf("landing page lacks %s", s)
		}
	}
	if strings.Contains(body, `class="hits"`) {
		t.Error("landing page lists hits")
	}
}

func TestNotices(t *testing.T) {
	h := newHandler()
	_, _, body := get(t, h, "/?q=OTAN+zzzzunknownword")
	if !strings.Contains(body, "No passage has all your words") || !strings.Contains(body, "<mark>OTAN</mark>") {
		t.Error("relaxed search: no notice or no hits")
	}
	_, _, body = get(t, h, "/?q=OTAN")
	if strings.Contains(body, "No passage has all your words") {
		t.Error("relaxed notice on an exact search")
	}
	_, _, body = get(t, h, "/?q=zzzzunknownword&lang=fr")
	for _, s := range []string{"No passage matches “zzzzunknownword”.", `<ul class="examples">`, `<a href="/?q=cyber&#43;attacks">`} {
		if !strings.Contains(body, s) {
			t.Errorf("empty state lacks %s", s)
		}
	}
}

func TestPagination(t *testing.T) {
	h := newHandler()
	res, err := testSearcher.Search(context.Background(), search.Request{Filters: map[string][]string{"lang": {"fr"}}, Size: pageSize})
	if err != nil {
		t.Fatal(err)
	}
	last := int((res.Total + pageSize - 1) / pageSize)
	if last < 2 {
		t.Fatalf("the French passages fit on one page (%d): the test needs more", res.Total)
	}
	_, _, body := get(t, h, "/?lang=fr&page=2")
	if prev := attrs(body, `a class="js-swap" rel="prev"`, "href"); !slices.Equal(prev, []string{"/?lang=fr"}) {
		t.Errorf("previous link %q", prev)
	}
	next := attrs(body, `a class="js-swap" rel="next"`, "href")
	if (last > 2) != (len(next) == 1) {
		t.Errorf("next link %q with %d pages", next, last)
	}
	if cur := attrs(body, `a class="js-swap"[^>]*aria-current="page"`, "aria-label"); !slices.Equal(cur, []string{"Page 2"}) {
		t.Errorf("current page %q", cur)
	}
	if !strings.Contains(body, fmt.Sprintf("page 2 of %d", last)) {
		t.Error("no page count")
	}
	if langs := hitLangs(body); len(langs) == 0 {
		t.Error("page 2 is empty")
	}
	status, _, body := get(t, h, "/?lang=fr&page="+strconv.Itoa(last+5))
	if status != 200 || !strings.Contains(body, fmt.Sprintf("There are only %d pages of results.", last)) ||
		!strings.Contains(body, fmt.Sprintf(`<a href="/?lang=fr&amp;page=%d">Go to the last page</a>`, last)) {
		t.Errorf("a page past the end: %d, no link to page %d", status, last)
	}
}

func TestBadInput(t *testing.T) {
	h := newHandler()
	tests := []struct {
		target, message string
	}{
		{"/?q=x&lang=de", `lang &#34;de&#34;: want en or fr`},
		{"/?q=x&year=soon", "want a year such as 2016"},
		{"/?q=x&page=abc", "page must be a whole number"},
		{"/?q=x&page=0", "page must be a whole number"},
		{"/?q=x&page=100000", "page must be 1000 or less"},
	}
	for _, tt := range tests {
		status, _, body := get(t, h, tt.target)
		if status != 400 || !strings.Contains(body, tt.message) || !strings.Contains(body, `role="alert"`) {
			t.Errorf("%s: status %d, message %q missing", tt.target, status, tt.message)
		}
		// The form keeps the query, and a chip removes a bad filter.
		if !strings.Contains(body, `name="q" value="x"`) {
			t.Errorf("%s: query lost", tt.target)
		}
	}
	_, _, body := get(t, h, "/?q=x&lang=de")
	if chips := attrs(body, `a class="chip`, "href"); !slices.Equal(chips, []string{"/?q=x"}) {
		t.Errorf("chip for the bad filter: %q", chips)
	}
}

func TestUnavailable(t *testing.T) {
	h := New(func() *search.Searcher { return nil }, Options{})
	for _, target := range []string{"/", "/?q=x", "/documents", "/documents/x"} {
		status, hdr, body := get(t, h, target)
		if status != 503 || hdr.Get("Retry-After") == "" || !strings.Contains(body, `<meta http-equiv="refresh" content="5">`) ||
			!strings.Contains(body, "The search index is being built") {
			t.Errorf("%s: %d, Retry-After %q", target, status, hdr.Get("Retry-After"))
		}
	}
	if status, _, _ := get(t, h, "/static/vigie.css"); status != 200 {
		t.Errorf("assets unavailable while the index builds: %d", status)
	}
}

func TestRoutes(t *testing.T) {
	h := newHandler()
	tests := []struct {
		method, target string
		status         int
		ctype          string
	}{
		{"GET", "/static/vigie.css", 200, "text/css; charset=utf-8"},
		{"GET", "/static/vigie.js", 200, "text/javascript; charset=utf-8"},
		{"GET", "/static/favicon.svg", 200, "image/svg+xml"},
		{"GET", "/static/", 404, ""},
		{"GET", "/static/nope.js", 404, ""},
		{"GET", "/nope", 404, "text/html; charset=utf-8"},
		{"POST", "/", 405, ""},
		{"HEAD", "/", 200, "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, tt.target, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tt.status || (tt.ctype != "" && w.Header().Get("Content-Type") != tt.ctype) {
			t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.target, w.Code, w.Header().Get("Content-Type"), tt.status, tt.ctype)
		}
		if tt.method == "HEAD" && w.Body.Len() != 0 {
			t.Errorf("HEAD / has a body")
		}
	}
	// Paths are cleaned before routing: nothing outside the assets.
	if status, _, body := get(t, h, "/static/../web.go"); status == 200 || strings.Contains(body, "package web") {
		t.Errorf("/static/../web.go: %d", status)
	}
	// Versioned assets are cached for good; the pages link the version.
	_, _, body := get(t, h, "/")
	css := attrs(body, `link rel="stylesheet"`, "href")
	if len(css) != 1 {
		t.Fatalf("stylesheet links %q", css)
	}
	_, hdr, _ := get(t, h, css[0])
	if !strings.Contains(hdr.Get("Cache-Control"), "immutable") || hdr.Get("ETag") == "" {
		t.Errorf("versioned asset headers: %v", hdr)
	}
}

// Every page is accessible in the ways a test can see: a language, one
// h1, a label for every field, landmarks, no inline script.
func TestPagesStructure(t *testing.T) {
	h := newHandler()
	for _, target := range []string{"/", "/?q=resilience&lang=en", "/?q=zzzz", "/?q=x&lang=de", "/documents/resilience-fr",
		"/documents", "/documents/nope", "/nope"} {
		_, _, body := get(t, h, target)
		if n := strings.Count(body, "<h1"); n != 1 {
			t.Errorf("%s: %d h1", target, n)
		}
		for _, s := range []string{`<html lang="`, `<main id="main"`, `<header class="site">`, `role="search"`, `<label for="q">`, `<a class="skip" href="#main">`} {
			if !strings.Contains(body, s) {
				t.Errorf("%s lacks %s", target, s)
			}
		}
		ids := attrs(body, `input type="checkbox"`, "id")
		for _, id := range ids {
			if !strings.Contains(body, `<label for="`+id+`">`) {
				t.Errorf("%s: checkbox %s has no label", target, id)
			}
		}
		seen := map[string]bool{}
		for _, id := range attrs(body, `[a-z0-9]+`, "id") {
			if seen[id] {
				t.Errorf("%s: duplicate id %q", target, id)
			}
			seen[id] = true
		}
		assertInert(t, target, body)
	}
}

// The "did you mean", fuzzy and twin fields of a result are shown, escaped.
func TestOptionalFields(t *testing.T) {
	if x := readExtras(&search.Result{Hits: []search.Hit{{ID: "a"}}}); x.Suggestion != "" || x.Fuzzy || x.Twins[0] != nil {
		t.Errorf("extras of a plain result: %+v", x)
	}
	future := &search.Result{
		Suggestion: "cybersécurité",
		Fuzzy:      true,
		Hits: []search.Hit{
			{ID: "a"},
			{ID: "b", Twin: &search.Twin{ID: "d2~1", DocID: "d2", Lang: "fr", Heading: "Titre <b>", Text: `Le texte "><img src=x onerror=alert(1)>`}},
		},
	}
	st := readState(url.Values{"q": {"cybersecurty"}, "lang": {"en"}}, "en", false)
	v := &searchView{page: page{UI: "en", Q: st.Q, JS: "/static/vigie.js", CSS: "/static/vigie.css"}, Searched: true, Total: 2, Hits: []hitView{{N: 1, ID: "a", DocID: "d1", Lang: "en"}, {N: 2, ID: "b", DocID: "d1", Lang: "en"}}}
	fillExtras(v, st, readExtras(future))
	var buf bytes.Buffer
	if err := newHandler().(*handler).pages["search"].Execute(&buf, v); err != nil {
		t.Fatal(err)
	}
	body := buf.String()
	for _, s := range []string{
		`Did you mean <a href="/?q=cybers%C3%A9curit%C3%A9&amp;lang=en"><strong>cybersécurité</strong></a>?`,
		`<p class="notice fuzzy">`,
		`<aside class="twin" lang="fr"`,
		`<p class="twin-heading">Titre &lt;b&gt;</p>`,
		`<a href="/documents/d2?from=q%3Dcybersecurty%26lang%3Den#d2~1">`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %s", s)
		}
	}
	if strings.Count(body, `class="twin"`) != 1 {
		t.Error("twin shown on a hit without one")
	}
	assertInert(t, "twin", body)
}

func TestSplitBlocks(t *testing.T) {
	tests := []struct {
		in   string
		want []textBlock
	}{
		{"One line.", []textBlock{{Text: "One line."}}},
		{"A.\n\nB.", []textBlock{{Text: "A."}, {Text: "B."}}},
		{"Lead in:\n\n  • one;\n  • two.\nAfter.", []textBlock{{Text: "Lead in:"}, {Items: []string{"one;", "two."}}, {Text: "After."}}},
		{"- a\n- b", []textBlock{{Items: []string{"a", "b"}}}},
		{"-5 degrees\n2013-2016", []textBlock{{Text: "-5 degrees\n2013-2016"}}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := splitBlocks(tt.in); !slices.EqualFunc(got, tt.want, func(a, b textBlock) bool {
			return a.Text == b.Text && slices.Equal(a.Items, b.Items)
		}) {
			t.Errorf("splitBlocks(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct{ ui, in, want string }{
		{"en", "2025-05-28", "28 May 2025"},
		{"fr", "2025-05-28", "28 mai 2025"},
		{"fr", "2022-07-01", "1er juillet 2022"},
		{"en", "2022", "2022"},
		{"en", "", ""},
	}
	for _, tt := range tests {
		if got := formatDate(tt.ui, tt.in); got != tt.want {
			t.Errorf("formatDate(%s, %q) = %q, want %q", tt.ui, tt.in, got, tt.want)
		}
	}
	if got := tr("fr", "results.took", 3.14); got != "en 3,1 ms" {
		t.Errorf("French number format: %q", got)
	}
}

func TestClip(t *testing.T) {
	if got := clip("short", 10); got != "short" {
		t.Errorf("clip short: %q", got)
	}
	got := clip(strings.Repeat("mot ", 200), 100)
	if len(got) > 110 || !strings.HasSuffix(got, "mot …") {
		t.Errorf("clip: %q", got)
	}
	got = clip(strings.Repeat("é", 100), 51)
	if !strings.HasSuffix(got, " …") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("clip cut a rune: %q", got)
	}
}

// FuzzState checks that a result page's URL survives a round trip: the
// links a page builds describe the same search as the URL it came from.
func FuzzState(f *testing.F) {
	for _, s := range []string{"q=cyber", "q=a&lang=en,fr&year=2013..2016&page=3&ui=fr", "lang=&lang=+", "page=-1&actor=%00", "q=%ff%fe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		st := readState(q, "en", q.Get("ui") == "en")
		href := st.href()
		if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
			t.Fatalf("href %q leaves the site", href)
		}
		u, err := url.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		again := readState(u.Query(), "en", u.Query().Get("ui") == "en")
		if again.Q != st.Q || again.Page != st.Page || fmt.Sprint(again.Filters) != fmt.Sprint(st.Filters) {
			t.Fatalf("round trip of %q: %+v became %+v", raw, st, again)
		}
	})
}

func BenchmarkSearchPage(b *testing.B) {
	h := newHandler()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/?q=cyber+attacks&lang=en", nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

func BenchmarkDocumentPage(b *testing.B) {
	h := newHandler()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/documents/004_dca60fb814a64a17", nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// TestBusy: a search that got no worker (search.ErrBusy) is a 503 page
// that says so in the reader's language and comes back by itself; one
// whose client left is not answered.
func TestBusy(t *testing.T) {
	h := New(func() *search.Searcher { return testSearcher }, Options{}).(*handler)
	for _, tt := range []struct {
		lang, want string
	}{{"en", "answering many searches at once"}, {"fr", "de nombreuses recherches à la fois"}} {
		r := httptest.NewRequest(http.MethodGet, "/?q=x&ui="+tt.lang, nil)
		w := httptest.NewRecorder()
		p := h.newPage(w, r, "")
		h.fail(w, r, &p, errors.Join(search.ErrBusy, context.DeadlineExceeded))
		body := w.Body.String()
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" ||
			!strings.Contains(body, `<meta http-equiv="refresh" content="2">`) || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d, Retry-After %q, body lacks the refresh or %q", tt.lang, w.Code, w.Header().Get("Retry-After"), tt.want)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/?q=x", nil)
	w := httptest.NewRecorder()
	p := h.newPage(w, r, "")
	h.fail(w, r, &p, context.Canceled)
	if w.Body.Len() != 0 {
		t.Errorf("a client that left got a page: %.100s", w.Body.String())
	}
}
