package replica

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"gocloud.dev/blob"

	"github.com/vigie/vigie/changelog"
	"github.com/vigie/vigie/indexer"
)

// PublishOptions says what to publish.
type PublishOptions struct {
	// Data is the data folder holding the generation (as `vigie index`
	// writes it).
	Data string
	// Generation is the generation to publish; empty means the live one
	// (the data folder's CURRENT).
	Generation string
	// Version is the Vigie version recorded in the manifest.
	Version string
	// Force uploads the archive again even if the store already has the
	// generation.
	Force  bool
	Logger *slog.Logger
}

// PublishResult tells what Publish did.
type PublishResult struct {
	Manifest *Manifest
	// Uploaded is false when the store already held the generation and
	// only CURRENT was written (a re-publish, or a rollback).
	Uploaded bool
	Duration time.Duration
}

// Publish uploads a generation of a data folder and makes it the store's
// live one: the archive first (hashed while it streams), then its
// manifest, then CURRENT. When the store already holds the generation's
// manifest (and Force is off), only CURRENT is written: publishing an
// older generation again is how a deployment rolls back.
//
// The generation folder is read while it is uploaded: a build that prunes
// it meanwhile (two builds during one upload) makes Publish fail, and the
// store keeps its previous CURRENT.
func Publish(ctx context.Context, st *Store, opts PublishOptions) (*PublishResult, error) {
	began := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	name := opts.Generation
	if name == "" {
		var err error
		if name, err = indexer.Current(opts.Data); err != nil {
			return nil, err
		}
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	if !opts.Force {
		if m, _, err := st.Manifest(ctx, name); err == nil {
			if ok, _ := st.b.Exists(ctx, m.Archive); ok {
				log.Info("generation already in the store; pointing CURRENT at it", "generation", name)
				if err := st.b.WriteAll(ctx, currentKey, []byte(name+"\n"), &blob.WriterOptions{ContentType: "text/plain; charset=utf-8", CacheControl: "no-cache"}); err != nil {
					return nil, fmt.Errorf("write CURRENT: %w", err)
				}
				return &PublishResult{Manifest: m, Duration: time.Since(began)}, nil
			}
		}
	}

	dir := filepath.Join(opts.Data, name)
	gen, err := indexer.OpenGeneration(dir)
	if err != nil {
		return nil, err
	}
	fp, err := MappingFingerprint(gen.Index.Mapping())
	docs, _ := gen.Index.DocCount()
	gen.Close()
	if err != nil {
		return nil, err
	}
	m := &Manifest{
		Format: FormatVersion, Generation: name, Archive: archiveKey(name),
		BleveVersion: BleveVersion(), VigieVersion: opts.Version, Mapping: fp,
		Fingerprint: gen.Manifest.Fingerprint, Documents: len(gen.Manifest.Documents),
		Passages: gen.Manifest.Passages, BuiltAt: gen.Manifest.BuiltAt,
	}
	if uint64(m.Passages) != docs {
		return nil, fmt.Errorf("generation %s: manifest counts %d passages, index %d", name, m.Passages, docs)
	}

	// The archive: streamed into the store, hashed on the way.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := st.b.NewWriter(wctx, m.Archive, &blob.WriterOptions{ContentType: "application/gzip"})
	if err != nil {
		return nil, fmt.Errorf("upload archive: %w", err)
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	// The change log's records travel with the generation, so that a
	// replica answers /api/v1/changes and the feeds as the publisher would.
	m.Unpacked, err = writeArchive(cw, dir, map[string]string{changelog.Dir: filepath.Join(opts.Data, changelog.Dir)})
	if err != nil {
		cancel() // aborts the upload: the object is not created
		_ = w.Close()
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("upload archive: %w", err)
	}
	m.SHA256, m.Size = hex.EncodeToString(h.Sum(nil)), cw.n
	m.PublishedAt = time.Now().UTC()

	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := st.b.WriteAll(ctx, manifestKey(name), append(mb, '\n'), &blob.WriterOptions{ContentType: "application/json"}); err != nil {
		return nil, fmt.Errorf("upload manifest: %w", err)
	}
	if err := st.b.WriteAll(ctx, currentKey, []byte(name+"\n"), &blob.WriterOptions{ContentType: "text/plain; charset=utf-8", CacheControl: "no-cache"}); err != nil {
		return nil, fmt.Errorf("write CURRENT: %w", err)
	}
	log.Info("published", "generation", name, "bytes", m.Size, "unpacked_bytes", m.Unpacked,
		"sha256", m.SHA256, "documents", m.Documents, "passages", m.Passages, "duration", time.Since(began).Round(time.Millisecond))
	return &PublishResult{Manifest: m, Uploaded: true, Duration: time.Since(began)}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
