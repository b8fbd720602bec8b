package main

import (
	"log/slog"

	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
)

// buildOptions wires the indexer with the entity extractor.
func buildOptions(seeds, data string, log *slog.Logger) indexer.Options {
	return indexer.Options{Seeds: seeds, Data: data, Logger: log}
}

// searchOptions wires the searcher with entity labels.
func searchOptions() search.Options {
	return search.Options{}
}
