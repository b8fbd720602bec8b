package api

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSuggestEndpoint(t *testing.T) {
	ts, _ := newTestServer(t)
	status, hdr, body := get(t, ts, "/api/v1/suggest?q=cyb&lang=")
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q: %s", status, hdr.Get("Content-Type"), body)
	}
	var res struct {
		Q           string `json:"q"`
		Suggestions []struct {
			Text string `json:"text"`
			Kind string `json:"kind"`
			Lang string `json:"lang"`
		} `json:"suggestions"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Q != "cyb" || len(res.Suggestions) == 0 || len(res.Suggestions) > 8 {
		t.Fatalf("response %s", body)
	}
	for _, s := range res.Suggestions {
		if !strings.Contains(strings.ToLower(s.Text), "cyb") || (s.Kind != "term" && s.Kind != "entity" && s.Kind != "title") ||
			(s.Lang != "" && s.Lang != "en" && s.Lang != "fr") {
			t.Errorf("suggestion %+v", s)
		}
	}
	// Nothing typed: an empty list, not null.
	status, _, body = get(t, ts, "/api/v1/suggest?q=")
	if status != 200 || !strings.Contains(string(body), `"suggestions":[]`) {
		t.Errorf("empty q: %d %s", status, body)
	}
	for _, bad := range []string{"/api/v1/suggest?q=cyb&lang=de", "/api/v1/suggest?q=cyb&size=0", "/api/v1/suggest?q=cyb&size=x",
		"/api/v1/suggest?q=" + strings.Repeat("a", 300)} {
		status, hdr, body := get(t, ts, bad)
		if status != 400 || hdr.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", bad, status, body)
		}
	}
}

func TestSuggestBeforeIndex(t *testing.T) {
	ts := httptest.NewServer(NewRouter(&Handle{}, Options{}))
	defer ts.Close()
	if status, _, _ := get(t, ts, "/api/v1/suggest?q=cyb"); status != 503 {
		t.Errorf("status %d before the index is open, want 503", status)
	}
}
