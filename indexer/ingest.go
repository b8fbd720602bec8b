package indexer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// Problem is a file, or part of one, that could not be used as given.
type Problem struct {
	// Path is relative to the corpus root.
	Path string `json:"path"`
	// Line is 1-based, or 0 when the problem concerns the whole file.
	Line int `json:"line,omitempty"`
	// Reason says what is wrong, for a person.
	Reason string `json:"reason"`
	// Skipped is true when the file was left out of the index.
	Skipped bool `json:"skipped"`
}

func (p Problem) String() string {
	loc := p.Path
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.Path, p.Line)
	}
	verb := "warning"
	if p.Skipped {
		verb = "skipped"
	}
	return fmt.Sprintf("%s: %s: %s", loc, verb, p.Reason)
}

// ReadOptions bound what ingestion accepts.
type ReadOptions struct {
	// MaxDocBytes is the largest file read; larger files are skipped.
	MaxDocBytes int64
	// DefaultLang is used when a document's language cannot be detected.
	DefaultLang string
}

// DefaultReadOptions are the limits used when none are given.
var DefaultReadOptions = ReadOptions{MaxDocBytes: 64 << 20, DefaultLang: English}

// ErrNoDocuments is returned when a corpus folder holds nothing usable.
var ErrNoDocuments = errors.New("no usable documents")

// supported reports whether a file name has an extension Vigie reads.
func supported(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".md", ".markdown":
		return true
	}
	return false
}

// ReadDir reads every supported document under root, recursively, in path
// order. Unreadable or unusable files are reported as problems and left
// out; the error is non-nil only when root itself cannot be read or the
// context is cancelled.
func ReadDir(ctx context.Context, root string, opts ReadOptions) ([]*Document, []Problem, error) {
	if opts.MaxDocBytes <= 0 {
		opts.MaxDocBytes = DefaultReadOptions.MaxDocBytes
	}
	if opts.DefaultLang == "" {
		opts.DefaultLang = DefaultReadOptions.DefaultLang
	}
	info, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus folder: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("corpus folder %s: not a directory", root)
	}
	var paths []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && supported(name) {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("walk corpus folder: %w", err)
	}
	sort.Strings(paths)
	var docs []*Document
	var problems []Problem
	ids := map[string]string{}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		doc, warns, err := readFile(p, rel, opts)
		for _, w := range warns {
			problems = append(problems, Problem{Path: rel, Reason: w})
		}
		if err != nil {
			problems = append(problems, Problem{Path: rel, Reason: err.Error(), Skipped: true})
			continue
		}
		if prev, dup := ids[doc.ID]; dup {
			n := 2
			for ids[fmt.Sprintf("%s-%d", doc.ID, n)] != "" {
				n++
			}
			newID := fmt.Sprintf("%s-%d", doc.ID, n)
			problems = append(problems, Problem{Path: rel, Reason: fmt.Sprintf("id %q already used by %s; using %q", doc.ID, prev, newID)})
			doc.ID = newID
		}
		ids[doc.ID] = rel
		docs = append(docs, doc)
	}
	return docs, problems, nil
}

// docID derives a document id from its relative path: each segment
// slugged, extension dropped, segments joined with "--".
func docID(rel string) string {
	rel = strings.TrimSuffix(rel, path.Ext(rel))
	var segs []string
	for _, s := range strings.Split(rel, "/") {
		if s = slug(s); s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return "doc"
	}
	return strings.Join(segs, "--")
}

// readFile reads and parses one document. Warnings do not stop it; an
// error means the file is skipped.
func readFile(p, rel string, opts ReadOptions) (*Document, []string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, errors.New("cannot open file")
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, opts.MaxDocBytes+1))
	if err != nil {
		return nil, nil, errors.New("cannot read file")
	}
	if int64(len(raw)) > opts.MaxDocBytes {
		return nil, nil, fmt.Errorf("larger than the %d-byte limit", opts.MaxDocBytes)
	}
	return Parse(rel, raw, opts.DefaultLang)
}

// Parse turns the raw bytes of a file named rel (relative to the corpus
// root; its extension picks the format) into a Document.
func Parse(rel string, raw []byte, defaultLang string) (*Document, []string, error) {
	var warns []string
	sum := sha256.Sum256(raw)
	if len(strings.TrimSpace(string(raw))) == 0 {
		return nil, nil, errors.New("empty file")
	}
	if !utf8.Valid(raw) {
		return nil, nil, errors.New("not valid UTF-8 text")
	}
	if strings.ContainsRune(string(raw), 0) {
		return nil, nil, errors.New("binary content (NUL bytes)")
	}
	src := normalizeText(string(raw))
	doc := &Document{ID: docID(rel), Path: rel, Hash: hex.EncodeToString(sum[:])}
	var fm frontMatter
	switch strings.ToLower(path.Ext(rel)) {
	case ".md", ".markdown":
		var body string
		var err error
		fm, body, err = splitFrontMatter(src)
		if err != nil {
			warns = append(warns, err.Error())
		}
		doc.Title, doc.Text, doc.Blocks = parseMarkdown(body)
	default:
		doc.Text = src
		doc.Title, doc.Blocks = parseText(src)
	}
	if fm.Title != "" {
		doc.Title = strings.TrimSpace(fm.Title)
	}
	if doc.Title == "" {
		doc.Title = strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	}
	doc.Source, doc.Licence = fm.Source, fm.Licence
	doc.Published, doc.Updated = findDates(doc.Text)
	if fm.Date != "" {
		d, err := normalizeDate(fm.Date)
		if err != nil {
			warns = append(warns, "front matter date: "+err.Error())
		} else {
			doc.Updated = d
		}
	}
	switch l := validLang(fm.Lang); {
	case l != "":
		doc.Lang = l
	case fm.Lang != "":
		warns = append(warns, fmt.Sprintf("front matter lang %q is not en or fr; detecting", fm.Lang))
		fallthrough
	default:
		doc.Lang = DetectLang(doc.Text)
		if doc.Lang == "" {
			doc.Lang = defaultLang
			warns = append(warns, fmt.Sprintf("language not detected; indexed as %q", defaultLang))
		}
	}
	hasBody := false
	for _, b := range doc.Blocks {
		if b.Kind == Paragraph || b.Kind == ListItem {
			hasBody = true
			break
		}
	}
	if !hasBody {
		// A one-line document: its only line is also its text.
		for i, b := range doc.Blocks {
			if b.Kind == TitleLine || b.Kind == Heading {
				doc.Blocks[i].Kind = Paragraph
				hasBody = true
				break
			}
		}
	}
	if !hasBody {
		return nil, warns, errors.New("no text to index")
	}
	return doc, warns, nil
}
