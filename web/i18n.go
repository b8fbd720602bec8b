package web

import (
	"fmt"
	"net/http"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The interface languages, in the order the matcher prefers them.
var (
	uiTags    = []language.Tag{language.English, language.French}
	uiMatcher = language.NewMatcher(uiTags)
)

// pickUI returns the interface language of a request: the ui parameter
// when it names one we have, else the best match for Accept-Language.
// explicit says whether the ui parameter chose it (links then keep it).
func pickUI(r *http.Request) (ui string, explicit bool) {
	switch v := r.URL.Query().Get("ui"); v {
	case "en", "fr":
		return v, true
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "en", false
	}
	_, i, _ := uiMatcher.Match(tags...)
	if base, _ := uiTags[i].Base(); base.String() == "fr" {
		return "fr", false
	}
	return "en", false
}

// catalogue holds every label of the interface, by language then key.
// A key missing in French falls back to English; a key missing in both
// shows the key itself, which the tests catch.
var catalogue = map[string]map[string]string{
	"en": {
		"site.tagline":         "Search what governments and international bodies said, in English and French",
		"skip":                 "Skip to results",
		"search.label":         "Search policy texts",
		"search.placeholder":   "e.g. cyber attacks, cybersécurité, \"Cyber Defence Pledge\"",
		"search.button":        "Search",
		"search.hint":          "Press / to search; j and k move between results.",
		"ui.switch":            "Français",
		"ui.switch.label":      "Afficher en français",
		"ui.nav":               "Interface language",
		"filters":              "Filters",
		"filters.apply":        "Apply filters",
		"filters.selected":     "Selected filters",
		"filters.clear":        "Clear all filters",
		"filters.remove":       "Remove filter %s: %s",
		"filters.more":         "More",
		"results":              "Results",
		"results.count.one":    "1 passage",
		"results.count":        "%d passages",
		"results.took":         "in %.1f ms",
		"results.page":         "page %d of %d",
		"results.relaxed":      "No passage has all your words: showing passages with some of them.",
		"results.fuzzy":        "No exact match: these results use approximate spelling (fuzzy matching).",
		"results.didyoumean":   "Did you mean",
		"results.none":         "No passage matches “%s”.",
		"results.none.filters": "No passage matches these filters.",
		"results.none.tips":    "Check the spelling, use fewer words, remove a filter, or try the other language.",
		"results.try":          "Try one of these searches:",
		"results.pastend":      "There are only %d pages of results.",
		"results.last":         "Go to the last page",
		"hit.open":             "Read in context",
		"hit.twin":             "In the other language",
		"hit.more":             "+ %d more passages here",
		"hit.date":             "Updated",
		"hit.rank":             "Result %d",
		"pager":                "Pages",
		"pager.prev":           "Previous",
		"pager.next":           "Next",
		"pager.page":           "Page %d",
		"landing.title":        "Search policy texts in English and French",
		"landing.intro":        "Type words in either language: Vigie finds the passages that use them, whatever the accents or word forms, and marks the matches.",
		"landing.examples":     "Examples",
		"landing.syntax":       "Search syntax",
		"syntax.phrase":        "the exact phrase",
		"syntax.or":            "either word",
		"syntax.not":           "without the word",
		"syntax.prefix":        "words starting with",
		"syntax.filter":        "only French passages",
		"landing.documents":    "Documents",
		"landing.all":          "All %d documents",
		"documents.title":      "Documents",
		"doc.meta":             "About this document",
		"doc.lang":             "Language",
		"doc.published":        "Published",
		"doc.updated":          "Updated",
		"doc.source":           "Source",
		"doc.licence":          "Licence",
		"doc.actors":           "Actors",
		"doc.forums":           "Forums",
		"doc.years":            "Years mentioned",
		"doc.passages":         "%d passages",
		"doc.back":             "Back to results",
		"doc.contents":         "Text",
		"doc.permalink":        "Link to this passage",
		"error.title":          "Something went wrong",
		"error.body":           "Something went wrong on our side. Please try again.",
		"error.input":          "This search cannot be run:",
		"error.notfound":       "Page not found",
		"error.notfound.doc":   "There is no document with this address. It may have been removed when the index was rebuilt.",
		"error.unavailable":    "Vigie is getting ready",
		"error.building":       "The search index is being built. This page will reload by itself in a few seconds.",
		"error.slow":           "The search took too long. Try fewer or more specific words.",
		"error.busy":           "The server is answering many searches at once; this page will try again in a moment.",
		"error.home":           "Go to the search page",
		"footer":               "Vigie: bilingual search of public-policy texts.",
		"footer.api":           "JSON API",
		"changes.title":        "What’s new",
		"changes.intro":        "Passages added, changed or removed when the texts were last re-read, newest first. Narrow them with words and filters, and follow them in a feed reader.",
		"changes.q":            "Words",
		"changes.since":        "Since",
		"changes.kind":         "Change",
		"changes.kind.all":     "All changes",
		"changes.lang.all":     "Both languages",
		"changes.show":         "Show changes",
		"changes.follow":       "Follow these changes (Atom feed)",
		"changes.count":        "%d changes",
		"changes.count.one":    "1 change",
		"changes.truncated":    "Many changes since this date: only the newest 5,000 were searched. Pick a later date.",
		"change.added":         "Added",
		"change.changed":       "Changed",
		"change.removed":       "Removed",
		"version.baseline":     "First seen",
		"version.added":        "Added",
		"version.changed":      "Changed",
		"version.removed":      "Removed",
		"version.counts":       "%d passages added, %d changed, %d removed",
		"history.title":        "History",
		"history.doc":          "Back to the document",
		"history.none":         "No change recorded for this document.",
		"doc.history":          "History of changes",
		"results.follow":       "Follow this search (Atom feed)",
		"nav.changes":          "What’s new",
		"date.legend":          "Date",
		"sort.label":           "Order",
		"sort.relevance":       "Most relevant first",
		"sort.date":            "Newest first",
		"date.from":            "Updated from",
		"date.to":              "Updated until",
	},
	"fr": {
		"site.tagline":         "Cherchez ce qu’ont dit gouvernements et organisations internationales, en français et en anglais",
		"skip":                 "Aller aux résultats",
		"search.label":         "Rechercher dans les textes",
		"search.placeholder":   "ex. cybersécurité, OTAN, \"sécurité du numérique\"",
		"search.button":        "Rechercher",
		"search.hint":          "Touche / pour chercher ; j et k pour passer d’un résultat à l’autre.",
		"ui.switch":            "English",
		"ui.switch.label":      "Show in English",
		"ui.nav":               "Langue de l’interface",
		"filters":              "Filtres",
		"filters.apply":        "Appliquer les filtres",
		"filters.selected":     "Filtres choisis",
		"filters.clear":        "Retirer tous les filtres",
		"filters.remove":       "Retirer le filtre %s : %s",
		"filters.more":         "Plus",
		"results":              "Résultats",
		"results.count.one":    "1 passage",
		"results.count":        "%d passages",
		"results.took":         "en %.1f ms",
		"results.page":         "page %d sur %d",
		"results.relaxed":      "Aucun passage ne contient tous vos mots : voici les passages qui en contiennent une partie.",
		"results.fuzzy":        "Aucune correspondance exacte : ces résultats tolèrent des fautes de frappe (recherche approchée).",
		"results.didyoumean":   "Vouliez-vous dire",
		"results.none":         "Aucun passage ne correspond à « %s ».",
		"results.none.filters": "Aucun passage ne correspond à ces filtres.",
		"results.none.tips":    "Vérifiez l’orthographe, utilisez moins de mots, retirez un filtre ou essayez l’autre langue.",
		"results.try":          "Essayez l’une de ces recherches :",
		"results.pastend":      "Il n’y a que %d pages de résultats.",
		"results.last":         "Aller à la dernière page",
		"hit.open":             "Lire dans le document",
		"hit.twin":             "Dans l’autre langue",
		"hit.more":             "+ %d autres passages ici",
		"hit.date":             "Mis à jour",
		"hit.rank":             "Résultat %d",
		"pager":                "Pages",
		"pager.prev":           "Précédente",
		"pager.next":           "Suivante",
		"pager.page":           "Page %d",
		"landing.title":        "Cherchez dans les textes publics, en français et en anglais",
		"landing.intro":        "Tapez des mots dans l’une ou l’autre langue : Vigie trouve les passages qui les emploient, quels que soient les accents ou les formes des mots, et les surligne.",
		"landing.examples":     "Exemples",
		"landing.syntax":       "Syntaxe de recherche",
		"syntax.phrase":        "l’expression exacte",
		"syntax.or":            "l’un ou l’autre mot",
		"syntax.not":           "sans le mot",
		"syntax.prefix":        "les mots commençant par",
		"syntax.filter":        "seulement les passages en français",
		"landing.documents":    "Documents",
		"landing.all":          "Les %d documents",
		"documents.title":      "Documents",
		"doc.meta":             "À propos de ce document",
		"doc.lang":             "Langue",
		"doc.published":        "Publié le",
		"doc.updated":          "Mis à jour le",
		"doc.source":           "Source",
		"doc.licence":          "Licence",
		"doc.actors":           "Acteurs",
		"doc.forums":           "Enceintes",
		"doc.years":            "Années citées",
		"doc.passages":         "%d passages",
		"doc.back":             "Retour aux résultats",
		"doc.contents":         "Texte",
		"doc.permalink":        "Lien vers ce passage",
		"error.title":          "Un problème est survenu",
		"error.body":           "Un problème est survenu de notre côté. Veuillez réessayer.",
		"error.input":          "Cette recherche ne peut pas être lancée :",
		"error.notfound":       "Page introuvable",
		"error.notfound.doc":   "Aucun document ne se trouve à cette adresse. Il a peut-être été retiré lors de la reconstruction de l’index.",
		"error.unavailable":    "Vigie se prépare",
		"error.building":       "L’index de recherche est en cours de construction. Cette page se rechargera d’elle-même dans quelques secondes.",
		"error.slow":           "La recherche a pris trop de temps. Essayez des mots moins nombreux ou plus précis.",
		"error.busy":           "Le serveur répond à de nombreuses recherches à la fois ; cette page réessaiera dans un instant.",
		"error.home":           "Aller à la page de recherche",
		"footer":               "Vigie : recherche bilingue dans les textes de politique publique.",
		"footer.api":           "API JSON",
		"changes.title":        "Quoi de neuf",
		"changes.intro":        "Les passages ajoutés, modifiés ou retirés lors des dernières relectures des textes, du plus récent au plus ancien. Affinez avec des mots et des filtres, et suivez-les dans un lecteur de flux.",
		"changes.q":            "Mots",
		"changes.since":        "Depuis le",
		"changes.kind":         "Modification",
		"changes.kind.all":     "Toutes",
		"changes.lang.all":     "Les deux langues",
		"changes.show":         "Afficher",
		"changes.follow":       "Suivre ces modifications (flux Atom)",
		"changes.count":        "%d modifications",
		"changes.count.one":    "1 modification",
		"changes.truncated":    "Beaucoup de modifications depuis cette date : seules les 5 000 plus récentes ont été examinées. Choisissez une date plus proche.",
		"change.added":         "Ajouté",
		"change.changed":       "Modifié",
		"change.removed":       "Retiré",
		"version.baseline":     "Première lecture",
		"version.added":        "Ajouté",
		"version.changed":      "Modifié",
		"version.removed":      "Retiré",
		"version.counts":       "%d passages ajoutés, %d modifiés, %d retirés",
		"history.title":        "Historique",
		"history.doc":          "Retour au document",
		"history.none":         "Aucune modification enregistrée pour ce document.",
		"doc.history":          "Historique des modifications",
		"results.follow":       "Suivre cette recherche (flux Atom)",
		"nav.changes":          "Quoi de neuf",
		"date.legend":          "Date",
		"sort.label":           "Ordre",
		"sort.relevance":       "Les plus pertinents d’abord",
		"sort.date":            "Les plus récents d’abord",
		"date.from":            "Mis à jour depuis le",
		"date.to":              "Mis à jour jusqu’au",
	},
}

// tr translates key into ui, formatting args with the language's number
// conventions ("3,1 ms" in French).
func tr(ui, key string, args ...any) string {
	s, ok := catalogue[ui][key]
	if !ok {
		if s, ok = catalogue["en"][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return printer(ui).Sprintf(s, args...)
}

var printers = map[string]*message.Printer{
	"en": message.NewPrinter(language.English),
	"fr": message.NewPrinter(language.French),
}

func printer(ui string) *message.Printer {
	if p, ok := printers[ui]; ok {
		return p
	}
	return printers["en"]
}

var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
}

// formatDate writes an ISO date (YYYY-MM-DD) the way a reader of ui
// expects it: "28 May 2025", "28 mai 2025". Anything else is returned as
// it is.
func formatDate(ui, iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	m, ok := months[ui]
	if !ok {
		m = months["en"]
	}
	day := fmt.Sprint(t.Day())
	if ui == "fr" && t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, m[t.Month()-1], t.Year())
}
