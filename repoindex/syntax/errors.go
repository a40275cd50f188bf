package syntax

import "errors"

// ErrBinary is returned by Parse for content that is not text: it contains
// a NUL byte, or more than 10% of its bytes are not valid UTF-8 (UTF-16
// files contain NUL bytes and are rejected too). Text with a few invalid
// bytes in strings or comments is parsed.
var ErrBinary = errors.New("syntax: binary content (NUL bytes or mostly invalid UTF-8)")

// ErrInvalidOptions is returned by Parse for impossible Options: negative
// sizes, MaxChunkBytes below 16, or MinChunkBytes above MaxChunkBytes.
var ErrInvalidOptions = errors.New("syntax: invalid options")

// ErrParse is returned when tree-sitter produced no syntax tree for a
// reason other than cancellation. It indicates a bug or an exhausted
// resource, not a syntax error: syntax errors are counted in File.Errors.
var ErrParse = errors.New("syntax: tree-sitter returned no tree")
