package indexer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/vellum"

	"github.com/vigie/vigie/lang"
)

// A generation's vocabulary is, for each language, every word of its
// passages' text (lang.AnalyzerWords: lower case, elision, accents kept,
// no stemming) with the number of passages holding it. Did-you-mean, the
// fuzzy retry and completions read it. It is kept beside the index, one
// FST a language (vellum, the library bleve keeps its term dictionaries
// in; the value of a word is its passage count) in wordsFile, written by
// the build from the words it analyses anyway.
//
// Generations built before it kept the vocabulary as fields of the index
// (words_en, words_fr: fieldWords): each passage's text analysed and
// indexed a second time, a quarter of a full build's CPU, for postings
// nothing read. readVocabulary still reads their dictionaries.

// wordsFile is the file of a language's vocabulary in a generation's folder.
func wordsFile(lg string) string { return "words_" + lg + ".fst" }

// Vocabulary maps a language to the FST of its words (see above); a
// language without passages has an empty FST.
type Vocabulary map[string]*vellum.FST

// Each calls fn with every word of lg's vocabulary, in byte order, and
// the number of passages holding it.
func (v Vocabulary) Each(lg string, fn func(word string, n int)) error {
	f := v[lg]
	if f == nil {
		return nil
	}
	it, err := f.Iterator(nil, nil)
	for err == nil {
		k, n := it.Current()
		fn(string(k), int(n))
		err = it.Next()
	}
	if !errors.Is(err, vellum.ErrIteratorDone) {
		return fmt.Errorf("read vocabulary (%s): %w", lg, err)
	}
	return nil
}

// wordCounts counts, for each language, the passages holding each word.
type wordCounts map[string]map[string]int

// add counts a passage's distinct words (lang.Words) n times: 1 for a
// passage added, -1 for one deleted.
func (c wordCounts) add(lg string, words []string, n int) {
	m := c[lg]
	if m == nil {
		m = map[string]int{}
		c[lg] = m
	}
	for _, w := range words {
		m[w] += n
	}
}

// merge adds o's counts to c's.
func (c wordCounts) merge(o wordCounts) {
	for lg, m := range o {
		if c[lg] == nil {
			c[lg] = m
			continue
		}
		for w, n := range m {
			c[lg][w] += n
		}
	}
}

// countsOf reads a vocabulary's counts back, to update them.
func countsOf(v Vocabulary) (wordCounts, error) {
	c := wordCounts{}
	for lg := range v {
		m := map[string]int{}
		if err := v.Each(lg, func(w string, n int) { m[w] = n }); err != nil {
			return nil, err
		}
		c[lg] = m
	}
	return c, nil
}

// encodeWords encodes one language's counts as an FST, leaving out the
// words no passage holds any more.
func encodeWords(m map[string]int) ([]byte, error) {
	words := make([]string, 0, len(m))
	for w, n := range m {
		if n > 0 {
			words = append(words, w)
		}
	}
	sort.Strings(words) // byte order, as vellum wants
	var buf bytes.Buffer
	b, err := vellum.New(&buf, nil)
	if err != nil {
		return nil, err
	}
	for _, w := range words {
		if err := b.Insert([]byte(w), uint64(m[w])); err != nil {
			return nil, fmt.Errorf("word %q: %w", w, err)
		}
	}
	if err := b.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeVocabulary writes a generation's vocabulary files, one for every
// language.
func writeVocabulary(genDir string, c wordCounts) error {
	for _, lg := range lang.Languages {
		b, err := encodeWords(c[lg])
		if err != nil {
			return fmt.Errorf("write vocabulary (%s): %w", lg, err)
		}
		if err := writeFileSync(filepath.Join(genDir, wordsFile(lg)), b); err != nil {
			return fmt.Errorf("write vocabulary: %w", err)
		}
	}
	return nil
}

// readVocabulary reads a generation's vocabulary: its files, or for a
// generation built before them, the words fields of its index.
func readVocabulary(dir string, idx bleve.Index) (Vocabulary, error) {
	v := Vocabulary{}
	for _, lg := range lang.Languages {
		b, err := os.ReadFile(filepath.Join(dir, wordsFile(lg)))
		if errors.Is(err, os.ErrNotExist) {
			return indexVocabulary(idx)
		}
		if err != nil {
			return nil, fmt.Errorf("read vocabulary of %s: %w", filepath.Base(dir), err)
		}
		if v[lg], err = vellum.Load(b); err != nil {
			return nil, fmt.Errorf("read vocabulary of %s (%s): %w", filepath.Base(dir), lg, err)
		}
	}
	return v, nil
}

// indexVocabulary reads the vocabulary of a generation built before
// wordsFile from its index's words fields.
func indexVocabulary(idx bleve.Index) (Vocabulary, error) {
	v := Vocabulary{}
	for _, lg := range lang.Languages {
		m := map[string]int{}
		if err := eachTerm(idx, LangField(fieldWords, lg), func(term string, n int) { m[term] = n }); err != nil {
			return nil, fmt.Errorf("read vocabulary (%s): %w", lg, err)
		}
		b, err := encodeWords(m)
		if err == nil {
			v[lg], err = vellum.Load(b)
		}
		if err != nil {
			return nil, fmt.Errorf("read vocabulary (%s): %w", lg, err)
		}
	}
	return v, nil
}

// eachTerm calls fn with every term of a field's dictionary and the number
// of documents holding it. The counts come from each term's postings, not
// from the dictionary iterator: zap (v16.3.4) reuses one postings list per
// segment while iterating, and after the first term held by a single
// document ("1-hit" encoding, used on fields without term vectors) it
// reports a count of 1 for every later term of that segment.
func eachTerm(idx bleve.Index, field string, fn func(term string, n int)) error {
	ai, err := idx.Advanced()
	if err != nil {
		return err
	}
	r, err := ai.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	d, err := r.FieldDict(field)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx := context.Background()
	for {
		e, err := d.Next()
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		// The term may share memory with the index's dictionary (scorch
		// converts bytes to strings without copying): keep a copy.
		term := strings.Clone(e.Term)
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
		if err != nil {
			return err
		}
		n := tfr.Count()
		tfr.Close()
		fn(term, int(n))
	}
}
