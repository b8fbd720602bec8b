package indexer

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// frontMatter is the YAML header a Markdown document may start with.
type frontMatter struct {
	Title   string `yaml:"title"`
	Lang    string `yaml:"lang"`
	Date    string `yaml:"date"`
	Source  string `yaml:"source"`
	Licence string `yaml:"licence"`
	License string `yaml:"license"`
}

// splitFrontMatter separates a leading "---" YAML block from the body.
func splitFrontMatter(src string) (fm frontMatter, body string, err error) {
	if !strings.HasPrefix(src, "---\n") {
		return fm, src, nil
	}
	rest := src[4:]
	end := -1
	for _, delim := range []string{"\n---\n", "\n...\n"} {
		if i := strings.Index(rest, delim); i >= 0 && (end < 0 || i < end) {
			end = i
		}
	}
	if end < 0 {
		if strings.HasSuffix(rest, "\n---") {
			end = len(rest) - 4
		} else {
			return fm, src, fmt.Errorf("front matter: no closing ---")
		}
	}
	if err := yaml.Unmarshal([]byte(rest[:end]), &fm); err != nil {
		return fm, src, fmt.Errorf("front matter: %w", err)
	}
	if fm.Licence == "" {
		fm.Licence = fm.License
	}
	body = rest[min(end+5, len(rest)):]
	return fm, body, nil
}

