package main

import (
	"log/slog"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/search/lexicon"
)

// buildOptions wires the indexer with the gazetteer's entity and year
// extraction.
func buildOptions(seeds, data string, log *slog.Logger) indexer.Options {
	g := entity.Default()
	return indexer.Options{
		Seeds: seeds, Data: data, Logger: log,
		// A new gazetteer re-tags every document on the next build.
		Fingerprint: "gazetteer:" + g.Fingerprint(),
		Extract:     g.Annotate,
	}
}

// searchOptions wires the searcher with the gazetteer (facet labels,
// filter values by name, entity expansion of queries) and the bilingual
// lexicon (translation of queries into the other language).
func searchOptions() search.Options {
	return search.Options{Gazetteer: entity.Default(), Lexicon: lexicon.Default()}
}
