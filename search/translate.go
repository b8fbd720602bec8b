package search

import (
	"sort"
	"strings"

	"github.com/vigie/vigie/lang"
	"github.com/vigie/vigie/search/lexicon"
)

// span is a run of query groups [from, to) that the lexicon translates
// into another language as one term: "international law" → "droit
// international", "data at rest" → "données inactives".
type span struct {
	from, to int
	alts     []lexicon.Translation
}

// translate finds, for each language, the runs of q's groups that the
// lexicon translates into it from the other language. A run is made of
// plain words (no OR, prefix, phrase of several words, or entity: the
// gazetteer already handles names); stop words of the source language
// inside a run are carried along ("data at rest"). The longest run wins,
// left to right.
func translate(q Query, lex *lexicon.Lexicon) map[string][]span {
	if lex == nil || lex.MaxWords() == 0 {
		return nil
	}
	out := map[string][]span{}
	for _, src := range lang.Languages {
		dst := other(src)
		analyzer := lang.AnalyzerFor(src)
		// Stems of the eligible groups; groups that analyse to nothing (stop
		// words) have none and are skipped over inside a run.
		type tok struct {
			stem  string
			group int
			first bool // first stem of its group
			last  bool // last stem of its group
		}
		var run []tok
		flush := func() {
			for i := 0; i < len(run); {
				if !run[i].first {
					i++
					continue
				}
				matched := false
				for n := min(lex.MaxWords(), len(run)-i); n >= 1; n-- {
					if !run[i+n-1].last {
						continue
					}
					stems := make([]string, n)
					for k := range stems {
						stems[k] = run[i+k].stem
					}
					if alts := lex.Lookup(src, stems); len(alts) > 0 {
						out[dst] = append(out[dst], span{from: run[i].group, to: run[i+n-1].group + 1, alts: alts})
						i += n
						matched = true
						break
					}
				}
				if !matched {
					i++
				}
			}
			run = run[:0]
		}
		for gi, g := range q.Groups {
			if len(g) != 1 || g[0].Prefix || g[0].Entity != "" {
				flush()
				continue
			}
			stems := lang.Terms(analyzer, g[0].Text)
			if g[0].Phrase {
				// A quoted phrase translates only as a whole.
				flush()
				if alts := lex.Lookup(src, stems); len(alts) > 0 {
					out[dst] = append(out[dst], span{from: gi, to: gi + 1, alts: alts})
				}
				continue
			}
			for k, st := range stems {
				run = append(run, tok{stem: st, group: gi, first: k == 0, last: k == len(stems)-1})
			}
		}
		flush()
	}
	for _, sps := range out {
		sort.Slice(sps, func(i, j int) bool { return sps[i].from < sps[j].from })
	}
	return out
}

// keepSource keeps the translations from the query's language src:
// "délégation" read as English has a translation (delegate → délégué), but
// the query is French. When the language is unknown, nothing is
// translated: the query's words are as much French as English
// ("Application", "provincial consultation") and already match both.
func keepSource(src string, spans map[string][]span) map[string][]span {
	if src == "" {
		return nil
	}
	dst := other(src)
	return map[string][]span{dst: spans[dst]}
}

// other returns the other language.
func other(lg string) string {
	if lg == lang.French {
		return lang.English
	}
	return lang.French
}

// isMultiWord reports whether a translation has several words: it is then
// matched as a phrase (and, weighed less, as words anywhere in the
// passage).
func isMultiWord(s string) bool { return len(strings.Fields(s)) > 1 }

// translated reports whether the lexicon translated every group of p's
// query into lg but the source language's stop words (and there is at
// least one).
func (p plan) translated(lg string) bool {
	n := 0
	for i, g := range p.q.Groups {
		if isStopWord(g, p.src) {
			continue
		}
		n++
		covered := false
		for _, sp := range p.spans[lg] {
			if sp.from <= i && i < sp.to {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	return n > 0
}
