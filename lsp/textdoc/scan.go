package textdoc

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// skipBlock is the size of the blocks seek skips when it can.
const skipBlock = 8 << 10

var newline = []byte{'\n'}

// lineScanner finds line starts moving forward through content. It caches
// the next "\n" and the next "\r" so that a document using only one kind of
// terminator is not searched to its end for the other kind on every line:
// each byte is examined a bounded number of times, whatever the mix.
type lineScanner struct {
	b      []byte
	lf, cr int // next '\n' and '\r' at or after the last search; len(b) if none
}

func newLineScanner(b []byte) lineScanner { return lineScanner{b: b, lf: -1, cr: -1} }

func (s *lineScanner) find(c byte, cached *int, i int) int {
	if *cached < i {
		if k := bytes.IndexByte(s.b[i:], c); k >= 0 {
			*cached = i + k
		} else {
			*cached = len(s.b)
		}
	}
	return *cached
}

// next returns the start of the line after the one containing offset i, or
// -1 if that line is the last. i must not be inside the line's terminator.
// Calls must not move backwards.
func (s *lineScanner) next(i int) int {
	end := min(s.find('\n', &s.lf, i), s.find('\r', &s.cr, i))
	switch {
	case end == len(s.b):
		return -1
	case s.b[end] == '\r' && end+1 < len(s.b) && s.b[end+1] == '\n':
		return end + 2
	}
	return end + 1
}

// seek advances from start, the start of line from, to the start of line
// to (to >= from). If the document ends first, it returns ok == false and
// the number of lines in the document.
func (s *lineScanner) seek(start, from, to int) (off int, ok bool, lines int) {
	for from < to {
		// Skip whole blocks that hold no '\r' and end before line to starts:
		// counting '\n' is much faster than finding each one. Afterwards
		// start is inside line from (not in its terminator, as the block
		// holds no '\r'), which is all next needs.
		if end := start + skipBlock; end <= len(s.b) && s.find('\r', &s.cr, start) >= end {
			if n := bytes.Count(s.b[start:end], newline); from+n < to {
				start, from = end, from+n
				continue
			}
		}
		n := s.next(start)
		if n < 0 {
			return 0, false, from + 1
		}
		start = n
		from++
	}
	return start, true, 0
}

// runeUnits decodes the rune at the start of b (which must not be empty) and
// returns its size in bytes and its length in UTF-16 code units. An invalid
// byte is a one-byte rune of one unit.
func runeUnits(b []byte) (size, units int) {
	if b[0] < utf8.RuneSelf {
		return 1, 1
	}
	r, size := utf8.DecodeRune(b)
	if r >= 0x10000 {
		return size, 2
	}
	return size, 1
}

func isTerm(c byte) bool { return c == '\n' || c == '\r' }

// charOffset returns the byte offset of p, given that its line starts at
// byte start. A character beyond the line's length is clamped to it.
func charOffset(b []byte, start int, p Position) (int, error) {
	want := int(p.Character)
	units, i := 0, start
	for units < want && i < len(b) && !isTerm(b[i]) {
		size, n := runeUnits(b[i:])
		if units+n > want {
			r, _ := utf8.DecodeRune(b[i:])
			return 0, fmt.Errorf("%w: %v falls between the UTF-16 surrogates of %U at byte offset %d",
				ErrBadPosition, p, r, i)
		}
		units += n
		i += size
	}
	return i, nil
}

// lineUnits returns the number of UTF-16 units from start, the start of a
// line, to offset, which must be on that line or its terminator.
func lineUnits(b []byte, start, offset int) (int, error) {
	units, i := 0, start
	for i < offset {
		if isTerm(b[i]) {
			// Past the line's end but not on the next line: offset is
			// between the '\r' and '\n' of a pair.
			return 0, fmt.Errorf(`%w: offset %d is between "\r" and "\n"`, ErrBadOffset, offset)
		}
		size, n := runeUnits(b[i:])
		if i+size > offset {
			r, _ := utf8.DecodeRune(b[i:])
			return 0, fmt.Errorf("%w: offset %d is inside %U, which starts at byte offset %d",
				ErrBadOffset, offset, r, i)
		}
		units += n
		i += size
	}
	return units, nil
}
