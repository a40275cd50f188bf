package vector

import (
	"fmt"
	"io"
)

// Hit is one search result.
type Hit struct {
	ID    string
	Score float32 // cosine similarity, higher is better
}

// Store is a dense vector index with top-k cosine search.
//
// Implementations are safe for concurrent use: many readers, one writer.
type Store interface {
	// Dim is the dimension every vector must have.
	Dim() int
	// Upsert adds vectors, replacing those whose id exists already.
	// Vectors are normalised on the way in. The batch is validated as a
	// whole before anything changes: an empty id, a vector of the wrong
	// dimension, a zero vector or a NaN/Inf component rejects the batch.
	// When an id appears twice in one batch, the last vector wins.
	Upsert(ids []string, vecs [][]float32) error
	// Delete removes ids; unknown ids are ignored.
	Delete(ids ...string) error
	// Search returns the k vectors most similar to q by cosine, sorted by
	// score descending then ID ascending. k larger than Len returns Len
	// hits; k == 0 returns none; a negative k is ErrBadK.
	Search(q []float32, k int) ([]Hit, error)
	// Len is the number of vectors stored.
	Len() int
	// Export writes a versioned snapshot: magic, version, dimension,
	// quantisation, count, the rows, and a CRC-32C checksum.
	Export(w io.Writer) error
	// Import replaces the content with a snapshot written by Export. A
	// corrupt, truncated or mismatched snapshot is an error and leaves the
	// store unchanged.
	Import(r io.Reader) error
}

// Quantization selects how a [Flat] stores its vectors.
type Quantization int

const (
	// Float32 keeps every normalised vector as float32: exact scores,
	// 4 bytes per dimension.
	Float32 Quantization = iota
	// Int8 keeps each normalised vector as int8 codes with one float32
	// scale per vector (symmetric quantisation, codes in [-127, 127]):
	// 1 byte per dimension; scores are approximate.
	Int8
	// Int8Rerank scans the int8 codes and re-ranks the best max(4k, 16)
	// candidates with exact float32 vectors kept beside them: exact scores
	// at int8 scan speed, 5 bytes per dimension.
	Int8Rerank
)

// String returns the quantisation's name.
func (q Quantization) String() string {
	switch q {
	case Float32:
		return "float32"
	case Int8:
		return "int8"
	case Int8Rerank:
		return "int8-rerank"
	}
	return fmt.Sprintf("Quantization(%d)", int(q))
}

func (q Quantization) valid() bool { return q >= Float32 && q <= Int8Rerank }

// MaxDim is the largest dimension a store accepts. It bounds the int8
// accumulators (see quantize.go) and the size a snapshot header may claim.
const MaxDim = 1 << 16

// MaxIDLen is the longest id, in bytes, a store accepts.
const MaxIDLen = 1 << 16

var (
	_ Store = (*Flat)(nil)
	_ Store = (*Chromem)(nil)
)

// Recommended is the quantization aios uses by default: Int8Rerank where
// the int8 kernel is vectorised (amd64 with AVX2 and FMA: exact results at
// about a third of Float32's time at 100k × 384), Float32 elsewhere, where
// the portable int8 kernel is the slower one.
func Recommended() Quantization {
	if haveAVX2 {
		return Int8Rerank
	}
	return Float32
}