var (
	reHeading   = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	reListItem  = regexp.MustCompile(`^(\s*)([-*+•]|\d{1,3}[.)])\s+(.*)$`)
	reRule      = regexp.MustCompile(`^\s{0,3}([-*_])(\s*[-*_]){2,}\s*$`)
	reTableSep  = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
	reImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	reLink      = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)`)
	reRefLink   = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	reAutoLink  = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	reStrong    = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	reEm        = regexp.MustCompile(`(^|[\s(])\*(\S(?:[^*]*?\S)?)\*`)
	reCode      = regexp.MustCompile("`+([^`]*)`+")
	reListTag   = regexp.MustCompile(`(?i)<li[^>]*>`)
	reBreakTag  = regexp.MustCompile(`(?i)<br\s*/?>|</?(?:p|div|tr|ul|ol)[^>]*>`)
	reAnyTag    = regexp.MustCompile(`<[^>]*>`)
	reSpaces    = regexp.MustCompile(`[ \t\x{00a0}]{2,}`)
	reNavOnly   = regexp.MustCompile(`\[[^\]]*\]\([^)]*\.md\)`)
	reMDEscapes = regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|])`)
)

// cleanInline renders Markdown inline markup and embedded HTML as plain
// text. List items inside HTML become lines starting with "• ".
func cleanInline(s string) string {
	// Each rewrite runs only when its marker is present (see replaceIf).
	s = replaceIf(s, "![", reImage, "$1")
	s = replaceIf(s, "](", reLink, "$1")
	s = replaceIf(s, "][", reRefLink, "$1")
	s = replaceIf(s, "<", reAutoLink, "$1")
	s = replaceIf(s, "`", reCode, "$1")
	if strings.Contains(s, "**") || strings.Contains(s, "__") {
		s = reStrong.ReplaceAllString(s, "$2")
	}
	s = replaceIf(s, "*", reEm, "$1$2")
	s = replaceIf(s, "<", reListTag, "\n• ")
	s = replaceIf(s, "<", reBreakTag, "\n")
	s = replaceIf(s, "<", reAnyTag, "")
	s = replaceIf(s, `\`, reMDEscapes, "$1")
	s = html.UnescapeString(s)
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(collapseSpaces(l))
		// A list item whose text itself starts with a bullet ("• • Confirm").
		for strings.HasPrefix(l, "• •") {
			l = "•" + strings.TrimPrefix(l, "• •")
		}
		if l != "" && l != "•" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// mdWriter accumulates the display text and its blocks.
type mdWriter struct {
	b      strings.Builder
	blocks []Block
}

func (w *mdWriter) add(kind BlockKind, level int, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	indent := ""
	if kind == ListItem && level > 1 {
		indent = strings.Repeat("  ", level-1)
	}
	if n := len(w.blocks); n > 0 && kind == ListItem && w.blocks[n-1].Kind == ListItem {
		w.b.WriteString("\n") // items of one list sit on consecutive lines
	} else if w.b.Len() > 0 {
		w.b.WriteString("\n\n")
	}
	w.b.WriteString(indent)
	start := w.b.Len()
	w.b.WriteString(text)
	w.blocks = append(w.blocks, Block{Kind: kind, Level: level, Start: start, End: w.b.Len()})
}

// tableRowText renders a table row (cells already clean text) as lines
// "Header: cell"; a cell holding a list starts on its own line. Empty cells
// are left out.
func tableRowText(header, cells []string) string {
	var parts []string
	for ci, c := range cells {
		if c == "" {
			continue
		}
		if ci < len(header) && header[ci] != "" {
			sep := " "
			if strings.HasPrefix(c, "•") {
				sep = "\n"
			}
			c = header[ci] + ":" + sep + c
		}
		parts = append(parts, c)
	}
	return strings.Join(parts, "\n")
}

func splitTableRow(l string) []string {
	l = strings.TrimSpace(l)
	l = strings.TrimPrefix(l, "|")
	l = strings.TrimSuffix(l, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(l); i++ {
		switch {
		case l[i] == '\\' && i+1 < len(l) && l[i+1] == '|':
			cur.WriteByte('|')
			i++
		case l[i] == '|':
			cells = append(cells, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(l[i])
		}
	}
	return append(cells, cur.String())
}

// parseMarkdown renders a Markdown body (front matter already removed) to
// display text and blocks. The first level-1 heading is the title.
func parseMarkdown(body string) (title, text string, blocks []Block) {
	var w mdWriter
	lines := strings.Split(body, "\n")
	var para []string
	flushPara := func() {
		if len(para) == 0 {
			return
		}
		raw := strings.Join(para, " ")
		para = nil
		// Navigation-only paragraphs such as "([Back](../README.md))".
		if strings.TrimFunc(reNavOnly.ReplaceAllString(raw, ""), func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r)
		}) == "" && reNavOnly.MatchString(raw) {
			return
		}
		w.add(Paragraph, 0, cleanInline(raw))
	}
	var indents []int // open list levels by indentation
	inItem := false   // a list item is open and takes continuation lines
	var itemText []string
	itemLevel := 0
	flushItem := func() {
		if len(itemText) == 0 {
			return
		}
		w.add(ListItem, itemLevel, "• "+cleanInline(strings.Join(itemText, " ")))
		itemText = nil
		inItem = false
	}
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t")
		trimmed := strings.TrimSpace(l)
		switch {
		case trimmed == "":
			flushPara()
			flushItem()
			continue
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			flushPara()
			flushItem()
			fence := trimmed[:3]
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), fence); i++ {
				code = append(code, lines[i])
			}
			w.add(Paragraph, 0, strings.Join(code, "\n"))
			continue
		case strings.HasPrefix(trimmed, "#") && reHeading.MatchString(trimmed) && !strings.HasPrefix(l, "    "):
			flushPara()
			flushItem()
			indents = nil
			m := reHeading.FindStringSubmatch(trimmed)
			h := cleanInline(m[2])
			if len(m[1]) == 1 && title == "" {
				title = h
				w.add(TitleLine, 1, h)
				continue
			}
			w.add(Heading, len(m[1]), h)
			continue
		case reRule.MatchString(l):
			flushPara()
			flushItem()
			continue
		case strings.HasPrefix(trimmed, "|"):
			flushPara()
			flushItem()
			var rows []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				rows = append(rows, lines[i])
			}
			i--
			var header []string
			if len(rows) >= 2 && reTableSep.MatchString(rows[1]) {
				for _, c := range splitTableRow(rows[0]) {
					header = append(header, cleanInline(c))
				}
				rows = rows[2:]
			}
			for _, r := range rows {
				var cells []string
				for _, c := range splitTableRow(r) {
					cells = append(cells, cleanInline(c))
				}
				w.add(Paragraph, 0, tableRowText(header, cells))
			}
			continue
		}
		if m := reListItem.FindStringSubmatch(l); m != nil && !(len(para) > 0 && len(m[1]) == 0 && m[2] != "-" && m[2] != "*" && m[2] != "+" && m[2] != "•") {
			flushPara()
			flushItem()
			ind := len(strings.ReplaceAll(m[1], "\t", "    "))
			for len(indents) > 0 && indents[len(indents)-1] > ind {
				indents = indents[:len(indents)-1]
			}
			if len(indents) == 0 || indents[len(indents)-1] < ind {
				indents = append(indents, ind)
			}
			itemLevel = len(indents)
			itemText = []string{m[3]}
			inItem = true
			continue
		}
		if inItem {
			itemText = append(itemText, trimmed)
			continue
		}
		indents = nil
		para = append(para, strings.TrimPrefix(strings.TrimPrefix(trimmed, ">"), " "))
	}
	flushPara()
	flushItem()
	return title, w.b.String(), w.blocks
}
