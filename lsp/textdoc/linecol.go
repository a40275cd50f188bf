package textdoc

import (
	"bytes"
	"fmt"
)

// LineColPosition converts a 1-based line and 1-based byte column, as
// go/token and go vet print them, to a Position.
//
// Like go/token, it counts lines by "\n" alone: a lone "\r" does not start a
// line and a "\r" before "\n" is the last byte of its line. Column c addresses
// byte c-1 of the line, up to and including the line's "\n" (or the end of
// the document). A column at the "\n" of a "\r\n" pair — where the Go scanner
// puts a newline token — maps to the end of the line, since LSP cannot
// address the point between "\r" and "\n". Line or column < 1, a line beyond
// the document, or a column beyond its line is an ErrBadPosition; a column
// inside a multi-byte rune is an ErrBadOffset.
func (m *Mapper) LineColPosition(line, col int) (Position, error) {
	if line < 1 || col < 1 {
		return Position{}, fmt.Errorf("%w: line %d, column %d: both are 1-based", ErrBadPosition, line, col)
	}
	start, ok := m.newlineLineStart(line)
	if !ok {
		return Position{}, fmt.Errorf("%w: line %d is beyond the end of the document", ErrBadPosition, line)
	}
	length := bytes.IndexByte(m.content[start:], '\n')
	if length < 0 {
		length = len(m.content) - start
	}
	if col-1 > length {
		return Position{}, fmt.Errorf("%w: column %d is beyond line %d, which has %d bytes",
			ErrBadPosition, col, line, length)
	}
	offset := start + col - 1
	if offset > 0 && offset < len(m.content) && m.content[offset] == '\n' && m.content[offset-1] == '\r' {
		offset--
	}
	return m.Position(offset)
}

// newlineLineStart returns the offset at which 1-based line begins when only
// "\n" ends lines.
func (m *Mapper) newlineLineStart(line int) (int, bool) {
	if !m.loneCR {
		// Every terminator contains exactly one '\n', so the lines agree.
		if line > len(m.starts) {
			return 0, false
		}
		return m.starts[line-1], true
	}
	start := 0
	for ; line > 1; line-- {
		i := bytes.IndexByte(m.content[start:], '\n')
		if i < 0 {
			return 0, false
		}
		start += i + 1
	}
	return start, true
}
