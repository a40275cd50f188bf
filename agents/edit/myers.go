package edit

// Linear-space Myers diff ("An O(ND) Difference Algorithm and Its
// Variations", 1986, section 4b), with the bisection structured as in
// diff-match-patch. Sequences are lines interned as ints.

// maxCost bounds the edit distance explored by one bisection. Beyond it
// the subproblem is reported as "all deleted, all inserted": correct, not
// minimal, and it keeps wildly different inputs from costing O(N·D).
const maxCost = 1 << 12

type myers struct {
	a, b     []int
	del, ins []bool // del[i]: a[i] is deleted; ins[j]: b[j] is inserted
	v1, v2   []int
}

// diffMarks compares a and b and marks deleted and inserted elements.
func diffMarks(a, b []int) (del, ins []bool) {
	m := &myers{a: a, b: b, del: make([]bool, len(a)), ins: make([]bool, len(b))}
	m.compare(0, len(a), 0, len(b))
	return m.del, m.ins
}

func (m *myers) compare(x0, x1, y0, y1 int) {
	for x0 < x1 && y0 < y1 && m.a[x0] == m.b[y0] {
		x0++
		y0++
	}
	for x0 < x1 && y0 < y1 && m.a[x1-1] == m.b[y1-1] {
		x1--
		y1--
	}
	switch {
	case x0 == x1:
		for j := y0; j < y1; j++ {
			m.ins[j] = true
		}
	case y0 == y1:
		for i := x0; i < x1; i++ {
			m.del[i] = true
		}
	default:
		x, y, ok := m.bisect(x0, x1, y0, y1)
		if !ok || (x == x0 && y == y0) || (x == x1 && y == y1) {
			for i := x0; i < x1; i++ {
				m.del[i] = true
			}
			for j := y0; j < y1; j++ {
				m.ins[j] = true
			}
			return
		}
		m.compare(x0, x, y0, y)
		m.compare(x, x1, y, y1)
	}
}

// bisect finds the middle snake of a[x0:x1] and b[y0:y1] and returns a
// point on an optimal path through it, in absolute coordinates.
func (m *myers) bisect(x0, x1, y0, y1 int) (int, int, bool) {
	n, mm := x1-x0, y1-y0
	maxD := min((n+mm+1)/2, maxCost)
	off := maxD + 1
	size := 2*maxD + 3
	if cap(m.v1) < size {
		m.v1, m.v2 = make([]int, size), make([]int, size)
	}
	v1, v2 := m.v1[:size], m.v2[:size]
	for i := range v1 {
		v1[i], v2[i] = -1, -1
	}
	v1[off+1], v2[off+1] = 0, 0
	delta := n - mm
	front := delta%2 != 0
	k1start, k1end, k2start, k2end := 0, 0, 0, 0
	a, b := m.a, m.b
	for d := 0; d < maxD; d++ {
		for k1 := -d + k1start; k1 <= d-k1end; k1 += 2 {
			i := off + k1
			var x int
			if k1 == -d || (k1 != d && v1[i-1] < v1[i+1]) {
				x = v1[i+1]
			} else {
				x = v1[i-1] + 1
			}
			y := x - k1
			for x < n && y < mm && a[x0+x] == b[y0+y] {
				x++
				y++
			}
			v1[i] = x
			switch {
			case x > n:
				k1end += 2
			case y > mm:
				k1start += 2
			case front:
				j := off + delta - k1
				if j >= 0 && j < size && v2[j] != -1 && x >= n-v2[j] {
					return x0 + x, y0 + y, true
				}
			}
		}
		for k2 := -d + k2start; k2 <= d-k2end; k2 += 2 {
			i := off + k2
			var x int
			if k2 == -d || (k2 != d && v2[i-1] < v2[i+1]) {
				x = v2[i+1]
			} else {
				x = v2[i-1] + 1
			}
			y := x - k2
			for x < n && y < mm && a[x1-x-1] == b[y1-y-1] {
				x++
				y++
			}
			v2[i] = x
			switch {
			case x > n:
				k2end += 2
			case y > mm:
				k2start += 2
			case !front:
				j := off + delta - k2
				if j >= 0 && j < size && v1[j] != -1 {
					fx := v1[j]
					fy := fx - (j - off)
					if fx >= n-x {
						return x0 + fx, y0 + fy, true
					}
				}
			}
		}
	}
	return 0, 0, false
}

// intern maps equal strings of a and b to equal ints.
func intern(a, b []string) ([]int, []int) {
	ids := make(map[string]int, len(a)+len(b))
	conv := func(s []string) []int {
		out := make([]int, len(s))
		for i, x := range s {
			id, ok := ids[x]
			if !ok {
				id = len(ids)
				ids[x] = id
			}
			out[i] = id
		}
		return out
	}
	return conv(a), conv(b)
}

// span is one change: a[i0:i1] replaced by b[j0:j1].
type span struct{ i0, i1, j0, j1 int }

// diffSpans diffs two line lists into changes, in order.
func diffSpans(a, b []string) []span {
	ia, ib := intern(a, b)
	del, ins := diffMarks(ia, ib)
	var out []span
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if i < len(a) && j < len(b) && !del[i] && !ins[j] {
			i++
			j++
			continue
		}
		s := span{i0: i, j0: j}
		for (i < len(a) && del[i]) || (j < len(b) && ins[j]) {
			for i < len(a) && del[i] {
				i++
			}
			for j < len(b) && ins[j] {
				j++
			}
		}
		s.i1, s.j1 = i, j
		out = append(out, s)
	}
	return out
}

// blockOps turns a SEARCH/REPLACE pair into hunk lines: lines common to both
// become context (so they keep the file's exact text), the rest deletions
// and insertions.
func blockOps(search, replace []string) []Line {
	ops := make([]Line, 0, len(search)+len(replace))
	i, j := 0, 0
	for _, s := range diffSpans(search, replace) {
		for ; i < s.i0; i, j = i+1, j+1 {
			ops = append(ops, Line{Op: OpContext, Text: search[i]})
		}
		for ; i < s.i1; i++ {
			ops = append(ops, Line{Op: OpDelete, Text: search[i]})
		}
		for ; j < s.j1; j++ {
			ops = append(ops, Line{Op: OpInsert, Text: replace[j]})
		}
	}
	for ; i < len(search); i++ {
		ops = append(ops, Line{Op: OpContext, Text: search[i]})
	}
	return ops
}
