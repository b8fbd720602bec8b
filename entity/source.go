package entity

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one fault of a gazetteer file, with the line it is on. Load,
// LoadFile and Combine return every problem they find, joined with
// errors.Join; errors.As finds the first.
type Problem struct {
	File   string // the file's name; empty for a file read from a reader
	Line   int    // 1-based; 0 when the problem has no line (an empty file)
	Entity string // the entity's id, or "entity N" when it has none; empty for the file
	Msg    string
}

func (p *Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	} else {
		b.WriteString("gazetteer: ")
		if p.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", p.Line)
		}
	}
	if p.Entity != "" {
		b.WriteString(p.Entity)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Mode says how a user's gazetteer combines with the embedded one.
type Mode string

const (
	// Merge adds the user's entities to the embedded ones; an entity with
	// the id of an embedded one replaces it.
	Merge Mode = "merge"
	// Replace uses the user's entities alone.
	Replace Mode = "replace"
)

// ParseMode reads "merge" or "replace".
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case Merge, Replace:
		return Mode(s), nil
	}
	return "", fmt.Errorf("gazetteer mode %q: want merge or replace", s)
}

// fields of an entity in the data file.
var entityFields = []string{"id", "types", "parent", "label", "aliases"}

// srcEntity is an entity as read from a file, with the lines of its parts
// for error messages.
type srcEntity struct {
	Entity
	file       string
	ord        int // position in its file, 0-based
	line       int // the entity's first line
	idLine     int
	parentLine int
	aliasLine  map[string]int // "lang\x00alias" → line
	typesLine  int
}

// name is how problems name the entity.
func (e *srcEntity) name() string {
	if e.ID != "" {
		return fmt.Sprintf("entity %q", e.ID)
	}
	return fmt.Sprintf("entity %d", e.ord+1)
}

func (e *srcEntity) problem(line int, format string, args ...any) *Problem {
	if line == 0 {
		line = e.line
	}
	return &Problem{File: e.file, Line: line, Entity: e.name(), Msg: fmt.Sprintf(format, args...)}
}

