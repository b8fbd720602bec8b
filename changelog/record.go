package changelog

import (
	"sort"
	"time"
)

// Kind says what happened to a passage or a document.
type Kind string

// Kinds of change. Baseline marks the documents of the first build: they
// were there when watching began, which is not news.
const (
	Added    Kind = "added"
	Changed  Kind = "changed"
	Removed  Kind = "removed"
	Baseline Kind = "baseline"
)

// Passage is what the change log keeps of a passage: enough to show and
// filter a change after the passage has left the index.
type Passage struct {
	ID      string   `json:"id"`
	DocID   string   `json:"doc_id"`
	Lang    string   `json:"lang"`
	Title   string   `json:"title"`
	Heading string   `json:"heading"`
	Ordinal int      `json:"ordinal"`
	Text    string   `json:"text"`
	Date    string   `json:"date,omitempty"`
	Actors  []string `json:"actors,omitempty"`
	Forums  []string `json:"forums,omitempty"`
	Years   []int    `json:"years,omitempty"`
}

// Change is one passage added, changed or removed by a build.
type Change struct {
	// ID is unique in the log and stable: the generation and the passage
	// id (for a removed passage, the id it had).
	ID         string    `json:"id"`
	Kind       Kind      `json:"kind"`
	Generation string    `json:"generation"`
	Time       time.Time `json:"time"`
	// The passage as it is now; for a removed one, as it was.
	PassageID string   `json:"passage_id"`
	DocID     string   `json:"doc_id"`
	Lang      string   `json:"lang"`
	Title     string   `json:"title"`
	Heading   string   `json:"heading"`
	Ordinal   int      `json:"ordinal"`
	Text      string   `json:"text"`
	Date      string   `json:"date,omitempty"`
	Actors    []string `json:"actors,omitempty"`
	Forums    []string `json:"forums,omitempty"`
	Years     []int    `json:"years,omitempty"`
	// Previous is the passage before the change (Kind Changed only).
	Previous *Passage `json:"previous,omitempty"`
	// Diff compares Previous.Text with Text word by word (Changed only).
	Diff *Diff `json:"diff,omitempty"`
}

// Doc is one document touched by a build.
type Doc struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Lang     string `json:"lang"`
	Kind     Kind   `json:"kind"`
	Hash     string `json:"hash,omitempty"`
	Passages int    `json:"passages"`
	// Added, Changed and Removed count the passage changes.
	Added   int `json:"added"`
	Changed int `json:"changed"`
	Removed int `json:"removed"`
}

// Record is what one build changed.
type Record struct {
	Generation string `json:"generation"`
	// Base is the generation the build was compared with; empty for the
	// first build (Baseline).
	Base string    `json:"base,omitempty"`
	Time time.Time `json:"time"`
	// Baseline is true for the first build: every document is listed with
	// Kind Baseline and no passage change is recorded.
	Baseline  bool     `json:"baseline,omitempty"`
	Documents []Doc    `json:"documents"`
	Changes   []Change `json:"-"`
}

// Pairing thresholds: an added and a removed passage of the same document
// are one changed passage when their words are this similar (Dice), or
// less similar but under the same heading.
const (
	pairAnyHeading  = 0.5
	pairSameHeading = 0.25
	// Beyond this many candidate pairs in one document, only pairs under
	// the same heading or a few positions apart are compared.
	maxPairs = 40_000
	nearby   = 5
)

// Compare returns the changes between a document's previous and new
// passages: ids in both are unchanged; a removed and an added passage are
// paired into one Changed when they are alike (same heading and similar
// words, or very similar words), the closest pairs first; the rest are
// Added or Removed. Changes come in document order.
func Compare(gen string, at time.Time, prev, next []Passage) []Change {
	inNext := map[string]bool{}
	for _, p := range next {
		inNext[p.ID] = true
	}
	inPrev := map[string]bool{}
	for _, p := range prev {
		inPrev[p.ID] = true
	}
	var gone, came []Passage
	for _, p := range prev {
		if !inNext[p.ID] {
			gone = append(gone, p)
		}
	}
	for _, p := range next {
		if !inPrev[p.ID] {
			came = append(came, p)
		}
	}
	type pair struct {
		r, a  int
		score float64
		dist  int
	}
	var pairs []pair
	crowded := len(gone)*len(came) > maxPairs
	for i, r := range gone {
		for j, a := range came {
			same := r.Heading == a.Heading
			dist := abs(r.Ordinal - a.Ordinal)
			if crowded && !same && dist > nearby {
				continue
			}
			sim := Similarity(r.Text, a.Text)
			if sim >= pairAnyHeading || (same && sim >= pairSameHeading) {
				if same {
					sim += 0.25
				}
				pairs = append(pairs, pair{i, j, sim, dist})
			}
		}
	}
	sort.SliceStable(pairs, func(x, y int) bool {
		if pairs[x].score != pairs[y].score {
			return pairs[x].score > pairs[y].score
		}
		return pairs[x].dist < pairs[y].dist
	})
	partner := map[int]int{} // came index → gone index
	used := map[int]bool{}
	for _, p := range pairs {
		if _, ok := partner[p.a]; ok || used[p.r] {
			continue
		}
		partner[p.a] = p.r
		used[p.r] = true
	}
	var out []Change
	mk := func(kind Kind, p Passage) Change {
		return Change{ID: gen + "/" + p.ID, Kind: kind, Generation: gen, Time: at, PassageID: p.ID,
			DocID: p.DocID, Lang: p.Lang, Title: p.Title, Heading: p.Heading, Ordinal: p.Ordinal, Text: p.Text,
			Date: p.Date, Actors: p.Actors, Forums: p.Forums, Years: p.Years}
	}
	for j, a := range came {
		if i, ok := partner[j]; ok {
			c := mk(Changed, a)
			prev := gone[i]
			c.Previous = &prev
			d := WordDiff(prev.Text, a.Text)
			c.Diff = &d
			out = append(out, c)
			continue
		}
		out = append(out, mk(Added, a))
	}
	for i, r := range gone {
		if !used[i] {
			out = append(out, mk(Removed, r))
		}
	}
	sort.SliceStable(out, func(x, y int) bool { return out[x].Ordinal < out[y].Ordinal })
	return out
}

// Passage returns the change's passage: as it is now, or as it was for a
// removed one.
func (c *Change) Passage() Passage {
	return Passage{ID: c.PassageID, DocID: c.DocID, Lang: c.Lang, Title: c.Title, Heading: c.Heading,
		Ordinal: c.Ordinal, Text: c.Text, Date: c.Date, Actors: c.Actors, Forums: c.Forums, Years: c.Years}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
