package vector

import (
	"fmt"
	"math"
	"sync"
)

// query is a normalised query prepared for one scan: padded to the slab's
// stride as float32 and, for the int8 quantisations, as int16 codes.
type query struct {
	f32   []float32
	i16   []int16 // int8 scans: codes for the AVX2 kernel
	i32   []int32 // the same codes for the portable kernel
	scale float32 // query code scale t (int8 only)
}

func (f *Flat) prepare(q []float32) (query, error) {
	stride := padStride(f.dim)
	qf := make([]float32, stride)
	if err := normalizeInto(qf[:f.dim], q, f.dim); err != nil {
		return query{}, fmt.Errorf("search: %w", err)
	}
	p := query{f32: qf}
	if f.quant != Float32 {
		p.i16 = make([]int16, stride)
		p.scale = quantizeQuery(p.i16, qf[:f.dim])
		p.i32 = make([]int32, stride)
		for j, c := range p.i16 {
			p.i32[j] = int32(c)
		}
	}
	return p, nil
}

// Search returns the k stored vectors most similar to q; see
// [Store.Search]. For Int8 the scores are the int8 estimates; for Float32
// and Int8Rerank they are exact float32 cosines.
func (f *Flat) Search(q []float32, k int) ([]Hit, error) {
	if k < 0 {
		return nil, fmt.Errorf("%w: %d", ErrBadK, k)
	}
	p, err := f.prepare(q)
	if err != nil {
		return nil, err
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	s := f.s
	k = min(k, s.len())
	if k == 0 {
		return []Hit{}, nil
	}
	var cs []cand
	switch f.quant {
	case Float32:
		cs = f.scan(s, p, k, scanRangeF32)
	case Int8:
		cs = f.scan(s, p, k, scanRangeI8)
	case Int8Rerank:
		cs = f.scan(s, p, min(s.len(), max(4*k, 16)), scanRangeI8)
		rerank(s, p, cs)
	}
	sortCands(cs, s.ids)
	cs = cs[:k]
	hits := make([]Hit, len(cs))
	for i, c := range cs {
		hits[i] = Hit{ID: s.ids[c.row], Score: c.score}
	}
	return hits, nil
}

// scanRange offers rows [lo, hi) of s to t.
type scanRange func(s *slab, p query, lo, hi int, t *topK)

// scan returns the best k candidates over all rows of s, unsorted. Large
// slabs are split into contiguous parts scanned concurrently, each into
// its own heap; the heaps are merged by the caller's sort.
func (f *Flat) scan(s *slab, p query, k int, fn scanRange) []cand {
	n := s.len()
	parts := f.parts(n)
	if parts == 1 {
		t := newTopK(k, s.ids, make([]cand, 0, k))
		fn(s, p, 0, n, &t)
		return t.h
	}
	buf := make([]cand, parts*k)
	heaps := make([]topK, parts)
	var wg sync.WaitGroup
	for i := range parts {
		heaps[i] = newTopK(k, s.ids, buf[i*k:(i+1)*k:(i+1)*k])
		lo, hi := i*n/parts, (i+1)*n/parts
		if i == 0 {
			continue
		}
		wg.Go(func() { fn(s, p, lo, hi, &heaps[i]) })
	}
	fn(s, p, 0, n/parts, &heaps[0])
	wg.Wait()
	all := make([]cand, 0, parts*k)
	for _, h := range heaps {
		all = append(all, h.h...)
	}
	sortCands(all, s.ids)
	return all[:k]
}

// scanRangeF32 scores rows with the float32 kernel, a block at a time.
func scanRangeF32(s *slab, p query, lo, hi int, t *topK) {
	var out [kernelBlock]float32
	floor := float32(math.Inf(-1))
	for lo < hi {
		m := min(kernelBlock, hi-lo)
		scoresF32(p.f32, s.f32[lo*s.stride:(lo+m)*s.stride], s.stride, out[:m])
		for i, sc := range out[:m] {
			if sc < floor {
				continue
			}
			t.push(cand{score: sc, row: int32(lo + i)})
			if t.full() {
				floor = t.floor()
			}
		}
		lo += m
	}
}

// scanRangeI8 scores rows with the int8 kernel; a row's estimate is its
// integer dot product times its scale times the query's.
func scanRangeI8(s *slab, p query, lo, hi int, t *topK) {
	var out [kernelBlock]int32
	floor := float32(math.Inf(-1))
	for lo < hi {
		m := min(kernelBlock, hi-lo)
		scoresI8(p.i16, p.i32, s.i8[lo*s.stride:(lo+m)*s.stride], s.stride, out[:m])
		scales := s.scale[lo : lo+m]
		for i, acc := range out[:m] {
			sc := float32(acc) * (scales[i] * p.scale)
			if sc < floor {
				continue
			}
			t.push(cand{score: sc, row: int32(lo + i)})
			if t.full() {
				floor = t.floor()
			}
		}
		lo += m
	}
}

// rerank replaces the int8 estimates of cs with exact float32 scores.
func rerank(s *slab, p query, cs []cand) {
	var out [1]float32
	for i := range cs {
		scoresF32(p.f32, s.rowF32(int(cs[i].row)), s.stride, out[:])
		cs[i].score = out[0]
	}
}
