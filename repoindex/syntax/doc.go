// Package syntax analyses one source file with tree-sitter: symbol
// definitions, references, imports and a split of the file into chunks on
// syntax boundaries for retrieval.
//
// Parse is the entry point. It understands Go, Python, JavaScript,
// TypeScript and TSX (see LangForPath); every other file is plain text and
// only gets line chunks (see ChunkLines). Parse is safe for concurrent use.
//
// # Design
//
// Parsing uses cgo tree-sitter parsers, which are not safe for concurrent
// use and hold C memory that the Go garbage collector never frees. Parsers
// are therefore kept in one bounded pool per language (a buffered channel,
// not a sync.Pool: a sync.Pool drops objects at garbage collection without
// closing them, which would leak their C memory). A parser that does not fit
// back into its pool is closed. The pools are the package's only shared
// state: they hold interchangeable parsers and are invisible to callers.
//
// The package makes tree-sitter allocate with the C library directly
// (once, before its first parser): go-tree-sitter otherwise routes every C
// allocation through a Go callback, which cost a third of the parse time.
//
// # The flat tree
//
// A cgo call costs far more than the tree-sitter function it calls, and
// walking a tree through go-tree-sitter takes several per node. Each file
// therefore crosses into C once (flatten.c): tree-sitter parses the
// content in place (ts_parser_parse_string: no read callback, no copy),
// a tree cursor records every visible node in pre-order into an array of
// fixed-size records in the parser's C memory (kind, field, byte range,
// flags, tree-sitter's child counts, the index just after the subtree),
// and the tree is deleted before the call returns. The analysis then
// reads that array from Go, without cgo calls; node text is a slice of
// the content. Tree-sitter's C API is declared in tsapi.h, copied from the
// api.h of the go-tree-sitter module, whose package compiles the library
// into the binary.
//
// The array holds what a cursor sees, but ts_node_child_by_field_id and
// ts_node_named_child also look through hidden nodes and inherited fields.
// The look-ups of that kind that the analysis makes are listed per node
// kind (queryTable) and answered during the walk by those functions
// themselves, so that the results are the same as with the live tree. The
// walk keeps its buffers between files; a worker frees them after an
// unusually large file.
//
// ParseContext stops a running tree-sitter parse through the parser's
// cancellation flag, a word of the worker's C memory that the parser polls.
// The progress-callback option is not used: in go-tree-sitter v0.25.0 it
// leaks a registry entry on every call.
//
// Extraction walks the flat tree instead of running tree-sitter queries. A
// single walk sees every node with its context (enclosing class or
// receiver, whether an identifier is being declared or used, whether a
// declaration is exported), which queries would leave to a second pass,
// and it avoids the per-match allocations of the query API. Node kinds and
// field names are resolved to numeric ids once per language, so the walk
// compares integers. ERROR nodes at the top level are looked into:
// declarations that tree-sitter could not attach are still found.
//
// # Positions
//
// Point.Line and Point.Column are 1-based, Column counts bytes, Point.Byte
// is a 0-based offset. Every End point is exclusive: it is the position just
// after the last byte.
//
// # Chunks
//
// Chunks partition the non-blank bytes of a file, in order and without
// overlap. A top-level declaration and the comments before it (back to the
// previous declaration; a comment on the line where that one ends stays
// with it) form one chunk; the package clause, imports and leading
// comments form the "header" chunk. Statements that declare nothing and
// syntax errors form "lines" chunks. Adjacent small declarations (each below
// Options.MinChunkBytes; chunk kinds "decl", "func" and "lines") are merged
// until the merged chunk reaches MinChunkBytes; a merged chunk lists all
// its symbols in Chunk.Symbols and has kind "decl" unless all its parts
// share one kind. A declaration larger than Options.MaxChunkBytes
// is split at syntax boundaries (members, statements, then lines, then
// UTF-8 characters) into consecutive chunks with the same Kind and Symbol
// and Part numbers 1..n. Chunks start at the beginning of their first line
// when only blanks precede them there, and end after their last non-blank
// byte; no chunk splits a UTF-8 character.
//
// # Limits
//
// Content with NUL bytes, or whose invalid UTF-8 exceeds 10% of its bytes,
// is rejected with ErrBinary. Content larger than Options.MaxFileBytes is
// not parsed: Parse returns a File with Lang LangText, TooLarge set and line
// chunks, and no error, so that an indexer still gets text to search.
package syntax
