package indexer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"unicode/utf8"
)

// jsonlRecord is one line of a JSON Lines file: a document as Meilisearch
// and Elasticsearch bulk imports take it. The body is one of markdown,
// html or text.
type jsonlRecord struct {
	docMeta
	ID       json.RawMessage `json:"id"`
	UID      json.RawMessage `json:"_id"`
	Text     string          `json:"text"`
	Markdown string          `json:"markdown"`
	HTML     string          `json:"html"`
	// Doc is the document of an Elasticsearch "update" action.
	Doc json.RawMessage `json:"doc"`
}

// bulkActions are Elasticsearch bulk action lines; index, create and
// update give the id of the document on the next line.
var bulkActions = map[string]bool{"index": true, "create": true, "update": true, "delete": true}

// readJSONL reads a JSON Lines file one line at a time, so a bulk export
// larger than memory is fine; each line is bounded by MaxDocBytes. A bad
// line is reported with its number and the others are read. side, when
// set, gives defaults for fields a record leaves out.
func (r *reader) readJSONL(ctx context.Context, src source, side *docMeta, sideRaw []byte, emit func(entry) error) error {
	f, err := os.Open(src.path)
	if err != nil {
		r.problem(src.rel, 0, KindUnreadable, "cannot open file", true)
		return nil
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var defaults docMeta
	if side != nil {
		defaults = *side
	}
	pendingID := ""
	usable := 0
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, tooLong, err := readLine(br, r.opts.MaxDocBytes)
		if err != nil && !errors.Is(err, io.EOF) {
			r.problem(src.rel, n, KindUnreadable, "cannot read file", true)
			return nil
		}
		eof := errors.Is(err, io.EOF)
		if tooLong {
			r.problem(src.rel, n, KindTooLarge, fmt.Sprintf("line longer than the %s document size limit", byteSize(r.opts.MaxDocBytes)), true)
		} else if e, ok := r.jsonlLine(src.rel, n, line, &pendingID, defaults, sideRaw); ok {
			usable++
			if err := emit(e); err != nil {
				return err
			}
		}
		if eof {
			break
		}
	}
	if usable == 0 && !r.hasProblem(src.rel) {
		r.problem(src.rel, 0, KindEmpty, "no documents in JSON Lines file", true)
	}
	return nil
}

func (r *reader) hasProblem(rel string) bool {
	for i := len(r.problems) - 1; i >= 0; i-- {
		if r.problems[i].Path == rel {
			return true
		}
	}
	return false
}

// readLine reads one line without its end. A line longer than limit is
// consumed and reported as tooLong, without being kept in memory.
func readLine(br *bufio.Reader, limit int64) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if int64(len(line)+len(chunk)) > limit+2 { // +2: the line end
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimRight(line, "\r\n")
		return line, tooLong, err
	}
}

