package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// MaxExportRows bounds an export: the first rows of the search's ranking.
const MaxExportRows = 10_000

// exportPage is the number of hits fetched per search during an export.
const exportPage = 100

var exportColumns = []string{"rank", "id", "doc_id", "lang", "title", "heading", "date", "score", "actors", "forums", "years", "url", "text"}

// csvCell keeps a spreadsheet from reading a cell as a formula (OWASP
// "CSV injection"): a leading = + - @ tab or carriage return gets a quote.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// export streams the results of a search as CSV or JSON Lines: every
// page, in ranking order, up to limit rows (MaxExportRows at most). The
// headers say how many passages matched and whether the export stops
// short of them. An error after the first row ends the stream early
// (logged); before it, the usual problem+json answers.
func (s *server) export(w http.ResponseWriter, r *http.Request) {
	sr, err := s.view(w) // one generation for every page of the export
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer sr.Release()
	qv := r.URL.Query()
	format := qv.Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "jsonl" {
		s.writeError(w, r, badRequest{"format must be csv or jsonl"})
		return
	}
	limit, err := intParam(r, "limit", MaxExportRows)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if limit < 1 || limit > MaxExportRows {
		s.writeError(w, r, &search.InputError{Msg: "limit must be between 1 and " + strconv.Itoa(MaxExportRows), Limit: "max_export_rows"})
		return
	}
	req := search.Request{Query: qv.Get("q"), UI: uiLang(qv.Get("ui")), Filters: map[string][]string{}, Page: 1, Size: min(exportPage, limit),
		Sort: qv.Get("sort"), DateFrom: qv.Get("date_from"), DateTo: qv.Get("date_to")}
	for _, name := range indexer.FacetNames() {
		req.Filters[name] = splitList(qv[name])
	}
	page := func(req search.Request) (*search.Result, error) {
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
		defer cancel()
		return sr.Search(ctx, req)
	}
	res, err := page(req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("X-Vigie-Total", strconv.FormatUint(res.Total, 10))
	h.Set("X-Vigie-Export-Limit", strconv.Itoa(limit))
	h.Set("X-Vigie-Export-Truncated", strconv.FormatBool(res.Total > uint64(limit)))
	h.Set("Cache-Control", "no-store")
	var cw *csv.Writer
	var enc *json.Encoder
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="vigie-search.csv"`)
		cw = csv.NewWriter(w)
		_ = cw.Write(exportColumns)
	} else {
		h.Set("Content-Type", "application/jsonl; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="vigie-search.jsonl"`)
		enc = json.NewEncoder(w)
	}
	flusher, _ := w.(http.Flusher)
	rank := 0
	for {
		for _, hit := range res.Hits {
			if rank == limit {
				break
			}
			rank++
			if cw != nil {
				_ = cw.Write([]string{strconv.Itoa(rank), hit.ID, hit.DocID, hit.Lang, csvCell(hit.Title), csvCell(hit.Heading), hit.Date,
					strconv.FormatFloat(hit.Score, 'g', 6, 64), strings.Join(hit.Actors, ";"), strings.Join(hit.Forums, ";"),
					joinInts(hit.Years), "/documents/" + url.PathEscape(hit.DocID) + "#" + url.PathEscape(hit.ID), csvCell(hit.Text)})
			} else if err := enc.Encode(hit); err != nil {
				return // the client left
			}
		}
		if cw != nil {
			cw.Flush()
			if cw.Error() != nil {
				return
			}
		}
		if flusher != nil {
			flusher.Flush()
		}
		if rank >= limit || res.Next == "" || len(res.Hits) == 0 {
			return
		}
		next := req
		next.Page, next.After = 0, res.Next
		if res, err = page(next); err != nil {
			s.log.Warn("export stopped early", "rows", rank, "err", err, "request_id", w.Header().Get("X-Request-Id"))
			return
		}
	}
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ";")
}
