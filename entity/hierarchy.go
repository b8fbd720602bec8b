package entity

import "slices"

// Parent returns the id of the entity that entity id belongs to, empty when
// it has none or is unknown.
func (g *Gazetteer) Parent(id string) string {
	i, ok := g.byID[id]
	if !ok || g.parent[i] < 0 {
		return ""
	}
	return g.entities[g.parent[i]].ID
}

// Ancestors returns the parent of entity id, its parent's parent, and so
// on, nearest first; nil when it has none.
func (g *Gazetteer) Ancestors(id string) []string {
	i, ok := g.byID[id]
	if !ok {
		return nil
	}
	var out []string
	for p := g.parent[i]; p >= 0; p = g.parent[p] {
		out = append(out, g.entities[p].ID)
	}
	return out
}

// withAncestors adds to the actors and forums mentioned the ancestors of
// each, in the lists of the types that the ancestor shares with it: a
// mention of the UN GGE (a forum) tags the UN (actor and forum) as a forum,
// so that a filter on the UN forum finds it and the forum facet counts it
// under the UN. Both lists stay sorted and unique.
func (g *Gazetteer) withAncestors(actors, forums []string) ([]string, []string) {
	add := func(list []string, typ string) []string {
		n := len(list)
		for _, id := range list[:n] {
			for p := g.parent[g.byID[id]]; p >= 0; p = g.parent[p] {
				e := &g.entities[p]
				if slices.Contains(e.Types, typ) && !slices.Contains(list, e.ID) {
					list = append(list, e.ID)
				}
			}
		}
		if len(list) > n {
			slices.Sort(list)
		}
		return list
	}
	return add(actors, Actor), add(forums, Forum)
}

// hasParents reports whether any entity has a parent.
func (g *Gazetteer) hasParents() bool { return g.nested }
