package memory

import (
	"cmp"
	"slices"
)

// RRFK is the k of reciprocal rank fusion.
const RRFK = 60

// Fused is one entry of a fused list.
type Fused struct {
	ID    string
	Score float64
	// Ranks holds the 1-based rank of the entry in each list it was in.
	Ranks map[string]int
}

// FuseRRF fuses ranked lists (retriever name → hits, best first) by
// reciprocal rank fusion: score(d) = Σ over the lists holding d of
// 1 / (k + rank(d)), ranks from 1. Scores of the lists are ignored; only
// their order counts. The result is sorted by score, then ID. k <= 0
// means RRFK.
func FuseRRF(lists map[string][]Hit, k int) []Fused {
	return FuseWeightedRRF(lists, nil, k)
}

// FuseWeightedRRF is FuseRRF with a weight per list (name → weight; a list
// not named weighs 1): score(d) = Σ weight / (k + rank(d)).
func FuseWeightedRRF(lists map[string][]Hit, weights map[string]float64, k int) []Fused {
	if k <= 0 {
		k = RRFK
	}
	byID := map[string]*Fused{}
	names := make([]string, 0, len(lists))
	for name := range lists {
		names = append(names, name)
	}
	slices.Sort(names) // a fixed order of float additions
	for _, name := range names {
		w, ok := weights[name]
		if !ok {
			w = 1
		}
		for i, h := range lists[name] {
			f := byID[h.ID]
			if f == nil {
				f = &Fused{ID: h.ID, Ranks: map[string]int{}}
				byID[h.ID] = f
			}
			if _, dup := f.Ranks[name]; dup {
				continue
			}
			f.Ranks[name] = i + 1
			f.Score += w / float64(k+i+1)
		}
	}
	out := make([]Fused, 0, len(byID))
	for _, f := range byID {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Fused) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}
