package memory

import "slices"

// hitHeap keeps the k best hits seen: a min-heap whose root is the worst
// hit kept. Better means a higher score, then a smaller ID.
type hitHeap struct {
	k    int
	hits []Hit
}

func better(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.ID < b.ID
}

func (h *hitHeap) reset(k int) {
	h.k = k
	h.hits = h.hits[:0]
}

// offer considers one hit.
func (h *hitHeap) offer(id string, score float64) {
	hit := Hit{ID: id, Score: score}
	if len(h.hits) < h.k {
		h.hits = append(h.hits, hit)
		h.up(len(h.hits) - 1)
		return
	}
	if h.k == 0 || !better(hit, h.hits[0]) {
		return
	}
	h.hits[0] = hit
	h.down(0)
}

func (h *hitHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(h.hits[p], h.hits[i]) {
			return
		}
		h.hits[p], h.hits[i] = h.hits[i], h.hits[p]
		i = p
	}
}

func (h *hitHeap) down(i int) {
	n := len(h.hits)
	for {
		worst := i
		if l := 2*i + 1; l < n && better(h.hits[worst], h.hits[l]) {
			worst = l
		}
		if r := 2*i + 2; r < n && better(h.hits[worst], h.hits[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h.hits[i], h.hits[worst] = h.hits[worst], h.hits[i]
		i = worst
	}
}

// sorted returns a new slice of the kept hits, best first.
func (h *hitHeap) sorted() []Hit {
	if len(h.hits) == 0 {
		return nil
	}
	out := slices.Clone(h.hits)
	sortHits(out)
	return out
}

// sortHits orders hits best first.
func sortHits(hits []Hit) {
	slices.SortFunc(hits, func(a, b Hit) int {
		switch {
		case better(a, b):
			return -1
		case better(b, a):
			return 1
		}
		return 0
	})
}
