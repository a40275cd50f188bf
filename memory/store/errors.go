package store

import "errors"

// Sentinel errors. Errors returned by this package wrap them with %w; check
// them with errors.Is.
var (
	// ErrNotStore: the file exists but is not a bbolt database (garbage, a
	// different format, or both meta pages damaged).
	ErrNotStore = errors.New("not an aios store")

	// ErrCorrupt: the file is a bbolt database but its content is damaged
	// (truncated file, undecodable record, broken invariant).
	ErrCorrupt = errors.New("damaged data")

	// ErrSchemaTooNew: the store was written by a newer aios; it is left
	// untouched.
	ErrSchemaTooNew = errors.New("schema is newer than this aios supports")

	// ErrNeedsMigration: a read-only Open found an older schema, which can only
	// be migrated by a read-write Open.
	ErrNeedsMigration = errors.New("schema needs a migration")

	// ErrNoSchema: a read-only Open found a file without the memory buckets.
	ErrNoSchema = errors.New("no memory schema")

	// ErrLocked: another Open (in this or another process) holds the file lock.
	ErrLocked = errors.New("locked by another process")

	// ErrClosed: the Store was closed.
	ErrClosed = errors.New("closed")

	// ErrReadOnly: a write on a store opened read-only or inside View.
	ErrReadOnly = errors.New("read-only")

	// ErrInvalidInput: an argument is impossible (empty or NUL-containing
	// names, negative ranges, non-finite numbers, mismatched lengths, values
	// over the size limits).
	ErrInvalidInput = errors.New("invalid input")

	// ErrChunkIDConflict: a chunk ID is already used by another file; chunk
	// IDs must be unique across the workspace.
	ErrChunkIDConflict = errors.New("chunk ID already belongs to another file")

	// ErrUnknownChunk: an embedding was given for a chunk ID that is not stored.
	ErrUnknownChunk = errors.New("unknown chunk ID")

	// ErrDimensionMismatch: a vector's dimension differs from the dimension
	// already stored for its model.
	ErrDimensionMismatch = errors.New("vector dimension mismatch")
)
