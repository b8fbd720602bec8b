// Package discover proposes gazetteer entries from a corpus: the actors a
// collection of policy texts names, with their names in both languages, for
// a person to review before indexing with them (vigie entities discover).
//
// It reads the corpus folder with the indexer's readers (no index is
// needed), splits documents into passages, and finds two kinds of names:
//
//   - Acronyms defined in the text: "Office of the Privacy Commissioner
//     (OPC)", "Agence nationale de la sécurité des systèmes d’information
//     (ANSSI)". The expansion is the shortest run of words before the
//     bracket that starts with a content word whose first letter is the
//     acronym's and that holds the acronym's letters in order (after
//     Schwartz and Hearst, 2003, with function words barred from starting
//     it, so "of the Privacy Commissioner" is not the expansion of OPC).
//   - Recurring institution names in English: runs of capitalised words
//     joined by "of", "the", "for", "and", "on", "in" that hold an
//     institution word (Minister, Department, Agency, Office, Commission,
//     Commissioner, Board, Tribunal, Council, Court, Service, Centre…) or
//     end in "Canada" ("Health Canada"). Runs naming a law ("… Act",
//     "Regulations", "Schedule") are left out; "Minister of Health and the
//     Minister of Industry" is cut in two.
//
// Each English name is paired with its French form through twin passages
// (the en/ and fr/ versions of a document, aligned as the index aligns
// them, indexer.PairDocuments and indexer.AlignPassages): among the word
// spans of the French twins that start with a capital or an institution
// word ("ministre", "commissaire"…) and end on a content word, the one
// whose occurrences best follow the English name's (Dice coefficient over
// passages) wins, the longest among near-ties so that "Agence de la santé
// publique du Canada" beats "Agence de la santé". French acronyms defined
// in French text join the entity whose French form they expand. A name the
// twins do not pair is looked up whole in the bilingual lexicon
// (Options.Lexicon).
//
// Candidates are ranked by the number of passages that name them;
// those below MinCount are dropped, and names the embedded gazetteer
// already knows are listed apart (merge mode tags them already). Write
// prints the result as gazetteer YAML with the evidence (counts, the
// pairing's strength, example passages) as comments. The output always
// loads: names that would clash with another entity's are dropped.
package discover
