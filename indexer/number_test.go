package indexer

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestNumberTerms checks the number fields of a full build (one term a
// value: NumberTerm) and that a range of NumberTerm finds dated passages
// after an incremental build, and in an index of bleve's own analysis,
// with its 15 coarser terms a number (generations built before).
func TestNumberTerms(t *testing.T) {
	seeds, data := t.TempDir(), t.TempDir()
	note := func(year int) string {
		return fmt.Sprintf("Note\n\nUpdated: %d-06-15\n\nThe plan of %d is revised.\n", year, year)
	}
	writeFiles(t, seeds, map[string]string{"a.txt": note(2018), "b.txt": note(2019), "c.txt": note(2021)})
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	gen, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	d, err := gen.Index.FieldDict(FieldDate)
	if err != nil {
		t.Fatal(err)
	}
	var terms []string
	for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
		terms = append(terms, e.Term)
	}
	d.Close()
	gen.Close()
	want := []string{NumberTerm(20180615), NumberTerm(20190615), NumberTerm(20210615)}
	if !reflect.DeepEqual(terms, want) {
		t.Errorf("date terms of a full build: %q, want %q", terms, want)
	}

	writeFiles(t, seeds, map[string]string{"d.txt": note(2020)})
	if _, err := Build(context.Background(), Options{Seeds: seeds, Data: data}); err != nil {
		t.Fatal(err)
	}
	gen, err = Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	yes := true
	q := bleve.NewTermRangeInclusiveQuery(NumberTerm(20190101), NumberTerm(20201231), &yes, &yes)
	q.SetField(FieldDate)
	req := bleve.NewSearchRequest(q)
	req.Fields = []string{FieldDocID}
	req.SortBy([]string{FieldDate})
	res, err := gen.Index.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, h := range res.Hits {
		docs = append(docs, h.Fields[FieldDocID].(string))
	}
	if !reflect.DeepEqual(docs, []string{"b", "d"}) {
		t.Errorf("2019-2020 after an incremental build: %v, want [b d] (by date)", docs)
	}

	old, err := bleve.NewMemOnly(NewMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	for id, date := range map[string]float64{"a": 20180615, "b": 20190615, "c": 20210615, "d": 20200615} {
		if err := old.Index(id, map[string]interface{}{FieldDocID: id, FieldDate: date}); err != nil {
			t.Fatal(err)
		}
	}
	if res, err = old.Search(req); err != nil {
		t.Fatal(err)
	}
	docs = nil
	for _, h := range res.Hits {
		docs = append(docs, h.Fields[FieldDocID].(string))
	}
	if !reflect.DeepEqual(docs, []string{"b", "d"}) {
		t.Errorf("2019-2020 with bleve's analysis: %v, want [b d]", docs)
	}
}
