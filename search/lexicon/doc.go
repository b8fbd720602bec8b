// Package lexicon holds Vigie's bilingual term lexicon: English and French
// terms (single words and multi-word terms such as "international law" /
// "droit international") that translate each other, with a weight, used to
// expand a query into the other language.
//
// [Build] derives the pairs from parallel text: the Acts of Canada in both
// languages, aligned by file, section number and paragraph label. Terms are
// the stems (and pairs of adjacent stems) that the index's own analyzers
// produce; a pair is kept when the two terms are each other's best match by
// the Dice coefficient of their co-occurrence in aligned units, with enough
// evidence; the English definitions that give the French term in brackets
// ("personal information means … (renseignements personnels)") add pairs
// of their own. "vigie lexicon build" writes the result as a tab-separated
// file (lexicon.tsv, embedded), and glossary.tsv, written by hand, adds
// the policy vocabulary the laws lack and overrides them where their sense
// differs ("security" is a financial security in the laws).
//
// [Default] returns the embedded lexicon; [Lexicon.Lookup] translates a
// term given as stems. Method, figures and limits: docs/cross-lingual.md.
package lexicon
