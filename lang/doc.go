// Package lang holds what Vigie knows about its two languages, in one place
// that every other package reads: the language codes and their labels, the
// detection of a text's language, the one text normaliser (accent and
// ligature folding, apostrophes, French elision) and the bleve analyzers
// built on it.
//
// One normaliser matters because several layers compare text: the index's
// analyzers, the gazetteer's entity matching, query parsing, completions and
// the lexicon. If two of them folded "Œuvre" or "l’ANSSI" differently, a
// name found in a passage would not be found by a query for it. Fold and
// Key are the only folding functions; StripElision and Apostrophes the only
// elision and apostrophe rules.
//
// Importing the package registers the analyzers with bleve (AnalyzerEN,
// AnalyzerFR, AnalyzerFold, AnalyzerWords): any binary that opens an index
// must import it, directly or through the index or search packages.
package lang
