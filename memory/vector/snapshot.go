package vector

import (
	"fmt"
	"hash/crc32"
)

// Snapshot format, version 1. All integers little-endian.
//
//	offset size
//	0      8    magic "aiosvec\x00"
//	8      4    version (1)
//	12     4    dimension
//	16     4    quantisation of the writing store (Quantization value)
//	20     4    reserved, zero
//	24     8    count of rows
//	32     ...  count rows, each:
//	              uvarint id length, id bytes,
//	              Float32, Int8Rerank: dimension × float32 (normalised vector)
//	              Int8: float32 scale, dimension × int8 codes
//	end    4    CRC-32C (Castagnoli) of every byte before it
//
// A float32 snapshot loads into any store of its dimension (an Int8 store
// quantises on the way in); an Int8 snapshot only into an Int8 store.
const (
	snapMagic     = "aiosvec\x00"
	snapVersion   = 1
	snapHeaderLen = 32
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapHeader is a decoded snapshot header.
type snapHeader struct {
	dim   int
	quant Quantization
	count int
}

// codes reports whether the rows carry int8 codes rather than float32.
func (h snapHeader) codes() bool { return h.quant == Int8 }

// check reports ErrMismatch when a store of dimension dim and quantisation
// q cannot load this snapshot.
func (h snapHeader) check(dim int, q Quantization) error {
	if h.dim != dim {
		return fmt.Errorf("%w: snapshot dimension %d, store %d", ErrMismatch, h.dim, dim)
	}
	if h.codes() && q != Int8 {
		return fmt.Errorf("%w: an int8 snapshot holds no float32 vectors for a %v store", ErrMismatch, q)
	}
	return nil
}
