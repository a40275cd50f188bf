package vector

import (
	"math"
	"slices"
)

// maxRows bounds a store's size: rows are addressed by int32 in the scan.
const maxRows = math.MaxInt32

// slab is a Flat's storage: row r holds ids[r], its float32 vector in
// f32[r*stride:(r+1)*stride] and/or its int8 codes in i8[...] with scale[r].
// Rows are dense: deleting a row moves the last row into its place.
// A slab is not safe for concurrent use; Flat guards it.
type slab struct {
	dim, stride int
	quant       Quantization

	ids   []string
	rows  map[string]int32
	f32   []float32 // Float32 and Int8Rerank
	i8    []int8    // Int8 and Int8Rerank
	scale []float32 // Int8 and Int8Rerank
}

func newSlab(dim int, q Quantization, capRows int) *slab {
	s := &slab{dim: dim, stride: padStride(dim), quant: q}
	s.ids = make([]string, 0, capRows)
	s.rows = make(map[string]int32, capRows)
	if s.hasF32() {
		s.f32 = make([]float32, 0, capRows*s.stride)
	}
	if s.hasI8() {
		s.i8 = make([]int8, 0, capRows*s.stride)
		s.scale = make([]float32, 0, capRows)
	}
	return s
}

func (s *slab) len() int     { return len(s.ids) }
func (s *slab) hasF32() bool { return s.quant != Int8 }
func (s *slab) hasI8() bool  { return s.quant != Float32 }

func (s *slab) rowF32(r int) []float32 { return s.f32[r*s.stride : (r+1)*s.stride] }
func (s *slab) rowI8(r int) []int8     { return s.i8[r*s.stride : (r+1)*s.stride] }

// grow makes room for n more rows without reallocating.
func (s *slab) grow(n int) {
	s.ids = slices.Grow(s.ids, n)
	if s.hasF32() {
		s.f32 = slices.Grow(s.f32, n*s.stride)
	}
	if s.hasI8() {
		s.i8 = slices.Grow(s.i8, n*s.stride)
		s.scale = slices.Grow(s.scale, n)
	}
}

// row returns id's row, appending an empty one if id is new.
func (s *slab) row(id string) int {
	if r, ok := s.rows[id]; ok {
		return int(r)
	}
	r := len(s.ids)
	s.ids = append(s.ids, id)
	s.rows[id] = int32(r)
	if s.hasF32() {
		s.f32 = extend(s.f32, s.stride)
	}
	if s.hasI8() {
		s.i8 = extend(s.i8, s.stride)
		s.scale = append(s.scale, 0)
	}
	return r
}

// put stores id's normalised vector v (length dim) and, for the int8
// quantisations, its codes (length stride) and scale.
func (s *slab) put(id string, v []float32, codes []int8, scale float32) {
	r := s.row(id)
	if s.hasF32() {
		dst := s.rowF32(r)
		copy(dst, v)
		clear(dst[s.dim:])
	}
	if s.hasI8() {
		copy(s.rowI8(r), codes)
		s.scale[r] = scale
	}
}

// remove deletes id by moving the last row into its place; it reports
// whether id was present.
func (s *slab) remove(id string) bool {
	r32, ok := s.rows[id]
	if !ok {
		return false
	}
	r, last := int(r32), len(s.ids)-1
	if r != last {
		moved := s.ids[last]
		s.ids[r] = moved
		s.rows[moved] = r32
		if s.hasF32() {
			copy(s.rowF32(r), s.rowF32(last))
		}
		if s.hasI8() {
			copy(s.rowI8(r), s.rowI8(last))
			s.scale[r] = s.scale[last]
		}
	}
	delete(s.rows, id)
	s.ids[last] = "" // release the string
	s.ids = s.ids[:last]
	if s.hasF32() {
		s.f32 = s.f32[:last*s.stride]
	}
	if s.hasI8() {
		s.i8 = s.i8[:last*s.stride]
		s.scale = s.scale[:last]
	}
	return true
}

// shrink gives memory back once a store has lost most of its rows: when
// fewer than a quarter of the allocated rows are used, the slices are
// reallocated at twice the used size.
func (s *slab) shrink() {
	n, c := len(s.ids), cap(s.ids)
	if c < 1024 || n >= c/4 {
		return
	}
	keep := 2 * n
	s.ids = reserve(s.ids, keep)
	if s.hasF32() {
		s.f32 = reserve(s.f32, keep*s.stride)
	}
	if s.hasI8() {
		s.i8 = reserve(s.i8, keep*s.stride)
		s.scale = reserve(s.scale, keep)
	}
	m := make(map[string]int32, keep)
	for id, r := range s.rows {
		m[id] = r
	}
	s.rows = m // Go maps never shrink; a fresh one does
}

// extend returns x with n more elements, reusing capacity.
func extend[T any](x []T, n int) []T {
	x = slices.Grow(x, n)
	return x[:len(x)+n]
}

// reserve returns a copy of x with capacity c (c ≥ len(x)).
func reserve[T any](x []T, c int) []T {
	out := make([]T, len(x), c)
	copy(out, x)
	return out
}
