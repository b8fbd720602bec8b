package api

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func TestExport(t *testing.T) {
	ts, _ := newTestServer(t)
	var all struct {
		Total int `json:"total"`
		Hits  []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	status, _, body := get(t, ts, "/api/v1/search?size=100")
	if status != 200 || json.Unmarshal(body, &all) != nil || all.Total < 20 {
		t.Fatalf("search: %d %.200s", status, body)
	}

	// CSV: a header, then every passage in ranking order, across pages.
	status, hdr, body := get(t, ts, "/api/v1/search/export?format=csv")
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv export: %d %s", status, hdr.Get("Content-Type"))
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if len(rows) != all.Total+1 || rows[0][0] != "rank" || rows[0][len(rows[0])-1] != "text" {
		t.Fatalf("csv has %d rows, want %d and a header: %q", len(rows), all.Total+1, rows[0])
	}
	for i, row := range rows[1:] {
		if row[0] != strconv.Itoa(i+1) || row[1] != all.Hits[i].ID {
			t.Errorf("row %d: %q %q, want rank %d id %s", i+1, row[0], row[1], i+1, all.Hits[i].ID)
		}
	}
	if hdr.Get("X-Vigie-Total") != strconv.Itoa(all.Total) || hdr.Get("X-Vigie-Export-Truncated") != "false" {
		t.Errorf("headers %v", hdr)
	}

	// JSON Lines, limited: more matched than exported, and the headers say so.
	status, hdr, body = get(t, ts, "/api/v1/search/export?format=jsonl&limit=5&q=cyber")
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/jsonl") {
		t.Fatalf("jsonl export: %d %s", status, hdr.Get("Content-Type"))
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		var h map[string]any
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h["id"] == "" {
			t.Fatalf("line %d: %v %s", n+1, err, sc.Text())
		}
		n++
	}
	if n != 5 || hdr.Get("X-Vigie-Export-Limit") != "5" {
		t.Errorf("jsonl: %d lines, limit %s", n, hdr.Get("X-Vigie-Export-Limit"))
	}

	for _, bad := range []string{"format=xml", "limit=0", "limit=10001", "limit=x", "year=abc"} {
		if status, hdr, _ := get(t, ts, "/api/v1/search/export?"+bad); status != 400 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s", bad, status, hdr.Get("Content-Type"))
		}
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "@x": "'@x", "plain": "plain", "": ""} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}
