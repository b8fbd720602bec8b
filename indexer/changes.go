package indexer

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/blevesearch/bleve/v2"

	"github.com/vigie/vigie/changelog"
)

// testHookBeforeSwitch, when set (by tests), runs after a build has
// written its change-log record and just before CURRENT is switched: the
// crash window between the two.
var testHookBeforeSwitch func(data, gen string)

// recordChanges writes the change-log record of generation m (in genDir):
// what changed, passage by passage, since the live generation. Documents
// are compared by content hash, so a rebuild that only changes the
// pipeline records nothing; the passages of new, changed and removed
// documents are read from the two indexes and paired by changelog.Compare.
// The first build (no live generation) records a baseline: the documents
// it found, no passage changes. The record counts only once m goes live.
func recordChanges(ctx context.Context, data, live, genDir string, m *Manifest) (*changelog.Record, error) {
	rec := &changelog.Record{Generation: m.Generation, Time: m.BuiltAt}
	var prev *Manifest
	if live != "" {
		var err error
		if prev, err = readManifest(filepath.Join(data, live)); err != nil {
			prev = nil // unreadable: start a new baseline
		}
	}
	if prev == nil {
		rec.Baseline = true
		for _, d := range m.Documents {
			rec.Documents = append(rec.Documents, changelog.Doc{ID: d.ID, Title: d.Title, Lang: d.Lang,
				Kind: changelog.Baseline, Hash: d.Hash, Passages: d.Passages})
		}
		sortDocs(rec.Documents)
		return rec, changelog.Open(data).Write(rec)
	}
	rec.Base = live
	old := make(map[string]*DocInfo, len(prev.Documents))
	for i := range prev.Documents {
		old[prev.Documents[i].ID] = &prev.Documents[i]
	}
	type touched struct {
		kind      changelog.Kind
		prev, cur *DocInfo
	}
	var docs []touched
	seen := map[string]bool{}
	for i := range m.Documents {
		d := &m.Documents[i]
		seen[d.ID] = true
		switch o := old[d.ID]; {
		case o == nil:
			docs = append(docs, touched{changelog.Added, nil, d})
		case o.Hash != d.Hash:
			docs = append(docs, touched{changelog.Changed, o, d})
		}
	}
	for i := range prev.Documents {
		if d := &prev.Documents[i]; !seen[d.ID] {
			docs = append(docs, touched{changelog.Removed, d, nil})
		}
	}
	if len(docs) > 0 {
		var oldIdx, newIdx bleve.Index
		open := func(dir string) (bleve.Index, error) {
			return bleve.OpenUsing(filepath.Join(dir, indexDir), map[string]interface{}{"read_only": true, "bolt_timeout": "5s"})
		}
		var err error
		if oldIdx, err = open(filepath.Join(data, live)); err != nil {
			return nil, fmt.Errorf("change log: open live generation: %w", err)
		}
		defer oldIdx.Close()
		if newIdx, err = open(genDir); err != nil {
			return nil, fmt.Errorf("change log: open new generation: %w", err)
		}
		defer newIdx.Close()
		for _, t := range docs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			var before, after []changelog.Passage
			info := t.cur
			if t.prev != nil {
				info = t.prev
				if before, err = logPassages(ctx, oldIdx, t.prev); err != nil {
					return nil, err
				}
			}
			if t.cur != nil {
				info = t.cur
				if after, err = logPassages(ctx, newIdx, t.cur); err != nil {
					return nil, err
				}
			}
			cs := changelog.Compare(m.Generation, m.BuiltAt, before, after)
			doc := changelog.Doc{ID: info.ID, Title: info.Title, Lang: info.Lang, Kind: t.kind, Hash: info.Hash}
			if t.cur != nil {
				doc.Passages = t.cur.Passages
			}
			for _, c := range cs {
				switch c.Kind {
				case changelog.Added:
					doc.Added++
				case changelog.Changed:
					doc.Changed++
				case changelog.Removed:
					doc.Removed++
				}
			}
			rec.Documents = append(rec.Documents, doc)
			rec.Changes = append(rec.Changes, cs...)
		}
	}
	// The live generation has no record (built before the change log
	// existed): the documents this build did not touch are listed as the
	// baseline, so that every document's history starts somewhere.
	if chain, err := changelog.Open(data).Chain(live); err == nil && len(chain) == 0 {
		touchedIDs := map[string]bool{}
		for _, d := range rec.Documents {
			touchedIDs[d.ID] = true
		}
		for _, d := range m.Documents {
			if !touchedIDs[d.ID] {
				rec.Documents = append(rec.Documents, changelog.Doc{ID: d.ID, Title: d.Title, Lang: d.Lang,
					Kind: changelog.Baseline, Hash: d.Hash, Passages: d.Passages})
			}
		}
	}
	sortDocs(rec.Documents)
	sort.SliceStable(rec.Changes, func(i, j int) bool { return rec.Changes[i].DocID < rec.Changes[j].DocID })
	return rec, changelog.Open(data).Write(rec)
}

func sortDocs(ds []changelog.Doc) {
	sort.Slice(ds, func(i, j int) bool { return ds[i].ID < ds[j].ID })
}

// logPassages reads a document's passages from an index, in order.
func logPassages(ctx context.Context, idx bleve.Index, d *DocInfo) ([]changelog.Passage, error) {
	q := bleve.NewTermQuery(d.ID)
	q.SetField(FieldDocID)
	req := bleve.NewSearchRequestOptions(q, max(d.Passages, 1)+1000, 0, false)
	req.Fields = StoredFields
	req.SortBy([]string{FieldOrdinal})
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("change log: passages of %s: %w", d.ID, err)
	}
	out := make([]changelog.Passage, 0, len(res.Hits))
	for _, h := range res.Hits {
		str := func(f string) string { s, _ := h.Fields[f].(string); return s }
		list := func(f string) []string {
			switch v := h.Fields[f].(type) {
			case string:
				return []string{v}
			case []interface{}:
				var out []string
				for _, x := range v {
					if s, ok := x.(string); ok {
						out = append(out, s)
					}
				}
				return out
			}
			return nil
		}
		ord, _ := h.Fields[FieldOrdinal].(float64)
		p := changelog.Passage{ID: h.ID, DocID: d.ID, Lang: str(FieldLang), Title: str(FieldTitle),
			Heading: str(FieldHeading), Ordinal: int(ord), Text: str(FieldText), Date: str(FieldUpdated),
			Actors: list(FieldActors), Forums: list(FieldForums)}
		for _, y := range list(FieldYears) {
			if n, err := strconv.Atoi(y); err == nil {
				p.Years = append(p.Years, n)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
