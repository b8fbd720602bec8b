package replica

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vigie/vigie/indexer"
)

// build indexes docs (file name → Markdown) into data and returns the new
// live generation's name.
func build(t *testing.T, data string, docs map[string]string) string {
	t.Helper()
	seeds := t.TempDir()
	for name, text := range docs {
		if err := os.WriteFile(filepath.Join(seeds, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := indexer.Build(context.Background(), indexer.Options{Seeds: seeds, Data: data, Full: true}); err != nil {
		t.Fatal(err)
	}
	name, err := indexer.Current(data)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // generation names have a one-second resolution
	return name
}

var docsV1 = map[string]string{
	"cyber.md":   "---\ntitle: Cyber strategy\nlang: en\n---\n# Cyber strategy\n\nThe national cyber security strategy protects data and networks.\n",
	"cyberfr.md": "---\ntitle: Stratégie cyber\nlang: fr\n---\n# Stratégie cyber\n\nLa stratégie nationale de cybersécurité protège les données.\n",
}

func docsV2() map[string]string {
	d := map[string]string{"nato.md": "---\ntitle: NATO\nlang: en\n---\n# NATO\n\nNATO allies agreed on cyber defence in 2016.\n"}
	for k, v := range docsV1 {
		d[k] = v
	}
	return d
}

// fakeServer records what a replica installs, as serve's Swap would.
type fakeServer struct {
	mu   sync.Mutex
	live *indexer.Generation
	seen []string
}

func (f *fakeServer) install(gen *indexer.Generation) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	if f.live != nil {
		err = f.live.Close()
	}
	f.live = gen
	f.seen = append(f.seen, gen.Name)
	return err
}

func (f *fakeServer) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live != nil {
		f.live.Close()
		f.live = nil
	}
}

func newReplica(t *testing.T, st *Store) (*Replica, *fakeServer, *prometheus.Registry) {
	t.Helper()
	f := &fakeServer{}
	t.Cleanup(f.close)
	reg := prometheus.NewRegistry()
	r, err := New(st, Options{Data: t.TempDir(), Install: f.install, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	return r, f, reg
}

func openFileStore(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := OpenStore(context.Background(), "file://"+dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, dir
}

// TestPublishAndFollow: a generation published to a folder is installed,
// a second one replaces it, the previous stays on disk, and a rollback
// (publishing the old one again) reopens it without a download.
func TestPublishAndFollow(t *testing.T) {
	ctx := context.Background()
	st, _ := openFileStore(t)
	data := t.TempDir()
	r, f, _ := newReplica(t, st)

	if err := r.Sync(ctx); err != ErrNothingPublished {
		t.Fatalf("Sync on an empty store: %v, want ErrNothingPublished", err)
	}
	g1 := build(t, data, docsV1)
	res, err := Publish(ctx, st, PublishOptions{Data: data, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Manifest
	if !res.Uploaded || m.Generation != g1 || m.Documents != 2 || m.Passages == 0 || len(m.SHA256) != 64 ||
		m.Format != FormatVersion || m.VigieVersion != "test" || m.Mapping == "" || m.Size <= 0 || m.Unpacked <= m.Size/100 {
		t.Errorf("manifest: %+v", m)
	}
	own, _ := ownMapping()
	if m.Mapping != own {
		t.Errorf("published mapping %s, NewMapping's %s: an index's stored mapping must fingerprint as the one built", m.Mapping, own)
	}
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if r.Serving() != g1 || f.live == nil || f.live.Name != g1 {
		t.Fatalf("serving %q, want %s", r.Serving(), g1)
	}
	if n, _ := f.live.Index.DocCount(); int(n) != m.Passages {
		t.Errorf("installed index has %d passages, manifest %d", n, m.Passages)
	}
	// The change log came along, out of the generation's folder.
	if _, err := os.Stat(filepath.Join(data, "changes", g1+".jsonl")); err == nil {
		if _, err := os.Stat(filepath.Join(r.opts.Data, "changes", g1+".jsonl")); err != nil {
			t.Errorf("the change log record of %s did not reach the replica: %v", g1, err)
		}
		if _, err := os.Stat(filepath.Join(r.opts.Data, g1, "changes")); !os.IsNotExist(err) {
			t.Errorf("the change log stayed in the generation's folder: %v", err)
		}
	} else {
		t.Logf("the build wrote no change log record (%v)", err)
	}
	downloaded := testutil.ToFloat64(r.downloaded)
	if downloaded != float64(m.Size) {
		t.Errorf("downloaded %v bytes, archive is %d", downloaded, m.Size)
	}
	if err := r.Sync(ctx); err != nil || len(f.seen) != 1 {
		t.Errorf("second Sync: %v, installs %v (want no new install)", err, f.seen)
	}

	g2 := build(t, data, docsV2())
	if _, err := Publish(ctx, st, PublishOptions{Data: data}); err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(ctx); err != nil || r.Serving() != g2 {
		t.Fatalf("after the second publish: %v, serving %s, want %s", err, r.Serving(), g2)
	}
	for _, g := range []string{g1, g2} {
		if _, err := os.Stat(filepath.Join(r.opts.Data, g, publishedFile)); err != nil {
			t.Errorf("generation %s not kept on disk: %v", g, err)
		}
	}
	if cur, _ := indexer.Current(r.opts.Data); cur != g2 {
		t.Errorf("local CURRENT %q, want %s", cur, g2)
	}

	// Rollback: g1 is in the store already, so only CURRENT is written,
	// and the replica reopens its copy without downloading it again.
	res, err = Publish(ctx, st, PublishOptions{Data: data, Generation: g1})
	if err != nil || res.Uploaded {
		t.Fatalf("publish g1 again: %v, uploaded %v", err, res != nil && res.Uploaded)
	}
	before := testutil.ToFloat64(r.downloaded)
	if err := r.Sync(ctx); err != nil || r.Serving() != g1 {
		t.Fatalf("rollback: %v, serving %s", err, r.Serving())
	}
	if after := testutil.ToFloat64(r.downloaded); after != before {
		t.Errorf("rollback downloaded %v bytes, want none", after-before)
	}

	// A restarted replica on the same data folder serves its generation
	// before it reads the store.
	f.close()
	f2 := &fakeServer{}
	t.Cleanup(f2.close)
	r2, err := New(st, Options{Data: r.opts.Data, Install: f2.install})
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Start(ctx); err != nil || r2.Serving() != g1 {
		t.Errorf("restart: %v, serving %q, want %s", err, r2.Serving(), g1)
	}
}

// TestRefused: a corrupt, partial, incompatible or broken upload is
// refused with its reason, counted once, and the replica keeps serving.
func TestRefused(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	build(t, data, docsV1)
	good := func(t *testing.T) (*Store, *Manifest, []byte) {
		st, _ := openFileStore(t)
		res, err := Publish(ctx, st, PublishOptions{Data: data})
		if err != nil {
			t.Fatal(err)
		}
		archive, err := st.b.ReadAll(ctx, res.Manifest.Archive)
		if err != nil {
			t.Fatal(err)
		}
		return st, res.Manifest, archive
	}
	tarGz := func(entries map[string]string) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		for name, body := range entries {
			tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body))})
			tw.Write([]byte(body))
		}
		tw.Close()
		zw.Close()
		return buf.Bytes()
	}
	// honest sets the manifest's size and sha256 to those of archive: the
	// upload is intact, but what it holds is bad.
	honest := func(m *Manifest, archive []byte) {
		h := sha256.Sum256(archive)
		m.SHA256, m.Size = hex.EncodeToString(h[:]), int64(len(archive))
	}
	tests := []struct {
		name   string
		reason string
		// spoil changes the published generation, called as gen-bad.
		spoil func(m *Manifest, archive []byte) (manifest []byte, newArchive []byte)
	}{
		{"flipped byte", ReasonChecksum, func(m *Manifest, a []byte) ([]byte, []byte) {
			a[len(a)/2] ^= 0xff
			return nil, a
		}},
		{"partial upload", ReasonChecksum, func(m *Manifest, a []byte) ([]byte, []byte) { return nil, a[:len(a)/3] }},
		{"longer than announced", ReasonChecksum, func(m *Manifest, a []byte) ([]byte, []byte) {
			return nil, append(a, make([]byte, 1<<16)...)
		}},
		{"other mapping", ReasonIncompatible, func(m *Manifest, a []byte) ([]byte, []byte) {
			m.Mapping = "0123456789abcdef"
			return nil, a
		}},
		{"other format", ReasonIncompatible, func(m *Manifest, a []byte) ([]byte, []byte) {
			m.Format = 99
			return nil, a
		}},
		{"other bleve", ReasonIncompatible, func(m *Manifest, a []byte) ([]byte, []byte) {
			if BleveVersion() == "" {
				m.Format = 99 // no module information in this test binary
			}
			m.BleveVersion = "v1.0.0"
			return nil, a
		}},
		{"manifest not JSON", ReasonManifest, func(m *Manifest, a []byte) ([]byte, []byte) { return []byte("{not json"), a }},
		{"not gzip", ReasonArchive, func(m *Manifest, a []byte) ([]byte, []byte) {
			b := []byte("this is not an archive at all")
			honest(m, b)
			return nil, b
		}},
		{"escaping entry", ReasonArchive, func(m *Manifest, a []byte) ([]byte, []byte) {
			b := tarGz(map[string]string{"../../evil": "x"})
			honest(m, b)
			return nil, b
		}},
		{"no index inside", ReasonOpen, func(m *Manifest, a []byte) ([]byte, []byte) {
			b := tarGz(map[string]string{"manifest.json": "{}", "twins.json": "{}"})
			honest(m, b)
			return nil, b
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, m, archive := good(t)
			r, f, _ := newReplica(t, st)
			if err := r.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			serving := r.Serving()

			bad := *m
			bad.Generation = "gen-bad"
			bad.Archive = archiveKey("gen-bad")
			mb, a := tc.spoil(&bad, append([]byte(nil), archive...))
			if mb == nil {
				mb, _ = json.Marshal(bad)
			}
			must(t, st.b.WriteAll(ctx, bad.Archive, a, nil))
			must(t, st.b.WriteAll(ctx, manifestKey("gen-bad"), mb, nil))
			must(t, st.b.WriteAll(ctx, currentKey, []byte("gen-bad\n"), nil))

			err := r.Sync(ctx)
			if err == nil || !strings.HasPrefix(err.Error(), tc.reason+":") {
				t.Fatalf("Sync: %v, want a refusal for %s", err, tc.reason)
			}
			if r.Serving() != serving || len(f.seen) != 1 {
				t.Errorf("serving %s (installs %v), want still %s", r.Serving(), f.seen, serving)
			}
			if got := testutil.ToFloat64(r.refusedTotal.WithLabelValues(tc.reason)); got != 1 {
				t.Errorf("refused{%s} = %v, want 1", tc.reason, got)
			}
			// Not tried again while its manifest is the same.
			if err := r.Sync(ctx); err != nil {
				t.Errorf("second Sync: %v, want nil (already refused)", err)
			}
			if got := testutil.ToFloat64(r.refusedTotal.WithLabelValues(tc.reason)); got != 1 {
				t.Errorf("refused{%s} after a second poll = %v, want still 1", tc.reason, got)
			}
			if _, err := os.Stat(filepath.Join(r.opts.Data, "gen-bad")); !os.IsNotExist(err) {
				t.Errorf("the refused generation's folder is left on disk: %v", err)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(r.opts.Data), "evil")); !os.IsNotExist(err) {
				t.Errorf("an archive entry escaped the data folder")
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestS3: publish and follow through the S3 protocol, against an
// in-process S3-compatible server (gofakes3), with the URL a user would
// give for any S3-compatible store.
func TestS3(t *testing.T) {
	ctx := context.Background()
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	if err := backend.CreateBucket("vigie"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	url := fmt.Sprintf("s3://vigie?endpoint=%s&region=us-east-1&use_path_style=true&prefix=prod/", srv.URL)
	st, err := OpenStore(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	data := t.TempDir()
	g1 := build(t, data, docsV1)
	res, err := Publish(ctx, st, PublishOptions{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	r, f, _ := newReplica(t, st)
	if err := r.Sync(ctx); err != nil || r.Serving() != g1 || f.live == nil {
		t.Fatalf("Sync over S3: %v, serving %q, want %s", err, r.Serving(), g1)
	}
	// The objects sit under the prefix, CURRENT last.
	obj, err := backend.GetObject("vigie", "prod/CURRENT", nil)
	if err != nil {
		t.Fatalf("prod/CURRENT: %v", err)
	}
	obj.Contents.Close()
	if _, err := backend.HeadObject("vigie", "prod/"+res.Manifest.Archive); err != nil {
		t.Errorf("archive not under the prefix: %v", err)
	}
}

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"gen-20260101T000000", true}, {"gen-x", true}, {"", false}, {"gen-../x", false}, {"../gen-x", false},
		{"gen-a/b", false}, {"current", false}, {"gen-a b", false},
	} {
		if err := checkName(tc.name); (err == nil) != tc.ok {
			t.Errorf("checkName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
