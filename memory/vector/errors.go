package vector

import "errors"

// Sentinel errors. Every error returned by this package that has one of
// these causes wraps it, so callers check with errors.Is.
var (
	// ErrDimension: a dimension outside [1, MaxDim], or a vector whose
	// length is not the store's dimension.
	ErrDimension = errors.New("vector: wrong dimension")
	// ErrZeroVector: a vector (stored or query) with zero length, which has
	// no direction and so no cosine.
	ErrZeroVector = errors.New("vector: zero vector")
	// ErrNotFinite: a vector with a NaN or infinite component.
	ErrNotFinite = errors.New("vector: NaN or infinite component")
	// ErrBadID: an empty id, or one longer than MaxIDLen bytes.
	ErrBadID = errors.New("vector: bad id")
	// ErrLength: ids and vectors of different lengths in one Upsert.
	ErrLength = errors.New("vector: ids and vectors differ in length")
	// ErrBadK: a negative k in Search.
	ErrBadK = errors.New("vector: negative k")
	// ErrFull: an Upsert that would take a Flat past 2^31-1 vectors.
	ErrFull = errors.New("vector: store is full")
	// ErrQuantization: an unknown Quantization value.
	ErrQuantization = errors.New("vector: unknown quantization")
	// ErrCorrupt: a snapshot that is not one, is truncated, or fails its
	// checksum or its consistency checks.
	ErrCorrupt = errors.New("vector: corrupt snapshot")
	// ErrMismatch: a well-formed snapshot written for a different dimension
	// or quantisation than the importing store's.
	ErrMismatch = errors.New("vector: snapshot does not match the store")
	// ErrVersion: a snapshot written by a newer, unknown format version.
	ErrVersion = errors.New("vector: unsupported snapshot version")
)
