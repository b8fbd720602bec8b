package web_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserWhatsNew: index a corpus, edit one passage, delete a
// document, add one, reindex while "vigie serve" runs; the What's new page
// shows exactly those changes with the changed words marked, in English
// and French, links the feed, and the document history marks the words.
func TestBrowserWhatsNew(t *testing.T) {
	chrome := findBrowser(t)
	bin := buildVigie(t)
	work := t.TempDir()
	corpus, data := filepath.Join(work, "corpus"), filepath.Join(work, "data")
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(corpus, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(corpus, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index := func() {
		t.Helper()
		if out, err := exec.Command(bin, "index", "--seeds", corpus, "--data", data).CombinedOutput(); err != nil {
			t.Fatalf("vigie index: %v\n%s", err, out)
		}
	}
	write("extra.md", "# Cyber policy\n\n## Defence\n\nCanada will strengthen its cyber defence capabilities with its allies.\n\n## Research\n\nThe government funds research on secure networks.\n")
	write("gone.txt", "Fisheries note\n\nThis note about fisheries quotas will be deleted.\n")
	index()
	serve := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--seeds", corpus, "--data", data, "--log-level", "warn", "--reload-interval", "200ms")
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
		_ = serve.Wait()
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
	var base string
	select {
	case base = <-addr:
	case <-time.After(60 * time.Second):
		t.Fatal("vigie serve printed no address")
	}
	browser := newBrowser(t, chrome)
	tab := newTab(t, browser)

	do(t, tab, "open What's new", chromedp.Navigate(base+"/changes"), chromedp.WaitVisible(chromedp.ID("changes-count")))
	if n := eval[int](t, tab, `document.querySelectorAll('.change').length`); n != 0 {
		t.Fatalf("%d changes after the first build (the baseline), want 0", n)
	}

	write("extra.md", "# Cyber policy\n\n## Defence\n\nCanada will expand its cyber defence capabilities with its allies.\n\n## Research\n\nThe government funds research on secure networks.\n")
	write("new.txt", "Quantum note\n\nQuantum computing threatens encryption.\n")
	if err := os.Remove(filepath.Join(corpus, "gone.txt")); err != nil {
		t.Fatal(err)
	}
	index()

	// The server picks up the new generation by itself; reload until it shows.
	deadline := time.Now().Add(20 * time.Second)
	for {
		do(t, tab, "reload What's new", chromedp.Navigate(base+"/changes"), chromedp.WaitVisible(chromedp.ID("changes-count")))
		if eval[int](t, tab, `document.querySelectorAll('.change').length`) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the What's new page shows no change 20 s after the reindex")
		}
		time.Sleep(300 * time.Millisecond)
	}
	kinds := eval[[]string](t, tab, `Array.from(document.querySelectorAll('.change')).map(c => c.className.replace('change change-', '') + ' ' + c.querySelector('.change-head a').textContent)`)
	want := []string{"changed Cyber policy", "removed Fisheries note", "added Quantum note"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("changes shown %q, want %q", kinds, want)
	}
	if del, ins := eval[string](t, tab, `document.querySelector('.change-changed del').textContent`),
		eval[string](t, tab, `document.querySelector('.change-changed ins').textContent`); del != "strengthen" || ins != "expand" {
		t.Errorf("marked words: del %q ins %q", del, ins)
	}
	if href := eval[string](t, tab, `document.getElementById('follow').getAttribute('href')`); !strings.HasPrefix(href, "/feed.atom") {
		t.Errorf("follow link %q", href)
	}
	shot(t, tab, "whats-new.png", "whats-new-en.png")

	// Narrow with words, in French.
	do(t, tab, "search the changes", chromedp.Navigate(base+"/changes?ui=fr"), chromedp.WaitVisible(chromedp.ID("changes-q")),
		chromedp.SendKeys(chromedp.ID("changes-q"), "quantum\n"))
	waitFor(t, tab, "filtered changes", `location.search.includes('q=quantum') && document.querySelectorAll('.change').length === 1`)
	if h := eval[string](t, tab, `document.querySelector('h1').textContent`); h != "Quoi de neuf" {
		t.Errorf("French heading %q", h)
	}
	if f := eval[string](t, tab, `document.getElementById('follow').getAttribute('href')`); !strings.Contains(f, "q=quantum") {
		t.Errorf("follow link of the filtered view %q", f)
	}

	// The document's history, from the document page.
	do(t, tab, "open the document", chromedp.Navigate(base+"/documents/extra"), chromedp.WaitVisible(chromedp.ID("history")),
		chromedp.Click(chromedp.ID("history")))
	waitFor(t, tab, "history", `location.pathname === '/documents/extra/history' && document.querySelectorAll('.version').length === 2`)
	if del := eval[string](t, tab, `document.querySelector('.version-changed del').textContent`); del != "strengthen" {
		t.Errorf("history marks %q", del)
	}
}
