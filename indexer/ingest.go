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

	"github.com/vigie/vigie/lang"
)

// Problem is a file, or part of one, that could not be used as given.
type Problem struct {
	// Path is relative to the corpus root.
	Path string `json:"path"`
	// Line is 1-based, or 0 when the problem concerns the whole file.
	Line int `json:"line,omitempty"`
	// Kind is a short category for summaries: one of the Kind* constants.
	Kind string `json:"kind,omitempty"`
	// Reason says what is wrong, for a person.
	Reason string `json:"reason"`
	// Skipped is true when the file (or line) was left out of the index.
	Skipped bool `json:"skipped"`
}

// Problem kinds.
const (
	KindEmpty      = "empty"
	KindBinary     = "binary"
	KindEncoding   = "encoding"
	KindTooLarge   = "too-large"
	KindUnreadable = "unreadable"
	KindNoText     = "no-text"
	KindBadJSON    = "bad-json"
	KindLang       = "lang"
	KindDuplicate  = "duplicate-id"
	KindMetadata   = "metadata"
)

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

// issue is a problem found while parsing, before it is tied to a path.
type issue struct {
	kind, msg string
}

func (i issue) Error() string { return i.msg }

func issuef(kind, format string, args ...any) issue {
	return issue{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// kindOf is the kind of a parse error.
func kindOf(err error) string {
	var is issue
	switch {
	case errors.As(err, &is):
		return is.kind
	case errors.Is(err, errEmpty):
		return KindEmpty
	case errors.Is(err, errBinary):
		return KindBinary
	}
	return KindEncoding
}

// ReadOptions bound what ingestion accepts.
type ReadOptions struct {
	// MaxDocBytes is the largest document read: a larger file is skipped
	// without being read, and so is a longer line of a JSON Lines file
	// (which as a whole may be larger).
	MaxDocBytes int64
	// DefaultLang is used when a document's language cannot be detected.
	DefaultLang string
}

// DefaultReadOptions are the limits used when none are given.
var DefaultReadOptions = ReadOptions{MaxDocBytes: 64 << 20, DefaultLang: lang.English}

// ErrNoDocuments is returned when a corpus folder holds nothing usable.
var ErrNoDocuments = errors.New("no usable documents")

// source is a document file found in the corpus folder.
type source struct {
	path, rel string
	size      int64
}

// walk lists the supported files under root in path order, skipping
// hidden files and folders, and the sidecar metadata files it saw.
func walk(root string) (srcs []source, sidecars map[string]bool, err error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus folder: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("corpus folder %s: not a directory", root)
	}
	sidecars = map[string]bool{}
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
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(strings.ToLower(name), sidecarSuffix):
			sidecars[rel] = true
		case formatOf(name) != nil:
			fi, err := d.Info()
			if err != nil {
				return err
			}
			srcs = append(srcs, source{path: p, rel: rel, size: fi.Size()})
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("walk corpus folder: %w", err)
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].rel < srcs[j].rel })
	return srcs, sidecars, nil
}

// entry is one document read from a source: parsed, or, in an incremental
// build, the previous generation's entry for the same unchanged content.
type entry struct {
	doc    *Document
	reused *DocInfo
}

// reader reads sources into entries, giving each document a unique id.
type reader struct {
	root string
	opts ReadOptions
	ids  map[string]string // document id → path that holds it
	// prev maps path+hash to the previous generation's documents with that
	// content; nil outside incremental builds.
	prev map[string][]*DocInfo
	// prevWarnings are the previous generation's warnings by path and
	// line, repeated for the documents reused without being read again.
	prevWarnings map[string][]Problem
	sidecars     map[string]bool // sidecar files not yet matched
	problems     []Problem
}

func newReader(root string, opts ReadOptions, sidecars map[string]bool) *reader {
	if opts.MaxDocBytes <= 0 {
		opts.MaxDocBytes = DefaultReadOptions.MaxDocBytes
	}
	if opts.DefaultLang == "" {
		opts.DefaultLang = DefaultReadOptions.DefaultLang
	}
	return &reader{root: root, opts: opts, ids: map[string]string{}, sidecars: sidecars}
}

func (r *reader) problem(rel string, line int, kind, reason string, skipped bool) {
	r.problems = append(r.problems, Problem{Path: rel, Line: line, Kind: kind, Reason: reason, Skipped: skipped})
}

