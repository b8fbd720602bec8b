package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/search/lexicon"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenRequests are the API calls whose whole responses are kept as
// golden files: a refactoring must leave every byte of them (but the
// timing) as it was.
var goldenRequests = map[string][]string{
	"seeds": {
		"/api/v1/search?q=OTAN",
		"/api/v1/search?q=cybersecurite",
		"/api/v1/search?q=cyber+attacks",
		"/api/v1/search?q=cyberd%C3%A9fense&lang=en",
		"/api/v1/search?q=l%27ANSSI",
		"/api/v1/search?q=ONU&ui=fr",
		"/api/v1/search?q=intenational+law",
		"/api/v1/search?q=%22cyber+defence%22+-nato",
		"/api/v1/search?q=strat%C3%A9gie+OR+doctrine&forum=nato&size=3",
		"/api/v1/search?q=&year=2016..2025&actor=anssi",
		"/api/v1/search?q=cyber&size=2&page=2",
		"/api/v1/search?q=lang:fr+cyber",
		"/api/v1/facets?ui=fr",
		"/api/v1/documents",
		"/api/v1/documents/004_dca60fb814a64a17",
		"/api/v1/suggest?q=cyb",
		"/api/v1/search?q=year:abc",
		"/api/v1/search?q=x&actor=nobody",
		"/api/v1/passages/004_dca60fb814a64a17~7b45612668",
		"/api/v1/passages/nope~0",
		"/?q=OTAN&ui=fr",
		"/?q=cyber&lang=en&forum=nato",
		"/documents/000_00170ef7a4690722",
	},
	"guardrails": {
		"/api/v1/search?q=multi-factor+authentication",
		"/api/v1/search?q=authentification+multifacteur",
		"/api/v1/search?q=chiffrement&lang=en",
		"/api/v1/search?q=cloud+guardrails&size=5",
		"/api/v1/search?q=cloud+guardrails&size=5&group=section",
		"/api/v1/search?q=CST",
		"/api/v1/search?q=acc%C3%A8s+privil%C3%A9gi%C3%A9",
		"/api/v1/documents",
		"/api/v1/suggest?q=gard",
		"/api/v1/passages/en--01_Protect-user-accounts-and-identities~8f6f8a3acb",
		"/api/v1/documents/fr--01_Proteger-les-comptes-d-utilisateurs-et-les-identites",
	},
}

var (
	tookRE      = regexp.MustCompile(`"took_ms":[0-9.e+-]+`)
	requestIDRE = regexp.MustCompile(`"request_id":"[^"]*"`)
	pageTookRE  = regexp.MustCompile(` (in|en) [0-9]+[.,][0-9]+ ms<`)
)

// TestGoldenResponses compares whole API responses on the seeds and on
// the guardrails corpus with testdata/golden (run with -update to
// rewrite them after a deliberate change).
func TestGoldenResponses(t *testing.T) {
	corpora := map[string]string{"seeds": testutil.Seeds()}
	for name := range goldenRequests {
		if name == "guardrails" {
			corpora[name] = testutil.Corpus(t, "cloud-guardrails")
		}
	}
	for name, paths := range goldenRequests {
		t.Run(name, func(t *testing.T) {
			ts := goldenServer(t, corpora[name])
			var out bytes.Buffer
			for _, p := range paths {
				status, _, body := get(t, ts, p)
				body = tookRE.ReplaceAll(body, []byte(`"took_ms":0`))
				body = requestIDRE.ReplaceAll(body, []byte(`"request_id":"-"`))
				body = pageTookRE.ReplaceAll(body, []byte(` $1 0 ms<`))
				var pretty bytes.Buffer
				if err := json.Indent(&pretty, body, "", " "); err != nil {
					pretty.Reset()
					pretty.Write(body)
				}
				out.WriteString("### GET " + p + " → " + http_status(status) + "\n")
				out.Write(pretty.Bytes())
				out.WriteString("\n")
			}
			file := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(want, out.Bytes()) {
				t.Errorf("responses differ from %s (-update rewrites it):\n%s", file, firstDiff(string(want), out.String()))
			}
		})
	}
}

func http_status(code int) string {
	b, _ := json.Marshal(code)
	return string(b)
}

// firstDiff shows the first differing line with some context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + http_status(i+1) + ":\n-" + wl + "\n+" + gl
		}
	}
	return "(same lines)"
}

func goldenServer(t *testing.T, corpus string) *httptest.Server {
	t.Helper()
	g := entity.Default()
	ts, _ := serveCorpus(t, corpus, g, search.Options{Gazetteer: g, Lexicon: lexicon.Default()}, Options{Labels: g})
	return ts
}
