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
// [Searcher] serves searches, document and passage lookups from the live
// generation, and swaps generations atomically while searches run.
package search
