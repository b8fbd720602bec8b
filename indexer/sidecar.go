package indexer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// sidecarSuffix names metadata files: report.html.meta.json or
// report.meta.json describes report.html.
const sidecarSuffix = ".meta.json"

// maxSidecarBytes bounds a sidecar file; metadata is small.
const maxSidecarBytes = 1 << 20

// docMeta is metadata given with a document: a sidecar file, a JSON Lines
// record, Markdown front matter or an HTML head.
type docMeta struct {
	Title     string   `json:"title"`
	Lang      string   `json:"lang"`
	Date      string   `json:"date"`
	Published string   `json:"published"`
	Updated   string   `json:"updated"`
	Source    string   `json:"source"`
	URL       string   `json:"url"`
	Licence   string   `json:"licence"`
	License   string   `json:"license"`
	Actors    []string `json:"actors"`
	Forums    []string `json:"forums"`
}

// metaFields are the keys docMeta reads; others are reported as ignored.
var metaFields = wordSet("title lang date published updated source url licence license actors forums")

func (m docMeta) source() string {
	if m.Source != "" {
		return strings.TrimSpace(m.Source)
	}
	return strings.TrimSpace(m.URL)
}

func (m docMeta) licence() string {
	if m.Licence != "" {
		return strings.TrimSpace(m.Licence)
	}
	return strings.TrimSpace(m.License)
}

// override returns m with every field that o sets replaced, and the names
// of the fields o set.
func (m docMeta) override(o docMeta) (docMeta, map[string]bool) {
	set := map[string]bool{}
	str := func(dst *string, v, name string) {
		if strings.TrimSpace(v) != "" {
			*dst = v
			set[name] = true
		}
	}
	str(&m.Title, o.Title, "title")
	str(&m.Lang, o.Lang, "lang")
	str(&m.Date, o.Date, "date")
	str(&m.Published, o.Published, "published")
	str(&m.Updated, o.Updated, "updated")
	if o.source() != "" {
		m.Source, m.URL = o.source(), ""
		set["source"] = true
	}
	if o.licence() != "" {
		m.Licence, m.License = o.licence(), ""
		set["licence"] = true
	}
	if o.Actors != nil {
		m.Actors = o.Actors
		set["actors"] = true
	}
	if o.Forums != nil {
		m.Forums = o.Forums
		set["forums"] = true
	}
	return m, set
}

// sidecarNames are the sidecar files that may describe rel.
func sidecarNames(rel string) []string {
	return []string{rel + sidecarSuffix, strings.TrimSuffix(rel, path.Ext(rel)) + sidecarSuffix}
}

// sidecar reads the metadata file of rel, if there is one. raw is its
// content (part of the document's hash); warn explains a sidecar that
// could not be used, which is then ignored.
func (r *reader) sidecar(rel string) (m *docMeta, raw []byte, warn string) {
	for _, name := range sidecarNames(rel) {
		if !r.sidecars[name] {
			continue
		}
		delete(r.sidecars, name)
		base := path.Base(name)
		f, err := os.Open(filepath.Join(r.root, filepath.FromSlash(name)))
		if err != nil {
			return nil, nil, fmt.Sprintf("sidecar %s: cannot open it; ignored", base)
		}
		raw, err = io.ReadAll(io.LimitReader(f, maxSidecarBytes+1))
		f.Close()
		if err != nil {
			return nil, nil, fmt.Sprintf("sidecar %s: cannot read it; ignored", base)
		}
		if len(raw) > maxSidecarBytes {
			return nil, nil, fmt.Sprintf("sidecar %s: larger than %s; ignored", base, byteSize(maxSidecarBytes))
		}
		meta, unknown, err := decodeMeta(raw)
		if err != nil {
			return nil, nil, fmt.Sprintf("sidecar %s: %v; ignored", base, err)
		}
		if len(unknown) > 0 {
			warn = fmt.Sprintf("sidecar %s: unknown fields ignored: %s", base, strings.Join(unknown, ", "))
		}
		return &meta, raw, warn
	}
	return nil, nil, ""
}

// decodeMeta reads a JSON object of metadata and lists the keys it does
// not know.
func decodeMeta(raw []byte) (docMeta, []string, error) {
	var m docMeta
	raw = bytes.TrimPrefix(raw, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(raw) {
		return m, nil, fmt.Errorf("not valid UTF-8")
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return m, nil, jsonError(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, nil, jsonError(err)
	}
	var unknown []string
	for k := range keys {
		if !metaFields[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	return m, unknown, nil
}

// jsonError rewrites a JSON decoding error for a person.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON (%v at byte %d)", se, se.Offset)
	case errors.As(err, &te):
		if f := strings.TrimPrefix(te.Field, "docMeta."); f != "" {
			return fmt.Errorf("field %q: want %s, not a JSON %s", f, jsonKind(te.Type.String()), te.Value)
		}
		return fmt.Errorf("want a JSON object, not a JSON %s", te.Value)
	}
	return fmt.Errorf("not valid JSON (%v)", err)
}

func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list of strings"
	case goType == "string":
		return "a string"
	}
	return goType
}

// orphanSidecars reports sidecar files that describe no document.
func (r *reader) orphanSidecars() {
	var names []string
	for name := range r.sidecars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r.problem(name, 0, KindMetadata, "sidecar metadata with no document beside it; ignored", false)
	}
}

// decodeHTML is decodeText for HTML pages, which may declare their
// encoding in a <meta charset> element (ISO-8859-15, say); the WHATWG
// prescan of golang.org/x/net/html/charset reads it.
func decodeHTML(raw []byte) (string, string, error) {
	if utf8.Valid(raw) || bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
		return decodeText(raw)
	}
	// Without a declaration the prescan answers windows-1252, which
	// decodeText detects with more care.
	enc, name, _ := charset.DetermineEncoding(raw, "text/html")
	if name == "utf-8" || name == "windows-1252" {
		return decodeText(raw)
	}
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil || !utf8.Valid(out) {
		return decodeText(raw)
	}
	text, _, err := decodeText(out)
	return text, name, err
}