// parseSource reads the entities of one gazetteer file, reporting YAML
// errors, unknown fields and values of the wrong shape with their lines.
// Entities with problems are still returned, as far as they could be read,
// so that later checks report everything at once.
func parseSource(file string, raw []byte) ([]*srcEntity, []error) {
	fileProblem := func(line int, format string, args ...any) *Problem {
		return &Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		// yaml.v3 errors read "yaml: line 3: did not find expected key".
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if _, err := fmt.Sscanf(msg, "line %d:", &line); err == nil {
			msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		}
		return nil, []error{fileProblem(line, "%s", msg)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, []error{fileProblem(0, "empty file")}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, []error{fileProblem(root.Line, "want a mapping with the key entities")}
	}
	var list *yaml.Node
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "entities" {
			errs = append(errs, fileProblem(k.Line, "unknown field %q: the file has one key, entities", k.Value))
			continue
		}
		list = v
	}
	if list == nil || list.Kind == yaml.ScalarNode && list.Tag == "!!null" ||
		list.Kind == yaml.SequenceNode && len(list.Content) == 0 {
		line := root.Line
		if list != nil {
			line = list.Line
		}
		return nil, append(errs, fileProblem(line, "no entities"))
	}
	if list.Kind != yaml.SequenceNode {
		return nil, append(errs, fileProblem(list.Line, "entities: want a list of entities"))
	}
	var ents []*srcEntity
	for ord, n := range list.Content {
		e := &srcEntity{Entity: Entity{Label: map[string]string{}, Aliases: map[string][]string{}},
			file: file, ord: ord, line: n.Line, aliasLine: map[string]int{}}
		ents = append(ents, e)
		if n.Kind != yaml.MappingNode {
			errs = append(errs, e.problem(n.Line, "want a mapping with id, types, label, aliases"))
			continue
		}
		// The id first, so that every other problem can name the entity.
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i], n.Content[i+1]; k.Value == "id" && v.Kind == yaml.ScalarNode {
				e.ID, e.idLine = v.Value, v.Line
			}
		}
		seenKey := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if seenKey[k.Value] {
				errs = append(errs, e.problem(k.Line, "field %q given twice", k.Value))
				continue
			}
			seenKey[k.Value] = true
			switch k.Value {
			case "id":
				if v.Kind != yaml.ScalarNode {
					errs = append(errs, e.problem(v.Line, "id: want a string"))
				}
			case "parent":
				if v.Kind != yaml.ScalarNode {
					errs = append(errs, e.problem(v.Line, "parent: want the id of another entity"))
					continue
				}
				e.Parent, e.parentLine = strings.TrimSpace(v.Value), v.Line
			case "types":
				e.typesLine = v.Line
				items, ok := scalars(v)
				if !ok {
					errs = append(errs, e.problem(v.Line, "types: want a list such as [actor] or [actor, forum]"))
					continue
				}
				for _, it := range items {
					e.Types = append(e.Types, it.Value)
				}
			case "label":
				if v.Kind != yaml.MappingNode {
					errs = append(errs, e.problem(v.Line, "label: want {en: …, fr: …}"))
					continue
				}
				for j := 0; j+1 < len(v.Content); j += 2 {
					lk, lv := v.Content[j], v.Content[j+1]
					if lv.Kind != yaml.ScalarNode {
						errs = append(errs, e.problem(lv.Line, "label %s: want a name", lk.Value))
						continue
					}
					e.Label[lk.Value] = lv.Value
					e.aliasLine[lk.Value+"\x00"+strings.TrimSpace(lv.Value)] = lv.Line
				}
			case "aliases":
				if v.Kind != yaml.MappingNode {
					errs = append(errs, e.problem(v.Line, "aliases: want {en: [...], fr: [...]}"))
					continue
				}
				for j := 0; j+1 < len(v.Content); j += 2 {
					ak, av := v.Content[j], v.Content[j+1]
					items, ok := scalars(av)
					if !ok {
						errs = append(errs, e.problem(av.Line, "aliases %s: want a list of names", ak.Value))
						continue
					}
					if _, dup := e.Aliases[ak.Value]; dup {
						errs = append(errs, e.problem(ak.Line, "aliases %s given twice", ak.Value))
					}
					for _, it := range items {
						e.Aliases[ak.Value] = append(e.Aliases[ak.Value], it.Value)
						key := ak.Value + "\x00" + strings.TrimSpace(it.Value)
						if _, ok := e.aliasLine[key]; !ok {
							e.aliasLine[key] = it.Line
						}
					}
				}
			default:
				errs = append(errs, e.problem(k.Line, "unknown field %q (want %s)", k.Value, strings.Join(entityFields, ", ")))
			}
		}
	}
	return ents, errs
}

// scalars returns the items of a sequence of scalars; a single scalar is
// not accepted, so that "types: actor" gets a clear message.
func scalars(n *yaml.Node) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	for _, it := range n.Content {
		if it.Kind != yaml.ScalarNode {
			return nil, false
		}
	}
	return n.Content, true
}

