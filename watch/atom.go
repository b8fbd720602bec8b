package watch

import (
	"encoding/xml"
	"html"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/vigie/vigie/changelog"
)

// FeedTag is the tagging entity of feed and entry ids (RFC 4151).
const FeedTag = "tag:vigie,2026:"

// Feed describes an Atom feed of changes.
type Feed struct {
	// Title names the feed ("Vigie: cyber defence").
	Title string
	// Self is the feed's own URL (path and query); Alternate the web page
	// showing the same changes.
	Self, Alternate string
	// Key identifies the query the feed follows (its canonical query
	// string): the feed id is built from it.
	Key string
	// Updated is used when there are no changes (the live generation's
	// time).
	Updated time.Time
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Link      []atomLink `xml:"link"`
	Category  []struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
	Summary atomText `xml:"summary"`
	Content atomText `xml:"content"`
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Generator string      `xml:"generator"`
	Link      []atomLink  `xml:"link"`
	Entries   []atomEntry `xml:"entry"`
}

// EntryID is a change's Atom entry id: stable across requests and
// servers, built from the generation and passage id.
func EntryID(c *changelog.Change) string {
	return FeedTag + "change/" + url.PathEscape(c.Generation) + "/" + url.PathEscape(c.PassageID)
}

// PassageURL is the path of a change's passage in the web interface: the
// passage in its document, or the document's history for a removed one.
func PassageURL(c *changelog.Change) string {
	doc := "/documents/" + url.PathEscape(c.DocID)
	if c.Kind == changelog.Removed {
		return doc + "/history#" + url.PathEscape(c.ID)
	}
	return doc + "#" + url.PathEscape(c.PassageID)
}

// WriteAtom writes changes (newest first) as an Atom 1.0 feed.
func WriteAtom(w io.Writer, f Feed, changes []changelog.Change) error {
	updated := f.Updated
	if len(changes) > 0 {
		updated = changes[0].Time
	}
	feed := atomFeed{
		ID:        FeedTag + "feed?" + f.Key,
		Title:     f.Title,
		Updated:   updated.UTC().Format(time.RFC3339),
		Generator: "Vigie",
		Link: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: f.Self},
			{Rel: "alternate", Type: "text/html", Href: f.Alternate}},
	}
	feed.Author.Name = "Vigie"
	for i := range changes {
		c := &changes[i]
		title := c.Title
		if c.Heading != "" && c.Heading != c.Title {
			title += " — " + c.Heading
		}
		e := atomEntry{
			ID:        EntryID(c),
			Title:     "[" + string(c.Kind) + "] " + title,
			Updated:   c.Time.UTC().Format(time.RFC3339),
			Published: c.Time.UTC().Format(time.RFC3339),
			Link:      []atomLink{{Rel: "alternate", Type: "text/html", Href: PassageURL(c)}},
			Summary:   atomText{Type: "text", Body: summary(c)},
			Content:   atomText{Type: "html", Body: contentHTML(c)},
		}
		e.Category = append(e.Category, struct {
			Term string `xml:"term,attr"`
		}{string(c.Kind)})
		feed.Entries = append(feed.Entries, e)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(feed); err != nil {
		return err
	}
	return enc.Close()
}

func summary(c *changelog.Change) string {
	if c.Kind == changelog.Changed && c.Diff != nil {
		var b strings.Builder
		if len(c.Diff.Removed) > 0 {
			b.WriteString("− " + strings.Join(c.Diff.Removed, " … "))
		}
		if len(c.Diff.Added) > 0 {
			if b.Len() > 0 {
				b.WriteString("  ")
			}
			b.WriteString("+ " + strings.Join(c.Diff.Added, " … "))
		}
		return b.String()
	}
	return clip(c.Text, 280)
}

// contentHTML is the entry's content: the word diff of a changed passage,
// the text of an added one, the struck-out text of a removed one. The
// XML encoder escapes it once more, as type="html" wants.
func contentHTML(c *changelog.Change) string {
	switch {
	case c.Kind == changelog.Changed && c.Diff != nil:
		return "<p>" + c.Diff.HTML + "</p>"
	case c.Kind == changelog.Removed:
		return "<p><del>" + html.EscapeString(c.Text) + "</del></p>"
	}
	return "<p>" + html.EscapeString(c.Text) + "</p>"
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndex(s[:n], " ")
	if cut < n/2 {
		cut = n
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + " …"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
