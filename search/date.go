package search

import (
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/vigie/vigie/indexer"
)

// Orders of hits (Request.Sort).
const (
	// SortRelevance ranks by score (documents in order for an empty query).
	SortRelevance = "relevance"
	// SortDate puts the most recently updated (or published) documents
	// first; passages without a date come last.
	SortDate = "date"
)

// parseDateBound reads a date range bound: YYYY, YYYY-MM or YYYY-MM-DD. A
// lower bound is the first day of the period, an upper one the last, as
// the indexer.FieldDate number YYYYMMDD.
func parseDateBound(name, v string, upper bool) (float64, error) {
	v = strings.TrimSpace(v)
	bad := inputErrorf("%s %q: want a date such as 2020-05-17, 2020-05 or 2020", name, v)
	var t time.Time
	var err error
	switch len(v) {
	case 4:
		t, err = time.Parse("2006", v)
		if upper {
			t = t.AddDate(1, 0, -1)
		}
	case 7:
		t, err = time.Parse("2006-01", v)
		if upper {
			t = t.AddDate(0, 1, -1)
		}
	case 10:
		t, err = time.Parse(time.DateOnly, v)
	default:
		return 0, bad
	}
	if err != nil || t.Year() < 1000 {
		return 0, bad
	}
	return float64(t.Year()*10000 + int(t.Month())*100 + t.Day()), nil
}

// checkDates validates a request's order and date range.
func checkDates(r *Request) error {
	switch r.Sort {
	case "", SortRelevance, SortDate:
	default:
		return inputErrorf("sort %q: want relevance or date", r.Sort)
	}
	var lo, hi float64
	var err error
	if r.DateFrom != "" {
		if lo, err = parseDateBound("date_from", r.DateFrom, false); err != nil {
			return err
		}
	}
	if r.DateTo != "" {
		if hi, err = parseDateBound("date_to", r.DateTo, true); err != nil {
			return err
		}
	}
	if lo > 0 && hi > 0 && lo > hi {
		return inputErrorf("date_from %s is after date_to %s", r.DateFrom, r.DateTo)
	}
	return nil
}

// dateQuery is the filter of a request's date range, nil without one.
// Passages without a date (0) are outside every range.
func dateQuery(r Request) query.Query {
	if r.DateFrom == "" && r.DateTo == "" {
		return nil
	}
	lo, hi := 10000101.0, 99991231.0
	if r.DateFrom != "" {
		lo, _ = parseDateBound("date_from", r.DateFrom, false)
	}
	if r.DateTo != "" {
		hi, _ = parseDateBound("date_to", r.DateTo, true)
	}
	// A range of the date field's full-precision terms (see
	// indexer.NumberTerm), about 300 distinct dates on laws-canada.
	yes := true
	q := bleve.NewTermRangeInclusiveQuery(indexer.NumberTerm(lo), indexer.NumberTerm(hi), &yes, &yes)
	q.SetField(indexer.FieldDate)
	return q
}

// orderOf is the sort order of a request: sortOrder's, or by date first.
func orderOf(q Query, r Request) bsearch.SortOrder {
	base := sortOrder(q)
	if r.Sort != SortDate {
		return base
	}
	return append(bsearch.SortOrder{&bsearch.SortField{Field: indexer.FieldDate, Type: bsearch.SortFieldAsNumber, Desc: true}}, base...)
}

// cursorKey is the key of a request's cursors: its query, filters, order
// and date range.
func cursorKey(r Request) string {
	f := make(map[string][]string, len(r.Filters)+2)
	for k, v := range r.Filters {
		f[k] = v
	}
	if r.Sort == SortDate {
		f["\x00sort"] = []string{SortDate}
	}
	if r.DateFrom != "" || r.DateTo != "" {
		f["\x00date"] = []string{r.DateFrom, "..", r.DateTo}
	}
	return queryKey(r.Query, f)
}