// check validates entities read by parseSource and normalises them (types
// sorted, names trimmed): ids, types, labels, aliases, parents, and names
// that two entities share. It returns every problem.
func check(ents []*srcEntity) []error {
	var errs []error
	byID := map[string]*srcEntity{}
	for _, e := range ents {
		if !validID(e.ID) {
			errs = append(errs, e.problem(e.idLine, "invalid id %q: want lowercase letters, digits and inner hyphens", e.ID))
		} else if first, ok := byID[e.ID]; ok {
			errs = append(errs, e.problem(e.idLine, "duplicate id (first at %s)", where(first.file, first.idLine)))
		} else {
			byID[e.ID] = e
		}

		types := e.Types
		e.Types = nil
		if len(types) == 0 {
			errs = append(errs, e.problem(e.typesLine, "no types: want %q, %q or both", Actor, Forum))
		}
		for _, t := range types {
			switch {
			case t != Actor && t != Forum:
				errs = append(errs, e.problem(e.typesLine, "unknown type %q: want %q or %q", t, Actor, Forum))
			case slices.Contains(e.Types, t):
				errs = append(errs, e.problem(e.typesLine, "type %q listed twice", t))
			default:
				e.Types = append(e.Types, t)
			}
		}
		slices.Sort(e.Types) // "actor" < "forum"

		for _, lang := range sortedKeys(e.Label) {
			if !slices.Contains(langs, lang) {
				errs = append(errs, e.problem(e.aliasLine[lang+"\x00"+strings.TrimSpace(e.Label[lang])], "label in unknown language %q: want en or fr", lang))
				delete(e.Label, lang)
				continue
			}
			e.Label[lang] = strings.TrimSpace(e.Label[lang])
		}
		for _, lang := range langs {
			if e.Label[lang] == "" {
				errs = append(errs, e.problem(0, "missing %s label", lang))
			}
		}
		for _, lang := range sortedKeys(e.Aliases) {
			as := e.Aliases[lang]
			delete(e.Aliases, lang)
			if !slices.Contains(langs, lang) {
				errs = append(errs, e.problem(0, "aliases in unknown language %q: want en or fr", lang))
				continue
			}
			for _, a := range as {
				a = strings.TrimSpace(a)
				if a == "" {
					errs = append(errs, e.problem(e.aliasLine[lang+"\x00"], "empty %s alias", lang))
					continue
				}
				e.Aliases[lang] = append(e.Aliases[lang], a)
			}
		}
	}

	// Parents: known, and no cycle.
	for _, e := range ents {
		if e.Parent == "" {
			continue
		}
		if e.Parent == e.ID {
			errs = append(errs, e.problem(e.parentLine, "parent is the entity itself"))
			e.Parent = ""
		} else if _, ok := byID[e.Parent]; !ok {
			errs = append(errs, e.problem(e.parentLine, "unknown parent %q", e.Parent))
			e.Parent = ""
		}
	}
	reported := map[string]bool{}
	for _, e := range ents {
		seen := map[string]bool{e.ID: true}
		path := []string{e.ID}
		for p := e.Parent; p != ""; p = byID[p].Parent {
			path = append(path, p)
			if seen[p] {
				if !reported[p] {
					errs = append(errs, e.problem(e.parentLine, "parent cycle: %s", strings.Join(path, " → ")))
					for _, id := range path {
						reported[id] = true
					}
				}
				e.Parent = "" // break it so that later walks end
				break
			}
			seen[p] = true
		}
	}

	// Names: every alias must be matchable, and no two entities may have
	// names that match the same text.
	type named struct {
		p    *pattern
		e    *srcEntity
		line int
	}
	bySig := map[string]*srcEntity{}
	byFold := map[string][]named{}
	for _, e := range ents {
		for _, lang := range langs {
			for _, a := range append([]string{e.Label[lang]}, e.Aliases[lang]...) {
				if a == "" {
					continue
				}
				line := e.aliasLine[lang+"\x00"+a]
				p, err := compileAlias(a)
				if err != nil {
					errs = append(errs, e.problem(line, "%s alias %q: %v", lang, a, err))
					continue
				}
				sig := p.signature()
				if f, ok := bySig[sig]; ok && f == e {
					continue // the same form in both languages, or a label repeated as alias
				}
				bySig[sig] = e
				key := strings.Join(p.fold, " ")
				for _, q := range byFold[key] {
					if q.e != e && q.e.ID != e.ID && overlap(p, q.p) {
						errs = append(errs, e.problem(line, "alias %q of %q and alias %q of %q match the same text (the other at %s)",
							q.p.alias, q.e.ID, a, e.ID, where(q.e.file, q.line)))
					}
				}
				byFold[key] = append(byFold[key], named{p, e, line})
			}
		}
	}
	return errs
}

// where names a place in a file for messages.
func where(file string, line int) string {
	if file == "" {
		return fmt.Sprintf("line %d", line)
	}
	return fmt.Sprintf("%s:%d", file, line)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// build compiles checked entities into a Gazetteer.
func build(src []*srcEntity, fingerprint string, source []byte) (*Gazetteer, error) {
	ents := make([]Entity, len(src))
	for i, e := range src {
		ents[i] = e.Entity
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].ID < ents[j].ID })
	g := &Gazetteer{entities: ents, byID: make(map[string]int, len(ents)), fingerprint: fingerprint, source: source}
	for i, e := range ents {
		g.byID[e.ID] = i
	}
	g.parent = make([]int, len(ents))
	for i, e := range ents {
		g.parent[i] = -1
		if e.Parent != "" {
			g.parent[i] = g.byID[e.Parent]
			g.nested = true
		}
	}
	if err := g.compile(); err != nil {
		return nil, err
	}
	return g, nil
}

