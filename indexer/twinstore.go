package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// twinsFile holds a generation's twin links: passage id → the id of the
// passage of the other language's version that says the same.
const twinsFile = "twins.json"

// linkStoredTwins pairs the documents of the generation being built (see
// pairDocuments) and aligns their passages, read back from the index once
// every batch is written. Reading them back, rather than linking while
// indexing, serves incremental builds too: a document reused unchanged
// is relinked with a partner that changed.
func linkStoredTwins(idx bleve.Index, docs []DocInfo) (map[string]string, error) {
	ds := make([]*Document, len(docs))
	count := make(map[string]int, len(docs))
	for i := range docs {
		d := docs[i].Document
		ds[i] = &d
		count[d.ID] = docs[i].Passages
	}
	out := map[string]string{}
	for _, pair := range pairDocuments(ds) {
		a, err := storedPassages(idx, pair[0].ID, count[pair[0].ID])
		if err != nil {
			return nil, err
		}
		b, err := storedPassages(idx, pair[1].ID, count[pair[1].ID])
		if err != nil {
			return nil, err
		}
		alignPassages(a, b, out)
	}
	return out, nil
}

// storedPassages reads a document's passages from the index, in order,
// with what alignment needs: id, heading and text.
func storedPassages(idx bleve.Index, docID string, n int) ([]Passage, error) {
	q := bleve.NewTermQuery(docID)
	q.SetField(FieldDocID)
	req := bleve.NewSearchRequestOptions(q, max(n, 1), 0, false)
	req.Fields = []string{FieldHeading, FieldText, FieldOrdinal}
	req.SortBy([]string{FieldOrdinal})
	res, err := idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("read passages of %s: %w", docID, err)
	}
	ps := make([]Passage, 0, len(res.Hits))
	for _, h := range res.Hits {
		heading, _ := h.Fields[FieldHeading].(string)
		text, _ := h.Fields[FieldText].(string)
		ord, _ := h.Fields[FieldOrdinal].(float64)
		ps = append(ps, Passage{ID: h.ID, DocID: docID, Heading: heading, Text: text, Ordinal: int(ord)})
	}
	return ps, nil
}

// readTwins loads a generation's twin links; a generation without the
// file (built before twins existed) has none.
func readTwins(dir string) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, twinsFile))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read twins of %s: %w", filepath.Base(dir), err)
	}
	var t map[string]string
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("parse twins of %s: %w", filepath.Base(dir), err)
	}
	return t, nil
}
