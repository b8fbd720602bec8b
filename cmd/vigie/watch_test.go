package main

import (
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
)

// The watch corpus: the seeds, extra.md (edited between the two builds),
// gone.txt (deleted) and, for the second build, new.txt (added).
const (
	extraV1 = "# Cyber policy\n\n## Defence\n\nCanada will strengthen its cyber defence capabilities with its allies.\n\n" +
		"## Research\n\nThe government funds research on secure networks and trusted hardware.\n"
	extraV2 = "# Cyber policy\n\n## Defence\n\nCanada will expand its cyber defence capabilities with its allies.\n\n" +
		"## Research\n\nThe government funds research on secure networks and trusted hardware.\n"
	goneTxt = "Fisheries note\n\nThis note about fisheries quotas will be deleted before the second build.\n"
	newTxt  = "Quantum note\n\nQuantum computing threatens the encryption that protects government networks.\n"
)

type apiChange struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	DocID      string `json:"doc_id"`
	PassageID  string `json:"passage_id"`
	Heading    string `json:"heading"`
	Generation string `json:"generation"`
	Text       string `json:"text"`
	Previous   *struct {
		Text string `json:"text"`
	} `json:"previous"`
	Diff *struct {
		Removed []string `json:"removed"`
		Added   []string `json:"added"`
		HTML    string   `json:"html"`
	} `json:"diff"`
}

type apiChanges struct {
	Total      int         `json:"total"`
	Generation string      `json:"generation"`
	Changes    []apiChange `json:"changes"`
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

func getFeed(t *testing.T, url string) atomFeed {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("GET %s: %d %s: %.300s", url, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var f atomFeed
	if err := xml.Unmarshal(body, &f); err != nil {
		t.Fatalf("feed is not Atom XML: %v\n%.500s", err, body)
	}
	return f
}

// kinds summarises changes as sorted "kind doc" strings.
func kinds(cs []apiChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Kind+" "+c.DocID)
	}
	sort.Strings(out)
	return out
}

// logState is the change log as readers see it: the live generation and
// the ids of the changes of its chain.
func logState(t *testing.T, data string) []string {
	t.Helper()
	cur, err := indexer.Current(data)
	if err != nil {
		t.Fatal(err)
	}
	chain, err := changelog.Open(data).Chain(cur)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{cur}
	for _, r := range chain {
		out = append(out, r.Generation)
		for _, c := range r.Changes {
			out = append(out, c.ID)
		}
	}
	return out
}

