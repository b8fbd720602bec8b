package main

import (
	"fmt"
	"log/slog"

	"github.com/vigie/vigie/entity"
	"github.com/vigie/vigie/indexer"
	"github.com/vigie/vigie/search"
	"github.com/vigie/vigie/search/lexicon"
)

// buildOptions wires the indexer with the embedded gazetteer's entity and
// year extraction (see buildOptionsWith).
func buildOptions(seeds, data string, log *slog.Logger) indexer.Options {
	return buildOptionsWith(seeds, data, log, nil)
}

// buildOptionsWith wires the indexer with gazetteer g's entity and year
// extraction; g nil means the embedded gazetteer. The gazetteer's source
// is stored with the generation, so that search uses the one the passages
// were tagged with.
func buildOptionsWith(seeds, data string, log *slog.Logger, g *entity.Gazetteer) indexer.Options {
	if g == nil {
		g = entity.Default()
	}
	return indexer.Options{
		Seeds: seeds, Data: data, Logger: log,
		// A new gazetteer re-tags every document on the next build.
		Fingerprint: "gazetteer:" + g.Fingerprint(),
		Extract:     g.Annotate,
		Gazetteer:   g.Source(),
	}
}

// loadGazetteer returns the gazetteer a build uses: the embedded one when
// file is empty, else file merged with it or replacing it (mode "merge" or
// "replace"). A bad file is an error naming its lines: no build starts.
func loadGazetteer(file, mode string) (*entity.Gazetteer, error) {
	m, err := entity.ParseMode(mode)
	if err != nil {
		return nil, err
	}
	if file == "" {
		return entity.Default(), nil
	}
	g, err := entity.Combine(file, m)
	if err != nil {
		return nil, fmt.Errorf("gazetteer %s is not valid (check it with \"vigie entities check\"):\n%w", file, err)
	}
	return g, nil
}

// searchOptions wires the searcher with the gazetteer (facet labels,
// filter values by name, entity expansion of queries: the one stored with
// each generation, else the embedded one) and the bilingual lexicon
// (translation of queries into the other language).
func searchOptions() search.Options {
	return search.Options{Gazetteer: entity.Default(), GazetteerFromGeneration: true, Lexicon: lexicon.Default()}
}
