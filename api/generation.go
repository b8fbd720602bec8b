package api

import "net/http"

// generationHeader sets GenerationHeader on every response (pages, probes,
// errors included) to the generation live when the request arrived, so
// that an operator can watch replicas move to a new one through a load
// balancer; a handler that reads an index (read) then sets it to the
// generation it actually read.
func (s *server) generationHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sr := s.h.Searcher(); sr != nil {
			name, _ := sr.Generation()
			w.Header().Set(GenerationHeader, name)
		}
		next.ServeHTTP(w, r)
	})
}
