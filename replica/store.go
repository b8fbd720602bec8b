package replica

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	// The stores a URL may name: fileblob (a shared folder) and s3blob
	// (AWS and every S3-compatible store, through ?endpoint=; Google Cloud
	// Storage too, through its S3-compatible endpoint). gs:// and
	// azblob:// are behind build tags (drivers_gcs.go, drivers_azure.go):
	// they add 23 MB to a 35 MB binary.
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob"

	"github.com/vigie/vigie/indexer"
)

// Object keys in a store.
const (
	currentKey   = "CURRENT"
	genFolder    = "generations/"
	archiveName  = "index.tar.gz"
	manifestName = "manifest.json"
	// FormatVersion is the archive format: a tar of the generation folder
	// compressed with gzip. A replica refuses another format.
	FormatVersion = 1
)

func archiveKey(gen string) string  { return genFolder + gen + "/" + archiveName }
func manifestKey(gen string) string { return genFolder + gen + "/" + manifestName }

// Manifest describes one published generation. It is written after the
// archive it describes and before CURRENT names the generation.
type Manifest struct {
	Format     int    `json:"format"`
	Generation string `json:"generation"`
	// Archive is the archive's key in the store; SHA256 and Size its
	// checksum and length, checked by every replica.
	Archive string `json:"archive"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	// Unpacked is the total size of the files in the archive.
	Unpacked int64 `json:"unpacked_bytes"`
	// BleveVersion and VigieVersion are the versions of the binary that
	// published the generation.
	BleveVersion string `json:"bleve_version"`
	VigieVersion string `json:"vigie_version"`
	// Mapping is the fingerprint of the generation's index mapping
	// (MappingFingerprint); a replica whose own mapping differs refuses
	// the generation, as its queries would name other fields or analyzers.
	Mapping string `json:"mapping_fingerprint"`
	// Fingerprint is the indexer's fingerprint of the pipeline that built
	// the passages (indexer.Manifest.Fingerprint).
	Fingerprint string    `json:"pipeline_fingerprint,omitempty"`
	Documents   int       `json:"documents"`
	Passages    int       `json:"passages"`
	BuiltAt     time.Time `json:"built_at"`
	PublishedAt time.Time `json:"published_at"`
}

// Store is an opened bucket holding published generations.
type Store struct {
	b *blob.Bucket
}

// OpenStore opens the bucket that rawURL names (any URL gocloud.dev/blob
// opens with the drivers linked in: file and s3, and gs and azblob with
// build tags). A file:// store writes its temporary files next to the
// final ones (no_tmp_dir), so that a store on another file system than
// /tmp works, and its folder is created when missing (a replica started
// before the first publish waits for it rather than failing).
func OpenStore(ctx context.Context, rawURL string) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("store URL %q: want a URL such as file:///srv/vigie or s3://bucket?region=…", rawURL)
	}
	if u.Scheme == "file" {
		q := u.Query()
		if !q.Has("no_tmp_dir") {
			q.Set("no_tmp_dir", "true")
		}
		if !q.Has("create_dir") {
			q.Set("create_dir", "true")
		}
		u.RawQuery = q.Encode()
	}
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", redact(u), err)
	}
	return &Store{b: b}, nil
}

// NewStore wraps an opened bucket (tests use memblob or a configured S3
// client).
func NewStore(b *blob.Bucket) *Store { return &Store{b: b} }

// Close closes the bucket.
func (s *Store) Close() error { return s.b.Close() }

// redact drops credentials and query parameters from a URL shown in logs.
func redact(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	return c.String()
}

// ErrNothingPublished means the store has no CURRENT object yet.
var ErrNothingPublished = errors.New("nothing published in the store yet")

// Current reads the name of the live generation.
func (s *Store) Current(ctx context.Context) (string, error) {
	b, err := s.b.ReadAll(ctx, currentKey)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return "", ErrNothingPublished
	}
	if err != nil {
		return "", fmt.Errorf("read CURRENT: %w", err)
	}
	name := strings.TrimSpace(string(b))
	if err := checkName(name); err != nil {
		return "", fmt.Errorf("CURRENT: %w", err)
	}
	return name, nil
}

// Manifest reads the manifest of a published generation.
func (s *Store) Manifest(ctx context.Context, gen string) (*Manifest, []byte, error) {
	b, err := s.b.ReadAll(ctx, manifestKey(gen))
	if err != nil {
		return nil, nil, fmt.Errorf("read manifest of %s: %w", gen, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, b, fmt.Errorf("parse manifest of %s: %w", gen, err)
	}
	return &m, b, nil
}

// checkName accepts the generation names the indexer makes: gen-…, one
// path segment.
func checkName(name string) error {
	if !strings.HasPrefix(name, "gen-") || len(name) > 200 || strings.ContainsAny(name, "/\\ \t\n\x00") || path.Clean(name) != name {
		return fmt.Errorf("%q is not a generation name", name)
	}
	return nil
}

// MappingFingerprint identifies an index mapping: the first 16 hex digits
// of the sha256 of its JSON (encoding/json sorts map keys, so the same
// mapping always gives the same fingerprint).
func MappingFingerprint(m mapping.IndexMapping) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("fingerprint index mapping: %w", err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// ownMapping is the fingerprint of the mapping this binary builds.
func ownMapping() (string, error) { return MappingFingerprint(indexer.NewMapping()) }

// BleveVersion is the version of the bleve module linked in, "" when the
// binary carries no module information.
func BleveVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/blevesearch/bleve/v2" {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return ""
}

// compatible reports why this binary cannot serve a generation, or nil.
func compatible(m *Manifest, gen string) error {
	if m.Format != FormatVersion {
		return fmt.Errorf("archive format %d, this binary reads format %d", m.Format, FormatVersion)
	}
	if m.Generation != gen {
		return fmt.Errorf("manifest names generation %q, CURRENT %q", m.Generation, gen)
	}
	if m.SHA256 == "" || m.Size <= 0 {
		return errors.New("manifest has no checksum or size")
	}
	if own := BleveVersion(); own != "" && m.BleveVersion != "" && major(own) != major(m.BleveVersion) {
		return fmt.Errorf("built with bleve %s, this binary has bleve %s", m.BleveVersion, own)
	}
	own, err := ownMapping()
	if err != nil {
		return err
	}
	if m.Mapping != own {
		return fmt.Errorf("index mapping %s, this binary expects %s (published by vigie %s)", m.Mapping, own, m.VigieVersion)
	}
	return nil
}

// major returns "v2" of "v2.6.3".
func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}
