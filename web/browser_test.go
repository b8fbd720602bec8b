package web_test

// End-to-end tests of the web interface in headless Chromium, driven by
// chromedp, against a real "vigie serve" on loopback.
//
// They skip with a message when no browser is installed, unless
// VIGIE_REQUIRE_BROWSER=1 (set by .ci/run), where they fail instead.
// Screenshots go to the test's artifact directory (kept with
// "go test -artifacts"); VIGIE_SCREENSHOTS=DIR also writes the two
// documentation screenshots (results-en.png, results-fr.png) there, a
// relative DIR being taken from the repository root:
//
//	VIGIE_SCREENSHOTS=docs/screenshots go test ./web -run TestBrowser

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/vigie/vigie/internal/testutil"
)

// findBrowser returns the path of a Chromium or Chrome binary, or skips.
func findBrowser(t *testing.T) string {
	t.Helper()
	required := os.Getenv("VIGIE_REQUIRE_BROWSER") == "1"
	if testing.Short() && !required {
		t.Skip("browser tests skipped in -short mode")
	}
	candidates := []string{os.Getenv("VIGIE_CHROME"), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "/usr/bin/chromium"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if required {
		t.Fatal("no Chromium found (install the chromium package or set VIGIE_CHROME) and VIGIE_REQUIRE_BROWSER=1")
	}
	t.Skip("BROWSER TESTS SKIPPED: no Chromium found (apt-get install chromium, or set VIGIE_CHROME); CI runs them")
	return ""
}

// buildVigie compiles cmd/vigie into a temporary folder.
func buildVigie(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vigie")
	build := exec.Command("go", "build", "-o", bin, "github.com/vigie/vigie/cmd/vigie")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startServer indexes the files of dirs, serves them with "vigie serve"
// on 127.0.0.1 and returns the base URL.
func startServer(t *testing.T, bin string, dirs ...string) string {
	t.Helper()
	work := t.TempDir()
	corpus := filepath.Join(work, "corpus")
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(corpus, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(corpus, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	serve := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--seeds", corpus, "--data", filepath.Join(work, "data"), "--log-level", "warn")
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	serve.Stderr = os.Stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = serve.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = serve.Process.Kill()
			<-done
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`http://(\S+)/`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- "http://" + m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(60 * time.Second):
		t.Fatal("vigie serve printed no address within 60 s")
	}
	return ""
}

// newBrowser starts headless Chromium for the test.
func newBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // Chromium runs as root in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// newTab opens a tab that fails the test on any script error, blocked
// resource (Content-Security-Policy) or dialog (an alert would mean a
// hostile text ran as script).
func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var problems []string
	report := func(s string) {
		mu.Lock()
		problems = append(problems, s)
		mu.Unlock()
	}
	messages := chromedp.Console(tab)
	dialogs := chromedp.Events(tab, page.JavascriptDialogOpening)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case m.IsException(), m.Source == "security", strings.Contains(m.Text, "Content Security Policy"):
				report(m.String())
			case m.Type == chromedp.ConsoleError && !strings.Contains(m.URL, "/api/v1/suggest"):
				// The suggest endpoint may answer 404 until it exists; the
				// page handles that. Any other failed request is a bug.
				report(m.String() + " " + m.URL)
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			report("dialog opened: " + ev.Message)
			_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser: %s", p)
		}
	})
	return tab
}

// do runs actions with a deadline and fails the test on error.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.EvaluateAsDevTools[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds. It polls from Go,
// not with chromedp.Poll, so that a navigation between two polls (a
// form submitted, a link followed) is not an error.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(cctx, chromedp.EvaluateAsDevTools[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting for %s (%s): timed out (last error: %v)", what, js, last)
}

// shot saves a screenshot of the viewport as a test artifact, and as a
// documentation screenshot when VIGIE_SCREENSHOTS names a folder and
// docName is set.
func shot(t *testing.T, ctx context.Context, name, docName string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
	if dir := os.Getenv("VIGIE_SCREENSHOTS"); dir != "" && docName != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(testutil.Root(), dir)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, docName), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("documentation screenshot %s", filepath.Join(dir, docName))
	}
}

// hitLangs lists the languages of the results on the page.
const hitLangs = `Array.from(document.querySelectorAll('.hit article')).map(a => a.lang)`

