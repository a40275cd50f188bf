package syntax

import "bytes"

// lineIndex converts byte offsets to Points.
type lineIndex struct {
	starts []int // byte offset of the start of each line
	size   int
}

func newLineIndex(content []byte) lineIndex {
	starts := make([]int, 1, len(content)/32+1)
	for off := 0; ; {
		i := bytes.IndexByte(content[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		starts = append(starts, off)
	}
	return lineIndex{starts: starts, size: len(content)}
}

// line returns the 0-based line holding off, which lies in [0, size].
func (li lineIndex) line(off int) int {
	// The last line start at or before off (starts[0] is 0).
	lo, hi := 0, len(li.starts)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if li.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// point returns the Point of byte offset off, clamped to the content.
func (li lineIndex) point(off int) Point {
	off = max(0, min(off, li.size))
	line := li.line(off)
	return Point{Line: line + 1, Column: off - li.starts[line] + 1, Byte: off}
}

// lineStart returns the offset of the start of the line holding off.
func (li lineIndex) lineStart(off int) int {
	return li.starts[li.line(max(0, min(off, li.size)))]
}

// lineOf returns the 0-based line holding off.
func (li lineIndex) lineOf(off int) int {
	return li.line(max(0, min(off, li.size)))
}