// ReadDir reads every supported document under root, recursively, in path
// order: plain text (.txt), Markdown (.md), HTML (.html, .htm) and JSON
// Lines (.jsonl, .ndjson, one document per line), with optional sidecar
// metadata (NAME.meta.json). Unreadable or unusable files and lines are
// reported as problems and left out; the error is non-nil only when root
// itself cannot be read or the context is cancelled.
func ReadDir(ctx context.Context, root string, opts ReadOptions) ([]*Document, []Problem, error) {
	srcs, sidecars, err := walk(root)
	if err != nil {
		return nil, nil, err
	}
	r := newReader(root, opts, sidecars)
	var docs []*Document
	for _, src := range srcs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if err := r.read(ctx, src, func(e entry) error {
			docs = append(docs, e.doc)
			return nil
		}); err != nil {
			return nil, nil, err
		}
	}
	r.orphanSidecars()
	return docs, r.problems, nil
}

// read reads one source and calls emit for each document in it.
func (r *reader) read(ctx context.Context, src source, emit func(entry) error) error {
	if src.size > r.opts.MaxDocBytes && !isJSONL(src.rel) {
		// Decided from the size alone: the file is never read.
		r.problem(src.rel, 0, KindTooLarge, fmt.Sprintf("%s is larger than the %s document size limit", byteSize(src.size), byteSize(r.opts.MaxDocBytes)), true)
		return nil
	}
	side, sideRaw, sideWarn := r.sidecar(src.rel)
	warnSidecar := func() {
		if sideWarn != "" {
			r.problem(src.rel, 0, KindMetadata, sideWarn, false)
		}
	}
	if isJSONL(src.rel) {
		warnSidecar()
		return r.readJSONL(ctx, src, side, sideRaw, emit)
	}
	f, err := os.Open(src.path)
	if err != nil {
		r.problem(src.rel, 0, KindUnreadable, "cannot open file", true)
		return nil
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, r.opts.MaxDocBytes+1))
	if err != nil {
		r.problem(src.rel, 0, KindUnreadable, "cannot read file", true)
		return nil
	}
	if int64(len(raw)) > r.opts.MaxDocBytes {
		r.problem(src.rel, 0, KindTooLarge, fmt.Sprintf("larger than the %s document size limit", byteSize(r.opts.MaxDocBytes)), true)
		return nil
	}
	hash := contentHash(raw, sideRaw)
	if e, ok := r.reuse(src.rel, hash, docID(src.rel), 0); ok {
		return emit(e) // with its warnings, the sidecar's included
	}
	warnSidecar()
	doc, issues, err := parseDoc(src.rel, raw, side, r.opts.DefaultLang)
	for _, is := range issues {
		r.problem(src.rel, 0, is.kind, is.msg, false)
	}
	if err != nil {
		r.problem(src.rel, 0, kindOf(err), err.Error(), true)
		return nil
	}
	doc.Hash = hash
	r.assignID(doc, src.rel, 0)
	return emit(entry{doc: doc})
}

