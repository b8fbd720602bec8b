package loadgen

import (
	"bufio"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/vigie/vigie/lang"
)

// Mixes drawn from a corpus, deterministically: the same corpus gives the
// same queries, in the same order, on every machine.

// reHeading matches a Markdown section heading (## or deeper) and its text
// without a leading section number: "### 12 Marginal note" → "Marginal note".
var reHeading = regexp.MustCompile(`^#{2,6}\s+(?:[0-9]+(?:\.[0-9]+)*\s+)?(.+?)\s*$`)

// corpusFile is a document of the corpus with its language, read from
// its folder (en/, fr/) or detected from its text.
type corpusFile struct {
	path, lang string
}

func corpusFiles(root string) ([]corpusFile, error) {
	var out []corpusFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".md", ".markdown", ".txt":
		default:
			return nil
		}
		l := ""
		for _, seg := range strings.Split(filepath.ToSlash(p), "/") {
			if seg == lang.English || seg == lang.French {
				l = seg
			}
		}
		out = append(out, corpusFile{path: p, lang: l})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, err
}

// eachLine calls fn with every line of the file.
func eachLine(path string, fn func(line string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		fn(sc.Text())
	}
	return sc.Err()
}

// order sorts strings by a hash of their text: a deterministic order
// that mixes documents and languages.
func order(keys []string) {
	h := func(s string) uint64 {
		f := fnv.New64a()
		f.Write([]byte(s))
		return f.Sum64()
	}
	sort.Slice(keys, func(i, j int) bool {
		hi, hj := h(keys[i]), h(keys[j])
		if hi != hj {
			return hi < hj
		}
		return keys[i] < keys[j]
	})
}

// HeadingMix draws n distinct section headings from the corpus's Markdown
// files (kind "heading-en" or "heading-fr"); one in ten also asks for its
// own language (lang=). Fewer come back when the corpus has fewer.
func HeadingMix(root string, n int) ([]Query, error) {
	files, err := corpusFiles(root)
	if err != nil {
		return nil, err
	}
	langOf := map[string]string{}
	for _, f := range files {
		err := eachLine(f.path, func(line string) {
			m := reHeading.FindStringSubmatch(line)
			if m == nil {
				return
			}
			h := strings.TrimSpace(m[1])
			if len([]rune(h)) < 4 || !strings.ContainsFunc(h, unicode.IsLetter) {
				return
			}
			if _, seen := langOf[h]; !seen {
				l := f.lang
				if l == "" {
					l = lang.Detect(h)
				}
				langOf[h] = l
			}
		})
		if err != nil {
			return nil, err
		}
	}
	keys := make([]string, 0, len(langOf))
	for h := range langOf {
		keys = append(keys, h)
	}
	order(keys)
	if len(keys) > n {
		keys = keys[:n]
	}
	out := make([]Query, len(keys))
	for i, h := range keys {
		l := langOf[h]
		if l == "" {
			l = lang.English
		}
		q := Query{Kind: "heading-" + l, Text: h, Params: url.Values{}}
		if i%10 == 9 {
			q.Params.Set("lang", l)
		}
		out[i] = q
	}
	return out, nil
}

// BroadMix draws n distinct broad queries from the corpus: its most
// frequent words and pairs of adjacent words in each language (by the
// number of documents holding them; stop words and words shorter than
// three letters left out), kinds "broad-word-en", "broad-pair-fr"…, taken
// in turn from the four lists, most frequent first.
func BroadMix(root string, n int) ([]Query, error) {
	files, err := corpusFiles(root)
	if err != nil {
		return nil, err
	}
	type counts map[string]int
	words := map[string]counts{lang.English: {}, lang.French: {}}
	pairs := map[string]counts{lang.English: {}, lang.French: {}}
	stop := map[string]bool{}
	isStop := func(l, w string) bool {
		k := l + "\x00" + w
		s, ok := stop[k]
		if !ok {
			s = len(lang.Terms(lang.AnalyzerFor(l), w)) == 0
			stop[k] = s
		}
		return s
	}
	for _, f := range files {
		l := f.lang
		var text strings.Builder
		if err := eachLine(f.path, func(line string) { text.WriteString(line); text.WriteByte('\n') }); err != nil {
			return nil, err
		}
		if l == "" {
			l = lang.Detect(text.String())
		}
		if words[l] == nil {
			continue
		}
		seenW, seenP := map[string]bool{}, map[string]bool{}
		prev := ""
		for _, w := range strings.FieldsFunc(text.String(), func(r rune) bool { return !unicode.IsLetter(r) && r != '’' && r != '\'' }) {
			w = strings.ToLower(w)
			if len([]rune(w)) < 3 || strings.ContainsAny(w, "’'") || isStop(l, w) {
				prev = ""
				continue
			}
			if !seenW[w] {
				seenW[w] = true
				words[l][w]++
			}
			if prev != "" {
				if p := prev + " " + w; !seenP[p] {
					seenP[p] = true
					pairs[l][p]++
				}
			}
			prev = w
		}
	}
	ranked := func(c counts) []string {
		keys := make([]string, 0, len(c))
		for k, n := range c {
			if n >= 2 {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool {
			if c[keys[i]] != c[keys[j]] {
				return c[keys[i]] > c[keys[j]]
			}
			return keys[i] < keys[j]
		})
		return keys
	}
	lists := []struct {
		kind string
		keys []string
	}{
		{"broad-word-en", ranked(words[lang.English])}, {"broad-word-fr", ranked(words[lang.French])},
		{"broad-pair-en", ranked(pairs[lang.English])}, {"broad-pair-fr", ranked(pairs[lang.French])},
	}
	var out []Query
	for i := 0; len(out) < n; i++ {
		added := false
		for _, l := range lists {
			if i < len(l.keys) && len(out) < n {
				out = append(out, Query{Kind: l.kind, Text: l.keys[i], Params: url.Values{}})
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out, nil
}
