package syntax

import (
	"bytes"
	"unicode/utf8"
)

// isBinary reports whether content is not text (see ErrBinary).
func isBinary(content []byte) bool {
	if bytes.IndexByte(content, 0) >= 0 {
		return true
	}
	if utf8.Valid(content) {
		return false
	}
	invalid := 0
	for i := 0; i < len(content); {
		r, n := utf8.DecodeRune(content[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
		}
		i += n
	}
	return invalid*10 > len(content)
}
