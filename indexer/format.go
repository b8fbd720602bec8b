package indexer

import (
	"path/filepath"
	"strings"
)

// format reads one kind of document file. Each reader lives in its own
// file (text.go, markdown.go, html.go; jsonl.go for JSON Lines, whose
// files hold many documents and are read line by line instead); adding a
// format is a reader and a line in formats (docs/architecture.md).
type format interface {
	// decode turns the file's bytes into text, naming the encoding read.
	decode(raw []byte) (text, encoding string, err error)
	// parse reads the normalised text into the document's title, display
	// text and blocks, with the metadata the file itself declares.
	parse(src string) (parsed, error)
}

// parsed is what a format reads of one file.
type parsed struct {
	title, text string
	blocks      []Block
	// meta is what the file declares, and metaName where it came from
	// ("front matter"), for messages.
	meta     docMeta
	metaName string
	// issues are problems that did not stop the reading.
	issues []issue
}

// formats maps a lower-case file extension to its reader; jsonl marks
// JSON Lines files.
var formats = map[string]format{
	".txt": textFormat{}, ".text": textFormat{},
	".md": markdownFormat{}, ".markdown": markdownFormat{},
	".html": htmlFormat{}, ".htm": htmlFormat{}, ".xhtml": htmlFormat{},
	".jsonl": jsonlFormat{}, ".ndjson": jsonlFormat{},
}

// formatOf returns the reader of a file name, or nil for a file Vigie
// does not read.
func formatOf(name string) format { return formats[strings.ToLower(filepath.Ext(name))] }

// isJSONL reports whether a file name is a JSON Lines file.
func isJSONL(name string) bool {
	_, ok := formatOf(name).(jsonlFormat)
	return ok
}

// textFormat is plain text (text.go).
type textFormat struct{}

func (textFormat) decode(raw []byte) (string, string, error) { return decodeText(raw) }

func (textFormat) parse(src string) (parsed, error) {
	title, blocks := parseText(src)
	return parsed{title: title, text: src, blocks: blocks, metaName: "declared"}, nil
}

// markdownFormat is Markdown with optional YAML front matter (markdown.go).
type markdownFormat struct{}

func (markdownFormat) decode(raw []byte) (string, string, error) { return decodeText(raw) }

func (markdownFormat) parse(src string) (parsed, error) {
	var p parsed
	fm, body, err := splitFrontMatter(src)
	if err != nil {
		p.issues = append(p.issues, issue{KindMetadata, err.Error()})
	}
	p.meta = docMeta{Title: fm.Title, Lang: fm.Lang, Date: fm.Date, Source: fm.Source, Licence: fm.Licence}
	p.metaName = "front matter"
	p.title, p.text, p.blocks = parseMarkdown(body)
	return p, nil
}

// htmlFormat is an HTML page (html.go).
type htmlFormat struct{}

func (htmlFormat) decode(raw []byte) (string, string, error) { return decodeHTML(raw) }

func (htmlFormat) parse(src string) (parsed, error) {
	page, err := parseHTML(src)
	if err != nil {
		return parsed{}, issuef(KindEncoding, "cannot parse HTML")
	}
	return parsed{title: page.title, text: page.text, blocks: page.blocks, metaName: "HTML",
		meta: docMeta{Lang: page.lang, Date: page.date, Published: page.issued, Source: page.source}}, nil
}

// jsonlFormat is JSON Lines, one document per line (jsonl.go): ReadDir
// reads it line by line, never as one document.
type jsonlFormat struct{}

func (jsonlFormat) decode([]byte) (string, string, error) {
	return "", "", issuef(KindBadJSON, "a JSON Lines file holds many documents; read it with ReadDir")
}

func (jsonlFormat) parse(string) (parsed, error) {
	return parsed{}, issuef(KindBadJSON, "a JSON Lines file holds many documents; read it with ReadDir")
}
