package textdoc

import "fmt"

// A Change is one LSP TextDocumentContentChangeEvent.
type Change struct {
	Range *Range // nil means Text replaces the whole document
	Text  string
}

// String formats c for logs and test failures: the range (or "full") and the
// quoted text.
func (c Change) String() string {
	if c.Range == nil {
		return fmt.Sprintf("full:%q", c.Text)
	}
	return fmt.Sprintf("%v:%q", *c.Range, c.Text)
}

// Apply applies changes in order, each relative to the document produced by
// the previous one, as textDocument/didChange requires. Positions resolve as
// in Mapper.Offset (characters beyond a line's end clamp; bad lines and
// surrogate halves are errors) and a range whose start is after its end is an
// ErrBadRange.
//
// Apply never modifies content, and its result never shares memory with
// content. It is all or nothing: on error it returns nil and an error that
// names the index of the failing change.
//
// No line index is built: each change finds its range by scanning forward
// for line terminators (counting them block-wise where it can), then the
// first change copies the document once into a buffer with room for the
// rest, which later changes edit in place. A single change thus costs about
// one copy of the document.
func Apply(content []byte, changes []Change) ([]byte, error) {
	buf, owned := content, false
	for i, c := range changes {
		if c.Range == nil {
			buf = make([]byte, len(c.Text), len(c.Text)+slack(changes[i+1:]))
			copy(buf, c.Text)
			owned = true
			continue
		}
		start, end, err := resolve(buf, *c.Range)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		if owned {
			buf = splice(buf, start, end, c.Text)
			continue
		}
		n := len(buf) - (end - start) + len(c.Text)
		out := make([]byte, n, n+slack(changes[i+1:]))
		copy(out, buf[:start])
		copy(out[start:], c.Text)
		copy(out[start+len(c.Text):], buf[end:])
		buf, owned = out, true
	}
	if !owned {
		buf = make([]byte, len(content))
		copy(buf, content)
	}
	return buf, nil
}

// slack returns the most that changes can grow a document before the first
// full replacement among them: each ranged change adds at most its Text.
// Allocating that much spare capacity lets splice work in place.
func slack(changes []Change) int {
	n := 0
	for _, c := range changes {
		if c.Range == nil {
			break
		}
		n += len(c.Text)
	}
	return n
}

// resolve returns the byte offsets of r in b, scanning b only as far as the
// start of r's last line.
func resolve(b []byte, r Range) (start, end int, err error) {
	if err := checkOrder(r); err != nil {
		return 0, 0, err
	}
	s := newLineScanner(b)
	startLine, ok, lines := s.seek(0, 0, int(r.Start.Line))
	if !ok {
		return 0, 0, fmt.Errorf("start of range %v: %w: line %d is beyond the last line %d",
			r, ErrBadPosition, r.Start.Line, lines-1)
	}
	endLine, ok, lines := s.seek(startLine, int(r.Start.Line), int(r.End.Line))
	if !ok {
		return 0, 0, fmt.Errorf("end of range %v: %w: line %d is beyond the last line %d",
			r, ErrBadPosition, r.End.Line, lines-1)
	}
	if start, err = charOffset(b, startLine, r.Start); err != nil {
		return 0, 0, fmt.Errorf("start of range %v: %w", r, err)
	}
	if end, err = charOffset(b, endLine, r.End); err != nil {
		return 0, 0, fmt.Errorf("end of range %v: %w", r, err)
	}
	return start, end, nil
}

// splice replaces b[start:end] with text, in place when b's capacity allows
// (as Apply's slack ensures) and otherwise in a new, larger array.
func splice(b []byte, start, end int, text string) []byte {
	n := len(b) - (end - start) + len(text)
	if n > cap(b) {
		out := make([]byte, n, n+n/4)
		copy(out, b[:start])
		copy(out[start:], text)
		copy(out[start+len(text):], b[end:])
		return out
	}
	tail := len(b) - end
	b = b[:max(n, len(b))]
	copy(b[start+len(text):], b[end:end+tail]) // memmove; overlap is safe
	copy(b[start:], text)
	return b[:n]
}
