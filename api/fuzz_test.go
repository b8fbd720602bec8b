package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigie/vigie/search"
)

// FuzzSearchHandler sends any raw query string to /api/v1/search over the
// seeds and the hostile fixtures: the answer is 200 with JSON whose
// highlights hold no markup but <mark>, or a 4xx problem (a 503 only for
// the time limit); never a 500.
func FuzzSearchHandler(f *testing.F) {
	for _, s := range []string{
		"q=cyber", "q=OTAN&lang=fr", "q=%22cyber+space%22+-NATO", "q=sécu*&size=3&page=2", "q=a*", "q=/.*/",
		"q=%ff%fe", "q=%zz", "page=-1", "size=101", "year=2013..2016&actor=anssi&forum=nato", "q=<script>alert(1)</script>",
		"q=onerror&ui=fr", "after=junk", "q=cyber&size=2&after=", "q=" + strings.Repeat("w-", 300),
	} {
		f.Add(s)
	}
	ts, _ := newServerOver(f, hostileCorpus(f), Options{})
	router := ts.Config.Handler
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/search", nil)
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		switch {
		case rec.Code == http.StatusOK:
			var res search.Result
			if err := json.Unmarshal(body, &res); err != nil {
				t.Fatalf("200 with a body that is not a result: %v", err)
			}
			for _, h := range res.Hits {
				for _, html := range []string{h.Highlight, h.HeadingHighlight} {
					if strings.ContainsAny(markTags.Replace(html), `<>"'`) {
						t.Fatalf("unescaped markup in %q", html)
					}
				}
			}
		case rec.Code >= 400 && rec.Code < 500, rec.Code == http.StatusServiceUnavailable:
			var p problem
			if rec.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(body, &p) != nil || p.Status != rec.Code {
				t.Fatalf("%d is not a problem: %s", rec.Code, body)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, raw, body)
		}
	})
}
