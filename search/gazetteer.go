package search

import (
	"bytes"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
)

// gazetteerOf returns the gazetteer to use with gen: the one stored with
// it when GazetteerFromGeneration is set and the build stored one, else
// Gazetteer. A stored gazetteer that does not load (the build checked it,
// so only a damaged file can) falls back to Gazetteer.
func (o *Options) gazetteerOf(gen *indexer.Generation) *entity.Gazetteer {
	if o.Gazetteer == nil || !o.GazetteerFromGeneration || gen.Gazetteer == nil {
		return o.Gazetteer
	}
	g, err := entity.Load(bytes.NewReader(gen.Gazetteer))
	if err != nil {
		return o.Gazetteer
	}
	return g
}

// Gazetteer returns the gazetteer of the live generation (see
// Options.GazetteerFromGeneration); nil when entity features are off.
func (s *Searcher) Gazetteer() *entity.Gazetteer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.live.gaz
}

// Gazetteer returns the gazetteer of the view's generation.
func (v *View) Gazetteer() *entity.Gazetteer { return v.sn.gaz }

// Label names an actor or forum id in lang with the live generation's
// gazetteer (the id itself when unknown). It makes a Searcher a Labeler for
// pages that name facet values the search result does not carry.
func (s *Searcher) Label(id, lang string) string {
	if g := s.Gazetteer(); g != nil {
		return g.Label(id, lang)
	}
	return id
}

// nestChildren moves each value whose parent is in values right after its
// parent (after its earlier siblings), keeping the order otherwise: a
// client can indent children under their parent. Values come sorted by
// count, and a parent counts every passage of its children (the indexer
// tags ancestors), so parents usually come first anyway.
func nestChildren(values []FacetValue) []FacetValue {
	present := map[string]bool{}
	nested := false
	for _, v := range values {
		present[v.Value] = true
	}
	children := map[string][]FacetValue{}
	for _, v := range values {
		if v.Parent != "" && present[v.Parent] && v.Parent != v.Value {
			children[v.Parent] = append(children[v.Parent], v)
			nested = true
		}
	}
	if !nested {
		return values
	}
	out := make([]FacetValue, 0, len(values))
	done := map[string]bool{}
	var emit func(v FacetValue)
	emit = func(v FacetValue) {
		if done[v.Value] {
			return
		}
		done[v.Value] = true
		out = append(out, v)
		for _, c := range children[v.Value] {
			emit(c)
		}
	}
	for _, v := range values {
		if v.Parent != "" && present[v.Parent] {
			continue // emitted under its parent
		}
		emit(v)
	}
	// A cycle (not possible with a checked gazetteer) leaves values out:
	// add them back in their order.
	for _, v := range values {
		if !done[v.Value] {
			out = append(out, v)
		}
	}
	return out
}
