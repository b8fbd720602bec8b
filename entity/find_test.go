package entity

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// mentions renders Find's result as "id=text as written" strings.
func mentions(g *Gazetteer, text string) []string {
	var out []string
	for _, m := range g.Find(text) {
		out = append(out, m.ID+"="+text[m.Start:m.End])
	}
	return out
}

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		// Sentences from the English seed.
		{"name and acronym", "Within the North Atlantic Treaty Organization (NATO), where France",
			[]string{"nato=North Atlantic Treaty Organization", "nato=NATO"}},
		{"agency", "the French Network and Information Security Agency (ANSSI) is the national cyber security authority",
			[]string{"anssi=French Network and Information Security Agency", "anssi=ANSSI"}},
		{"acronym before space and paren", "a cyber defence command unit (COMCYBER ) reporting to Chief of the Defence Staff",
			[]string{"comcyber=cyber defence command unit", "comcyber=COMCYBER"}}, // Canada has a Chief of the Defence Staff too
		{"qualified chief", "the French Chief of the Defence Staff (CEMA)", []string{"cema=French Chief of the Defence Staff", "cema=CEMA"}},
		{"coordinated names", "the Director-Generals of the National Police, National Gendarmerie and Internal Security",
			[]string{"national-police=National Police", "gendarmerie=National Gendarmerie"}},
		{"possessive typographic", "champions the EU’s digital strategic autonomy", []string{"eu=EU"}},
		{"possessive ascii", "NATO's cyber defence pledge and the G7's declaration", []string{"nato=NATO", "g7=G7"}},
		{"EU body before EU", "the proposal of the European Commission to strengthen the European Network and Information Security Agency (ENISA)",
			[]string{"european-commission=European Commission", "enisa=European Network and Information Security Agency", "enisa=ENISA"}},
		{"president and darpa", "the call made by the President of the French Republic to create a European version of DARPA",
			[]string{"president-fr=President of the French Republic", "darpa=DARPA"}},
		{"UN GGE is not UN", "France participated in five UN groups of governmental experts (GGE) on cyber security.",
			[]string{"un-gge=UN groups of governmental experts", "un-gge=GGE"}},
		{"UN GGE acronym", "the UN GGE report", []string{"un-gge=UN GGE"}},
		{"UNGA is not UN", "the 72nd session of the United Nations General Assembly (UNGA).",
			[]string{"unga=United Nations General Assembly", "unga=UNGA"}},
		{"charter", "based on the Charter of the United Nations", []string{"un=United Nations"}},
		{"OSCE name", "At the Organization for Security and Cooperation in Europe (OSCE), which",
			[]string{"osce=Organization for Security and Cooperation in Europe", "osce=OSCE"}},
		{"ministry", "The Ministry for Europe and Foreign Affairs coordinates", []string{"meae=Ministry for Europe and Foreign Affairs"}},

		// Sentences from the French seed.
		{"french list", "Union européenne (UE), Organisation des Nations unies (ONU), G7, G20, Organisation de coopération et de développement économiques (OCDE)",
			[]string{"eu=Union européenne", "eu=UE", "un=Organisation des Nations unies", "un=ONU", "g7=G7", "g20=G20",
				"oecd=Organisation de coopération et de développement économiques", "oecd=OCDE"}},
		{"elision", "Organisation du Traité de l’Atlantique Nord (OTAN), de l’Organisation mondiale du commerce (OMC)",
			[]string{"nato=Organisation du Traité de l’Atlantique Nord", "nato=OTAN", "wto=Organisation mondiale du commerce", "wto=OMC"}},
		{"elided acronyms", "le rôle de l’OTAN, de l’ONU et d’ENISA, qu’ANSSI", []string{"nato=OTAN", "un=ONU", "enisa=ENISA", "anssi=ANSSI"}},
		{"elision ascii apostrophes", "de l'Organisation du Traité de l'Atlantique Nord", []string{"nato=Organisation du Traité de l'Atlantique Nord"}},
		{"comma in name", "ministère des Armées, ministère de l’Economie, des Finances et de la Souveraineté industrielle et numérique…",
			[]string{"min-armed-forces=ministère des Armées",
				"min-economy=ministère de l’Economie, des Finances et de la Souveraineté industrielle et numérique"}},
		{"secretariats", "Secrétariat général aux Affaires européennes, Secrétariat général de la Défense et de la Sécurité nationale",
			[]string{"sgae=Secrétariat général aux Affaires européennes", "sgdsn=Secrétariat général de la Défense et de la Sécurité nationale"}},
		{"ministry and acronym", "le ministère de l’Europe et des Affaires étrangères (MEAE) et le ministère des Armées",
			[]string{"meae=ministère de l’Europe et des Affaires étrangères", "meae=MEAE", "min-armed-forces=ministère des Armées"}},
		{"space agency", "de l’Union européenne, de l’Organisation du Traité de l’Atlantique Nord et de l’Agence spatiale européenne.",
			[]string{"eu=Union européenne", "nato=Organisation du Traité de l’Atlantique Nord", "esa=Agence spatiale européenne"}},
		{"paris call and pall mall", "dans le cadre de l’Appel de Paris pour la confiance et la sécurité dans le cyberespace (2018) et du processus de Pall Mall (2024).",
			[]string{"paris-call=Appel de Paris pour la confiance et la sécurité dans le cyberespace", "pall-mall-process=processus de Pall Mall"}},

		// Accents, case and ligatures.
		{"no accents", "le ministere des armees et le ministere de l'interieur", []string{"min-armed-forces=ministere des armees", "min-interior=ministere de l'interieur"}},
		{"capitals", "MINISTÈRE DES ARMÉES", []string{"min-armed-forces=MINISTÈRE DES ARMÉES"}},
		{"decomposed accents", "ministe\u0300re des Arme\u0301es", []string{"min-armed-forces=ministe\u0300re des Arme\u0301es"}},
		{"lowercase name", "l’organisation du traite de l’atlantique nord", []string{"nato=organisation du traite de l’atlantique nord"}},
		{"old name", "le ministère de la Défense", []string{"min-armed-forces=ministère de la Défense"}},
		{"no-break space", "Union\u00a0européenne", []string{"eu=Union\u00a0européenne"}},

		// No false hits.
		{"french un eu des", "Il a eu un rôle dans des négociations; un groupe de travail, une union européenne?", []string{"eu=union européenne"}},
		{"french un before name", "dans le un but de faciliter", nil},
		{"l'un", "La France a été l'un des premiers pays européens", nil},
		{"lowercase acronyms", "osce, nato, esa, ssc and cse", []string{"nato=nato"}}, // "Nato" is an alias in its own right
		{"inside words", "OSCEX, XOSCE, UNGAX, G77, ANSSIs", nil},
		{"hyphenated acronym", "OSCE-led and CSE-approved", []string{"osce=OSCE", "cse=CSE"}},
		{"acronym in identifier", "GC_MFA_Strategy and ITSG-33", nil},
		{"sentence break", "the United. Nations", nil},
		{"paragraph break", "the European\n\nUnion", nil},
		{"line break", "the European\nUnion", []string{"eu=European\nUnion"}},
		{"comma only where the alias has one", "le ministère de l’Économie. Des Finances", []string{"min-economy=ministère de l’Économie"}},
		{"table cell", "| European | Union |", nil},

		// Longest match.
		{"CERT-EU is not EU", "CERT-EU and CERT-UE", []string{"cert-eu=CERT-EU", "cert-eu=CERT-UE"}},
		{"agency of the union", "l’Agence de l’Union européenne pour la cybersécurité", []string{"enisa=Agence de l’Union européenne pour la cybersécurité"}},
		{"three councils", "the Council of Europe, the European Council and the Council of the EU",
			[]string{"coe=Council of Europe", "european-council=European Council", "council-eu=Council of the EU"}},
		{"US command", "le Commandement cyber des États-Unis et le commandement de la cyberdéfense",
			[]string{"uscybercom=Commandement cyber des États-Unis", "comcyber=commandement de la cyberdéfense"}},
		{"full stop in alias", "U.S. Cyber Command", []string{"uscybercom=U.S. Cyber Command"}},
		{"french GGE", "un groupe d’experts gouvernementaux", []string{"un-gge=groupe d’experts gouvernementaux"}},
		{"G-7", "the G-7 and the G-20", []string{"g7=G-7", "g20=G-20"}},
		{"Canadian defence", "le ministère de la Défense nationale et les Forces canadiennes; le ministère de la Défense",
			[]string{"dnd=ministère de la Défense nationale", "caf=Forces canadiennes", "min-armed-forces=ministère de la Défense"}},
		{"Canadian foreign affairs", "ministère des Affaires étrangères et du Commerce international; ministère des Affaires étrangères",
			[]string{"gac=ministère des Affaires étrangères et du Commerce international", "meae=ministère des Affaires étrangères"}},

		// Canadian bodies, from the guardrails.
		{"CSE", "approved by Communications Security Establishment Canada (CSE) in accordance",
			[]string{"cse=Communications Security Establishment Canada", "cse=CSE"}},
		{"CST", "approuvés par le Centre de la sécurité des télécommunications Canada (CST) conformément",
			[]string{"cse=Centre de la sécurité des télécommunications Canada", "cse=CST"}},
		{"cyber centre", "the Cyber Centre’s top 10 IT security actions; du CCC", []string{"cccs=Cyber Centre", "cccs=CCC"}},
		{"TBS", "in the Treasury Board of Canada Secretariat Application Portfolio Management (APM) tool",
			[]string{"tbs=Treasury Board of Canada Secretariat"}},
		{"SCT", "du Secrétariat du Conseil du Trésor du Canada", []string{"tbs=Secrétariat du Conseil du Trésor du Canada"}},
		{"SSC", "to SSC’s Cloud Broker; de SPC.", []string{"ssc=SSC", "ssc=SPC"}},
		{"GC", "devices managed by the GC and the Government of Canada; du gouvernement du Canada",
			[]string{"gc=GC", "gc=Government of Canada", "gc=gouvernement du Canada"}},

		// URLs and e-mail addresses.
		{"URL", "[Notice](https://www.canada.ca/en/treasury-board-secretariat/services/spin.html) (SPIN)", nil},
		{"bare www", "see www.nato.int or NATO", []string{"nato=NATO"}},
		{"e-mail", "contacting CDOServiceDeployments@cyber.gc.ca or the GC", []string{"gc=GC"}},
		{"handle is not e-mail", "follow @NATO", []string{"nato=NATO"}},
	}
	g := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mentions(g, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Find(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestFindOffsets(t *testing.T) {
	text := "À l’heure où l’OTAN et l’ONU…"
	ms := Default().Find(text)
	want := []Mention{{"nato", strings.Index(text, "OTAN"), strings.Index(text, "OTAN") + 4},
		{"un", strings.Index(text, "ONU"), strings.Index(text, "ONU") + 3}}
	if !slices.Equal(ms, want) {
		t.Errorf("Find(%q) = %v, want %v", text, ms, want)
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		text           string
		actors, forums []string
	}{
		{"", nil, nil},
		{"Il a eu un rôle.", nil, nil},
		{"NATO, the G7 and ANSSI; NATO again", []string{"anssi", "nato"}, []string{"g7", "nato"}},
		{"the UN GGE and the United Nations General Assembly", nil, []string{"un-gge", "unga"}},
		{"l’ANSSI, le MEAE et le ministère des Armées", []string{"anssi", "meae", "min-armed-forces"}, nil},
		{"Appel de Paris, Paris Call", nil, []string{"paris-call"}},
	}
	g := Default()
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			a, f := g.Extract(tt.text)
			if !slices.Equal(a, tt.actors) || !slices.Equal(f, tt.forums) {
				t.Errorf("Extract(%q) = %q, %q; want %q, %q", tt.text, a, f, tt.actors, tt.forums)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"nato", "nato"},
		{"min-armed-forces", "min-armed-forces"},
		{"otan", "nato"},
		{"OTAN", "nato"},
		{"Organisation du traité de l'Atlantique nord", "nato"},
		{"ministere des armees", "min-armed-forces"},
		{"  Ministry of Defence ", "min-armed-forces"},
		{"cst", "cse"},
		{"un gge", "un-gge"},
		{"cyber", ""},
		{"", ""},
	}
	g := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := g.Lookup(tt.name)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Lookup(%q) = %q, %v; want %q", tt.name, got, ok, tt.want)
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ministère des Armées", "ministere des armees"},
		{"Œuvre, cœur, Ærø", "oeuvre, coeur, aero"},
		{"ÉTATS-UNIS", "etats-unis"},
		{"ﬁnances", "finances"},
		{"Straße", "strasse"},
		{"e\u0301te\u0301", "ete"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func ExampleGazetteer_Extract() {
	actors, forums := Default().Extract("L’ANSSI suit les travaux du G7 et de l’OTAN ; il a eu un rôle.")
	fmt.Println(actors, forums)
	// Output: [anssi nato] [g7 nato]
}

func ExampleGazetteer_Find() {
	text := "France participated in five UN groups of governmental experts (GGE)."
	for _, m := range Default().Find(text) {
		fmt.Printf("%s %q\n", m.ID, text[m.Start:m.End])
	}
	// Output:
	// un-gge "UN groups of governmental experts"
	// un-gge "GGE"
}
