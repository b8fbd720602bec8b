package api

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/internal/testutil"
	"github.com/vigie/vigie/search"
)

// A reader who types an Act's title, chapter code or acronym, or cites one of its sections, gets
// the Act (the section) first, in the language asked for, grouped or not.
func TestSearchTitlesAndCitations(t *testing.T) {
	dir := testutil.WriteCorpus(t, testutil.Acts())
	g := entity.Default()
	ts, _ := serveCorpus(t, dir, g, search.Options{Gazetteer: g}, Options{})
	tests := []struct {
		params  url.Values
		doc     string
		heading string
	}{
		{url.Values{"q": {"Privacy Act"}}, "en--P-21", "1 Short title"},
		{url.Values{"q": {"privacy act"}, "group": {"document"}}, "en--P-21", "1 Short title"},
		{url.Values{"q": {"Privacy Act"}, "lang": {"fr"}}, "fr--P-21", "1 Titre abrégé"},
		{url.Values{"q": {"Privacy Act s. 2"}}, "en--P-21", "2 Purpose"},
		{url.Values{"q": {"section 2 of the Privacy Act"}, "group": {"section"}}, "en--P-21", "2 Purpose"},
		{url.Values{"q": {"Privacy Act, s. 2(1)"}, "lang": {"fr"}}, "fr--P-21", "2 Objet"},
		// By chapter code (the files' names), alone or cited.
		{url.Values{"q": {"P-21"}}, "en--P-21", "1 Short title"},
		{url.Values{"q": {"R.S.C. 1985, c. P-21"}, "group": {"document"}}, "en--P-21", "1 Short title"},
		{url.Values{"q": {"L.R.C. (1985), ch. P-21"}}, "fr--P-21", "1 Titre abrégé"},
		{url.Values{"q": {"P-21 s. 2"}, "lang": {"fr"}}, "fr--P-21", "2 Objet"},
		// By a title's acronym (no passage holds the word).
		{url.Values{"q": {"CSEA"}}, "en--C-35", "1 Short title"},
		{url.Values{"q": {"lprp"}, "group": {"document"}}, "fr--P-21", "1 Titre abrégé"},
		// A code among other words: their passages, the named Act's first.
		{url.Values{"q": {"minister X-3"}}, "en--X-3", "2 Definitions"},
		{url.Values{"q": {"X-4 minister"}, "group": {"section"}}, "en--X-4", "2 Definitions"},
	}
	for _, tt := range tests {
		status, _, body := get(t, ts, "/api/v1/search?"+tt.params.Encode())
		if status != 200 {
			t.Fatalf("%v: status %d: %s", tt.params, status, body)
		}
		var res search.Result
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].DocID != tt.doc || res.Hits[0].Heading != tt.heading {
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.DocID+" › "+h.Heading)
			}
			t.Errorf("%v: hits %q; want %s › %s first", tt.params, got, tt.doc, tt.heading)
		}
	}
}
