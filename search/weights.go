package search

// Every weight of the ranking, in one place: the scores of bleve's BM25 on
// each field are multiplied by these. Change them only with `vigie eval`
// before and after (docs/relevance.md).

// Field weights: a match in a heading or title says more about a passage
// than one in its body.
const (
	boostText    = 1.0
	boostHeading = 2.0
	boostTitle   = 1.5
	// boostHeadingPhrase weighs the query's words in a row in a section
	// heading (headingPhrase), over their matches one by one: known-item
	// MRR@10 0.859 → 0.870 in the same language, 0.754 → 0.763 across.
	// At 2 the twins gain a little more (0.765) but the seeds'
	// accent-free queries lose (nDCG 0.861 → 0.848): headings that hold
	// the phrase among other words climb over the judged passages
	// (docs/relevance.md).
	boostHeadingPhrase = 1.0
	// boostTitleNamed weighs the first passage of a document whose title
	// the query is, word for word (titles.go), over the query's own
	// matches: "Privacy Act" finds the Privacy Act before the sections of
	// other Acts headed "Privacy Act". Act titles over all of laws-canada
	// find their Act first 99.5% of the time from 2 to 100 (96.3% at 1,
	// 83.0% without); a sample of 80 Acts needs 3 (docs/relevance.md).
	boostTitleNamed = 6.0
)

// Expansion weights: what the query did not say in so many words weighs
// less than what it did.
const (
	// boostEntity weighs a match through the gazetteer (another form or
	// language of the name typed) below a match of the words themselves.
	boostEntity = 0.6
	// boostTranslate weighs a match through the lexicon (the query's words
	// in the other language) below a match of the words typed; each
	// translation's own weight (its confidence in the lexicon) multiplies
	// it.
	boostTranslate = 0.2
	// boostTranslateWords multiplies boostTranslate for the words of a
	// multi-word translation matched apart, below the translation matched
	// as a phrase.
	boostTranslateWords = 0.5
	// boostVariant weighs a spelling variant ("organisation" for
	// "organization") just below the word typed.
	boostVariant = 0.9
	// boostFuzzy weighs a close word below the rare word typed.
	boostFuzzy = 0.4
	// boostPerEdit is what each edit costs a close word standing in for a
	// word the index lacks: one edit weighs 0.8, two 0.6.
	boostPerEdit = 0.2
)

// Long queries: when fewer than softBelow passages hold every word of a
// query of at least minShouldFrom groups, and none of them is a section
// or document whose heading or title holds the query (namesHeading: a
// heading looked up), it is run again needing all but one in every
// minShouldEvery of its words (stop words left out; when it has enough
// of them), the passages holding more of them first; when that finds
// fewer than relaxBelow, with any word (relaxed). A question's words
// often meet by chance in a passage or two that do not answer it
// ("qui a le droit de voter aux élections fédérales"): topical fr Act
// MRR 0.833 → 0.917 at 5 rather than 1, for 2–3% more CPU on the heading
// mix (26 headings in 2,000 retried, those the heading test cannot see:
// part headings). Without the heading test, softBelow 5 cost 30%
// (docs/relevance.md).
const (
	softBelow      = 5
	relaxBelow     = 3
	minShouldFrom  = 5
	minShouldEvery = 8
)

// Fusion of the lexicon route and the twin route (twinroute.go): each
// route's scores are divided by its best, then weighed by these. The
// lexicon translates a short query well when it knows every word (a
// heading, a term: "password policy"), a natural-language question or a
// word it does not know poorly: from fuseLongFrom words on, or with a
// word left untranslated, the twin route weighs fuseTwinLong. Known items
// across languages (headings, restricted to the other language) 0.762 →
// 0.794 with the untranslated rule; fuseTwin above 0.5 for every short
// query would reach 0.826 but costs the seeds' English→French queries
// (nDCG 0.920 → 0.829 at 1), whose words the lexicon does translate
// (docs/relevance.md).
//
// When the twin route's best passage is in a section (or document) whose
// heading (title) holds the query, the query names that section and its
// twin is the answer: the twin route then weighs fuseTwinNamed. Known
// items across languages 0.794 → 0.838 (0.826 at 2, 0.838 from 4 to 10),
// the seeds' French→English queries nDCG 0.891 → 0.908, the rest equal.
const (
	fuseLexicon   = 1.0
	fuseTwin      = 0.5
	fuseTwinLong  = 2.0
	fuseTwinNamed = 5.0
	fuseLongFrom  = 4
)
