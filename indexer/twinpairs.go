package indexer

// PairDocuments returns the English/French pairs among docs: documents
// whose paths differ only by an en/ or fr/ folder, with the same file name
// or the same leading number (the pairing the index uses for twins).
func PairDocuments(docs []*Document) [][2]*Document { return pairDocuments(docs) }

// AlignPassages links the passages of two versions of a document, as the
// index's twins do: the result maps a passage id of either version to the
// id of the passage saying the same in the other.
func AlignPassages(a, b []Passage) map[string]string {
	out := map[string]string{}
	alignPassages(a, b, out)
	return out
}
