package textdoc

import (
	"errors"
	"fmt"
)

// Errors returned by this package, always wrapped with a message that names
// the offending position, range or offset; test for them with errors.Is.
var (
	// ErrBadPosition reports a position that does not address the document:
	// its line is beyond the last line, or its character falls between the
	// two UTF-16 halves of a surrogate pair.
	ErrBadPosition = errors.New("bad position")
	// ErrBadRange reports a range whose start is after its end.
	ErrBadRange = errors.New("bad range")
	// ErrBadOffset reports a byte offset that is out of [0, len(content)],
	// inside a multi-byte rune, or between the "\r" and "\n" of a pair.
	ErrBadOffset = errors.New("bad offset")
)

// Position is an LSP position: zero-based line and zero-based character
// offset in UTF-16 code units.
type Position struct{ Line, Character uint32 }

// Range is an LSP range; End is exclusive.
type Range struct{ Start, End Position }

// Compare returns -1, 0 or +1 as p is before, equal to or after q.
func (p Position) Compare(q Position) int {
	switch {
	case p.Line < q.Line:
		return -1
	case p.Line > q.Line:
		return 1
	case p.Character < q.Character:
		return -1
	case p.Character > q.Character:
		return 1
	}
	return 0
}

// String formats p as "line:character", both zero-based.
func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Character) }

// String formats r as "start-end".
func (r Range) String() string { return r.Start.String() + "-" + r.End.String() }

// checkOrder returns ErrBadRange if r's start is after its end.
func checkOrder(r Range) error {
	if r.Start.Compare(r.End) > 0 {
		return fmt.Errorf("%w: start %v is after end %v", ErrBadRange, r.Start, r.End)
	}
	return nil
}
