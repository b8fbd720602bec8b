package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// docView is a whole document: metadata, then its passages under their
// headings.
type docView struct {
	page
	ID, Title, Lang string
	Published       string
	PublishedISO    string
	Updated         string
	UpdatedISO      string
	Source          string
	// SourceHref is set only for an http(s) source; other schemes are
	// shown as text.
	SourceHref string
	Licence    string
	Actors     []link
	Forums     []link
	Years      []int
	Count      int
	Sections   []docSection
	BackHref   string
}

// docSection is a run of passages under one heading (the first has none
// when the document starts without one).
type docSection struct {
	Heading   string
	HeadingID string
	Passages  []passageView
}

type passageView struct {
	ID     string
	Blocks []textBlock
}

// textBlock is a paragraph, or a list when Items is set.
type textBlock struct {
	Text  string
	Items []string
}

// bullets are the list markers the indexer keeps at the start of list
// item lines.
const bullets = "•-*–—▪◦·"

// splitBlocks cuts a passage's text into paragraphs and lists: blank
// lines separate blocks, and lines starting with a bullet are list items.
func splitBlocks(text string) []textBlock {
	var out []textBlock
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, textBlock{Text: strings.Join(para, "\n")})
			para = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case isBullet(t):
			flush()
			item := strings.TrimSpace(strings.TrimLeft(t, bullets))
			if n := len(out); n > 0 && out[n-1].Items != nil {
				out[n-1].Items = append(out[n-1].Items, item)
			} else {
				out = append(out, textBlock{Items: []string{item}})
			}
		default:
			para = append(para, t)
		}
	}
	flush()
	return out
}

// isBullet reports whether a trimmed line starts with a bullet followed
// by a space ("- item", "• item"), not a dash inside a word or number.
func isBullet(t string) bool {
	for _, b := range bullets {
		if rest, ok := strings.CutPrefix(t, string(b)); ok {
			return strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "\t")
		}
	}
	return false
}

// newDocView lays out a document's passages under their headings.
func newDocView(p page, info *indexer.DocInfo, passages []search.Hit, label func(facet, value string) string, back string) *docView {
	v := &docView{page: p, ID: info.ID, Title: info.Title, Lang: info.Lang, Licence: info.Licence,
		Published: formatDate(p.UI, info.Published), PublishedISO: info.Published,
		Updated: formatDate(p.UI, info.Updated), UpdatedISO: info.Updated,
		Source: info.Source, Years: info.Years, Count: len(passages), BackHref: back}
	if u, err := url.Parse(info.Source); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		v.SourceHref = u.String()
	}
	ui := ""
	if p.Hidden["ui"] != "" {
		ui = "&ui=" + p.UI
	}
	for _, a := range info.Actors {
		v.Actors = append(v.Actors, link{Text: label("actor", a), Href: "/?actor=" + url.QueryEscape(a) + ui})
	}
	for _, f := range info.Forums {
		v.Forums = append(v.Forums, link{Text: label("forum", f), Href: "/?forum=" + url.QueryEscape(f) + ui})
	}
	for i, h := range passages {
		if i == 0 || h.Heading != passages[i-1].Heading {
			v.Sections = append(v.Sections, docSection{Heading: h.Heading, HeadingID: "s" + strconv.Itoa(len(v.Sections)+1)})
		}
		s := &v.Sections[len(v.Sections)-1]
		s.Passages = append(s.Passages, passageView{ID: h.ID, Blocks: splitBlocks(h.Text)})
	}
	return v
}
