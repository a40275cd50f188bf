package syntax

import "sort"

// lineIndex converts byte offsets to Points.
type lineIndex struct {
	starts []int // byte offset of the start of each line
	size   int
}

func newLineIndex(content []byte) lineIndex {
	starts := make([]int, 1, len(content)/32+1)
	for i, b := range content {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{starts: starts, size: len(content)}
}

// point returns the Point of byte offset off, clamped to the content.
func (li lineIndex) point(off int) Point {
	off = max(0, min(off, li.size))
	line := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	return Point{Line: line + 1, Column: off - li.starts[line] + 1, Byte: off}
}

// lineStart returns the offset of the start of the line holding off.
func (li lineIndex) lineStart(off int) int {
	p := li.point(off)
	return li.starts[p.Line-1]
}

// lineOf returns the 0-based line holding off.
func (li lineIndex) lineOf(off int) int {
	return li.point(off).Line - 1
}
