package main

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
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

// searchOptions wires the searcher with the gazetteer: facet labels,
// filter values by name, entity expansion of queries.
func searchOptions() search.Options {
	return search.Options{Gazetteer: entity.Default()}
}

// openSearcher opens the live generation of data for the commands that
// search from the terminal.
func openSearcher(data string) (*search.Searcher, error) {
	gen, err := indexer.Open(data)
	if errors.Is(err, indexer.ErrNoIndex) {
		return nil, fmt.Errorf("no index in %s: run \"vigie index\" first", data)
	}
	if err != nil {
		return nil, err
	}
	return search.New(gen, searchOptions()), nil
}