// jsonlLine turns one line into an entry; ok is false for a blank line,
// an action line or a line reported as a problem.
func (r *reader) jsonlLine(rel string, n int, line []byte, pendingID *string, defaults docMeta, sideRaw []byte) (entry, bool) {
	if n == 1 {
		line = bytes.TrimPrefix(line, []byte{0xEF, 0xBB, 0xBF})
	}
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return entry{}, false
	}
	skip := func(kind, format string, args ...any) (entry, bool) {
		r.problem(rel, n, kind, fmt.Sprintf(format, args...), true)
		return entry{}, false
	}
	if !utf8.Valid(line) {
		return skip(KindEncoding, "not valid UTF-8 (JSON Lines files are UTF-8)")
	}
	if line[0] != '{' {
		return skip(KindBadJSON, "not a JSON object")
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(line, &keys); err != nil {
		return skip(KindBadJSON, "%v", jsonError(err))
	}
	// An Elasticsearch bulk action line: {"index":{"_id":"x"}}.
	if len(keys) == 1 {
		for k, v := range keys {
			if !bulkActions[k] || len(v) == 0 || v[0] != '{' {
				break
			}
			var act struct {
				ID json.RawMessage `json:"_id"`
			}
			_ = json.Unmarshal(v, &act)
			*pendingID = ""
			if k == "delete" {
				r.problem(rel, n, KindMetadata, "bulk delete action ignored (remove the document from the corpus instead)", false)
			} else {
				*pendingID = idString(act.ID)
			}
			return entry{}, false
		}
	}
	var rec jsonlRecord
	if err := json.Unmarshal(line, &rec); err != nil {
		*pendingID = ""
		return skip(KindBadJSON, "%v", jsonError(err))
	}
	if len(rec.Doc) > 0 && rec.Doc[0] == '{' {
		var inner jsonlRecord
		if err := json.Unmarshal(rec.Doc, &inner); err != nil {
			*pendingID = ""
			return skip(KindBadJSON, "doc: %v", jsonError(err))
		}
		rec = inner
	}
	id := idString(rec.ID)
	if id == "" {
		id = idString(rec.UID)
	}
	if id == "" {
		id = *pendingID
	}
	*pendingID = ""
	base := idSlug(id)
	if base == "" {
		base = fmt.Sprintf("%s--%d", docID(rel), n)
	}
	where := fmt.Sprintf("%s#L%d", rel, n)
	hash := contentHash(line, sideRaw)
	if e, ok := r.reuse(rel, hash, base, n); ok {
		return e, true
	}
	var body string
	var format format
	switch {
	case strings.TrimSpace(rec.Markdown) != "":
		body, format = rec.Markdown, markdownFormat{}
	case strings.TrimSpace(rec.HTML) != "":
		body, format = rec.HTML, htmlFormat{}
	case strings.TrimSpace(rec.Text) != "":
		body, format = rec.Text, textFormat{}
	default:
		return skip(KindNoText, "no text: give one of the fields text, markdown or html")
	}
	if strings.ContainsRune(body, 0) {
		return skip(KindBinary, "text holds NUL characters")
	}
	src := normalizeText(body)
	doc := &Document{ID: base, Path: where, Hash: hash}
	given := defaults
	switch format.(type) {
	case markdownFormat:
		doc.Title, doc.Text, doc.Blocks = parseMarkdown(src)
	case htmlFormat:
		page, err := parseHTML(src)
		if err != nil {
			return skip(KindBadJSON, "html: cannot parse")
		}
		doc.Title, doc.Text, doc.Blocks = page.title, page.text, page.blocks
		if given.Lang == "" {
			given.Lang = page.lang
		}
	default:
		doc.Text = src
		doc.Title, doc.Blocks = parseTextBlocks(src, strings.TrimSpace(rec.Title) == "")
	}
	if doc.Title == "" && rec.Title == "" {
		doc.Title = id
		if id == "" {
			doc.Title = strings.TrimSuffix(path.Base(rel), path.Ext(rel))
		}
	}
	issues, err := finish(doc, rel, given, "sidecar", &rec.docMeta, "record", r.opts.DefaultLang)
	for _, is := range issues {
		r.problem(rel, n, is.kind, is.msg, false)
	}
	if err != nil {
		return skip(kindOf(err), "%v", err)
	}
	r.assignID(doc, rel, n)
	return entry{doc: doc}, true
}

// idString reads a JSON id: a string or a number, written as given.
func idString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	var num json.Number
	if json.Unmarshal(raw, &num) == nil {
		return num.String()
	}
	return ""
}

// idSlug makes a given id safe for URLs and passage ids: accents folded,
// ASCII letters, digits, '.', '_' and '-' kept as given, any other run of
// characters (spaces, '/', '~') turned into one '-'.
func idSlug(s string) string {
	return strings.Trim(safeChars(s, func(r rune) bool { return r == '.' || r == '_' || r == '-' }), "-.")
}
