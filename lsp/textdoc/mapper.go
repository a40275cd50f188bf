package textdoc

import (
	"bytes"
	"fmt"
	"slices"
)

// A Mapper converts between positions and byte offsets of one immutable
// document. It indexes the line starts when it is made; after that Offset
// costs O(length of the line) and Position O(log lines + length of the
// line). A Mapper is safe for concurrent use.
type Mapper struct {
	content []byte
	starts  []int // starts[i] is the byte offset at which line i begins
	loneCR  bool  // some line ends with a lone "\r"
}

// NewMapper indexes content. It does not copy content, which the caller must
// not modify while the Mapper is in use.
func NewMapper(content []byte) *Mapper {
	starts := make([]int, 1, bytes.Count(content, newline)+1)
	loneCR := false
	s := newLineScanner(content)
	for i := s.next(0); i >= 0; i = s.next(i) {
		starts = append(starts, i)
		loneCR = loneCR || content[i-1] == '\r'
	}
	return &Mapper{content: content, starts: starts, loneCR: loneCR}
}

// Content returns the document, which must not be modified.
func (m *Mapper) Content() []byte { return m.content }

// LineCount returns the number of lines: one more than the number of line
// terminators, so at least 1.
func (m *Mapper) LineCount() int { return len(m.starts) }

// Offset returns the byte offset of p. A Character beyond the end of its line
// is clamped to the line's end; a Line at or beyond LineCount, or a Character
// between the halves of a surrogate pair, is an ErrBadPosition.
func (m *Mapper) Offset(p Position) (int, error) {
	if int64(p.Line) >= int64(len(m.starts)) {
		return 0, fmt.Errorf("%w: line %d is beyond the last line %d", ErrBadPosition, p.Line, len(m.starts)-1)
	}
	return charOffset(m.content, m.starts[p.Line], p)
}

// Position returns the position of a byte offset in [0, len(content)]. An
// offset inside a multi-byte rune or between "\r" and "\n" is an
// ErrBadOffset.
func (m *Mapper) Position(offset int) (Position, error) {
	if offset < 0 || offset > len(m.content) {
		return Position{}, fmt.Errorf("%w: offset %d is outside [0, %d]", ErrBadOffset, offset, len(m.content))
	}
	line, found := slices.BinarySearch(m.starts, offset)
	if !found {
		line-- // offset lies inside the line that starts before it
	}
	units, err := lineUnits(m.content, m.starts[line], offset)
	if err != nil {
		return Position{}, err
	}
	return Position{Line: uint32(line), Character: uint32(units)}, nil
}

// OffsetRange returns the byte offsets of r's start and end. A start after
// the end is an ErrBadRange; otherwise errors are those of Offset.
func (m *Mapper) OffsetRange(r Range) (start, end int, err error) {
	if err := checkOrder(r); err != nil {
		return 0, 0, err
	}
	if start, err = m.Offset(r.Start); err != nil {
		return 0, 0, fmt.Errorf("start of range %v: %w", r, err)
	}
	if end, err = m.Offset(r.End); err != nil {
		return 0, 0, fmt.Errorf("end of range %v: %w", r, err)
	}
	return start, end, nil
}

// Range returns the range between two byte offsets. start > end is an
// ErrBadRange; otherwise errors are those of Position.
func (m *Mapper) Range(start, end int) (Range, error) {
	if start > end {
		return Range{}, fmt.Errorf("%w: start offset %d is after end offset %d", ErrBadRange, start, end)
	}
	s, err := m.Position(start)
	if err != nil {
		return Range{}, fmt.Errorf("start of range: %w", err)
	}
	e, err := m.Position(end)
	if err != nil {
		return Range{}, fmt.Errorf("end of range: %w", err)
	}
	return Range{Start: s, End: e}, nil
}
