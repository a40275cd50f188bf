package textdoc

import (
	"errors"
	"fmt"
	"unicode/utf16"
)

// refDoc is the reference model the fuzz tests compare against: a rune by
// rune walk of the whole document, written for obviousness, not speed.
type refDoc struct {
	pos     []*Position      // pos[o] is the position of byte offset o, nil if none
	offset  map[Position]int // inverse of pos
	lineEnd []int            // lineEnd[l] is the offset where line l's text ends
	lineLen []uint32         // lineLen[l] is line l's length in UTF-16 units
}

func newRefDoc(b []byte) *refDoc {
	d := &refDoc{pos: make([]*Position, len(b)+1), offset: map[Position]int{}}
	line, col := uint32(0), uint32(0)
	mark := func(i int) {
		p := Position{line, col}
		d.pos[i] = &p
		d.offset[p] = i
	}
	s := string(b)
	// Ranging over a string yields each invalid byte as its own U+FFFD.
	for i, r := range s {
		switch {
		case r == '\n' && i > 0 && s[i-1] == '\r':
			// Second half of "\r\n": no position, line already counted.
		case r == '\n' || r == '\r':
			mark(i)
			d.lineEnd = append(d.lineEnd, i)
			d.lineLen = append(d.lineLen, col)
			line, col = line+1, 0
		default:
			mark(i)
			col += uint32(utf16.RuneLen(r))
		}
	}
	mark(len(b))
	d.lineEnd = append(d.lineEnd, len(b))
	d.lineLen = append(d.lineLen, col)
	return d
}

func (d *refDoc) lineCount() int { return len(d.lineEnd) }

// offsetOf resolves p per the package's rules: clamp past the line end, error
// for missing lines and for characters with no offset (surrogate halves).
func (d *refDoc) offsetOf(p Position) (int, error) {
	if int(p.Line) >= d.lineCount() {
		return 0, ErrBadPosition
	}
	if p.Character > d.lineLen[p.Line] {
		return d.lineEnd[p.Line], nil
	}
	o, ok := d.offset[p]
	if !ok {
		return 0, ErrBadPosition
	}
	return o, nil
}

// refApply is the reference for Apply: resolve against the whole-document
// model, then splice strings.
func refApply(content []byte, changes []Change) ([]byte, error) {
	s := string(content)
	for i, c := range changes {
		if c.Range == nil {
			s = c.Text
			continue
		}
		r := *c.Range
		if r.Start.Line > r.End.Line || (r.Start.Line == r.End.Line && r.Start.Character > r.End.Character) {
			return nil, fmt.Errorf("change %d: %w", i, ErrBadRange)
		}
		d := newRefDoc([]byte(s))
		start, err := d.offsetOf(r.Start)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		end, err := d.offsetOf(r.End)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		s = s[:start] + c.Text + s[end:]
	}
	return []byte(s), nil
}

// sentinel returns which of the package's sentinels err wraps.
func sentinel(err error) error {
	for _, e := range []error{ErrBadRange, ErrBadPosition, ErrBadOffset} {
		if errors.Is(err, e) {
			return e
		}
	}
	return err
}
