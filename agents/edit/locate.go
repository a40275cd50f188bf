package edit

import (
	"fmt"
	"slices"
	"strings"
)

// Matching levels, tried in order: each is more tolerant than the last.
const (
	levelExact    = iota // byte for byte (line terminators aside)
	levelTrailing        // trailing whitespace ignored
	levelIndent          // leading and trailing whitespace ignored
	levelSpaces          // every run of whitespace equal to one space
	nLevels
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
	rollBase  = 0x100000001b3 | 1<<40 // odd multiplier of the rolling window hash
)

func normalize(s string, level int) string {
	switch level {
	case levelTrailing:
		return strings.TrimRight(s, " \t\r\f\v")
	case levelIndent:
		return strings.TrimSpace(s)
	case levelSpaces:
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

func lineHash(s string, level int) uint64 {
	s = normalize(s, level)
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func hashLines(lines []string, level int) []uint64 {
	hs := make([]uint64, len(lines))
	for i, l := range lines {
		hs[i] = lineHash(l, level)
	}
	return hs
}

// hashesAt returns the line hashes of st at level, computing them once;
// splice keeps them current.
func (st *fileState) hashesAt(level int) []uint64 {
	if st.hashes[level] == nil {
		st.hashes[level] = hashLines(st.t.lines, level)
	}
	return st.hashes[level]
}

// windows returns the positions where the window hash of fh equals that of
// ph: Rabin-Karp over line hashes, linear in len(fh).
func windows(fh, ph []uint64) []int {
	m, n := len(ph), len(fh)
	if m == 0 || m > n {
		return nil
	}
	var target, cur uint64
	pow := uint64(1)
	for i, h := range ph {
		target = target*rollBase + h
		cur = cur*rollBase + fh[i]
		if i > 0 {
			pow *= rollBase
		}
	}
	var out []int
	for i := 0; ; i++ {
		if cur == target {
			out = append(out, i)
		}
		if i+m >= n {
			return out
		}
		cur = (cur-fh[i]*pow)*rollBase + fh[i+m]
	}
}

func matchesAt(lines, pat []string, pos, level int) bool {
	for k, p := range pat {
		a := lines[pos+k]
		if a == p {
			continue
		}
		if level == levelExact || normalize(a, level) != normalize(p, level) {
			return false
		}
	}
	return true
}

// match is the result of locating a hunk's old lines in a file.
type match struct {
	found, ambiguous bool
	pos, level       int
	lines            []int // 1-based lines of the matches when ambiguous
}

// locate finds pat in st at the least tolerant level where it occurs. With
// a hint (>= 0) the occurrence nearest to it wins; otherwise, or on a tie,
// several occurrences are ambiguous.
func locate(st *fileState, pat []string, hint int) match {
	for level := 0; level < nLevels; level++ {
		cands := windows(st.hashesAt(level), hashLines(pat, level))
		if len(cands) == 0 {
			continue
		}
		if hint >= 0 {
			slices.SortStableFunc(cands, func(a, b int) int { return abs(a-hint) - abs(b-hint) })
		}
		var found []int
		for _, c := range cands {
			if len(found) > 0 && (hint < 0 && len(found) == 5 || hint >= 0 && abs(c-hint) > abs(found[0]-hint)) {
				break
			}
			if matchesAt(st.t.lines, pat, c, level) {
				found = append(found, c)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return match{found: true, pos: found[0], level: level}
		}
		slices.Sort(found)
		m := match{ambiguous: true, level: level}
		for _, f := range found {
			m.lines = append(m.lines, f+1)
		}
		return m
	}
	return match{}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// closest finds the place of st that resembles pat most (by votes of lines
// equal up to indentation) and returns an excerpt of it with line numbers,
// and a sentence naming the first line of pat that differs there.
func closest(st *fileState, pat []string, hint int) (excerpt, detail string) {
	const maxPat, maxPos = 200, 64
	lines := st.t.lines
	if len(pat) > maxPat {
		pat = pat[:maxPat]
	}
	want := make(map[uint64][]int)
	for _, p := range pat {
		if strings.TrimSpace(p) != "" {
			want[lineHash(p, levelIndent)] = nil
		}
	}
	count := make(map[uint64]int)
	for i, h := range st.hashesAt(levelIndent) {
		if ps, ok := want[h]; ok {
			count[h]++
			if len(ps) < maxPos {
				want[h] = append(ps, i)
			}
		}
	}
	votes := make(map[int]int)
	for k, p := range pat {
		if strings.TrimSpace(p) == "" {
			continue
		}
		h := lineHash(p, levelIndent)
		if count[h] > maxPos {
			continue
		}
		for _, i := range want[h] {
			if normalize(lines[i], levelIndent) == normalize(p, levelIndent) {
				votes[i-k]++
			}
		}
	}
	best, bestVotes := 0, 0
	for start, v := range votes {
		better := v > bestVotes
		if v == bestVotes {
			if hint >= 0 {
				better = abs(start-hint) < abs(best-hint) || abs(start-hint) == abs(best-hint) && start < best
			} else {
				better = start < best
			}
		}
		if better {
			best, bestVotes = start, v
		}
	}
	if bestVotes == 0 {
		return "", ""
	}
	from := max(0, best-2)
	to := min(len(lines), max(best, 0)+len(pat)+2, from+40)
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "%6d | %s\n", i+1, lines[i])
	}
	for k, p := range pat {
		i := best + k
		if i < 0 || i >= len(lines) {
			detail = fmt.Sprintf("your line %d %q is beyond the lines of the file", k+1, p)
			break
		}
		if normalize(lines[i], levelIndent) != normalize(p, levelIndent) {
			detail = fmt.Sprintf("your line %d %q differs from line %d of the file, %q", k+1, p, i+1, lines[i])
			break
		}
	}
	return strings.TrimRight(b.String(), "\n"), detail
}
