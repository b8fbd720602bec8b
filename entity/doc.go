// Package entity finds the actors and forums of cyber-security and digital
// policy, and the years, that an English or French passage refers to.
//
// A [Gazetteer] holds the canonical entities: ANSSI, the ministère des
// Armées, NATO, the UN Group of Governmental Experts, the Canadian Centre for
// Cyber Security... [Default] returns the one embedded in the package
// (gazetteer.yaml). [Gazetteer.Find] returns the mentions of its entities in a
// text, [Gazetteer.Extract] their IDs split into actors and forums, and
// [Years] the years the text refers to. The indexer stores these as facets;
// search uses [Gazetteer.Lookup] and the aliases to expand queries across
// languages.
//
// # Data file
//
// gazetteer.yaml has one key, entities, a list of entities:
//
//	entities:
//	  - id: nato                  # stable: lowercase letters, digits, hyphens
//	    types: [actor, forum]     # actor, forum, or both
//	    label:                    # display name, required in both languages
//	      en: North Atlantic Treaty Organization
//	      fr: Organisation du Traité de l’Atlantique Nord
//	    aliases:                  # every other name form, by language
//	      en: [NATO, Nato, North Atlantic Treaty Organisation, Atlantic Alliance]
//	      fr: [OTAN, Otan, Alliance atlantique]
//	  - id: unga
//	    parent: un                # optional: the entity it belongs to
//	    ...
//
// Labels are matched like aliases. An alias may be listed under both
// languages ("ENISA"). [Load] rejects unknown fields, malformed or duplicate
// ids, unknown types, missing labels, empty aliases, aliases with punctuation
// that no text could match, aliases of two entities that match the same
// text, unknown parents and parent cycles; it reports all problems at once,
// each a [Problem] with its line. [LoadFile] and [Combine] read a user's
// file, [Combine] merging it with the embedded one (an entity with an
// embedded id replaces it) or using it alone; [Gazetteer.Source] is the
// YAML of the result, which the indexer stores with each generation.
//
// # Hierarchy
//
// An entity may have a parent: the UN bodies (un-gge, un-oewg, unga, unsc)
// are children of un. [Gazetteer.Find] and [Gazetteer.Extract] report what
// the text names; [Gazetteer.Annotate], the indexer's extractor, also tags
// each mention's ancestors in the lists of the types they share with it, so
// that a filter on the parent finds its children's passages and the
// parent's facet count includes them.
//
// An actor acts in its own name (an agency, a ministry, a command); a forum
// is a venue where states meet and decide together (the G7, a UN group, the
// Paris Call). An organisation of states that is both a venue and an actor
// with its own institutions has both types: UN, EU, NATO, OSCE, OECD, WTO,
// ITU, Council of Europe, UN Security Council, Council of the EU, European
// Council. Bodies that mainly deliver a service are actors even when states
// own them (ENISA, Europol, Interpol, ESA). docs/gazetteer.md lists the
// entities and explains how to add one.
//
// # Matching rules
//
// Text and aliases are split into words the same way: runs of letters,
// digits and combining marks. Apostrophes and hyphens split words, so that
// "l’OTAN", "d’ENISA", "NATO’s", "the EU’s", "G7's" and "CSE-approved"
// contain the bare name. A mention is a whole-word sequence:
//
//   - Names match ignoring case and accents: words are folded to lowercase,
//     decomposed (NFKD) with combining marks removed, and œ, æ spelled out,
//     so "ministere des armees" matches "ministère des Armées" and
//     "Organisation du traité de l'Atlantique nord" the label of nato.
//   - A word written in capitals in an alias (two or more characters, no
//     lowercase letter: "UN", "EU", "G7", "CERT") matches only as written.
//     So "UN" is not French "un", "EU" is not French "eu", "ESA" is not
//     "esa". Forms such as "Nato" are listed as aliases of their own.
//   - Between the words of a multi-word alias the text may have spaces, one
//     line break, hyphens and apostrophes, plus a comma or full stop only
//     where the alias has one. A name never runs across a sentence end, a
//     bracket, a table cell or a blank line.
//   - Words inside URLs and e-mail addresses are not mentions.
//   - Scanning left to right, the longest alias starting at a word wins and
//     mentions do not overlap. "United Nations General Assembly" is unga
//     only, "UN GGE" and "UN groups of governmental experts" un-gge only,
//     "Charter of the United Nations" un, "Agence de l’Union européenne pour
//     la cybersécurité" enisa only. A mention of a UN body does not count as
//     a mention of the UN: the text must name the UN itself.
//
// The language of the text need not be known: aliases of both languages are
// tried everywhere, which is safe because acronyms are case-sensitive and
// the folded names of one language are not phrases of the other.
//
// Matching uses an index from the folded first word of each alias to the
// aliases that start with it, longest first; a text is tokenized and folded
// once, and each word costs one map lookup.
//
// Some names are ambiguous outside French and Canadian policy texts, where
// the gazetteer resolves them to the French or Canadian body: "Ministry of
// Defence", "Ministry of the Interior", "National Police", "President of the
// Republic", "Privacy Commissioner", "GC", "Group of Governmental Experts"
// (there are GGEs on other topics). Names that both countries use in their
// texts are left out or qualified: the bare "Chief of the Defence Staff" is
// not an alias of the French cema. Text in capitals only ("UN GROUPE DE
// TRAVAIL") can make acronyms match French words.
package entity
