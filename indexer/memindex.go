package indexer

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// MemGeneration indexes passages in memory, with the same mapping and
// analysis as a generation on disk, so that a search can be run over text
// that is not (or no longer) in the live index: the change log's
// passages. date is each passage's document date (YYYY-MM-DD), by passage
// id. The generation has a manifest listing no documents.
func MemGeneration(ps []Passage, date map[string]string) (*Generation, error) {
	// scorch with no path keeps its segments in memory; it indexes a
	// batch several times faster than NewMemOnly's upsidedown/gtreap.
	idx, err := bleve.NewUsing("", NewMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("memory index: %w", err)
	}
	b := idx.NewBatch()
	for i := range ps {
		p := &ps[i]
		doc := &Document{ID: p.DocID, Lang: p.Lang, Title: p.Title, Updated: date[p.ID]}
		if err := b.Index(p.ID, record(p, doc)); err != nil {
			idx.Close()
			return nil, fmt.Errorf("memory index: %w", err)
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, fmt.Errorf("memory index: %w", err)
	}
	return &Generation{Name: "memory", Index: idx, Manifest: &Manifest{Generation: "memory", Passages: len(ps)}}, nil
}
