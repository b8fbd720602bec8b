// Package changelog records what changed between index generations: per
// build and per document, the passages added, changed (with their previous
// text and a word-level diff) and removed, with the build's time and
// generation name.
//
// Each generation that goes live has one record file, changes/<generation>.jsonl
// in the data folder: a header line (the generation, the generation it was
// compared with, the time, the documents touched) followed by one line per
// passage change. A record is written whole (temporary file, fsync, rename)
// before its generation goes live, and it counts only while it is reachable
// from the live generation by following each record's Base: a build killed
// before the switch leaves a record nothing points to, which readers ignore
// and the next build deletes. Records live outside the generation folders,
// so pruning old generations keeps them.
//
// The package depends on nothing else of Vigie: the indexer writes records,
// the API and the web pages read them.
package changelog
