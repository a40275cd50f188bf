package metal

import (
	"strings"
	"unicode/utf8"
)

// streamFilter turns token pieces into text to emit. It holds back the bytes
// that may still change meaning: an incomplete UTF-8 sequence at the end (a
// token may carry half of a character) and a tail that could be the start of
// a stop sequence. When a stop sequence appears, the text before it is
// released and nothing after it ever is.
type streamFilter struct {
	stops   []string
	pending []byte
	stopped bool
}

func newStreamFilter(stops []string) *streamFilter {
	f := &streamFilter{}
	for _, s := range stops {
		if s != "" {
			f.stops = append(f.stops, s)
		}
	}
	return f
}

// push adds a piece and returns the text that is now final, and whether a
// stop sequence was completed (then the filter accepts nothing more).
func (f *streamFilter) push(piece []byte) (string, bool) {
	if f.stopped {
		return "", true
	}
	f.pending = append(f.pending, piece...)
	if i := f.firstStop(); i >= 0 {
		out := clean(f.pending[:i])
		f.pending, f.stopped = nil, true
		return out, true
	}
	keep := max(f.stopPrefixLen(), incompleteRuneLen(f.pending))
	n := len(f.pending) - keep
	out := clean(f.pending[:n])
	f.pending = append(f.pending[:0], f.pending[n:]...)
	return out, false
}

// flush returns what is held back when generation ends for another reason
// (end of sequence, length): a partial stop sequence is ordinary text then,
// and a character cut off for good becomes U+FFFD.
func (f *streamFilter) flush() string {
	if f.stopped {
		return ""
	}
	out := clean(f.pending)
	f.pending = nil
	return out
}

// firstStop returns the index of the earliest stop sequence in pending, or -1.
func (f *streamFilter) firstStop() int {
	best := -1
	for _, s := range f.stops {
		if i := strings.Index(string(f.pending), s); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// stopPrefixLen is the length of the longest tail of pending that is a
// proper prefix of a stop sequence.
func (f *streamFilter) stopPrefixLen() int {
	longest := 0
	for _, s := range f.stops {
		for n := min(len(s)-1, len(f.pending)); n > longest; n-- {
			if string(f.pending[len(f.pending)-n:]) == s[:n] {
				longest = n
				break
			}
		}
	}
	return longest
}

// incompleteRuneLen is the number of bytes at the end of b that start a
// UTF-8 sequence without finishing it (0 to 3).
func incompleteRuneLen(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < 0x80 {
			return 0 // ASCII: complete
		}
		if c >= 0xC0 { // a lead byte
			need := 2
			switch {
			case c >= 0xF0:
				need = 4
			case c >= 0xE0:
				need = 3
			}
			if need > n && !utf8.FullRune(b[len(b)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}

// clean returns b as a string with invalid UTF-8 replaced by U+FFFD.
func clean(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
