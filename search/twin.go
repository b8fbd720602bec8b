package search

import (
	"context"
	"fmt"

	"github.com/vigie/vigie/indexer"
)

// Twin is the passage of the other language's version of a document that
// says the same as a hit: a reader can switch language.
type Twin struct {
	ID      string `json:"id"`
	DocID   string `json:"doc_id"`
	Lang    string `json:"lang"`
	Title   string `json:"title"`
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

// attachTwins fills the Twin of the hits that have one, with one lookup
// for all of them.
func (s *View) attachTwins(ctx context.Context, hits []Hit) error {
	twins := s.sn.gen.Twins
	var ids []string
	for _, h := range hits {
		if t := twins[h.ID]; t != "" {
			ids = append(ids, t)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	byID, err := s.load(ctx, ids, []string{indexer.FieldDocID, indexer.FieldLang, indexer.FieldTitle, indexer.FieldHeading, indexer.FieldText})
	if err != nil {
		return fmt.Errorf("twins: %w", err)
	}
	found := make(map[string]*Twin, len(byID))
	for _, h := range byID {
		t := toHit(h)
		found[h.ID] = &Twin{ID: h.ID, DocID: t.DocID, Lang: t.Lang, Title: t.Title, Heading: t.Heading, Text: t.Text}
	}
	for i := range hits {
		hits[i].Twin = found[twins[hits[i].ID]]
	}
	return nil
}
