// Package indexer turns policy documents into passages and writes them to a
// bleve index.
//
// The pipeline is visible in the file names:
//
//   - ingest.go reads a folder of documents into [Document] values:
//     NFC-normalised text, title, language, dates; each unusable file or
//     line becomes a [Problem];
//   - encoding.go decodes UTF-8, UTF-16 and Windows-1252 bytes; sidecar.go
//     reads NAME.meta.json metadata;
//   - text.go, markdown.go and html.go cut a document into blocks
//     (headings, paragraphs, list items, table rows) with byte offsets into
//     its text; jsonl.go reads one document per line of a JSON Lines file;
//   - split.go groups blocks into [Passage] values a reader can cite;
//   - facet.go declares the facets once ([Facets]): the mapping (mapping.go),
//     each passage's record, the search filters and counts, the API and the
//     web page all read that declaration;
//   - build.go and store.go write an index generation next to the live one
//     (incrementally: from a copy of the live one, re-analysing only new and
//     changed documents) and switch to it atomically.
//
// Analysis (the English and French analyzers, accent folding, elision)
// lives in package lang, which every layer shares.
//
// Offsets everywhere are byte offsets into [Document.Text], the document's
// display text. For plain text that is the file itself (NFC, LF line ends);
// for Markdown it is the rendered text without markup.
package indexer
