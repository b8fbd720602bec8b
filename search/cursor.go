package search

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// cursor is the position after the last hit of a page, handed to clients
// as an opaque string (Result.Next) and read back from Request.After.
type cursor struct {
	// Sort holds the last hit's sort values, one per sort key.
	Sort []string `json:"s"`
	// Relaxed records that the first page was relaxed (any word), so that
	// later pages run the same query.
	Relaxed bool `json:"r,omitempty"`
	// Fused is, for a page of a fused list (the twin route), the number
	// of passages of the list before the next page.
	Fused int `json:"f,omitempty"`
	// Soft records that the first page asked for most of the words of a
	// long query, not every one.
	Soft bool `json:"m,omitempty"`
	// Key ties the cursor to its query and filters.
	Key string `json:"k"`
}

var errCursor = &InputError{Msg: "after is not a cursor of this query: pass the next value of the previous page, unchanged, with the same q and filters"}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor and checks that it belongs to a query with
// key and nsort sort keys.
func decodeCursor(s, key string, nsort int) (cursor, error) {
	var c cursor
	if len(s) > maxCursorBytes {
		return c, errCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Key != key || len(c.Sort) != nsort {
		return cursor{}, errCursor
	}
	return c, nil
}

// queryKey is a short digest of what a cursor must not outlive: the query
// text and the filters.
func queryKey(query string, filters map[string][]string) string {
	h := sha256.New()
	h.Write([]byte(query))
	names := make([]string, 0, len(filters))
	for name := range filters {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		vals := slices.Clone(filters[name])
		slices.Sort(vals)
		h.Write([]byte("\x00" + name + "\x00" + strings.Join(vals, "\x00")))
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}

// sortValues returns a hit's sort values as bleve's SearchAfter wants
// them: decoded numbers, and the score itself (exactly, so that it
// compares equal) for the key at scoreAt (-1 when there is none).
func sortValues(h *bsearch.DocumentMatch, scoreAt int) []string {
	out := slices.Clone(h.DecodedSort)
	if scoreAt >= 0 && scoreAt < len(out) {
		out[scoreAt] = strconv.FormatFloat(h.Score, 'g', -1, 64)
	}
	return out
}
