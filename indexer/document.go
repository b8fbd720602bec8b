package indexer

// Document is one source document after ingestion.
type Document struct {
	// ID is stable across reindexes: derived from the path relative to the
	// corpus root.
	ID string `json:"id"`
	// Path is the file's path relative to the corpus root (slash-separated).
	Path    string `json:"path"`
	Title   string `json:"title"`
	Lang    string `json:"lang"`
	Source  string `json:"source,omitempty"`
	Licence string `json:"licence,omitempty"`
	// Published and Updated are dates as YYYY-MM-DD, empty when unknown.
	Published string `json:"published,omitempty"`
	Updated   string `json:"updated,omitempty"`
	// Text is the display text that passage offsets refer to.
	Text string `json:"-"`
	// Blocks are the structural units of Text, in order.
	Blocks []Block `json:"-"`
	// Hash is the SHA-256 of the raw content (the file, or the line of a
	// JSON Lines file) and of its sidecar metadata, hex-encoded: equal
	// hashes mean an incremental build can keep the document's passages.
	Hash string `json:"hash"`
	// Encoding names the encoding the file was converted from, empty for
	// UTF-8.
	Encoding string `json:"encoding,omitempty"`
	// Actors and Forums are entity ids given with the document (JSON Lines
	// fields or sidecar metadata); they are added to every passage.
	Actors []string `json:"-"`
	Forums []string `json:"-"`
}

// Year is the document's update year, or its publication year, or 0.
func (d *Document) Year() int {
	for _, s := range []string{d.Updated, d.Published} {
		if len(s) >= 4 {
			y := 0
			for _, c := range s[:4] {
				if c < '0' || c > '9' {
					y = 0
					break
				}
				y = y*10 + int(c-'0')
			}
			if y > 0 {
				return y
			}
		}
	}
	return 0
}

// BlockKind says what a block of a document is.
type BlockKind int

// Block kinds.
const (
	// Paragraph is running text.
	Paragraph BlockKind = iota
	// Heading is a section heading; Level 1 is the highest.
	Heading
	// ListItem is one bullet or numbered item; Level is its nesting depth.
	ListItem
	// TitleLine is the document's title as it appears in the text.
	TitleLine
	// Meta is a metadata line (publication or update date) that is not
	// part of any passage.
	Meta
)

func (k BlockKind) String() string {
	switch k {
	case Paragraph:
		return "paragraph"
	case Heading:
		return "heading"
	case ListItem:
		return "item"
	case TitleLine:
		return "title"
	case Meta:
		return "meta"
	}
	return "unknown"
}

// Block is a span of Document.Text with a structural role.
type Block struct {
	Kind  BlockKind
	Level int
	Start int
	End   int
}

// Passage is the unit of retrieval: a section heading with its paragraphs,
// or a lead-in sentence with its list, never cutting a sentence.
type Passage struct {
	ID      string `json:"id"`
	DocID   string `json:"doc_id"`
	Lang    string `json:"lang"`
	Title   string `json:"title"`
	Heading string `json:"heading"`
	// Ordinal is the passage's position in its document, from 0.
	Ordinal int `json:"ordinal"`
	// Text is the exact display text, Document.Text[Start:End].
	Text   string   `json:"text"`
	Start  int      `json:"start"`
	End    int      `json:"end"`
	Actors []string `json:"actors,omitempty"`
	Forums []string `json:"forums,omitempty"`
	Years  []int    `json:"years,omitempty"`
}
