package changelog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Dir is the folder of the change log inside a data folder.
const Dir = "changes"

const ext = ".jsonl"

// Log is the change log of a data folder. It is safe for concurrent use;
// records are immutable once written, so a Log caches what it has read.
type Log struct {
	dir string

	mu    sync.Mutex
	cache map[string]*Record
}

// Open returns the change log of dataDir; nothing is read yet.
func Open(dataDir string) *Log {
	return &Log{dir: filepath.Join(dataDir, Dir), cache: map[string]*Record{}}
}

func validName(gen string) bool {
	return gen != "" && !strings.ContainsAny(gen, `/\`) && !strings.HasPrefix(gen, ".")
}

// Write stores a record whole: a temporary file, synced, renamed into
// place, the folder synced. It does not make the record count: that
// happens when its generation goes live (see Chain).
func (l *Log) Write(rec *Record) error {
	if !validName(rec.Generation) {
		return fmt.Errorf("change log: bad generation name %q", rec.Generation)
	}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		return fmt.Errorf("change log: encode record: %w", err)
	}
	for i := range rec.Changes {
		if err := enc.Encode(&rec.Changes[i]); err != nil {
			return fmt.Errorf("change log: encode change: %w", err)
		}
	}
	path := filepath.Join(l.dir, rec.Generation+ext)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	_, err = f.Write(buf.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(l.dir)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("change log: write %s: %w", rec.Generation, err)
	}
	return nil
}

// Discard removes the record of a generation that will not go live.
func (l *Log) Discard(gen string) error {
	if !validName(gen) {
		return nil
	}
	err := os.Remove(filepath.Join(l.dir, gen+ext))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// read returns the record of gen, nil when there is none.
func (l *Log) read(gen string) (*Record, error) {
	if !validName(gen) {
		return nil, nil
	}
	l.mu.Lock()
	rec, ok := l.cache[gen]
	l.mu.Unlock()
	if ok {
		return rec, nil
	}
	f, err := os.Open(filepath.Join(l.dir, gen+ext))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("change log: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	rec = &Record{}
	for n := 0; sc.Scan(); n++ {
		var err error
		if n == 0 {
			err = json.Unmarshal(sc.Bytes(), rec)
		} else {
			rec.Changes = append(rec.Changes, Change{})
			err = json.Unmarshal(sc.Bytes(), &rec.Changes[len(rec.Changes)-1])
		}
		if err != nil {
			return nil, fmt.Errorf("change log: record %s line %d: %w", gen, n+1, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("change log: read %s: %w", gen, err)
	}
	if rec.Generation != gen {
		return nil, fmt.Errorf("change log: record %s names generation %q", gen, rec.Generation)
	}
	l.mu.Lock()
	l.cache[gen] = rec
	l.mu.Unlock()
	return rec, nil
}

// Chain returns the records that count, newest first: the record of the
// live generation current, the record of its Base, and so on back to the
// first build (or to a generation built without a record). A record no
// live generation leads to (a build that never went live) is not in it.
func (l *Log) Chain(current string) ([]*Record, error) {
	var out []*Record
	seen := map[string]bool{}
	for gen := current; gen != "" && !seen[gen]; {
		seen[gen] = true
		rec, err := l.read(gen)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		out = append(out, rec)
		gen = rec.Base
	}
	return out, nil
}

// Prune deletes the records Chain(current) does not reach, and temporary
// files: leftovers of builds that never went live. Only a build holding
// the data folder's lock may call it.
func (l *Log) Prune(current string) error {
	chain, err := l.Chain(current)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, r := range chain {
		keep[r.Generation+ext] = true
	}
	entries, err := os.ReadDir(l.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !keep[e.Name()] {
			if err := os.Remove(filepath.Join(l.dir, e.Name())); err != nil {
				errs = append(errs, err)
			}
			l.mu.Lock()
			delete(l.cache, strings.TrimSuffix(e.Name(), ext))
			l.mu.Unlock()
		}
	}
	return errors.Join(errs...)
}

// Since returns the changes of chain (newest record first) made after a
// time, or after a generation when gen is set, newest first; within one
// build, in document order.
func Since(chain []*Record, t time.Time, gen string) []Change {
	var out []Change
	for _, r := range chain {
		if gen != "" && r.Generation <= gen {
			continue
		}
		if gen == "" && !r.Time.After(t) {
			continue
		}
		start := len(out)
		out = append(out, r.Changes...)
		part := out[start:]
		sort.SliceStable(part, func(i, j int) bool {
			if part[i].DocID != part[j].DocID {
				return part[i].DocID < part[j].DocID
			}
			return part[i].Ordinal < part[j].Ordinal
		})
	}
	return out
}

// Version is one state of a document in the log.
type Version struct {
	Generation string    `json:"generation"`
	Time       time.Time `json:"time"`
	Doc
	Changes []Change `json:"changes"`
}

// History returns the versions of a document, newest first: when it was
// first seen (baseline or added), each change, and its removal.
func History(chain []*Record, docID string) []Version {
	var out []Version
	for _, r := range chain {
		for _, d := range r.Documents {
			if d.ID != docID {
				continue
			}
			v := Version{Generation: r.Generation, Time: r.Time, Doc: d, Changes: []Change{}}
			for _, c := range r.Changes {
				if c.DocID == docID {
					v.Changes = append(v.Changes, c)
				}
			}
			out = append(out, v)
		}
	}
	return out
}
