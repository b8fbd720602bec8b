package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/vigie/vigie/search"
)

// suggestResponse is the body of GET /api/v1/suggest.
type suggestResponse struct {
	Q           string              `json:"q"`
	Suggestions []search.Suggestion `json:"suggestions"`
}

// maxSuggestQuery bounds the text completed: a search box, not a document.
const maxSuggestQuery = 200

// suggest answers GET /api/v1/suggest?q=cyb&lang=&size=: completions of
// what the user is typing (terms, entity names, titles), fast enough to
// call on every keystroke: no index search, one binary search in a
// structure built when the index was opened.
func (s *server) suggest(_ context.Context, r *http.Request, sr *search.View) (any, error) {
	qv := r.URL.Query()
	q := qv.Get("q")
	if len([]rune(q)) > maxSuggestQuery {
		return nil, badRequest{"q is too long for a completion"}
	}
	size, err := intParam(r, "size", 8)
	if err != nil {
		return nil, err
	}
	lang := strings.ToLower(strings.TrimSpace(qv.Get("lang")))
	sugg, err := sr.Suggest(q, lang, size)
	if err != nil {
		return nil, err
	}
	if sugg == nil {
		sugg = []search.Suggestion{}
	}
	return suggestResponse{Q: q, Suggestions: sugg}, nil
}
