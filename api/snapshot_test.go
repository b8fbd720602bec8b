package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

// genFacts is what a generation holds, to check responses against.
type genFacts struct {
	passages map[string]string // passage id → document id
	titles   map[string]string // document id → title
	twins    map[string]string // passage id → twin id
}

// buildPart indexes the guardrails whose two-digit prefix is in [lo, hi]
// (English and French, so passages have twins) into its own data folder.
func buildPart(t *testing.T, corpus string, lo, hi int) (data string, facts genFacts) {
	t.Helper()
	src := t.TempDir()
	for _, l := range []string{"en", "fr"} {
		entries, err := os.ReadDir(filepath.Join(corpus, l))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			var n int
			if _, err := fmt.Sscanf(e.Name(), "%02d_", &n); err != nil || n < lo || n > hi {
				continue
			}
			b, err := os.ReadFile(filepath.Join(corpus, l, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(src, l), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(src, l, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	data = t.TempDir()
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: src, Data: data, Extract: entity.Default().Annotate}); err != nil {
		t.Fatal(err)
	}
	gen, err := indexer.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	facts = genFacts{passages: map[string]string{}, titles: map[string]string{}, twins: gen.Twins}
	s := search.New(gen, search.Options{})
	for _, d := range gen.Manifest.Documents {
		facts.titles[d.ID] = d.Title
		_, hits, err := s.Document(context.Background(), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			facts.passages[h.ID] = d.ID
		}
	}
	if len(facts.twins) == 0 {
		t.Fatal("the test corpus has no twins")
	}
	return data, facts
}

// TestSwapIsOneSnapshot swaps back and forth between two generations
// that share no document, passage or twin while clients search, and
// checks every response against the generation its header names: each
// hit, its document (id and title) and its twin come from that one
// generation. With the result cache on, most answers come from it: they
// too must be the generation's that the header names.
func TestSwapIsOneSnapshot(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cache int64
	}{{"cache off", 0}, {"cache on", 1 << 20}} {
		t.Run(tc.name, func(t *testing.T) { swapIsOneSnapshot(t, tc.cache) })
	}
}

func swapIsOneSnapshot(t *testing.T, cacheBytes int64) {
	corpus := testutil.Corpus(t, "cloud-guardrails")
	dataA, factsA := buildPart(t, corpus, 0, 6)
	dataB, factsB := buildPart(t, corpus, 7, 13)
	nameOf := func(data string) string {
		name, err := indexer.Current(data)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	facts := map[string]genFacts{nameOf(dataA): factsA, nameOf(dataB): factsB}
	if len(facts) != 2 {
		t.Fatal("the two generations have the same name")
	}
	gen, err := indexer.Open(dataA)
	if err != nil {
		t.Fatal(err)
	}
	h := &Handle{}
	s := search.New(gen, search.Options{Gazetteer: entity.Default(), CacheBytes: cacheBytes})
	h.SetSearcher(s)
	ts := httptest.NewServer(NewRouter(h, Options{SearchTimeout: time.Minute})) // a 503 past the 2 s default under -race and load is not an inconsistency
	defer ts.Close()
	defer s.Close()

	queries := []string{"cloud", "sécurité", "access", "accès", "data", "données", "security", "services", "monitoring", "surveillance"}
	const clients, perClient = 4, 750
	var checked, inconsistent atomic.Int64
	var firstBad atomic.Value
	bad := func(format string, args ...any) {
		inconsistent.Add(1)
		firstBad.CompareAndSwap(nil, fmt.Sprintf(format, args...))
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perClient {
				q := queries[(c*perClient+i)%len(queries)]
				res, err := http.Get(ts.URL + "/api/v1/search?size=20&q=" + url.QueryEscape(q))
				if err != nil {
					bad("%s: %v", q, err)
					continue
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				name := res.Header.Get(GenerationHeader)
				f, ok := facts[name]
				if res.StatusCode != 200 || !ok {
					bad("%s: status %d, generation %q", q, res.StatusCode, name)
					continue
				}
				var r search.Result
				if err := json.Unmarshal(body, &r); err != nil {
					bad("%s: %v", q, err)
					continue
				}
				for _, hit := range r.Hits {
					doc, ok := f.passages[hit.ID]
					switch {
					case !ok:
						bad("%s: hit %s is not a passage of %s", q, hit.ID, name)
					case doc != hit.DocID || f.titles[doc] != hit.Title:
						bad("%s: hit %s names document %s %q, %s has %s %q", q, hit.ID, hit.DocID, hit.Title, name, doc, f.titles[doc])
					case hit.Twin != nil && f.twins[hit.ID] != hit.Twin.ID:
						bad("%s: hit %s has twin %s, %s links it to %q", q, hit.ID, hit.Twin.ID, name, f.twins[hit.ID])
					case hit.Twin == nil && f.twins[hit.ID] != "":
						bad("%s: hit %s has no twin, %s links it to %s", q, hit.ID, name, f.twins[hit.ID])
					}
				}
				checked.Add(1)
			}
		}()
	}
	swaps := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	go func() {
		<-done
		close(stop)
	}()
	for next := dataB; ; next = map[string]string{dataA: dataB, dataB: dataA}[next] {
		select {
		case <-stop:
			if swaps < 20 {
				t.Errorf("only %d swaps during the queries", swaps)
			}
			if n := inconsistent.Load(); n > 0 {
				t.Fatalf("%d inconsistent responses of %d; first: %v", n, checked.Load(), firstBad.Load())
			}
			if checked.Load() < clients*perClient {
				t.Fatalf("%d responses checked, want %d", checked.Load(), clients*perClient)
			}
			t.Logf("%d responses consistent across %d swaps; cache %+v", checked.Load(), swaps, s.CacheStats())
			if cacheBytes > 0 && s.CacheStats().Hits == 0 {
				t.Error("the cache answered nothing: the cached path was not tested")
			}
			return
		default:
		}
		g, err := indexer.Open(next)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Swap(g); err != nil {
			t.Fatal(err)
		}
		swaps++
	}
}
