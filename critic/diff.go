package critic

import (
	"fmt"
	"strings"
)

// maxDiffD bounds the edit distance the line diff searches for; beyond it
// the differing middle of the two files is reported as one replaced block
// (correct, just not minimal). Myers' trace needs O(D²) memory.
const maxDiffD = 2000

// opKind is one line's fate in a diff.
type opKind byte

const (
	opEqual opKind = iota
	opDelete
	opInsert
)

// lineOp is one line of a diff: a line of a (equal, delete) or of b (insert).
type lineOp struct {
	kind opKind
	a, b int // 0-based line indices in a and b (for an insert, a is where it lands; for a delete, b likewise)
}

// splitLines splits s into lines, each keeping its "\n". A last line
// without a newline is kept as is.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// diffLines returns the line operations turning a into b (Myers' O(ND)
// algorithm after trimming the common prefix and suffix).
func diffLines(a, b []string) []lineOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]lineOp, 0, len(a)+len(b))
	for i := range pre {
		ops = append(ops, lineOp{opEqual, i, i})
	}
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf], pre)...)
	for i := range suf {
		ai, bi := len(a)-suf+i, len(b)-suf+i
		ops = append(ops, lineOp{opEqual, ai, bi})
	}
	return ops
}

// myers diffs a and b, whose first lines are line off of the whole files.
func myers(a, b []string, off int) []lineOp {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replaceBlock(n, m, off)
	}
	lim := min(n+m, maxDiffD)
	v := make([]int, 2*lim+2)
	var trace [][]int
	found := false
	for d := 0; d <= lim && !found; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[lim+k-1] < v[lim+k+1] {
				x = v[lim+k+1]
			} else {
				x = v[lim+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[lim+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	if !found {
		return replaceBlock(n, m, off)
	}
	// Backtrack from (n, m) through the saved V arrays. trace[d] holds V
	// as it was before step d.
	var rev []lineOp
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		vd := trace[d]
		k := x - y
		var prevK int
		if k == -d || k != d && vd[lim+k-1] < vd[lim+k+1] {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vd[lim+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, lineOp{opEqual, off + x, off + y})
		}
		if x == prevX {
			y--
			rev = append(rev, lineOp{opInsert, off + x, off + y})
		} else {
			x--
			rev = append(rev, lineOp{opDelete, off + x, off + y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, lineOp{opEqual, off + x, off + y})
	}
	ops := make([]lineOp, len(rev))
	for i, op := range rev {
		ops[len(rev)-1-i] = op
	}
	return ops
}

// replaceBlock deletes all n lines and inserts all m.
func replaceBlock(n, m, off int) []lineOp {
	ops := make([]lineOp, 0, n+m)
	for i := range n {
		ops = append(ops, lineOp{opDelete, off + i, off})
	}
	for j := range m {
		ops = append(ops, lineOp{opInsert, off + n, off + j})
	}
	return ops
}

// fileDiff is the diff of one file.
type fileDiff struct {
	path     string
	old, new []string
	ops      []lineOp
	created  bool
	deleted  bool
}

func newFileDiff(path string, old, new []byte, created, deleted bool) *fileDiff {
	d := &fileDiff{path: path, old: splitLines(string(old)), new: splitLines(string(new)), created: created, deleted: deleted}
	d.ops = diffLines(d.old, d.new)
	return d
}

// counts returns the numbers of added and deleted lines.
func (d *fileDiff) counts() (added, deleted int) {
	for _, op := range d.ops {
		switch op.kind {
		case opInsert:
			added++
		case opDelete:
			deleted++
		}
	}
	return added, deleted
}

// addedLines returns the inserted lines with their 1-based line numbers in
// the new content.
func (d *fileDiff) addedLines() []numberedLine {
	var out []numberedLine
	for _, op := range d.ops {
		if op.kind == opInsert {
			out = append(out, numberedLine{op.b + 1, d.new[op.b]})
		}
	}
	return out
}

type numberedLine struct {
	n    int
	text string
}

// newRange maps the 1-based old line to the range of new lines that
// replaced it: itself when unchanged, the hunk's inserted lines when
// changed (an empty replacement maps to the line that follows).
func (d *fileDiff) newRange(oldLine int) (lo, hi int) {
	i := oldLine - 1
	for j, op := range d.ops {
		if op.kind == opEqual && op.a == i {
			return op.b + 1, op.b + 1
		}
		if op.kind == opDelete && op.a == i {
			// Find the run of changes around j.
			s, e := j, j
			for s > 0 && d.ops[s-1].kind != opEqual {
				s--
			}
			for e+1 < len(d.ops) && d.ops[e+1].kind != opEqual {
				e++
			}
			lo, hi = -1, -1
			for _, o := range d.ops[s : e+1] {
				if o.kind == opInsert {
					if lo < 0 {
						lo = o.b + 1
					}
					hi = o.b + 1
				}
			}
			if lo < 0 {
				lo = d.ops[s].b + 1
				hi = lo
			}
			return lo, hi
		}
	}
	return 0, 0
}

// unified writes d as a unified diff with 3 lines of context.
func (d *fileDiff) unified(w *strings.Builder) {
	const ctx = 3
	if len(d.ops) == 0 || !d.changed() {
		return
	}
	from, to := "a/"+d.path, "b/"+d.path
	if d.created {
		from = "/dev/null"
	}
	if d.deleted {
		to = "/dev/null"
	}
	fmt.Fprintf(w, "--- %s\n+++ %s\n", from, to)
	ops := d.ops
	for i := 0; i < len(ops); {
		if ops[i].kind == opEqual {
			i++
			continue
		}
		// A hunk starts ctx lines before the first change and extends while
		// changes are at most 2*ctx equal lines apart.
		start := max(0, i-ctx)
		end := i
		for end < len(ops) {
			if ops[end].kind != opEqual {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == opEqual {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(len(ops), end+ctx)
				break
			}
			end = run
		}
		aStart, bStart, aN, bN := -1, -1, 0, 0
		for _, op := range ops[start:end] {
			if aStart < 0 {
				aStart, bStart = op.a, op.b
			}
			if op.kind != opInsert {
				aN++
			}
			if op.kind != opDelete {
				bN++
			}
		}
		aLine, bLine := aStart+1, bStart+1
		if aN == 0 {
			aLine--
		}
		if bN == 0 {
			bLine--
		}
		fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(aLine, aN), hunkRange(bLine, bN))
		for _, op := range ops[start:end] {
			switch op.kind {
			case opEqual:
				writeDiffLine(w, ' ', d.old[op.a])
			case opDelete:
				writeDiffLine(w, '-', d.old[op.a])
			case opInsert:
				writeDiffLine(w, '+', d.new[op.b])
			}
		}
		i = end
	}
}

func (d *fileDiff) changed() bool {
	for _, op := range d.ops {
		if op.kind != opEqual {
			return true
		}
	}
	return d.created || d.deleted
}

func hunkRange(line, n int) string {
	if n == 1 {
		return fmt.Sprint(line)
	}
	return fmt.Sprintf("%d,%d", line, n)
}

func writeDiffLine(w *strings.Builder, prefix byte, line string) {
	w.WriteByte(prefix)
	w.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		w.WriteString("\n\\ No newline at end of file\n")
	}
}
