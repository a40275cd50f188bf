package syntax

import (
	"slices"
	"unicode/utf8"
)

// split cuts a unit larger than MaxChunkBytes into consecutive spans of at
// most MaxChunkBytes. Cuts are taken at syntax boundaries (the starts of
// the unit's nodes and, inside nodes that are too large, of their
// children, recursively), moved to the start of their line when only blanks
// precede them. A cut at a line start is preferred when it keeps the span
// at least a quarter full; without any syntax boundary in reach, the span
// ends at the last line start in reach, or else at the last UTF-8
// character boundary.
func (a *analyzer) split(u unit) [][2]int {
	var cands []int
	for i, n := range u.nodes {
		if i > 0 {
			cands = append(cands, int(a.startByte(n)))
		}
		if int(a.endByte(n)-a.startByte(n)) > a.opts.MaxChunkBytes {
			a.cutsInside(n, &cands)
		}
	}
	for i, c := range cands {
		if ls := a.li.lineStart(c); isBlank(a.src[ls:c]) {
			cands[i] = ls
		}
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)
	return a.chunker().pack(u.start, u.end, cands)
}

// cutsInside appends the starts of n's children, and recursively of the
// children of those that are larger than MaxChunkBytes.
func (a *analyzer) cutsInside(n nodeID, cands *[]int) {
	for _, c := range a.children(n) {
		*cands = append(*cands, int(a.startByte(c)))
		if int(a.endByte(c)-a.startByte(c)) > a.opts.MaxChunkBytes {
			a.cutsInside(c, cands)
		}
	}
}

// pack cuts [start, end) greedily at cands (sorted) into spans of at most
// MaxChunkBytes.
func (k chunker) pack(start, end int, cands []int) [][2]int {
	maxLen := k.max
	var spans [][2]int
	for pos := start; pos < end; {
		if end-pos <= maxLen {
			spans = append(spans, [2]int{pos, end})
			break
		}
		limit := pos + maxLen
		best, bestLine := -1, -1
		i, _ := slices.BinarySearch(cands, pos+1)
		for ; i < len(cands) && cands[i] <= limit; i++ {
			c := cands[i]
			best = c
			if c-pos >= maxLen/4 && k.atLineStart(c) {
				bestLine = c
			}
		}
		cut := bestLine
		if cut < 0 {
			cut = best
		}
		if cut < 0 {
			cut = k.fallbackCut(pos, limit)
		}
		spans = append(spans, [2]int{pos, cut})
		pos = cut
	}
	return spans
}

func (k chunker) atLineStart(off int) bool {
	return off == 0 || k.src[off-1] == '\n'
}

// fallbackCut returns the last line start in (pos, limit], or else the last
// UTF-8 character boundary in (pos, limit], or limit for bytes that are not
// UTF-8.
func (k chunker) fallbackCut(pos, limit int) int {
	for c := limit; c > pos; c-- {
		if k.src[c-1] == '\n' {
			return c
		}
	}
	return runeCut(k.src, pos, limit)
}

// runeCut returns the last character boundary in (pos, limit].
func runeCut(src []byte, pos, limit int) int {
	if limit >= len(src) {
		return len(src)
	}
	for c := limit; c > pos && c > limit-utf8.UTFMax; c-- {
		if utf8.RuneStart(src[c]) {
			return c
		}
	}
	return limit
}
