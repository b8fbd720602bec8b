package discover

import (
	"sort"
	"strings"

	"github.com/vigie/vigie/lang"
)

const (
	// maxSample is the most twin passages read to find a name's French
	// form.
	maxSample = 300
	// maxFrWords bounds a French form's length in words.
	maxFrWords = 16
	// minDice is the least pairing strength of a French form.
	minDice = 0.3
	// nearTie: French forms within this share of the best Dice count as
	// tied, and the longest wins.
	nearTie = 0.95
)

// frForm is a French span proposed for one candidate.
type frForm struct {
	key   string
	form  string
	words int
	hits  int // sampled twins holding it
}

// pairFrench finds the French form of each English candidate through the
// twins of the passages that name it.
func pairFrench(cands []*cand, ps []passage, twin []int32, isTwin []bool, frNames map[string]bool) {
	type job struct {
		c       *cand
		nE      int
		sampled int
		forms   []frForm
	}
	var jobs []*job
	wanted := map[string]int{} // French key → global count (filled below)
	maxWords := 1
	for _, c := range cands {
		if c.en == nil {
			continue
		}
		var tw []int32
		all := append([]int32(nil), c.en.passages...)
		for _, v := range c.variants {
			all = append(all, v.passages...)
		}
		sortUnique(&all)
		for _, p := range all {
			if ps[p].lang == lang.English && twin[p] >= 0 {
				tw = append(tw, twin[p])
			}
		}
		sortUnique(&tw) // passages may share a twin
		c.Twins = len(tw)
		if len(tw) == 0 {
			continue
		}
		sample := tw
		if len(tw) > maxSample {
			sample = make([]int32, 0, maxSample)
			for i := 0; i < maxSample; i++ {
				sample = append(sample, tw[i*len(tw)/maxSample])
			}
		}
		limit := min(maxFrWords, 2*c.en.lenToks+3)
		count := map[string]*frForm{}
		seen := map[string]bool{}
		for _, q := range sample {
			clear(seen)
			eachFrenchSpan(&ps[q], limit, func(k string, i, j int) {
				if seen[k] {
					return
				}
				seen[k] = true
				f := count[k]
				if f == nil {
					f = &frForm{key: k, form: ps[q].text[ps[q].toks[i].start:ps[q].toks[j-1].end], words: j - i}
					count[k] = f
				}
				f.hits++
			})
		}
		j := &job{c: c, nE: len(tw), sampled: len(sample)}
		floor := max(min(2, len(sample)/2), len(sample)*3/10, 1)
		for _, f := range count {
			if f.hits >= floor && frenchInstitution(f.key) && !definitionForm(f.key) {
				j.forms = append(j.forms, *f)
				wanted[f.key] = 0
				maxWords = max(maxWords, f.words)
			}
		}
		jobs = append(jobs, j)
	}
	if len(wanted) == 0 {
		return
	}
	// Global counts of the proposed forms, over the French passages that
	// are twins (the population the English counts come from).
	seen := map[string]bool{}
	buf := make([]byte, 0, 128)
	for q := range ps {
		if !isTwin[q] {
			continue
		}
		clear(seen)
		toks := ps[q].toks
		for i := range toks {
			if !frenchStarts(toks[i]) {
				continue
			}
			buf = buf[:0]
			for j := i; j < len(toks) && j-i < maxWords; j++ {
				if j > i {
					if toks[j].hard {
						break
					}
					buf = append(buf, ' ')
				}
				buf = append(buf, toks[j].low...)
				if _, ok := wanted[string(buf)]; ok && !seen[string(buf)] {
					k := string(buf)
					seen[k] = true
					wanted[k]++
				}
			}
		}
	}
	for _, j := range jobs {
		best := 0.0
		dice := make([]float64, len(j.forms))
		for i, f := range j.forms {
			est := float64(f.hits) * float64(j.nE) / float64(j.sampled)
			dice[i] = 2 * est / float64(j.nE+wanted[f.key])
			best = max(best, dice[i])
		}
		if best < minDice {
			continue
		}
		// A name the French text defines with an acronym is preferred
		// when it pairs well; otherwise the longest of the near-ties.
		tie := nearTie * best
		for i, f := range j.forms {
			if frNames[f.key] && dice[i] >= best/2 {
				tie = best / 2
			}
		}
		win := -1
		for i, f := range j.forms {
			if dice[i] < tie || tie < nearTie*best && !frNames[f.key] {
				continue
			}
			if win < 0 || f.words > j.forms[win].words || f.words == j.forms[win].words && dice[i] > dice[win] {
				win = i
			}
		}
		f := j.forms[win]
		j.c.frKey, j.c.frForm = f.key, f.form
		j.c.Dice = dice[win]
		j.c.TwinHits = int(float64(f.hits) * float64(j.nE) / float64(j.sampled))
		j.c.CountFR += wanted[f.key]
	}
}

// eachFrenchSpan calls fn with every span of p that may be a French name:
// starting on a capitalised or institution word, ending on a content word,
// at most limit words, not across punctuation. Keys are folded words
// joined by spaces.
func eachFrenchSpan(p *passage, limit int, fn func(key string, i, j int)) {
	toks := p.toks
	buf := make([]byte, 0, 128)
	for i := range toks {
		if !frenchStarts(toks[i]) {
			continue
		}
		buf = buf[:0]
		for j := i; j < len(toks) && j-i < limit; j++ {
			if j > i && toks[j].hard {
				break
			}
			if j > i {
				buf = append(buf, ' ')
			}
			buf = append(buf, toks[j].low...)
			if frFunction[toks[j].low] {
				continue
			}
			fn(string(buf), i, j+1)
		}
	}
}

// sortedForms orders forms by count, then text.
func sortedForms(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for f := range m {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if m[out[i]] != m[out[j]] {
			return m[out[i]] > m[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// frenchInstitution reports whether a folded French form holds an
// institution word ("ministre", "Agence", "Canada"): the French form of an
// institution's name does.
func frenchInstitution(key string) bool {
	for _, w := range strings.Split(key, " ") {
		if frHeads[w] {
			return true
		}
	}
	return false
}

// definitionForm reports whether a French form is a defined term followed
// by its definition ("Agence L’Agence de la santé publique du Canada", as
// French Acts define terms), not a name.
func definitionForm(key string) bool {
	w := strings.SplitN(key, " ", 4)
	return len(w) >= 3 && (w[1] == "le" || w[1] == "la" || w[1] == "l" || w[1] == "les") && w[2] == w[0]
}