func TestBrowser(t *testing.T) {
	chrome := findBrowser(t)
	bin := buildVigie(t)
	// The seeds and the test documents (a bilingual pair, hostile markup).
	base := startServer(t, bin, testutil.Seeds(), "testdata/corpus")
	browser := newBrowser(t, chrome)

	t.Run("search, filter, switch language, open the passage", func(t *testing.T) {
		tab := newTab(t, browser)

		// Type a query: highlighted results.
		do(t, tab, "open the search page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("q")))
		if lang := eval[string](t, tab, `document.documentElement.lang`); lang != "en" {
			t.Fatalf("page language %q for an English browser", lang)
		}
		do(t, tab, "type a query", chromedp.SendKeys(chromedp.ID("q"), "cyber attacks\n"))
		waitFor(t, tab, "results", `location.search.includes('q=cyber') && document.querySelectorAll('.hit-text mark').length > 0`)
		marks := eval[[]string](t, tab, `Array.from(document.querySelectorAll('.hit mark')).map(m => m.textContent.toLowerCase())`)
		if !slices.Contains(marks, "attacks") || !slices.Contains(marks, "cyber") {
			t.Errorf("marked words %q", marks)
		}
		shot(t, tab, "results-typed.png", "")

		// Tick a facet: the results update in place.
		do(t, tab, "search both languages", chromedp.Navigate(base+"/?q="+url.QueryEscape("NATO OR OTAN")),
			chromedp.WaitVisible(chromedp.CSS(".hit")))
		if langs := eval[[]string](t, tab, hitLangs); !slices.Contains(langs, "en") || !slices.Contains(langs, "fr") {
			t.Fatalf("NATO OR OTAN should find both languages, found %q", langs)
		}
		shot(t, tab, "results-both.png", "")
		eval[int](t, tab, `window.vigieNoReload = 7`)
		do(t, tab, "tick French", chromedp.Click(chromedp.CSS(`input[name=lang][value=fr]`)))
		waitFor(t, tab, "French results", `location.search.includes('lang=fr') && document.querySelectorAll('a.chip').length === 1`)
		if langs := eval[[]string](t, tab, hitLangs); len(langs) == 0 || slices.ContainsFunc(langs, func(l string) bool { return l != "fr" }) {
			t.Errorf("after ticking French: %q", langs)
		}
		if eval[int](t, tab, `window.vigieNoReload || 0`) != 7 {
			t.Error("ticking a facet reloaded the page")
		}
		if !eval[bool](t, tab, `document.activeElement.matches('input[name=lang][value=fr]:checked')`) {
			t.Error("focus did not stay on the ticked box")
		}
		// Remove the filter with its chip, then come back with the
		// browser's back button.
		do(t, tab, "remove the chip", chromedp.Click(chromedp.CSS(`a.chip`)))
		waitFor(t, tab, "both languages again", `!location.search.includes('lang=') && document.querySelectorAll('a.chip').length === 0`)
		do(t, tab, "go back", chromedp.NavigateBack())
		waitFor(t, tab, "French results again", `location.search.includes('lang=fr') && document.querySelectorAll('input[name=lang][value=fr]:checked').length === 1`)

		// Switch to French: same search, French labels.
		do(t, tab, "switch to French", chromedp.Click(chromedp.ID("ui-switch")))
		waitFor(t, tab, "French interface", `document.documentElement.lang === 'fr'`)
		if got := eval[string](t, tab, `document.querySelector('#search-form button').textContent`); got != "Rechercher" {
			t.Errorf("search button %q in French", got)
		}
		search := eval[string](t, tab, `location.search`)
		if !strings.Contains(search, "ui=fr") || !strings.Contains(search, "lang=fr") || !strings.Contains(search, "q=NATO") {
			t.Errorf("switching language lost the search: %s", search)
		}
		if legends := eval[[]string](t, tab, `Array.from(document.querySelectorAll('legend')).map(l => l.textContent)`); !slices.Contains(legends, "Langue") {
			t.Errorf("facet legends %q", legends)
		}
		shot(t, tab, "results-switched.png", "")
		do(t, tab, "French results page", chromedp.Navigate(base+"/?q="+url.QueryEscape("cybersécurité")+"&ui=fr"),
			chromedp.WaitVisible(chromedp.CSS(".hit mark")))

		// Open a document on a passage far down: it is scrolled into view,
		// marked and focused.
		hit := deepestHit(t, base, "cybersécurité")
		do(t, tab, "open the passage", chromedp.Click(chromedp.CSS(`.hit-title a[href$="#`+hit.ID+`"]`)))
		waitFor(t, tab, "the document", `location.pathname.startsWith('/documents/')`)
		if got := eval[string](t, tab, `decodeURIComponent(location.hash.slice(1))`); got != hit.ID {
			t.Fatalf("landed on #%s, want #%s", got, hit.ID)
		}
		waitFor(t, tab, "the passage in view", `(() => {
			const el = document.querySelector(':target');
			if (!el) return false;
			const r = el.getBoundingClientRect();
			return r.top >= 0 && r.top < innerHeight;
		})()`)
		if !eval[bool](t, tab, `document.querySelector(':target').classList.contains('passage') && scrollY > 0`) {
			t.Error("the page did not scroll to the passage")
		}
		if bg := eval[string](t, tab, `getComputedStyle(document.querySelector(':target')).backgroundColor`); bg != "rgb(255, 246, 214)" {
			t.Errorf("target passage background %s: not marked", bg)
		}
		if !eval[bool](t, tab, `document.activeElement === document.querySelector(':target')`) {
			t.Error("the target passage does not have focus")
		}
		if back := eval[string](t, tab, `document.querySelector('.back a').getAttribute('href')`); !strings.Contains(back, "q=cybers") {
			t.Errorf("back link %q", back)
		}
		shot(t, tab, "document-passage.png", "")
	})

	// The documentation's screenshots show the seeds only: what a
	// newcomer sees after "vigie serve".
	t.Run("documentation screenshots", func(t *testing.T) {
		seeds := startServer(t, bin, testutil.Seeds())
		tab := newTab(t, browser)
		do(t, tab, "English results", chromedp.Navigate(seeds+"/?q=ANSSI&ui=en"), chromedp.WaitVisible(chromedp.CSS(".hit mark")))
		if langs := eval[[]string](t, tab, hitLangs); !slices.Contains(langs, "en") || !slices.Contains(langs, "fr") {
			t.Errorf("ANSSI should find both languages, found %q", langs)
		}
		shot(t, tab, "results-en.png", "results-en.png")
		do(t, tab, "French results", chromedp.Navigate(seeds+"/?q=ANSSI&lang=fr&ui=fr"), chromedp.WaitVisible(chromedp.CSS(".hit mark")))
		if lang := eval[string](t, tab, `document.documentElement.lang`); lang != "fr" {
			t.Errorf("page language %q", lang)
		}
		shot(t, tab, "results-fr.png", "results-fr.png")
	})

	t.Run("phone width", func(t *testing.T) {
		tab := newTab(t, browser)
		do(t, tab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		for _, path := range []string{"/", "/?q=" + url.QueryEscape("cyber attacks") + "&lang=en", "/documents/004_dca60fb814a64a17"} {
			do(t, tab, "open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.ID("q")))
			if w := eval[[]int](t, tab, `[document.documentElement.scrollWidth, innerWidth]`); w[0] > w[1] {
				t.Errorf("%s overflows a phone: %d px wide in a %d px window", path, w[0], w[1])
			}
		}
		do(t, tab, "results on a phone", chromedp.Navigate(base+"/?q="+url.QueryEscape("cyber attacks")), chromedp.WaitVisible(chromedp.CSS(".hit")))
		if eval[bool](t, tab, `document.getElementById('filters').open`) {
			t.Error("filters are unfolded on a phone")
		}
		if top := eval[float64](t, tab, `document.querySelector('.hit').getBoundingClientRect().top`); top > 844 {
			t.Errorf("first result starts %.0f px down: below the fold", top)
		}
		shot(t, tab, "results-phone.png", "")
	})

	t.Run("without JavaScript", func(t *testing.T) {
		tab := newTab(t, browser)
		if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		do(t, tab, "search", chromedp.Navigate(base+"/?q="+url.QueryEscape("NATO OR OTAN")), chromedp.WaitVisible(chromedp.CSS(".hit")))
		do(t, tab, "tick English and apply",
			chromedp.Click(chromedp.CSS(`input[name=lang][value=en]`)),
			chromedp.Click(chromedp.CSS(`button.apply`)),
			chromedp.WaitVisible(chromedp.CSS(`a.chip`)))
		loc := eval[string](t, tab, `location.search`)
		if !strings.Contains(loc, "lang=en") || !strings.Contains(loc, "q=NATO") {
			t.Errorf("form submitted as %s", loc)
		}
		if langs := eval[[]string](t, tab, hitLangs); len(langs) == 0 || slices.ContainsFunc(langs, func(l string) bool { return l != "en" }) {
			t.Errorf("without JavaScript, English filter shows %q", langs)
		}
		shot(t, tab, "results-nojs.png", "")
	})

	t.Run("hostile documents stay text", func(t *testing.T) {
		tab := newTab(t, browser)
		do(t, tab, "search the hostile document", chromedp.Navigate(base+"/?q=verbatim"), chromedp.WaitVisible(chromedp.CSS(".hit")))
		if text := eval[string](t, tab, `document.querySelector('.hit-text').textContent`); !strings.Contains(text, `<script>alert(1)</script>`) {
			t.Errorf("hostile text not shown as text: %q", text)
		}
		do(t, tab, "open it", chromedp.Navigate(base+"/documents/hostile-plain"), chromedp.WaitVisible(chromedp.CSS("h1")))
		if h1 := eval[string](t, tab, `document.querySelector('h1').textContent`); !strings.Contains(h1, "<script>") {
			t.Errorf("title %q", h1)
		}
		if n := eval[int](t, tab, `document.querySelectorAll('script:not([src]), img[src=x], [onerror]').length`); n != 0 {
			t.Errorf("%d elements made from document text", n)
		}
	})
}

type apiHit struct {
	ID      string `json:"id"`
	Ordinal int    `json:"ordinal"`
}

// deepestHit asks the API for a query's first page and returns the hit
// furthest into its document.
func deepestHit(t *testing.T, base, q string) apiHit {
	t.Helper()
	res, err := http.Get(base + "/api/v1/search?group=section&q=" + url.QueryEscape(q)) // as the web page groups
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Hits []apiHit `json:"hits"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Hits) == 0 {
		t.Fatalf("search %q: %v, %d hits", q, err, len(out.Hits))
	}
	best := out.Hits[0]
	for _, h := range out.Hits {
		if h.Ordinal > best.Ordinal {
			best = h
		}
	}
	if best.Ordinal < 3 {
		t.Fatalf("no hit of %q lies deep in its document (max ordinal %d)", q, best.Ordinal)
	}
	return best
}