func copySeeds(t *testing.T, dir string) {
	t.Helper()
	for _, name := range []string{"000_00170ef7a4690722.txt", "004_dca60fb814a64a17.txt"} {
		b, err := os.ReadFile(filepath.Join("../../seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWatchEndToEnd is issue 15's acceptance test: index a corpus, edit
// one passage of one document, delete another and add a third, reindex:
// the API, the feed and the change log give exactly those changes, with
// the word diff of the edited passage; kill -9 during a build leaves the
// change log as it was.
func TestWatchEndToEnd(t *testing.T) {
	bin := buildBinary(t)
	work := t.TempDir()
	data, seeds := filepath.Join(work, "data"), filepath.Join(work, "seeds")
	if err := os.MkdirAll(seeds, 0o755); err != nil {
		t.Fatal(err)
	}
	copySeeds(t, seeds)
	write(t, filepath.Join(seeds, "extra.md"), extraV1)
	write(t, filepath.Join(seeds, "gone.txt"), goneTxt)
	if out, err := exec.Command(bin, "index", "--seeds", seeds, "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("vigie index: %v\n%s", err, out)
	}
	first, _ := indexer.Current(data)
	base, _, _ := startServe(t, bin, "--data", data, "--seeds", seeds, "--reload-interval", "200ms")

	// The first build is the baseline: no changes, a history entry per document.
	var cs apiChanges
	if st := getJSON(t, base+"/api/v1/changes", &cs); st != 200 || cs.Total != 0 || cs.Generation != first {
		t.Fatalf("changes after the first build: %d %+v", st, cs)
	}

	// Edit, delete, add.
	write(t, filepath.Join(seeds, "extra.md"), extraV2)
	if err := os.Remove(filepath.Join(seeds, "gone.txt")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(seeds, "new.txt"), newTxt)

	// kill -9 during builds of the edited corpus plus a large one (so that
	// there is a build to interrupt): the change log reads as before.
	before := logState(t, data)
	big := filepath.Join(work, "big")
	copyTree(t, seeds, big)
	writeCorpus(t, filepath.Join(big, "bulk"), 2000)
	kills := 0
	for _, delay := range []time.Duration{300 * time.Millisecond, 1500 * time.Millisecond} {
		cmd := exec.Command(bin, "index", "--seeds", big, "--data", data)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Logf("kill at %s: %v", delay, err)
		}
		_ = cmd.Wait()
		if cur, _ := indexer.Current(data); cur != first {
			t.Fatalf("the build killed at %s went live (%s): machine faster than expected", delay, cur)
		}
		kills++
		if got := logState(t, data); !reflect.DeepEqual(got, before) {
			t.Fatalf("after kill -9 at %s the change log reads %v, want %v", delay, got, before)
		}
		if st := getJSON(t, base+"/api/v1/changes", &cs); st != 200 || cs.Total != 0 {
			t.Fatalf("changes after kill -9 at %s: %d %+v", delay, st, cs)
		}
	}
	if kills == 0 {
		t.Fatal("no build killed")
	}

	if out, err := exec.Command(bin, "index", "--seeds", seeds, "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("second vigie index: %v\n%s", err, out)
	}
	second := waitGeneration(t, base, first, 20*time.Second)
	if recs, _ := os.ReadDir(filepath.Join(data, changelog.Dir)); len(recs) != 2 {
		t.Errorf("change log holds %d records, want 2 (the killed builds' records removed)", len(recs))
	}

	for _, since := range []string{"", "?since=" + first, "?since=2000-01-01"} {
		cs = apiChanges{}
		if st := getJSON(t, base+"/api/v1/changes"+since, &cs); st != 200 {
			t.Fatalf("changes%s: %d", since, st)
		}
		want := []string{"added new", "changed extra", "removed gone"}
		if got := kinds(cs.Changes); !reflect.DeepEqual(got, want) || cs.Total != 3 {
			t.Fatalf("changes%s: %v (total %d), want %v", since, got, cs.Total, want)
		}
	}
	for _, c := range cs.Changes {
		if c.Generation != second {
			t.Errorf("change %s in generation %s, want %s", c.ID, c.Generation, second)
		}
		if c.Kind != "changed" {
			continue
		}
		if c.Heading != "Defence" || c.Previous == nil || !strings.Contains(c.Previous.Text, "strengthen") {
			t.Errorf("changed passage: %+v", c)
		}
		if c.Diff == nil || !reflect.DeepEqual(c.Diff.Removed, []string{"strengthen"}) || !reflect.DeepEqual(c.Diff.Added, []string{"expand"}) ||
			!strings.Contains(c.Diff.HTML, "<del>strengthen</del> <ins>expand</ins>") {
			t.Errorf("word diff: %+v", c.Diff)
		}
	}
	// Nothing since the live generation; filters and q narrow the changes.
	if getJSON(t, base+"/api/v1/changes?since="+second, &cs); cs.Total != 0 {
		t.Errorf("changes since the live generation: %+v", cs)
	}
	for q, want := range map[string][]string{
		"quantum":         {"added new"},
		"defence":         {"changed extra"},
		"fisheries":       {"removed gone"},
		"nothing+matches": nil,
	} {
		cs = apiChanges{}
		getJSON(t, base+"/api/v1/changes?q="+q, &cs)
		if got := kinds(cs.Changes); !reflect.DeepEqual(got, want) {
			t.Errorf("changes?q=%s: %v, want %v", q, got, want)
		}
	}
	cs = apiChanges{}
	if getJSON(t, base+"/api/v1/changes?lang=fr", &cs); cs.Total != 0 {
		t.Errorf("French changes: %+v", cs)
	}

	// The feed: new and changed passages, stable ids.
	f := getFeed(t, base+"/feed.atom")
	if len(f.Entries) != 2 {
		t.Fatalf("feed has %d entries, want 2 (added and changed)", len(f.Entries))
	}
	again := getFeed(t, base+"/feed.atom")
	for i, e := range f.Entries {
		if e.ID == "" || e.ID != again.Entries[i].ID || !strings.HasPrefix(e.ID, "tag:") {
			t.Errorf("entry %d id %q, then %q", i, e.ID, again.Entries[i].ID)
		}
		if strings.HasPrefix(e.Title, "[changed]") && !strings.Contains(e.Content, "<del>strengthen</del>") {
			t.Errorf("changed entry content: %s", e.Content)
		}
	}
	if qf := getFeed(t, base+"/feed.atom?q=quantum"); len(qf.Entries) != 1 || !strings.Contains(qf.Entries[0].Link.Href, "/documents/new#new~") {
		t.Errorf("feed for quantum: %+v", qf.Entries)
	}

	// History of the edited document: its baseline and its change.
	var h struct {
		Versions []struct {
			Kind       string      `json:"kind"`
			Generation string      `json:"generation"`
			Changes    []apiChange `json:"changes"`
		} `json:"versions"`
	}
	if st := getJSON(t, base+"/api/v1/documents/extra/history", &h); st != 200 || len(h.Versions) != 2 ||
		h.Versions[0].Kind != "changed" || h.Versions[1].Kind != "baseline" || len(h.Versions[0].Changes) != 1 {
		t.Errorf("history of extra: %d %+v", st, h)
	}
	if st := getJSON(t, base+"/api/v1/documents/gone/history", &h); st != 200 || len(h.Versions) != 2 || h.Versions[0].Kind != "removed" {
		t.Errorf("history of gone: %d %+v", st, h)
	}
}

// copyTree copies a folder of regular files.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		write(t, filepath.Join(dst, rel), string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
