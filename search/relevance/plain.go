package relevance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/vigie/vigie/search"
)

// Plain is the comparison baseline of the topical set: the passages of a
// Vigie index in a plain bleve index (BM25, bleve's standard "en" and "fr"
// analyzers, title, heading and text in separate fields of the passage's
// language) searched with plain match queries: no expansion, no lexicon,
// no twins, no boosts, any word may match.
type Plain struct {
	idx bleve.Index
}

// Plain index fields: title_en, heading_en, text_en and the same in
// French; doc_id, lang and heading are stored keywords.
const (
	plainDoc     = "doc_id"
	plainLang    = "lang"
	plainHeading = "heading"
	plainMarker  = "GENERATION"
)

var plainFields = []string{"title", "heading", "text"}

func plainMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	p := bleve.NewDocumentStaticMapping()
	kw := bleve.NewKeywordFieldMapping()
	kw.Store, kw.IncludeInAll, kw.IncludeTermVectors = true, false, false
	p.AddFieldMappingsAt(plainDoc, kw)
	p.AddFieldMappingsAt(plainLang, kw)
	stored := bleve.NewTextFieldMapping()
	stored.Index, stored.Store, stored.IncludeInAll, stored.IncludeTermVectors = false, true, false, false
	p.AddFieldMappingsAt(plainHeading, stored)
	for lang, a := range map[string]string{langEN: en.AnalyzerName, langFR: fr.AnalyzerName} {
		for _, f := range plainFields {
			t := bleve.NewTextFieldMapping()
			t.Analyzer, t.Store, t.IncludeInAll, t.IncludeTermVectors = a, false, false, false
			p.AddFieldMappingsAt(f+"_"+lang, t)
		}
	}
	m.DefaultMapping = p
	return m
}

// OpenPlain opens the plain index in dir if it was built from generation
// gen, else builds it there from the searcher's passages (every document,
// every passage: about a minute for all of laws-canada on two cores).
func OpenPlain(ctx context.Context, dir, gen string, s *search.Searcher) (*Plain, error) {
	marker := filepath.Join(dir, plainMarker)
	if b, err := os.ReadFile(marker); err == nil && strings.TrimSpace(string(b)) == gen {
		idx, err := bleve.Open(filepath.Join(dir, "index"))
		if err == nil {
			return &Plain{idx: idx}, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("plain index: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("plain index: %w", err)
	}
	idx, err := bleve.New(filepath.Join(dir, "index"), plainMapping())
	if err != nil {
		return nil, fmt.Errorf("plain index: %w", err)
	}
	if err := fillPlain(ctx, idx, s); err != nil {
		idx.Close()
		return nil, err
	}
	if err := os.WriteFile(marker, []byte(gen+"\n"), 0o644); err != nil {
		idx.Close()
		return nil, fmt.Errorf("plain index: %w", err)
	}
	return &Plain{idx: idx}, nil
}

func fillPlain(ctx context.Context, idx bleve.Index, s *search.Searcher) error {
	b := idx.NewBatch()
	for _, d := range s.Documents() {
		_, ps, err := s.Document(ctx, d.ID)
		if err != nil {
			return fmt.Errorf("plain index: %w", err)
		}
		for _, p := range ps {
			if p.Lang != langEN && p.Lang != langFR {
				continue
			}
			doc := map[string]any{
				plainDoc: p.DocID, plainLang: p.Lang, plainHeading: p.Heading,
				"title_" + p.Lang: p.Title, "heading_" + p.Lang: p.Heading, "text_" + p.Lang: p.Text,
			}
			if err := b.Index(p.ID, doc); err != nil {
				return fmt.Errorf("plain index: %w", err)
			}
		}
		if b.Size() >= 2000 {
			if err := idx.Batch(b); err != nil {
				return fmt.Errorf("plain index: %w", err)
			}
			// A new batch rather than Reset: see the scorch Batch race in
			// indexer.
			b = idx.NewBatch()
		}
	}
	if b.Size() > 0 {
		if err := idx.Batch(b); err != nil {
			return fmt.Errorf("plain index: %w", err)
		}
	}
	return nil
}

// Len returns the number of passages in the plain index.
func (p *Plain) Len() int {
	n, _ := p.idx.DocCount()
	return int(n)
}

// Close closes the plain index.
func (p *Plain) Close() error { return p.idx.Close() }

// Rank implements Ranker: a match query (any word) on the title, heading
// and text fields of each language searched (lang, or both), analysed
// with that language's analyzer.
func (p *Plain) Rank(ctx context.Context, q, lang string, page, size int) ([]Ranked, error) {
	langs := []string{langEN, langFR}
	if lang != "" {
		langs = []string{lang}
	}
	var branches []query.Query
	for _, l := range langs {
		var fields []query.Query
		for _, f := range plainFields {
			m := bleve.NewMatchQuery(q)
			m.SetField(f + "_" + l)
			fields = append(fields, m)
		}
		branches = append(branches, bleve.NewDisjunctionQuery(fields...))
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(branches...), size, (page-1)*size, false)
	req.Fields = []string{plainDoc, plainLang, plainHeading}
	req.SortBy([]string{"-_score", "_id"})
	res, err := p.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("plain search: %w", err)
	}
	out := make([]Ranked, 0, len(res.Hits))
	for _, h := range res.Hits {
		str := func(k string) string { s, _ := h.Fields[k].(string); return s }
		out = append(out, Ranked{DocID: str(plainDoc), Lang: str(plainLang), Heading: str(plainHeading)})
	}
	return out, nil
}
