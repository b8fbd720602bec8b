package indexer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxCompletedTitle is the longest title completeTitle takes from a
// document's text, in runes.
const maxCompletedTitle = 200

// completeTitle returns the title of a document whose given title was cut
// in the middle of its last word, completed from the document's first
// paragraph, or "" when the title is whole. laws-canada has fourteen
// French Acts titled "Loi n" (the converter stopped at "n°"), whose first
// paragraph, the short title, reads "Loi no 1 d’exécution du budget de
// 2017.". The title is taken as cut when its last word has one or two
// letters and the first paragraph begins with the title and goes on with
// a letter or digit of the same word; the completed title is that
// paragraph's first line, a sentence of at most maxCompletedTitle runes
// ending with a period (left out).
func completeTitle(title, text string, blocks []Block) string {
	fields := strings.Fields(title)
	if len(fields) == 0 || utf8.RuneCountInString(fields[len(fields)-1]) > 2 {
		return ""
	}
	for _, b := range blocks {
		if b.Kind != Paragraph {
			continue
		}
		p := strings.TrimSpace(text[b.Start:b.End])
		if !strings.HasPrefix(p, title) {
			return ""
		}
		next, _ := utf8.DecodeRuneInString(p[len(title):])
		if !unicode.IsLetter(next) && !unicode.IsDigit(next) {
			return ""
		}
		line, _, _ := strings.Cut(p, "\n")
		line = strings.TrimSpace(line)
		if !strings.HasSuffix(line, ".") || utf8.RuneCountInString(line) > maxCompletedTitle {
			return ""
		}
		return strings.TrimSpace(strings.TrimSuffix(line, "."))
	}
	return ""
}
