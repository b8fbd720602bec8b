package search

import (
	"context"
	"slices"
)

// Grouping of results (Request.Group): the passages of one section (same
// document and heading), or of one document, collapse into one result, its
// best passage, with the number of the others found (Hit.More). Totals and
// facets stay passage counts.
const (
	GroupNone     = "none"
	GroupSection  = "section"
	GroupDocument = "document"
)

// Groups lists the values of Request.Group.
var Groups = []string{GroupNone, GroupSection, GroupDocument}

// groupDepth is how many passages a grouped page reads for each result it
// shows: a page of 10 sections reads the first 40 passages (at most the
// limits' window), and a section's More counts the passages among those.
// When one section or document holds most of them and the groups do not
// fill the page, the page reads groupDeeper times as many, up to
// groupDeepest times groupDepth a result ("firearms licence" by document:
// the Firearms Act's passages filled the first 40, and the page showed 1
// Act of the 10 asked for).
const (
	groupDepth   = 4
	groupDeeper  = 4
	groupDeepest = 16
)

// groupKey is the key of a hit's group, or "" when not grouping.
func groupKey(h Hit, group string) string {
	switch group {
	case GroupSection:
		return h.DocID + " › " + h.Heading
	case GroupDocument:
		return h.DocID
	}
	return ""
}

// checkGroup validates Request.Group.
func checkGroup(r *Request) error {
	if r.Group == "" {
		r.Group = GroupNone
	}
	if !slices.Contains(Groups, r.Group) {
		return inputErrorf("group %q: want %s", r.Group, orList(Groups))
	}
	if r.Group != GroupNone && r.After != "" {
		return inputErrorf("group=%s pages by page, not by after", r.Group)
	}
	return nil
}

// retrieveGrouped reads enough passages for page r.Page of groups and
// collapses them. The result has no cursor (Next): grouped results page
// with Page.
func (s *View) retrieveGrouped(ctx context.Context, q Query, r Request) (*Result, error) {
	want := r.Page * r.Size
	inner := r
	inner.Page = 1
	inner.deferHits = true // only the hits shown are highlighted and twinned
	var res *Result
	var groups []Hit
	for depth := groupDepth; ; depth *= groupDeeper {
		inner.Size = min(want*depth, s.opts.Limits.MaxWindow)
		var err error
		if res, err = s.retrieve(ctx, q, inner, nil); err != nil {
			return nil, err
		}
		groups = collapse(res.Hits, r.Group)
		if len(groups) >= want || len(res.Hits) < inner.Size || uint64(inner.Size) >= res.Total ||
			depth >= groupDepth*groupDeepest || inner.Size >= s.opts.Limits.MaxWindow {
			break
		}
	}
	res.Hits = groups
	from := min((r.Page-1)*r.Size, len(res.Hits))
	res.Hits = res.Hits[from:min(from+r.Size, len(res.Hits))]
	res.Page, res.Size, res.Next = r.Page, r.Size, ""
	if m := res.pending; m != nil {
		for i := range res.Hits {
			m.mark(s, &res.Hits[i])
		}
		res.pending = nil
	}
	if err := s.attachTwins(ctx, res.Hits); err != nil {
		return nil, err
	}
	return res, nil
}

// collapse keeps the first (best) hit of each group, in order, with the
// number of the group's other hits in More.
func collapse(hits []Hit, group string) []Hit {
	at := map[string]int{}
	out := hits[:0:0]
	for _, h := range hits {
		k := groupKey(h, group)
		if i, ok := at[k]; ok {
			out[i].More++
			continue
		}
		at[k] = len(out)
		h.GroupKey = k
		out = append(out, h)
	}
	return out
}
