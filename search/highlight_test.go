package search

import (
	"strings"
	"testing"
)

func TestMarkHTML(t *testing.T) {
	text := `La <b>cybersécurité</b> & "l’État"`
	// Byte offsets of "cybersécurité" and "l’État".
	cs := strings.Index(text, "cybersécurité")
	et := strings.Index(text, "l’État")
	got := markHTML(text, []markSpan{{cs, cs + len("cybersécurité")}, {et, et + len("l’État")}}, 0, len(text))
	want := `La &lt;b&gt;<mark>cybersécurité</mark>&lt;/b&gt; &amp; &#34;<mark>l’État</mark>&#34;`
	if got != want {
		t.Errorf("markHTML =\n %s\nwant\n %s", got, want)
	}
}

func TestHighlightFragments(t *testing.T) {
	filler := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 30)
	text := filler + "The NATO pledge." + filler + "Another NATO summit." + filler
	var marks []markSpan
	for i := 0; ; {
		j := strings.Index(text[i:], "NATO")
		if j < 0 {
			break
		}
		marks = append(marks, markSpan{i + j, i + j + 4})
		i += j + 4
	}
	got := highlight(text, marks)
	if strings.Count(got, "<mark>NATO</mark>") != 2 {
		t.Errorf("want both matches marked, got %q", got)
	}
	if len(got) > 2*fragmentLen+100 {
		t.Errorf("highlight of %d bytes for a long passage", len(got))
	}
	if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") || !strings.Contains(got, " … ") {
		t.Errorf("fragments not elided: %q", got)
	}
	for _, frag := range strings.Split(strings.Trim(got, "… "), " … ") {
		if !strings.HasPrefix(frag, "Lorem") && !strings.HasPrefix(frag, "ipsum") && !strings.HasPrefix(frag, "dolor") &&
			!strings.HasPrefix(frag, "sit") && !strings.HasPrefix(frag, "amet,") && !strings.HasPrefix(frag, "consectetur") &&
			!strings.HasPrefix(frag, "adipiscing") && !strings.HasPrefix(frag, "elit.") && !strings.HasPrefix(frag, "The") && !strings.HasPrefix(frag, "Another") {
			t.Errorf("fragment starts mid-word: %.30q", frag)
		}
	}
	short := "Short passage about NATO."
	if got := highlight(short, []markSpan{{20, 24}}); got != "Short passage about <mark>NATO</mark>." {
		t.Errorf("short passage highlight = %q", got)
	}
}

func TestParseYears(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi int
		ok     bool
	}{
		{"2016", 2016, 2016, true},
		{"2013..2016", 2013, 2016, true},
		{"2013-2016", 2013, 2016, true},
		{"..2016", 1000, 2016, true},
		{"2013..", 2013, 9999, true},
		{"2016..2013", 0, 0, false},
		{"16", 0, 0, false},
		{"..", 0, 0, false},
		{"twenty", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		lo, hi, err := parseYears(tt.in)
		if (err == nil) != tt.ok || lo != tt.lo || hi != tt.hi {
			t.Errorf("parseYears(%q) = %d, %d, %v", tt.in, lo, hi, err)
		}
	}
}
