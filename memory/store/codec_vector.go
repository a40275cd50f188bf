package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

func encodeModel(dim int) []byte {
	e := enc{}
	e.byte1(recModel)
	e.uvarint(uint64(dim))
	return e.b
}

func decodeModel(val []byte) (int, error) {
	d := dec{b: val}
	if err := d.version(recModel, "model"); err != nil {
		return 0, err
	}
	dim := d.int()
	if err := d.done(); err != nil {
		return 0, err
	}
	if dim <= 0 {
		return 0, fmt.Errorf("%w: model dimension %d", ErrCorrupt, dim)
	}
	return dim, nil
}

// encodeVector encodes a vector stamped with its chunk's hash.
func encodeVector(hash string, vec []float32) []byte {
	e := enc{b: make([]byte, 0, 8+len(hash)+4*len(vec))}
	e.byte1(recVector)
	e.str(hash)
	e.uvarint(uint64(len(vec)))
	for _, f := range vec {
		e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(f))
	}
	return e.b
}

// decodeVectorHeader returns the chunk hash and the raw float bytes.
func decodeVectorHeader(val []byte) (hash, raw []byte, dim int, err error) {
	d := dec{b: val}
	if err := d.version(recVector, "vector"); err != nil {
		return nil, nil, 0, err
	}
	hash = d.bytes()
	dim = d.int()
	if d.err != nil {
		return nil, nil, 0, d.err
	}
	if dim <= 0 || len(d.b) != 4*dim {
		return nil, nil, 0, fmt.Errorf("%w: vector of dim %d has %d bytes", errShort, dim, len(d.b))
	}
	return hash, d.b, dim, nil
}

// hostLittleEndian: float32 memory has the stored byte order, so a vector
// can be copied in one memmove.
var hostLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// decodeFloats fills dst (len(dst)*4 == len(raw)) from little-endian bytes.
// On little-endian hosts it is a plain byte copy: 384 floats take 23-30 ns
// instead of 480-700 ns for the portable loop (BenchmarkDecodeFloats), which
// was most of the time of loading 100k vectors.
func decodeFloats(dst []float32, raw []byte) {
	raw = raw[:4*len(dst)]
	if hostLittleEndian && len(dst) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 4*len(dst)), raw)
		return
	}
	decodeFloatsPortable(dst, raw)
}

func decodeFloatsPortable(dst []float32, raw []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
}
