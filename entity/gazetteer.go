package entity

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
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

// file is the YAML layout of a gazetteer.
type file struct {
	Entities []struct {
		ID      string              `yaml:"id"`
		Types   []string            `yaml:"types"`
		Label   map[string]string   `yaml:"label"`
		Aliases map[string][]string `yaml:"aliases"`
	} `yaml:"entities"`
}

// Load reads a gazetteer in the YAML format described in the package
// documentation. It reports every problem it finds (duplicate or malformed
// id, unknown type, missing label, empty alias, an alias shared by two
// entities), joined in one error.
func Load(r io.Reader) (*Gazetteer, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	sum := sha256.Sum256(raw)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("gazetteer: empty file")
		}
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	if len(f.Entities) == 0 {
		return nil, errors.New("gazetteer: no entities")
	}

	var errs []error
	bad := func(i int, id, format string, args ...any) {
		name := fmt.Sprintf("entity %d", i+1)
		if id != "" {
			name = fmt.Sprintf("entity %q", id)
		}
		errs = append(errs, fmt.Errorf("gazetteer: %s: %s", name, fmt.Sprintf(format, args...)))
	}
	seen := map[string]bool{}
	var ents []Entity
	for i, fe := range f.Entities {
		e := Entity{ID: fe.ID, Label: map[string]string{}, Aliases: map[string][]string{}}
		if !validID(fe.ID) {
			bad(i, fe.ID, "invalid id %q: want lowercase letters, digits and inner hyphens", fe.ID)
		} else if seen[fe.ID] {
			bad(i, fe.ID, "duplicate id")
		}
		seen[fe.ID] = true

		if len(fe.Types) == 0 {
			bad(i, fe.ID, "no types: want %q, %q or both", Actor, Forum)
		}
		for _, t := range fe.Types {
			switch {
			case t != Actor && t != Forum:
				bad(i, fe.ID, "unknown type %q: want %q or %q", t, Actor, Forum)
			case slices.Contains(e.Types, t):
				bad(i, fe.ID, "type %q listed twice", t)
			default:
				e.Types = append(e.Types, t)
			}
		}
		slices.Sort(e.Types) // "actor" < "forum"

		for _, lang := range slices.Sorted(maps.Keys(fe.Label)) {
			l := fe.Label[lang]
			if !slices.Contains(langs, lang) {
				bad(i, fe.ID, "label in unknown language %q: want en or fr", lang)
			}
			e.Label[lang] = strings.TrimSpace(l)
		}
		for _, lang := range langs {
			if e.Label[lang] == "" {
				bad(i, fe.ID, "missing %s label", lang)
			}
		}
		for _, lang := range slices.Sorted(maps.Keys(fe.Aliases)) {
			as := fe.Aliases[lang]
			if !slices.Contains(langs, lang) {
				bad(i, fe.ID, "aliases in unknown language %q: want en or fr", lang)
				continue
			}
			for _, a := range as {
				a = strings.TrimSpace(a)
				if a == "" {
					bad(i, fe.ID, "empty %s alias", lang)
					continue
				}
				e.Aliases[lang] = append(e.Aliases[lang], a)
			}
		}
		ents = append(ents, e)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	sort.Slice(ents, func(i, j int) bool { return ents[i].ID < ents[j].ID })
	g := &Gazetteer{entities: ents, byID: make(map[string]int, len(ents)), fingerprint: hex.EncodeToString(sum[:8])}
	for i, e := range ents {
		g.byID[e.ID] = i
	}
	if err := g.compile(); err != nil {
		return nil, err
	}
	return g, nil
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
	c := Entity{ID: e.ID, Types: slices.Clone(e.Types), Label: make(map[string]string, len(e.Label)),
		Aliases: make(map[string][]string, len(e.Aliases))}
	for k, v := range e.Label {
		c.Label[k] = v
	}
	for k, v := range e.Aliases {
		c.Aliases[k] = slices.Clone(v)
	}
	return c
}
