// Package textdoc maps between LSP positions and byte offsets of a text
// document, and applies textDocument/didChange content changes.
//
// Positions follow LSP 3.17 with the default "utf-16" position encoding:
// Line is a zero-based line number and Character a zero-based count of
// UTF-16 code units from the start of that line.
//
// # Lines
//
// "\n", "\r\n" and a lone "\r" each end a line; the terminator is not part of
// the line's length. A document with N terminators has N+1 lines, so the
// empty document has one (empty) line, and content that ends with a
// terminator has a final empty line. On such content the end of the document
// is the position (LineCount()-1, 0) — the start of that empty line, which
// clients counting lines the way editors display them know as "one past the
// last line". Any Line >= LineCount() is rejected with ErrBadPosition; it is
// never clamped, because a client that addresses a line the server does not
// have is out of sync, and silently editing the last line would corrupt its
// buffer.
//
// # Characters
//
// A rune at or above U+10000 counts two UTF-16 units (a surrogate pair); a
// Character that falls between the two halves is rejected with
// ErrBadPosition. A Character beyond the line's length is clamped to the line
// length, as the specification asks; since that length excludes the
// terminator, no position can point inside a "\r\n" pair or after a
// terminator. Each byte that is not part of valid UTF-8 counts as one UTF-16
// unit, as the U+FFFD it would be displayed as (this is also how Go's
// utf8.DecodeRune splits such bytes).
//
// # Offsets
//
// Byte offsets range over [0, len(content)]. An offset inside a multi-byte
// rune, or between the "\r" and "\n" of a pair, has no LSP position and is
// rejected with ErrBadOffset; every other offset maps to exactly one
// position, and Offset(Position(o)) == o. Conversely Position(Offset(p)) == p
// for every position whose Character is within its line's length.
package textdoc
