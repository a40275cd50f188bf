package vector

import (
	"cmp"
	"slices"
)

// cand is a candidate row and its score during a scan.
type cand struct {
	score float32
	row   int32
}

// topK keeps the k best candidates seen so far in a bounded min-heap whose
// root is the worst kept candidate. Ranking is by score, then by ID
// ascending, so ties resolve the same way at every heap boundary and in
// every shard of a parallel scan.
type topK struct {
	k   int
	ids []string // row → id, for tie-breaking
	h   []cand
}

func newTopK(k int, ids []string, buf []cand) topK {
	return topK{k: k, ids: ids, h: buf[:0]}
}

// better reports whether a ranks before b.
func (t *topK) better(a, b cand) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return t.ids[a.row] < t.ids[b.row]
}

// full reports whether the heap holds k candidates; then floor is the
// score a candidate must reach to be considered at all.
func (t *topK) full() bool { return len(t.h) == t.k }

func (t *topK) floor() float32 { return t.h[0].score }

// push offers c; it is kept if the heap is not full or c beats the root.
func (t *topK) push(c cand) {
	if len(t.h) < t.k {
		t.h = append(t.h, c)
		t.up(len(t.h) - 1)
		return
	}
	if !t.better(c, t.h[0]) {
		return
	}
	t.h[0] = c
	t.down(0)
}

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.better(t.h[p], t.h[i]) {
			return
		}
		t.h[p], t.h[i] = t.h[i], t.h[p]
		i = p
	}
}

func (t *topK) down(i int) {
	n := len(t.h)
	for {
		w := i
		if l := 2*i + 1; l < n && t.better(t.h[w], t.h[l]) {
			w = l
		}
		if r := 2*i + 2; r < n && t.better(t.h[w], t.h[r]) {
			w = r
		}
		if w == i {
			return
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}

// sortCands sorts candidates best first: score descending, then ID.
func sortCands(cs []cand, ids []string) {
	slices.SortFunc(cs, func(a, b cand) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(ids[a.row], ids[b.row])
	})
}