// load parses, checks and compiles one file.
func load(file string, raw []byte) (*Gazetteer, error) {
	ents, errs := parseSource(file, raw)
	if ents != nil {
		errs = append(errs, check(ents)...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sum := sha256.Sum256(raw)
	return build(ents, hex.EncodeToString(sum[:8]), raw)
}

// LoadFile reads the gazetteer in file. Problems name the file and line:
// "my.yaml:12: entity "opc": unknown parent "gc2"".
func LoadFile(file string) (*Gazetteer, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return load(file, raw)
}

// Combine returns the gazetteer a build uses when given the user's
// gazetteer file: with Replace the file alone, with Merge the embedded
// gazetteer plus the file's entities, an entity of the file replacing the
// embedded one that has its id. It checks the combination (a name of a
// user's entity must not match the text of an embedded entity's name), and
// reports every problem with its file and line.
func Combine(file string, mode Mode) (*Gazetteer, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return combine(file, raw, mode)
}

// CombineSource is Combine for a file already read: name is how problems
// name it.
func CombineSource(name string, raw []byte, mode Mode) (*Gazetteer, error) {
	return combine(name, raw, mode)
}

func combine(file string, raw []byte, mode Mode) (*Gazetteer, error) {
	switch mode {
	case Replace:
		return load(file, raw)
	case Merge:
	default:
		return nil, fmt.Errorf("gazetteer mode %q: want merge or replace", mode)
	}
	user, errs := parseSource(file, raw)
	if len(errs) > 0 {
		// Without the user's entities the combination cannot be checked.
		if user != nil {
			errs = append(errs, check(user)...)
		}
		return nil, errors.Join(errs...)
	}
	base, berrs := parseSource("embedded gazetteer.yaml", embedded)
	if len(berrs) > 0 {
		return nil, errors.Join(berrs...)
	}
	override := map[string]bool{}
	for _, e := range user {
		override[e.ID] = true
	}
	var all []*srcEntity
	for _, e := range base {
		if !override[e.ID] {
			all = append(all, e)
		}
	}
	all = append(all, user...)
	if errs := check(all); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	h := sha256.New()
	fmt.Fprintf(h, "merge\x00%d\x00", len(embedded))
	h.Write(embedded)
	h.Write(raw)
	sum := h.Sum(nil)
	g, err := build(all, hex.EncodeToString(sum[:8]), nil)
	if err != nil {
		return nil, err
	}
	g.source, err = g.marshal()
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Source returns the gazetteer in the YAML format Load reads: the file it
// was read from, or for a merged gazetteer the combined entities. Loading
// it gives a gazetteer that tags texts the same way; the indexer stores it
// with each generation so that search reads the one the index was built
// with.
func (g *Gazetteer) Source() []byte { return g.source }

// marshal writes the entities in the data file's format.
func (g *Gazetteer) marshal() ([]byte, error) {
	type fileEntity struct {
		ID      string              `yaml:"id"`
		Types   []string            `yaml:"types,flow"`
		Parent  string              `yaml:"parent,omitempty"`
		Label   map[string]string   `yaml:"label"`
		Aliases map[string][]string `yaml:"aliases,omitempty"`
	}
	var f struct {
		Entities []fileEntity `yaml:"entities"`
	}
	for _, e := range g.entities {
		f.Entities = append(f.Entities, fileEntity{e.ID, e.Types, e.Parent, e.Label, e.Aliases})
	}
	b, err := yaml.Marshal(&f)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: encode: %w", err)
	}
	return append([]byte("# The gazetteer a Vigie index generation was tagged with (merged).\n"), b...), nil
}

// readAll reads r for Load.
func readAll(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return raw, nil
}

// Problems returns the problems joined in an error of Load, Combine or
// CombineSource, one by one (err alone when it joins none; nil for nil).
func Problems(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Problems(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
