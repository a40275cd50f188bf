// Package gguf reads and writes GGUF files, the container format of
// llama.cpp models and adapters, in pure Go. The reader checks every length,
// count and offset against the file size and fixed limits before it trusts
// it, so that a damaged or hostile file is reported as an error instead of
// reaching native code. The writer produces small test and benchmark files.
//
// Format reference: ggml/docs/gguf.md and ggml/src/gguf.cpp in llama.cpp.
package gguf

import "fmt"

// Magic is the first four bytes of every GGUF file.
const Magic = "GGUF"

// DefaultAlignment is the alignment of tensor data when the file does not set
// general.alignment.
const DefaultAlignment = 32

// ValueType is the type of a metadata value.
type ValueType uint32

// Metadata value types, numbered as in gguf.h.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var valueTypeNames = [...]string{"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "arr", "u64", "i64", "f64"}

func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// size is the encoded size of a fixed-size value type, 0 for strings and
// arrays and -1 for unknown types.
func (t ValueType) size() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	case TypeString, TypeArray:
		return 0
	}
	return -1
}

// TensorType is a ggml tensor element type (enum ggml_type).
type TensorType uint32

// Tensor types used by this module's own files.
const (
	TensorF32  TensorType = 0
	TensorF16  TensorType = 1
	TensorQ8_0 TensorType = 8
)

type tensorTypeInfo struct {
	name      string
	blockSize uint64 // elements per block; 0: not a valid type in a file
	typeSize  uint64 // bytes per block
}

// tensorTypes is ggml's type_traits table (name, blck_size, type_size) for
// llama.cpp v0.4.0 (ggml 0.23), printed from ggml_blck_size/ggml_type_size.
// Removed types have a zero block size and are rejected.
var tensorTypes = [...]tensorTypeInfo{
	0: {"f32", 1, 4}, 1: {"f16", 1, 2}, 2: {"q4_0", 32, 18}, 3: {"q4_1", 32, 20},
	6: {"q5_0", 32, 22}, 7: {"q5_1", 32, 24}, 8: {"q8_0", 32, 34}, 9: {"q8_1", 32, 36},
	10: {"q2_K", 256, 84}, 11: {"q3_K", 256, 110}, 12: {"q4_K", 256, 144}, 13: {"q5_K", 256, 176},
	14: {"q6_K", 256, 210}, 15: {"q8_K", 256, 292}, 16: {"iq2_xxs", 256, 66}, 17: {"iq2_xs", 256, 74},
	18: {"iq3_xxs", 256, 98}, 19: {"iq1_s", 256, 50}, 20: {"iq4_nl", 32, 18}, 21: {"iq3_s", 256, 110},
	22: {"iq2_s", 256, 82}, 23: {"iq4_xs", 256, 136}, 24: {"i8", 1, 1}, 25: {"i16", 1, 2},
	26: {"i32", 1, 4}, 27: {"i64", 1, 8}, 28: {"f64", 1, 8}, 29: {"iq1_m", 256, 56},
	30: {"bf16", 1, 2}, 34: {"tq1_0", 256, 54}, 35: {"tq2_0", 256, 66}, 39: {"mxfp4", 32, 17},
	40: {"nvfp4", 64, 36}, 41: {"q1_0", 128, 18}, 42: {"q2_0", 64, 18},
}

func (t TensorType) info() (tensorTypeInfo, bool) {
	if int(t) >= len(tensorTypes) || tensorTypes[t].blockSize == 0 {
		return tensorTypeInfo{}, false
	}
	return tensorTypes[t], true
}

func (t TensorType) String() string {
	if ti, ok := t.info(); ok {
		return ti.name
	}
	return fmt.Sprintf("ggml_type(%d)", uint32(t))
}

// Valid reports whether t is a tensor type that current llama.cpp reads.
func (t TensorType) Valid() bool {
	_, ok := t.info()
	return ok
}

// DataSize is the number of bytes of a tensor of type t and shape dims, or
// an error when the first dimension is not a whole number of blocks or the
// size overflows.
func DataSize(t TensorType, dims []uint64) (uint64, error) {
	ti, ok := t.info()
	if !ok {
		return 0, fmt.Errorf("unknown tensor type %d", uint32(t))
	}
	if len(dims) == 0 {
		return 0, fmt.Errorf("tensor has no dimensions")
	}
	if dims[0]%ti.blockSize != 0 {
		return 0, fmt.Errorf("first dimension %d is not a multiple of the %s block size %d", dims[0], ti.name, ti.blockSize)
	}
	n := dims[0] / ti.blockSize * ti.typeSize
	for _, d := range dims[1:] {
		if d != 0 && n > maxInt64/d {
			return 0, fmt.Errorf("tensor size overflows")
		}
		n *= d
	}
	return n, nil
}

const maxInt64 = 1<<63 - 1
