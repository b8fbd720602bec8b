// Package search answers queries over an index generation written by
// package indexer.
//
// A query string is parsed by [Parse] into words, phrases, exclusions, OR
// groups, prefixes and field filters. It is then analysed once per
// language: the English analysis is matched against the English fields,
// the French analysis against the French fields, so "données" and "donnee"
// find French passages and "strategies" finds "strategy" in English ones.
// Every word must match (in the passage's own language) unless that gives
// nothing, in which case any word may match and the result says so.
//
// The query is also translated into the other language: its language is
// guessed from the index's vocabulary, runs of its words are looked up in
// the bilingual lexicon (package search/lexicon), and the translations
// are matched in the other language's passages, weighing less than the
// words typed. A query that finds little because of a rare or unknown word
// is retried with the closest words of the vocabulary (Result.Fuzzy), and
// Result.Suggestion offers the corrected query. [Searcher.Suggest]
// completes what is being typed. Hits carry their twin, the passage of the
// other language's version of the document.
//
// The query is built as a bleve query tree, but a search ranked by score
// runs it in Vigie's own evaluator (eval.go): the match set from the
// postings' bitmaps, facets from in-memory columns, and bleve's scores
// computed term at a time ([Searcher.EvaluatorStats]).
//
// [Searcher] serves searches, document and passage lookups from the live
// generation, and swaps generations atomically while searches run.
package search
