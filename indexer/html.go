package indexer

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlPage is what an HTML page yields: its display text and blocks, built
// exactly like a Markdown document's, and the metadata its head declares.
type htmlPage struct {
	title  string // the first <h1>, else <title>
	text   string
	blocks []Block
	lang   string // <html lang>, or a content-language meta element
	date   string // dcterms.modified and the like, as written
	issued string // dcterms.issued and the like, as written
	source string // the canonical URL
}

// skippedElements never hold text a reader came for.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Aside: true, atom.Form: true, atom.Button: true,
	atom.Select: true, atom.Input: true, atom.Textarea: true, atom.Label: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true, atom.Audio: true, atom.Video: true,
	atom.Map: true, atom.Dialog: true, atom.Img: true, atom.Picture: true,
}

// blockElements end the running paragraph.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Blockquote: true, atom.Figure: true, atom.Figcaption: true, atom.Address: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Details: true, atom.Summary: true,
	atom.Center: true, atom.Fieldset: true, atom.Legend: true, atom.Header: true,
	atom.Footer: true, atom.Body: true, atom.Caption: true, atom.Hgroup: true,
}

// boilerplateWords in an element's id or class mark page furniture:
// cookie banners, skip links, breadcrumbs, share buttons.
var boilerplateWords = wordSet("cookie cookies consent gdpr breadcrumb breadcrumbs skip skiplink skiplinks share sharing social newsletter advert advertisement ads sidebar navbar menu popup modal banner-cookie wb-lng")

// boilerplateRoles are ARIA landmarks that are not content.
var boilerplateRoles = wordSet("navigation banner contentinfo search complementary menu menubar dialog alertdialog")

var (
	reSkipLink     = regexp.MustCompile(`(?i)^(skip|jump|go) to (the )?(main )?(content|navigation|menu|search)|^(aller|passer|accéder|sauter) (au|à la) (contenu|navigation|menu|recherche)|^(back to top|haut de (la )?page|retour en haut)`)
	reCookieBanner = regexp.MustCompile(`(?i)\b(this (web)?site uses cookies|we use cookies|ce site (web )?utilise des (cookies|témoins)|nous utilisons des (cookies|témoins))`)
	reSpaceRun     = regexp.MustCompile(`[ \t\n\r\f\x{00a0}]+`)
)

// parseHTML renders an HTML page (already UTF-8 and NFC) to display text
// and blocks with golang.org/x/net/html, the WHATWG parser: headings,
// paragraphs, lists ("• " items, nested by level) and tables ("Header:
// cell" lines, like Markdown tables) are kept; scripts, styles,
// navigation, page headers and footers, forms and boilerplate (cookie
// banners, skip links) are dropped. When the page marks its main content
// (<main> or role="main"), only that is read.
func parseHTML(src string) (*htmlPage, error) {
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return nil, err
	}
	p := &htmlPage{}
	var docTitle string
	var body *html.Node
	var mainNode *html.Node
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				if l := attr(n, "lang"); l != "" {
					p.lang = l
				} else if l := attr(n, "xml:lang"); l != "" {
					p.lang = l
				}
			case atom.Title:
				if docTitle == "" {
					docTitle = collapse(textOf(n))
				}
			case atom.Meta:
				p.readMeta(n)
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") && p.source == "" {
					p.source = attr(n, "href")
				}
			case atom.Body:
				body = n
			case atom.Main:
				if mainNode == nil {
					mainNode = n
				}
			}
			if mainNode == nil && strings.EqualFold(attr(n, "role"), "main") {
				mainNode = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(root)
	content := mainNode
	if content == nil {
		content = body
	}
	if content == nil {
		content = root
	}
	w := &htmlWriter{}
	w.walk(content, false)
	w.flush()
	p.text, p.blocks, p.title = w.w.b.String(), w.w.blocks, w.title
	if p.title == "" {
		p.title = siteSuffix(docTitle)
	}
	return p, nil
}

// siteSuffix drops a " | Site name" tail from a <title>.
func siteSuffix(t string) string {
	if i := strings.LastIndex(t, " | "); i > 0 {
		return strings.TrimSpace(t[:i])
	}
	return t
}

