package discover

import "testing"

// FuzzNames checks that name and acronym finding never panics and returns
// spans within the text's words.
func FuzzNames(f *testing.F) {
	for _, s := range []string{
		"The Minister of Health and the Minister of Industry (MOI) met the Office of the Privacy Commissioner (OPC).",
		"l’Agence nationale de la sécurité des systèmes d’information (ANSSI)",
		"(A) (BB) ( CC ) X (DD)", "Court of Queen’s Bench -- Health Canada\n\nAnd", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		toks := tokenize(text)
		for _, s := range englishNames(toks) {
			if s.i < 0 || s.j > len(toks) || s.i >= s.j {
				t.Fatalf("span %v of %d words", s, len(toks))
			}
			_ = spanText(text, toks, s)
		}
		for _, a := range acronyms(text, toks) {
			if a.i < 0 || a.j > len(toks) || a.i >= a.j || a.k < a.j || a.k >= len(toks) {
				t.Fatalf("acronym %v of %d words", a, len(toks))
			}
		}
		_ = snippet(text, "Health", 20)
		_ = yamlString(text)
	})
}
