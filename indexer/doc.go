// Package indexer turns policy documents into passages and writes them to a
// bleve index.
//
// The pipeline is visible in the file names:
//
//   - ingest.go reads a folder of documents (plain text and Markdown) into
//     [Document] values: NFC-normalised text, title, language, dates;
//   - text.go and markdown.go cut a document into blocks (headings,
//     paragraphs, list items, table rows) with byte offsets into its text;
//   - split.go groups blocks into [Passage] values a reader can cite;
//   - analysis.go registers the English and French analyzers, which fold
//     accents in a token filter so that highlight offsets stay exact;
//   - build.go and store.go write an index generation next to the live one
//     and switch to it atomically.
//
// Offsets everywhere are byte offsets into [Document.Text], the document's
// display text. For plain text that is the file itself (NFC, LF line ends);
// for Markdown it is the rendered text without markup.
package indexer
