package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// load reads the given stored fields of the passages named by ids (a
// passage that is not there, or holds none of the fields, is left out),
// without running a search: each id is looked up in the segments' id
// dictionaries and only its stored fields are visited. bleve's
// IndexReader.Document, which LoadAndHighlightFields calls, opens a term
// reader for the id and builds a document of every field first; it is
// still used for a field of a kind the visitor does not read (none in
// Vigie's mapping: its stored fields are text and numbers).
func (s *View) load(ctx context.Context, ids []string, fields []string) (map[string]*bsearch.DocumentMatch, error) {
	reader, err := openReader(s.sn.gen.Index)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer reader.Close()
	snap, _ := reader.(*scorch.IndexSnapshot)
	want := make(map[string]bool, len(fields))
	for _, f := range fields {
		want[f] = true
	}
	var dicts []segment.TermDictionary
	byID := make(map[string]*bsearch.DocumentMatch, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if _, ok := byID[id]; ok {
			continue
		}
		h := &bsearch.DocumentMatch{ID: id}
		done := false
		if snap != nil {
			if dicts == nil {
				for _, ss := range snap.Segments() {
					d, err := ss.Segment().Dictionary("_id")
					if err != nil {
						return nil, fmt.Errorf("load: %w", err)
					}
					dicts = append(dicts, d)
				}
			}
			if done, err = visitStored(snap, dicts, id, want, h); err != nil {
				return nil, fmt.Errorf("load: %w", err)
			}
		}
		if !done {
			if err, _ := bleve.LoadAndHighlightFields(h, &bleve.SearchRequest{Fields: fields}, "", reader, nil); err != nil {
				return nil, fmt.Errorf("load: %w", err)
			}
		}
		if len(h.Fields) > 0 {
			byID[id] = h
		}
	}
	return byID, nil
}

// visitStored finds passage id in the segments (dicts: their id
// dictionaries) and adds its stored fields named in want to h, as
// LoadAndHighlightFields would. done is false, with h untouched, when a
// wanted field is of a kind other than text or number.
func visitStored(snap *scorch.IndexSnapshot, dicts []segment.TermDictionary, id string, want map[string]bool, h *bsearch.DocumentMatch) (done bool, err error) {
	for i, ss := range snap.Segments() {
		pl, err := dicts[i].PostingsList([]byte(id), ss.Deleted(), nil)
		if err != nil {
			return false, err
		}
		p, err := pl.Iterator(false, false, false, nil).Next()
		if err != nil {
			return false, err
		}
		if p == nil {
			continue
		}
		other := false
		if h.Fields == nil {
			h.Fields = make(map[string]any, len(want)) // sized once, not grown field by field
		}
		err = ss.VisitDocument(p.Number(), func(name string, typ byte, val []byte, pos []uint64) bool {
			if !want[name] {
				return true
			}
			switch typ {
			case 't':
				h.AddFieldValue(name, string(val))
			case 'n':
				if n, err := document.NewNumericFieldFromBytes(name, pos, val).Number(); err == nil {
					h.AddFieldValue(name, n)
				}
			default:
				other = true
				return false
			}
			return true
		})
		if err != nil || other {
			h.Fields = nil
			return false, err
		}
		return true, nil
	}
	return true, nil // not in any segment: no fields, left out
}
