package indexer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blevesearch/bleve/v2"
)

// twinsFile holds a generation's twin links: passage id → the id of the
// passage of the other language's version that says the same, one link a
// line, "ID<TAB>TWIN". Generations built before it hold twinsJSON, a JSON
// object, read as well; decoding that object was a third of the time a
// server took to open all of laws-canada.
const (
	twinsFile = "twins.tsv"
	twinsJSON = "twins.json"
)

// encodeTwins writes twin links as twinsFile holds them, sorted.
func encodeTwins(twins map[string]string) []byte {
	ids := make([]string, 0, len(twins))
	for id := range twins {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b bytes.Buffer
	for _, id := range ids {
		b.WriteString(id)
		b.WriteByte('\t')
		b.WriteString(twins[id])
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// linkStoredTwins pairs the documents of the generation being built (see
// pairDocuments) and aligns their passages, read back from the index once
// every batch is written. Reading them back, rather than linking while
// indexing, serves incremental builds too: a document reused unchanged
// is relinked with a partner that changed.
func linkStoredTwins(idx bleve.Index, docs []DocInfo) (map[string]string, error) {
	count := make(map[string]int, len(docs))
	for i := range docs {
		count[docs[i].ID] = docs[i].Passages
	}
	return linkTwins(docs, func(id string) ([]Passage, error) { return storedPassages(idx, id, count[id]) })
}

// linkTwins pairs docs (see pairDocuments) and aligns the passages of each
// pair, as passages returns them: in order, with id, heading and text.
func linkTwins(docs []DocInfo, passages func(docID string) ([]Passage, error)) (map[string]string, error) {
	ds := make([]*Document, len(docs))
	for i := range docs {
		d := docs[i].Document
		ds[i] = &d
	}
	out := map[string]string{}
	for _, pair := range pairDocuments(ds) {
		a, err := passages(pair[0].ID)
		if err != nil {
			return nil, err
		}
		b, err := passages(pair[1].ID)
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
		return readTwinsJSON(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("read twins of %s: %w", filepath.Base(dir), err)
	}
	t := make(map[string]string, bytes.Count(b, []byte{'\n'}))
	for n := 1; len(b) > 0; n++ {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		id, twin, ok := bytes.Cut(line, []byte{'\t'})
		if !ok || len(id) == 0 || len(twin) == 0 {
			return nil, fmt.Errorf("parse twins of %s: line %d is not ID<TAB>TWIN", filepath.Base(dir), n)
		}
		t[string(id)] = string(twin)
	}
	return t, nil
}

// readTwinsJSON reads the twins of a generation built before twinsFile.
func readTwinsJSON(dir string) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, twinsJSON))
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
