// Package lexiconbuild mines the bilingual lexicon that package
// search/lexicon loads at run time. It is an offline tool, run by
// "vigie lexicon build", and never part of a search: keeping it apart keeps
// the runtime package small.
//
// [Build] derives the pairs from parallel text: the Acts of Canada in both
// languages, aligned by file, section number and paragraph label. Terms are
// the stems (and pairs of adjacent stems) that the index's own analyzers
// produce; a pair is kept when the two terms are each other's best match by
// the Dice coefficient of their co-occurrence in aligned units, with enough
// evidence; the English definitions that give the French term in brackets
// ("personal information means … (renseignements personnels)") add pairs
// of their own. The result is written as a tab-separated file (lexicon.tsv,
// embedded in search/lexicon). Method, figures and limits:
// docs/cross-lingual.md.
package lexiconbuild
