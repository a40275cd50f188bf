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
// back into its pool is closed. Every tree and cursor is closed before Parse
// returns. The pools are the package's only shared state: they hold
// interchangeable parsers and are invisible to callers.
//
// The package makes tree-sitter allocate with the C library directly
// (once, before its first parser): go-tree-sitter otherwise routes every C
// allocation through a Go callback, which cost a third of the parse time.
//
// ParseContext stops a running tree-sitter parse through the parser's
// cancellation flag (pinned Go memory that the C parser polls). The
// progress-callback option of ParseWithOptions is not used: in
// go-tree-sitter v0.25.0 it leaks a registry entry on every call.
//
// Extraction walks each syntax tree once with a tree cursor instead of
// running tree-sitter queries. A single walk sees every node with its
// context (enclosing class or receiver, whether an identifier is being
// declared or used, whether a declaration is exported), which queries would
// leave to a second pass of Parent() look-ups, and it avoids the per-match
// allocations of the query API. Node kinds and field names are resolved to
// numeric ids once per language, so the walk compares integers. ERROR
// nodes at the top level are looked into: declarations that tree-sitter
// could not attach are still found.
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
