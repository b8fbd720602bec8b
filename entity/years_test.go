package entity

import (
	"fmt"
	"slices"
	"testing"
)

func TestYears(t *testing.T) {
	tests := []struct {
		text string
		want []int
	}{
		// Years.
		{"Established in 2009, the agency", []int{2009}},
		{"en 2013, l’applicabilité du droit international", []int{2013}},
		{"the White Paper (2013) and the Strategy (2015).", []int{2013, 2015}},
		{"in spring 2017.", []int{2017}},
		{"la revue stratégique de février 2018,", []int{2018}},
		{"an event on 18 September 2017 on the sidelines", []int{2017}},
		{"in 2013 and 2016.", []int{2013, 2016}},
		{"du processus de Pall Mall (2024).", []int{2024}},
		{"Publié le 28 Juillet 2022 Mis à jour le 28 Mai 2025", []int{2022, 2025}},
		{"2017 was the year", []int{2017}},
		{"the year was 1900; and 2099", []int{1900, 2099}},
		{"the 2013-2016 plan and 2018–2020", []int{2013, 2016, 2018, 2020}},
		{"fiscal year 2017-18", []int{2017}},
		{"on 2017-09-18", []int{2017}},
		{"on 18.09.2017 or 1/9/2016", []int{2016, 2017}},
		{"le 18-09-2015 ou 09-2014", []int{2014, 2015}},
		{"Regulation (EU) 2016/679 and Regulation 45/2001", []int{2001, 2016}},
		{"mid-2017 and pre-2015", []int{2015, 2017}},
		{"R.S., 1985, c. A-1; S.C. 2019, c. 13", []int{1985, 2019}},
		{"U.S. 2020 elections", []int{2020}},
		{"« 2012 »", []int{2012}},
		{"2013\u00a0and 2014", []int{2013, 2014}},
		{"2030-ready", []int{2030}},
		{"2013 2013 2013", []int{2013}},

		// Not years.
		{"", nil},
		{"section 2013 and subsection 2014 of the Act", nil},
		{"sous-section 2013, art. 2014, p. 2015, n° 2016, No. 2017, § 2018", nil},
		{"ISO 2013, EN 2014, RFC 2015", nil},
		{"ITSP.40.111 and ITSP.2013 and 40.2013", nil},
		{"Order in Council P.C. 1991-1925", []int{1991}},
		{"SC-2013, ITSG-2013, A1-2014", nil},
		{"1234567, 12013, 20130", nil},
		{"SPIN 2017-01, AMOPS 2017-01", nil},
		{"décret n° 2009-834", nil},
		{"2 000 euros, 2000 €, 2000€, $2000, 2000 %, 1999 dollars", nil},
		{"2013 persons, 2013 personnes, 1930 hours, 1930 hrs", nil},
		{"12:2013, 27001:2013, 2013:15", nil},
		{"2013.5 and 2013,50", nil},
		{"2017a, 2013th, 1990s, 2015h, x2013", nil},
		{"1899 and 2100", nil},
		{"Updated: 04.10.17", nil},
		{"500 persons, the 72nd session, the 28 Nations", nil},
		{"IA-7,SC12, SC13, SC28, SC28(1)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := Years(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Years(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func ExampleYears() {
	fmt.Println(Years("Adopted in spring 2017 (see section 2013, SPIN 2017-01) after 2013 and 2016."))
	// Output: [2013 2016 2017]
}
