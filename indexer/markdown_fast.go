package indexer

import (
	"regexp"
	"strings"
)

// replaceIf is re.ReplaceAllString(s, repl), skipped when s does not
// contain marker, a literal that every match of re contains. Go's regexp
// scans the whole string even when no match is possible; on laws-canada
// the inline-Markdown rewrites were 70% of parsing time, almost all of it
// on paragraphs without any Markdown.
func replaceIf(s, marker string, re *regexp.Regexp, repl string) string {
	if !strings.Contains(s, marker) {
		return s
	}
	return re.ReplaceAllString(s, repl)
}

// collapseSpaces is reSpaces.ReplaceAllString(l, " "), skipped when l has
// no tab, no no-break space and no two spaces in a row.
func collapseSpaces(l string) string {
	// strings.ContainsAny with a non-ASCII set is a slow rune-by-rune scan.
	if !strings.Contains(l, "  ") && strings.IndexByte(l, '\t') < 0 && !strings.Contains(l, "\u00a0") {
		return l
	}
	return reSpaces.ReplaceAllString(l, " ")
}
