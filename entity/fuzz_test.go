package entity

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzLoad checks that any file loads or fails with problems, never
// panics, and that a loaded gazetteer's Source loads again.
func FuzzLoad(f *testing.F) {
	f.Add(embedded)
	f.Add([]byte(userGaz))
	f.Add([]byte("entities:\n  - id: a\n    parent: b\n    types: [actor]\n    label: {en: A a, fr: A a}\n  - id: b\n    parent: a\n    types: [forum]\n    label: {en: B b, fr: B b}\n"))
	f.Add([]byte("entities: [\n"))
	f.Add([]byte("entities:\n  - [1, 2]\n  - id: {x: 1}\n    label: [a]\n    aliases: {en: x}\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		g, err := Load(bytes.NewReader(raw))
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) && g == nil && !bytes.Contains([]byte(err.Error()), []byte("gazetteer")) {
				t.Errorf("error without a problem or context: %v", err)
			}
			return
		}
		if _, err := Load(bytes.NewReader(g.Source())); err != nil {
			t.Errorf("Source does not load again: %v", err)
		}
		for _, e := range g.Entities() {
			g.Ancestors(e.ID)
		}
		g.Annotate(string(raw))
	})
}
