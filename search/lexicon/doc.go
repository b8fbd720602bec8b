// Package lexicon holds Vigie's bilingual term lexicon: English and French
// terms (single words and multi-word terms such as "international law" /
// "droit international") that translate each other, with a weight, used to
// expand a query into the other language.
//
// The pairs are mined offline from parallel text by package
// internal/lexiconbuild ("vigie lexicon build" writes lexicon.tsv, embedded
// here); glossary.tsv, written by hand, adds
// the policy vocabulary the laws lack and overrides them where their sense
// differs ("security" is a financial security in the laws).
//
// [Default] returns the embedded lexicon; [Lexicon.Lookup] translates a
// term given as stems. Method, figures and limits: docs/cross-lingual.md.
package lexicon
