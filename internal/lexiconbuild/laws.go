package lexiconbuild

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// section is one section of an Act: "### N Marginal note" and the
// paragraphs that follow it up to the next heading.
type section struct {
	key     string // section number and occurrence: "8", "11#2"
	heading string // the marginal note, without the number
	paras   []string
}

// readSections reads the sections of a laws-canada Markdown file: YAML
// front matter, "#"/"##" headings (which end a section) and "### N note"
// section headings, paragraphs separated by blank lines.
func readSections(path string) ([]section, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var out []section
	var cur *section
	seen := map[string]int{}
	frontMatter := false
	first := true
	var para strings.Builder
	endPara := func() {
		if para.Len() > 0 && cur != nil {
			cur.paras = append(cur.paras, para.String())
		}
		para.Reset()
	}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if first && line == "---" {
			frontMatter, first = true, false
			continue
		}
		first = false
		if frontMatter {
			frontMatter = line != "---"
			continue
		}
		switch {
		case line == "":
			endPara()
		case strings.HasPrefix(line, "### "):
			endPara()
			num, heading, _ := strings.Cut(strings.TrimSpace(line[4:]), " ")
			seen[num]++
			key := num
			if n := seen[num]; n > 1 {
				key = fmt.Sprintf("%s#%d", num, n)
			}
			out = append(out, section{key: key, heading: strings.TrimSpace(heading)})
			cur = &out[len(out)-1]
		case strings.HasPrefix(line, "#"):
			endPara()
			cur = nil
		default:
			if para.Len() > 0 {
				para.WriteByte(' ')
			}
			para.WriteString(line)
		}
	}
	endPara()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// unit is a pair of texts that translate each other.
type unit struct{ en, fr string }

// reLabelEN and reLabelFR find a paragraph's label: "(1)", "(a)", "(ii)",
// "(2.1)" in English; the same or "a)" in French.
var (
	reLabelEN = regexp.MustCompile(`^\(([0-9]+(?:\.[0-9]+)?|[a-z]{1,5}(?:\.[0-9]+)?)\)\s`)
	reLabelFR = regexp.MustCompile(`^\(?([0-9]+(?:\.[0-9]+)?|[a-z]{1,5}(?:\.[0-9]+)?)\)\s`)
)

func labels(paras []string, re *regexp.Regexp) []string {
	out := make([]string, len(paras))
	for i, p := range paras {
		if m := re.FindStringSubmatch(p); m != nil {
			out[i] = m[1]
		}
	}
	return out
}

// alignSections pairs the sections of an Act's two versions by section
// number and returns the aligned units: the two marginal notes, and the
// two bodies, paragraph by paragraph when both versions have the same
// sequence of labels ("(1)", "(a)"…) with at most one paragraph without a
// label (definition lists are sorted differently in each language, so
// they stay whole), else the whole section.
func alignSections(en, fr []section) []unit {
	byKey := make(map[string]*section, len(fr))
	for i := range fr {
		byKey[fr[i].key] = &fr[i]
	}
	var out []unit
	for i := range en {
		e := &en[i]
		f, ok := byKey[e.key]
		if !ok {
			continue
		}
		e, f = glossesRemoved(e), glossesRemoved(f)
		if e.heading != "" && f.heading != "" {
			out = append(out, unit{e.heading, f.heading})
		}
		if len(e.paras) == 0 || len(f.paras) == 0 {
			continue
		}
		le, lf := labels(e.paras, reLabelEN), labels(f.paras, reLabelFR)
		if sameLabels(le, lf) {
			for j := range e.paras {
				out = append(out, unit{e.paras[j], f.paras[j]})
			}
			continue
		}
		out = append(out, unit{strings.Join(e.paras, "\n"), strings.Join(f.paras, "\n")})
	}
	return out
}

// glossesRemoved returns a copy of a section without the bracketed term
// that ends a definition: the other language's term ("… (renseignements
// personnels)" in English, "… (personal information)" in French). Left in,
// it pairs French words with French words across the two versions.
func glossesRemoved(s *section) *section {
	c := *s
	c.paras = make([]string, len(s.paras))
	for i, p := range s.paras {
		if loc := reDefFR.FindStringIndex(p); loc != nil {
			p = strings.TrimSpace(p[:loc[0]])
		}
		c.paras[i] = p
	}
	return &c
}

func sameLabels(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	unlabelled := 0
	for i := range a {
		if a[i] != b[i] {
			return false
		}
		if a[i] == "" {
			unlabelled++
		}
	}
	return unlabelled <= 1
}

// reDefinition reads an English definition paragraph: the term, the verb,
// and the French term in brackets at the end ("personal information means
// … (renseignements personnels)").
var (
	reDefTerm = regexp.MustCompile(`^([\p{L}][\p{L}\p{N}’'\- ]{0,60}?)(?:,? in (?:relation|respect) (?:to|of)\b.*?,?)? (?:means|includes|has the same meaning|has the meaning|does not include)\b`)
	reDefFR   = regexp.MustCompile(`\(([^()]{2,80})\)\s*[.;]?\s*$`)
)

// definitions extracts (English term, French term) pairs from the
// definition paragraphs of English sections. A definition that runs over
// several paragraphs ("government institution means" followed by (a), (b))
// takes the French term from the paragraph that closes it.
func definitions(secs []section) [][2]string {
	var out [][2]string
	for _, s := range secs {
		term := ""
		for _, p := range s.paras {
			if reLabelEN.MatchString(p) {
				if term != "" {
					if m := reDefFR.FindStringSubmatch(p); m != nil {
						out = append(out, [2]string{term, m[1]})
						term = ""
					}
				}
				continue
			}
			term = ""
			m := reDefTerm.FindStringSubmatch(p)
			if m == nil {
				continue
			}
			t := strings.TrimSpace(m[1])
			if len(strings.Fields(t)) > 6 {
				continue
			}
			if fm := reDefFR.FindStringSubmatch(p); fm != nil {
				out = append(out, [2]string{t, fm[1]})
				continue
			}
			term = t
		}
	}
	return out
}

// actPairs lists the file names present in both en/ and fr/ of a
// laws-canada style corpus, sorted.
func actPairs(corpus string) ([]string, error) {
	list := func(lang string) (map[string]bool, error) {
		ents, err := os.ReadDir(filepath.Join(corpus, lang))
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", lang, err)
		}
		out := map[string]bool{}
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") {
				out[e.Name()] = true
			}
		}
		return out, nil
	}
	en, err := list("en")
	if err != nil {
		return nil, err
	}
	fr, err := list("fr")
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range en {
		if fr[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}
