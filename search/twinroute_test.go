package search

import (
	"context"
	"testing"
)

// A heading typed in one language and asked for in the other finds the
// twin of the section it names, even when the lexicon's translation of
// its words matches another section of the other language better.
func TestTwinRouteNamedSection(t *testing.T) {
	dir := writeCorpus(t, map[string]string{
		"en/records.md": "# Records Act\n\n## 1 Encryption of data\n\nRecords held by an agency are protected.\n\n" +
			"## 2 Storage\n\nAn agency keeps its records in storage and may use encryption for the data it stores.\n",
		"fr/records.md": "# Loi sur les documents\n\n## 1 Cryptage de l'information\n\nLes documents d'un organisme sont protégés.\n\n" +
			"## 2 Stockage\n\nUn organisme conserve ses documents; le chiffrement des données, le chiffrement des données stockées.\n",
	})
	s := openCorpusWith(t, dir, testLex)
	if len(s.live.gen.Twins) == 0 {
		t.Fatal("no twins aligned: the test needs them")
	}
	res, err := s.Search(context.Background(), Request{Query: "encryption of data", Size: 5, Filters: map[string][]string{"lang": {"fr"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Heading != "1 Cryptage de l'information" {
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Heading)
		}
		t.Errorf("first French hits %q; want the twin of \"1 Encryption of data\" first", got)
	}
}