func (p *htmlPage) readMeta(n *html.Node) {
	name := strings.ToLower(attr(n, "name"))
	if name == "" {
		name = strings.ToLower(attr(n, "property"))
	}
	content := strings.TrimSpace(attr(n, "content"))
	if content == "" {
		return
	}
	if strings.EqualFold(attr(n, "http-equiv"), "content-language") && p.lang == "" {
		p.lang = content
	}
	switch name {
	case "dcterms.language", "dc.language", "language", "og:locale":
		if p.lang == "" {
			p.lang = content
		}
	case "dcterms.modified", "dc.date.modified", "article:modified_time", "last-modified", "og:updated_time":
		p.date = content
	case "dcterms.issued", "dc.date.issued", "dcterms.date", "dc.date", "date", "article:published_time":
		if p.issued == "" {
			p.issued = content
		}
	case "og:url":
		if p.source == "" {
			p.source = content
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text content of n's subtree, skipping scripts and styles.
func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
				return
			}
			if n.DataAtom == atom.Br {
				b.WriteString(" ")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

func collapse(s string) string {
	return strings.TrimSpace(reSpaceRun.ReplaceAllString(s, " "))
}

// isBoilerplate reports whether an element is page furniture rather than
// content, from its tag, ARIA role, hidden state, id and classes.
func isBoilerplate(n *html.Node, inContent bool) bool {
	if skippedElements[n.DataAtom] {
		return true
	}
	// A <header> or <footer> of the page (not of an article or section)
	// holds the site's banner or footer links.
	if (n.DataAtom == atom.Header || n.DataAtom == atom.Footer) && !inContent {
		return true
	}
	if _, hidden := attrOK(n, "hidden"); hidden || strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	if style := strings.ReplaceAll(strings.ToLower(attr(n, "style")), " ", ""); strings.Contains(style, "display:none") {
		return true
	}
	if boilerplateRoles[strings.ToLower(attr(n, "role"))] {
		return true
	}
	for _, key := range []string{"id", "class"} {
		for _, w := range strings.FieldsFunc(strings.ToLower(attr(n, key)), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if boilerplateWords[w] {
				return true
			}
		}
	}
	return false
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// htmlWriter walks the content tree and writes blocks with an mdWriter.
type htmlWriter struct {
	w      mdWriter
	inline strings.Builder // text of the block being read
	title  string
	depth  int // list nesting
	item   int // level of the list item being read, 0 outside items
	pre    int
}

// flush ends the running block: a paragraph, or the open list item.
func (h *htmlWriter) flush() {
	raw := h.inline.String()
	h.inline.Reset()
	var lines []string
	for _, l := range strings.Split(raw, "\n") {
		if h.pre == 0 {
			l = collapse(l)
		} else {
			l = strings.TrimRight(l, " \t")
		}
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	text := strings.Join(lines, "\n")
	if strings.TrimSpace(text) == "" || boilerplateText(text) {
		return
	}
	if h.item > 0 {
		h.w.add(ListItem, h.item, "• "+text)
		return
	}
	h.w.add(Paragraph, 0, text)
}

// boilerplateText catches furniture that carries no marking: skip links,
// "back to top", short cookie notices.
func boilerplateText(s string) bool {
	if len(s) < 80 && reSkipLink.MatchString(s) {
		return true
	}
	return len(s) < 400 && reCookieBanner.MatchString(s)
}

// walk writes n's subtree. inContent is true inside an article, section
// or main element, where a <header> is the section's own.
func (h *htmlWriter) walk(n *html.Node, inContent bool) {
	switch n.Type {
	case html.TextNode:
		if h.pre > 0 {
			h.inline.WriteString(n.Data)
		} else {
			h.inline.WriteString(reSpaceRun.ReplaceAllString(n.Data, " "))
		}
		return
	case html.ElementNode:
	default:
		h.children(n, inContent)
		return
	}
	if n.DataAtom == atom.Head || isBoilerplate(n, inContent) {
		return
	}
	switch n.DataAtom {
	case atom.Article, atom.Section, atom.Main:
		inContent = true
	}
	switch n.DataAtom {
	case atom.Br:
		h.inline.WriteString("\n")
	case atom.Hr:
		h.flush()
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		h.flush()
		text := collapse(textOf(n))
		if text == "" {
			return
		}
		level := int(n.Data[1] - '0')
		if level == 1 && h.title == "" {
			h.title = text
			h.w.add(TitleLine, 1, text)
			return
		}
		h.w.add(Heading, level, text)
	case atom.Ul, atom.Ol, atom.Menu:
		h.flush()
		h.depth++
		h.children(n, inContent)
		h.flush()
		h.depth--
	case atom.Li:
		h.flush()
		prev := h.item
		h.item = max(h.depth, 1)
		h.children(n, inContent)
		h.flush()
		h.item = prev
	case atom.Table:
		h.flush()
		h.table(n)
	case atom.Pre:
		h.flush()
		h.pre++
		h.children(n, inContent)
		h.flush()
		h.pre--
	default:
		if blockElements[n.DataAtom] {
			h.flush()
			h.children(n, inContent)
			h.flush()
			return
		}
		h.children(n, inContent)
	}
}

func (h *htmlWriter) children(n *html.Node, inContent bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		h.walk(c, inContent)
	}
}

// table writes one paragraph per row; with a header row each cell reads
// "Header: cell", as Markdown tables do.
func (h *htmlWriter) table(n *html.Node) {
	var rows [][]*html.Node
	var collect func(*html.Node)
	collect = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || isBoilerplate(c, true) {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				var cells []*html.Node
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
						cells = append(cells, td)
					}
				}
				rows = append(rows, cells)
			case atom.Thead, atom.Tbody, atom.Tfoot:
				collect(c)
			case atom.Caption:
				if t := collapse(textOf(c)); t != "" {
					h.w.add(Paragraph, 0, t)
				}
			}
		}
	}
	collect(n)
	var header []string
	if len(rows) > 1 {
		allTH := len(rows[0]) > 0
		for _, c := range rows[0] {
			if c.DataAtom != atom.Th {
				allTH = false
			}
		}
		if allTH {
			for _, c := range rows[0] {
				header = append(header, cellText(c))
			}
			rows = rows[1:]
		}
	}
	for _, r := range rows {
		cells := make([]string, len(r))
		for ci, c := range r {
			cells[ci] = cellText(c)
		}
		h.w.add(Paragraph, 0, tableRowText(header, cells)) // add skips an empty row
	}
}

// cellText renders a table cell: its text, with list items as "• " lines.
func cellText(n *html.Node) string {
	var sub htmlWriter
	sub.children(n, true)
	sub.flush()
	return strings.ReplaceAll(sub.w.b.String(), "\n\n", "\n")
}
