package indexer

import (
	"strings"
	"testing"
)

func TestCompleteTitle(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"cut at n°", "---\ntitle: \"Loi n\"\nlang: fr\n---\n\n# Loi n\n\n## Titre abrégé\n\n### 1 Titre abrégé\n\nLoi no 1 d’exécution du budget de 2017.\n\n## Partie 1\n\nTexte de la loi.\n",
			"Loi no 1 d’exécution du budget de 2017"},
		{"heading without marginal note", "---\ntitle: \"Loi n\"\nlang: fr\n---\n\n# Loi n\n\n### 1\n\nLoi no 2 d’exécution du budget de 2004.\n",
			"Loi no 2 d’exécution du budget de 2004"},
		// Whole titles stay.
		{"whole title", "# Privacy Act\n\n## 1 Short title\n\nThis Act may be cited as the Privacy Act.\n", "Privacy Act"},
		{"last word long", "# Cyber\n\nCybersecurity is a priority.\n", "Cyber"},
		{"text goes on after a space", "# Plan B\n\nPlan B is the fallback.\n", "Plan B"},
		{"no period", "# Loi n\n\nLoi no 1 sur les choses\n", "Loi n"},
		{"other text", "# Loi n\n\nLa présente loi s’applique.\n", "Loi n"},
		{"too long", "# Loi n\n\nLoi no 1 " + strings.Repeat("très ", 60) + "longue.\n", "Loi n"},
	}
	for _, tt := range tests {
		doc, issues, err := parseDoc("fr/x.md", []byte(tt.doc), nil, "en")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if doc.Title != tt.want {
			t.Errorf("%s: title %q, want %q", tt.name, doc.Title, tt.want)
		}
		// A completed title is said (a metadata warning), a whole one not.
		said := false
		for _, is := range issues {
			said = said || (is.kind == KindMetadata && strings.Contains(is.msg, "cut short"))
		}
		if completed := !strings.HasPrefix(tt.doc, "# "+tt.want); said != completed {
			t.Errorf("%s: warned %v, want %v (%v)", tt.name, said, completed, issues)
		}
	}
}
