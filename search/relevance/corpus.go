package relevance

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CopyCorpus copies the .md and .txt files of each source folder into
// dst/NAME (NAME the map key), so that several corpora can be indexed as
// one: the indexer reads one folder and does not follow symbolic links.
// Only names in files are copied from a source when files[NAME] is set
// (file names relative to the source, such as "en/A-1.md").
func CopyCorpus(dst string, sources map[string]string, files map[string][]string) error {
	for name, src := range sources {
		if strings.ContainsAny(name, `/\`) || name == "" || name == "." || name == ".." {
			return fmt.Errorf("corpus name %q: want a plain folder name", name)
		}
		if list := files[name]; len(list) > 0 {
			for _, f := range list {
				if err := copyFile(filepath.Join(src, f), filepath.Join(dst, name, f)); err != nil {
					return err
				}
			}
			continue
		}
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !(strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".txt")) {
				return nil
			}
			rel, err := filepath.Rel(src, p)
			if err != nil {
				return err
			}
			return copyFile(p, filepath.Join(dst, name, rel))
		})
		if err != nil {
			return fmt.Errorf("copy corpus %s: %w", name, err)
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// LawSample lists the Acts of the known-item test: the cyber-relevant
// subset of laws-canada (Access to Information Act, Privacy Act, PIPEDA,
// Security of Information Act, Communications Security Establishment Act,
// Telecommunications Act).
var LawSample = []string{"A-1", "P-21", "P-8.6", "O-5", "C-35.3", "T-3.4"}

// LawFiles returns the file names, in both languages, of the given Acts.
func LawFiles(acts []string) []string {
	var out []string
	for _, a := range acts {
		out = append(out, "en/"+a+".md", "fr/"+a+".md")
	}
	return out
}