// contentHash identifies a document's content and metadata.
func contentHash(raw, sidecar []byte) string {
	h := sha256.New()
	h.Write(raw)
	if sidecar != nil {
		h.Write([]byte("\x00sidecar\x00"))
		h.Write(sidecar)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// reuse finds the previous generation's document for unchanged content
// at rel (line of a JSON Lines file, or 0) whose id is still the one this
// document would get, and repeats the warnings it had.
func (r *reader) reuse(rel, hash, baseID string, line int) (entry, bool) {
	key := rel + "\x00" + hash
	cands := r.prev[key]
	for i, info := range cands {
		if r.ids[info.ID] != "" || !sameBaseID(info.ID, baseID) {
			continue
		}
		r.prev[key] = append(cands[:i:i], cands[i+1:]...)
		r.ids[info.ID] = rel
		for _, p := range r.prevWarnings[warningKey(info.Path)] {
			p.Line = line
			r.problems = append(r.problems, p)
		}
		if line > 0 {
			cp := *info
			cp.Path = fmt.Sprintf("%s#L%d", rel, line)
			info = &cp
		}
		return entry{reused: info}, true
	}
	return entry{}, false
}

// warningKey identifies where a document came from: its file, and its
// line in a JSON Lines file.
func warningKey(docPath string) string {
	if p := sourcePath(docPath); p != docPath {
		return p + "\x00" + strings.TrimPrefix(docPath[len(p):], "#L")
	}
	return docPath + "\x000"
}

// setPrevious prepares an incremental read from the previous manifest.
func (r *reader) setPrevious(m *Manifest) {
	r.prev = map[string][]*DocInfo{}
	r.prevWarnings = map[string][]Problem{}
	for i := range m.Documents {
		info := &m.Documents[i]
		key := sourcePath(info.Path) + "\x00" + info.Hash
		r.prev[key] = append(r.prev[key], info)
	}
	for _, p := range m.Problems {
		if !p.Skipped {
			k := fmt.Sprintf("%s\x00%d", p.Path, p.Line)
			r.prevWarnings[k] = append(r.prevWarnings[k], p)
		}
	}
}

// sameBaseID reports whether id is base or base-N (a renamed duplicate).
func sameBaseID(id, base string) bool {
	if id == base {
		return true
	}
	rest, ok := strings.CutPrefix(id, base+"-")
	if !ok || rest == "" {
		return false
	}
	return strings.Trim(rest, "0123456789") == ""
}

// assignID makes doc.ID unique among the documents read so far.
func (r *reader) assignID(doc *Document, rel string, line int) {
	if prev, dup := r.ids[doc.ID]; dup {
		n := 2
		for r.ids[fmt.Sprintf("%s-%d", doc.ID, n)] != "" {
			n++
		}
		newID := fmt.Sprintf("%s-%d", doc.ID, n)
		r.problem(rel, line, KindDuplicate, fmt.Sprintf("id %q already used by %s; using %q", doc.ID, prev, newID), false)
		doc.ID = newID
	}
	where := rel
	if line > 0 {
		where = fmt.Sprintf("%s:%d", rel, line)
	}
	r.ids[doc.ID] = where
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

// byteSize writes n bytes for a person: "200 MiB".
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Parse turns the raw bytes of a single-document file named rel (relative
// to the corpus root; its extension picks the format: .txt, .md, .html)
// into a Document. JSON Lines files hold many documents: ReadDir reads
// them.
func Parse(rel string, raw []byte, defaultLang string) (*Document, []string, error) {
	doc, issues, err := parseDoc(rel, raw, nil, defaultLang)
	var warns []string
	for _, is := range issues {
		warns = append(warns, is.msg)
	}
	if err != nil {
		return nil, warns, err // a document or an error, never both
	}
	doc.Hash = contentHash(raw, nil)
	return doc, warns, nil
}

// parseDoc decodes, normalises and parses one document file. side is its
// sidecar metadata, which overrides what the file declares or detection
// finds.
func parseDoc(rel string, raw []byte, side *docMeta, defaultLang string) (*Document, []issue, error) {
	f := formatOf(rel)
	if f == nil {
		f = textFormat{}
	}
	text, enc, err := f.decode(raw)
	if err != nil {
		return nil, nil, err
	}
	p, err := f.parse(normalizeText(text))
	if err != nil {
		return nil, nil, err
	}
	doc := &Document{ID: docID(rel), Path: rel, Encoding: enc, Title: p.title, Text: p.text, Blocks: p.blocks}
	given, givenName, issues := p.meta, p.metaName, p.issues
	more, err := finish(doc, rel, given, givenName, side, "sidecar", defaultLang)
	return doc, append(issues, more...), err
}

// finish applies metadata (over, then given, then what detection finds),
// finds dates and language, and checks that the document has text to
// index. The names say where given and over came from, for messages.
func finish(doc *Document, rel string, given docMeta, givenName string, over *docMeta, overName, defaultLang string) ([]issue, error) {
	var issues []issue
	m := given
	what := map[bool]string{false: givenName, true: overName}
	fromSide := map[string]bool{}
	if over != nil {
		m, fromSide = m.override(*over)
	}
	if m.Title != "" {
		doc.Title = strings.TrimSpace(m.Title)
	}
	if doc.Title == "" {
		doc.Title = strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	}
	doc.Source, doc.Licence = m.source(), m.licence()
	doc.Published, doc.Updated = findDates(doc.Text)
	for _, d := range []struct {
		name, val string
		dst       *string
	}{{"published", m.Published, &doc.Published}, {"date", m.Date, &doc.Updated}, {"updated", m.Updated, &doc.Updated}} {
		if d.val == "" {
			continue
		}
		v, err := normalizeDate(d.val)
		if err != nil {
			issues = append(issues, issuef(KindMetadata, "%s %s: %v", what[fromSide[d.name]], d.name, err))
			continue
		}
		*d.dst = v
	}
	doc.Actors, doc.Forums = entityIDs(m.Actors), entityIDs(m.Forums)
	switch l := lang.Parse(m.Lang); {
	case l != "":
		doc.Lang = l
	case m.Lang != "":
		issues = append(issues, issuef(KindLang, "%s lang %q is not en or fr; detecting", what[fromSide["lang"]], m.Lang))
		fallthrough
	default:
		doc.Lang = lang.Detect(doc.Text)
		if doc.Lang == "" {
			doc.Lang = defaultLang
			issues = append(issues, issuef(KindLang, "language not detected (too little English or French text); indexed as %q", defaultLang))
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
		return issues, issuef(KindNoText, "no text to index")
	}
	if t := completeTitle(doc.Title, doc.Text, doc.Blocks); t != "" {
		issues = append(issues, issuef(KindMetadata, "title %q cut short; completed from the text as %q", doc.Title, t))
		doc.Title = t
	}
	return issues, nil
}

// entityIDs normalises entity ids given with a document: trimmed, lower
// case, without duplicates or empties.
func entityIDs(vals []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vals {
		v = strings.ToLower(strings.TrimSpace(v))
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
