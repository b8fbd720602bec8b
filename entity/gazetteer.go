package entity

import (
	_ "embed"
	"io"
	"slices"
	"strings"
	"sync"
)

// Entity types. An entity has one or both.
const (
	Actor = "actor" // acts in its own name: an agency, a ministry, a command
	Forum = "forum" // a venue where states meet: G7, a UN group, the Paris Call
)

// Languages of labels and aliases.
var langs = []string{"en", "fr"}

//go:embed gazetteer.yaml
var embedded []byte

// Entity is one canonical actor or forum.
type Entity struct {
	ID      string              // stable identifier, such as "nato" or "min-armed-forces"
	Types   []string            // Actor, Forum or both, in that order
	Label   map[string]string   // display name by language ("en", "fr")
	Aliases map[string][]string // other name forms and acronyms by language, as written in the data file
	// Parent is the id of the entity this one belongs to ("un" for the UN
	// General Assembly), empty for none. A passage that mentions an entity
	// is also tagged with its ancestors (see Annotate).
	Parent string
}

// Gazetteer is a set of entities compiled for matching. It is safe for
// concurrent use.
type Gazetteer struct {
	// fingerprint is a hash of the source file: what was extracted with one
	// gazetteer is stale under another.
	fingerprint string
	entities    []Entity // sorted by ID; matching refers to entities by index
	byID        map[string]int
	index       map[string][]*pattern // folded first word → patterns, longest first
	names       map[string]int        // folded whole name → entity index, -1 if ambiguous (Lookup)
	parent      []int                 // entity index → its parent's index, -1 for none
	source      []byte                // the YAML it was read from (Source)
	nested      bool                  // some entity has a parent
}

var (
	defaultOnce sync.Once
	defaultGaz  *Gazetteer
)

// Fingerprint identifies the gazetteer's source file (a hash of it):
// passages tagged under one fingerprint must be re-tagged under another.
func (g *Gazetteer) Fingerprint() string { return g.fingerprint }

// Default returns the gazetteer embedded in the package, parsed on first use.
// It panics if the embedded file is invalid, which TestDefault rules out.
func Default() *Gazetteer {
	defaultOnce.Do(func() {
		g, err := Load(strings.NewReader(string(embedded)))
		if err != nil {
			panic("entity: embedded gazetteer.yaml: " + err.Error())
		}
		defaultGaz = g
	})
	return defaultGaz
}

// Load reads a gazetteer in the YAML format described in the package
// documentation. It reports every problem it finds (YAML errors, unknown
// fields, duplicate or malformed id, unknown type, missing label, empty
// alias, unknown parent or a parent cycle, an alias shared by two
// entities), each as a *Problem with its line, joined in one error.
func Load(r io.Reader) (*Gazetteer, error) {
	raw, err := readAll(r)
	if err != nil {
		return nil, err
	}
	return load("", raw)
}

// validID reports whether id is lowercase ASCII letters and digits, with
// hyphens between them.
func validID(id string) bool {
	if id == "" || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Entities returns every entity, sorted by ID.
func (g *Gazetteer) Entities() []Entity {
	out := make([]Entity, len(g.entities))
	for i, e := range g.entities {
		out[i] = e.clone()
	}
	return out
}

// Entity returns the entity with the given ID.
func (g *Gazetteer) Entity(id string) (Entity, bool) {
	i, ok := g.byID[id]
	if !ok {
		return Entity{}, false
	}
	return g.entities[i].clone(), true
}

// Label returns the display name of entity id in lang ("en" or "fr"),
// falling back to the English label, then to id itself.
func (g *Gazetteer) Label(id, lang string) string {
	i, ok := g.byID[id]
	if !ok {
		return id
	}
	if l := g.entities[i].Label[lang]; l != "" {
		return l
	}
	if l := g.entities[i].Label["en"]; l != "" {
		return l
	}
	return id
}

// IsType reports whether entity id has type typ (Actor or Forum).
func (g *Gazetteer) IsType(id, typ string) bool {
	i, ok := g.byID[id]
	return ok && slices.Contains(g.entities[i].Types, typ)
}

// clone returns a deep copy of e, so that callers cannot change the gazetteer.
func (e Entity) clone() Entity {
	c := Entity{ID: e.ID, Parent: e.Parent, Types: slices.Clone(e.Types), Label: make(map[string]string, len(e.Label)),
		Aliases: make(map[string][]string, len(e.Aliases))}
	for k, v := range e.Label {
		c.Label[k] = v
	}
	for k, v := range e.Aliases {
		c.Aliases[k] = slices.Clone(v)
	}
	return c
}
