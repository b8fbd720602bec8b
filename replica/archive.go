package replica

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// writeArchive writes the folder dir as a tar stream compressed with gzip
// (at its fastest level: bleve's segments are already compact, and a large
// generation is archived in seconds rather than minutes), then the regular
// files of each folder of extra under the name it is given (the change log:
// "changes/…"). Names are relative, with forward slashes; only folders and
// regular files are written. It returns the total size of the files.
func writeArchive(w io.Writer, dir string, extra map[string]string) (int64, error) {
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return 0, err
	}
	tw := tar.NewWriter(zw)
	var total int64
	add := func(root, prefix string) error {
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			name := path.Join(prefix, filepath.ToSlash(rel))
			if name == "." {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
				return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: info.ModTime()})
			case d.Type().IsRegular():
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: info.Size(), ModTime: info.ModTime()}); err != nil {
					return err
				}
				f, err := os.Open(p)
				if err != nil {
					return err
				}
				defer f.Close()
				n, err := io.Copy(tw, f)
				if err != nil {
					return err
				}
				if n != info.Size() {
					return fmt.Errorf("%s changed while it was archived", name)
				}
				total += n
			}
			return nil // lock files, sockets, links: not part of a generation
		})
	}
	if err := add(dir, "."); err != nil {
		return 0, fmt.Errorf("archive %s: %w", filepath.Base(dir), err)
	}
	for prefix, root := range extra {
		if _, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := add(root, prefix); err != nil {
			return 0, fmt.Errorf("archive %s: %w", prefix, err)
		}
	}
	if err := tw.Close(); err != nil {
		return 0, err
	}
	return total, zw.Close()
}

// errArchive marks an archive that cannot be unpacked (corrupt, truncated,
// or with entries that would land outside its folder).
var errArchive = errors.New("bad archive")

// extractArchive unpacks a stream written by writeArchive into dir, which
// must not exist yet. It writes at most limit bytes of files (the
// manifest's unpacked size), and refuses absolute names, names with "..",
// links and devices.
func extractArchive(r io.Reader, dir string, limit int64) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("%w: %v", errArchive, err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %v", errArchive, err)
		}
		name := strings.TrimSuffix(h.Name, "/")
		if name == "" || path.IsAbs(name) || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "\\") {
			return fmt.Errorf("%w: entry %q", errArchive, h.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			total += h.Size
			if limit > 0 && total > limit {
				return fmt.Errorf("%w: more than the %d bytes the manifest announces", errArchive, limit)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := writeFile(target, tr, h.Size); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: entry %q of type %c", errArchive, h.Name, h.Typeflag)
		}
	}
	// Read gzip's trailer: its CRC check catches a corrupt last block.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return fmt.Errorf("%w: %v", errArchive, err)
	}
	return nil
}

func writeFile(target string, r io.Reader, size int64) error {
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, r)
	if err == nil && n != size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		f.Close()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return err // a local disk problem, not the archive's
		}
		return fmt.Errorf("%w: %s: %v", errArchive, filepath.Base(target), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
