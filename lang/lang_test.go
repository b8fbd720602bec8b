package lang

import "testing"

func TestDetect(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"english seed sentence", "France is particularly active within the United Nations, where rules on responsible conduct in cyber space are under discussion.", "en"},
		{"french seed sentence", "L’ANSSI s’investit pleinement afin de contribuer à la stabilité du cyberespace, de renforcer ses alliances et partenariats.", "fr"},
		{"french with elisions only", "L’agence d’État qu’il dirige", "fr"},
		{"too short", "NATO", ""},
		{"numbers", "2013 2015 2016", ""},
		{"other language", "Der Bundestag hat das Gesetz beschlossen", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.text); got != tt.want {
				t.Errorf("Detect(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"en": "en", "EN": "en", "en-GB": "en", "fr_CA": "fr", "French": "fr", "français": "fr", "de": "", "": "", "xx-!!": ""} {
		if got := Parse(in); got != want {
			t.Errorf("Parse(%q) = %q, want %q", in, got, want)
		}
	}
}
