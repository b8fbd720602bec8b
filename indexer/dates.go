package indexer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vigie/vigie/lang"
)

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
	"juillet": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
	"oct": 10, "nov": 11, "dec": 12,
}

const (
	dateNumeric = `(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})`
	dateISO     = `(\d{4})-(\d{2})-(\d{2})`
	dateDMY     = `(\d{1,2})(?:er)?\s+(\p{L}+)\.?\s+(\d{4})`
	dateMDY     = `(\p{L}+)\.?\s+(\d{1,2}),?\s+(\d{4})`
	anyDate     = `(?:` + dateISO + `|` + dateNumeric + `|` + dateDMY + `|` + dateMDY + `)`
)

var (
	reUpdated = regexp.MustCompile(`(?i)\b(?:last\s+)?(?:updated|modified|revised|mis\s+à\s+jour|mise\s+à\s+jour|modifié|date\s+modified)(?:\s+(?:on|le))?\s*:?\s*` + anyDate)
	rePublish = regexp.MustCompile(`(?i)\b(?:published|publié|publiée|posted|date\s+of\s+publication|date\s+de\s+publication)(?:\s+(?:on|le))?\s*:?\s*` + anyDate)
)

// parseDateLine finds labelled publication and update dates in s. ok is
// false when s holds neither.
func parseDateLine(s string) (published, updated string, ok bool) {
	if m := rePublish.FindStringSubmatch(s); m != nil {
		if d, err := dateFromGroups(m[1:]); err == nil {
			published = d
		}
	}
	if m := reUpdated.FindStringSubmatch(s); m != nil {
		if d, err := dateFromGroups(m[1:]); err == nil {
			updated = d
		}
	}
	return published, updated, published != "" || updated != ""
}

// dateFromGroups reads the submatches of anyDate: ISO (3 groups), numeric
// day.month.year (3), day month year (3), month day year (3).
func dateFromGroups(g []string) (string, error) {
	switch {
	case g[0] != "":
		return makeDate(g[0], g[1], g[2])
	case g[3] != "":
		return makeDate(expandYear(g[5]), g[4], g[3])
	case g[6] != "":
		m, ok := months[strings.ToLower(lang.Fold(g[7]))]
		if !ok {
			return "", fmt.Errorf("unknown month %q", g[7])
		}
		return makeDate(g[8], strconv.Itoa(m), g[6])
	case g[9] != "":
		m, ok := months[strings.ToLower(lang.Fold(g[9]))]
		if !ok {
			return "", fmt.Errorf("unknown month %q", g[9])
		}
		return makeDate(g[11], strconv.Itoa(m), g[10])
	}
	return "", fmt.Errorf("no date")
}

// expandYear reads a two-digit year as 20YY, or 19YY when that would be
// more than a year in the future.
func expandYear(y string) string {
	if len(y) != 2 {
		return y
	}
	n, _ := strconv.Atoi(y)
	if 2000+n > time.Now().Year()+1 {
		return strconv.Itoa(1900 + n)
	}
	return strconv.Itoa(2000 + n)
}

func makeDate(y, m, d string) (string, error) {
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	di, err3 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil {
		return "", fmt.Errorf("bad date %s-%s-%s", y, m, d)
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Year() != yi || int(t.Month()) != mi || t.Day() != di || yi < 1900 || yi > 2100 {
		return "", fmt.Errorf("bad date %s-%s-%s", y, m, d)
	}
	return t.Format("2006-01-02"), nil
}

// normalizeDate accepts a front-matter date (YYYY, YYYY-MM, YYYY-MM-DD or
// an RFC 3339 time) and returns YYYY-MM-DD.
func normalizeDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("unrecognised date %q (want YYYY-MM-DD)", s)
}

// findDates scans the first and last lines of a text for labelled dates.
func findDates(text string) (published, updated string) {
	lines := strings.Split(text, "\n")
	scan := func(l string) {
		p, u, ok := parseDateLine(l)
		if !ok {
			return
		}
		if published == "" {
			published = p
		}
		if updated == "" {
			updated = u
		}
	}
	for i, l := range lines {
		if i < 15 || i >= len(lines)-15 {
			scan(l)
		}
	}
	return published, updated
}
