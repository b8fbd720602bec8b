package indexer

import (
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/vigie/vigie/lang"
)

// Field names in the index. Text is indexed once per language, in the
// field of the passage's own language, so that each language is analysed
// by its own analyzer and a query can be analysed the same way for each.
const (
	FieldDocID   = "doc_id"
	FieldLang    = "lang"
	FieldTitle   = "title"   // stored display value
	FieldHeading = "heading" // stored display value
	FieldText    = "text"    // stored display value
	FieldOrdinal = "ordinal"
	FieldStart   = "start"
	FieldEnd     = "end"
	FieldActors  = "actors"
	FieldForums  = "forums"
	FieldYears   = "years"
	FieldDocYear = "doc_year"
	FieldUpdated = "updated"
	// FieldDate is the document's update (or publication) date as the
	// number YYYYMMDD, 0 when unknown: sorting by date and date ranges.
	FieldDate = "date"
)

// fieldWords is the prefix of words_en and words_fr, the fields that held
// the vocabulary in generations built before its files (words.go).
const fieldWords = "words"

// LangField returns the analysed field for a display field and language:
// LangField("text", "fr") is "text_fr".
func LangField(field, lg string) string { return field + "_" + lg }

// StoredFields are the fields a search loads for each hit.
var StoredFields = []string{FieldDocID, FieldLang, FieldTitle, FieldHeading, FieldText, FieldOrdinal,
	FieldStart, FieldEnd, FieldActors, FieldForums, FieldYears, FieldUpdated}

// coreFields are the keyword fields every passage has, mapped and written
// whatever the facets: a facet may count them (lang does).
var coreFields = map[string]bool{FieldDocID: true, FieldLang: true}

// NewMapping returns the index mapping: BM25 scoring, per-language text
// fields with term vectors for highlighting, keyword fields for facets.
func NewMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	p := bleve.NewDocumentStaticMapping()
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	keywordField := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true
		return f
	}
	analysed := func(analyzer string, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = vectors
		f.DocValues = false
		return f
	}
	number := func(index bool) *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Index = index
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = index
		return f
	}
	p.AddFieldMappingsAt(FieldDocID, keywordField(true))
	p.AddFieldMappingsAt(FieldLang, keywordField(true))
	p.AddFieldMappingsAt(FieldTitle, stored())
	p.AddFieldMappingsAt(FieldHeading, stored())
	p.AddFieldMappingsAt(FieldText, stored())
	p.AddFieldMappingsAt(FieldUpdated, stored())
	for _, l := range lang.Languages {
		a := lang.AnalyzerFor(l)
		p.AddFieldMappingsAt(LangField(FieldTitle, l), analysed(a, false))
		p.AddFieldMappingsAt(LangField(FieldHeading, l), analysed(a, true))
		p.AddFieldMappingsAt(LangField(FieldText, l), analysed(a, true))
	}
	p.AddFieldMappingsAt(FieldOrdinal, number(true))
	date := number(true)
	date.Store = false
	p.AddFieldMappingsAt(FieldDate, date)
	p.AddFieldMappingsAt(FieldStart, number(false))
	p.AddFieldMappingsAt(FieldEnd, number(false))
	for _, f := range Facets {
		if !coreFields[f.Field] { // mapped above
			p.AddFieldMappingsAt(f.Field, keywordField(true))
		}
	}
	p.AddFieldMappingsAt(FieldDocYear, keywordField(false))
	// No _all composite field: no field is included in it and nothing
	// searches it (every query names its fields), yet bleve builds it for
	// every document unless a disabled "_all" sub-mapping says not to
	// (7% of a full build's CPU).
	all := bleve.NewDocumentDisabledMapping()
	p.AddSubDocumentMapping("_all", all)
	m.DefaultMapping = p
	return m
}

// record is the document bleve indexes for one passage.
func record(p *Passage, doc *Document) map[string]interface{} {
	r := map[string]interface{}{
		FieldDocID:                      p.DocID,
		FieldLang:                       p.Lang,
		FieldTitle:                      p.Title,
		FieldHeading:                    p.Heading,
		FieldText:                       p.Text,
		FieldOrdinal:                    float64(p.Ordinal),
		FieldStart:                      float64(p.Start),
		FieldEnd:                        float64(p.End),
		LangField(FieldTitle, p.Lang):   p.Title,
		LangField(FieldHeading, p.Lang): p.Heading,
		LangField(FieldText, p.Lang):    p.Text,
	}
	if doc.Updated != "" {
		r[FieldUpdated] = doc.Updated
	} else if doc.Published != "" {
		r[FieldUpdated] = doc.Published
	}
	r[FieldDate] = dateNumber(r[FieldUpdated])
	if y := doc.Year(); y > 0 {
		r[FieldDocYear] = itoa(y)
	}
	for _, f := range Facets {
		if coreFields[f.Field] {
			continue // one value, written above
		}
		if vs := f.Values(p); len(vs) > 0 {
			r[f.Field] = vs
		}
	}
	return r
}

func itoa(n int) string { return strconv.Itoa(n) }

// NumberTerm is the term a number field (FieldOrdinal, FieldDate) holds
// for v at full precision. It is the only term a full build indexes for a
// number (offline.go): bleve adds 15 coarser ones for its numeric range
// queries, which cost a sixth of a full build's CPU. Sorting reads the
// full-precision term; a range of numbers is the range of their terms
// (bleve's prefix coding keeps the order, and the coarser terms, which an
// incremental build still adds, sort after every full-precision one).
func NumberTerm(v float64) string {
	return string(numeric.MustNewPrefixCodedInt64(numeric.Float64ToInt64(v), 0))
}

// dateNumber is the FieldDate value of a YYYY-MM-DD date (nil or anything
// else: 0).
func dateNumber(v interface{}) float64 {
	d, _ := v.(string)
	if len(d) != 10 || d[4] != '-' || d[7] != '-' {
		return 0
	}
	n, err := strconv.Atoi(d[:4] + d[5:7] + d[8:10])
	if err != nil {
		return 0
	}
	return float64(n)
}
