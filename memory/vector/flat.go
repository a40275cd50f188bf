package vector

import (
	"fmt"
	"runtime"
	"sync"
)

// Flat is aios's exhaustive vector index: one contiguous slab scanned in
// full by every query, split across up to GOMAXPROCS goroutines once each
// gets at least 4M elements (about 11k rows at 384 dimensions). It is safe for
// concurrent use by many readers and one writer; a Search holds the read
// lock for its whole scan, so writers wait for searches in flight.
type Flat struct {
	dim   int
	quant Quantization
	// partRows is the fewest rows a goroutine of a parallel scan gets;
	// below 2*partRows a scan runs on the calling goroutine.
	partRows int

	mu sync.RWMutex
	s  *slab // guarded by mu; replaced whole by Import
}

// minPartElems is the work, in scanned elements (rows × stride), each
// goroutine of a parallel scan gets at least: about 11k rows at 384
// dimensions, so scans of fewer than about 22k rows stay on one goroutine.
// BenchmarkParallel on the 2-vCPU development VM (shared, load 4-5):
// splitting lost at every size up to 10k rows (10k float32: 0.28 ms serial,
// 0.32 ms split; int8: 0.16 vs 0.19) and won for float32 at 100k (7.1 ms vs
// 4.5-7.5), int8 at 100k tying (about 2.3 ms). A split pays only when another
// core is idle and the part is long enough to hide the goroutine hand-off.
const minPartElems = 1 << 22

// NewFlat returns an empty index for vectors of dimension dim stored with
// quantisation q.
func NewFlat(dim int, q Quantization) (*Flat, error) {
	if err := checkDim(dim); err != nil {
		return nil, err
	}
	if !q.valid() {
		return nil, fmt.Errorf("%w: %d", ErrQuantization, int(q))
	}
	return &Flat{
		dim:      dim,
		quant:    q,
		partRows: max(1, minPartElems/padStride(dim)),
		s:        newSlab(dim, q, 0),
	}, nil
}

// Dim returns the dimension of the stored vectors.
func (f *Flat) Dim() int { return f.dim }

// Quantization returns how the index stores its vectors.
func (f *Flat) Quantization() Quantization { return f.quant }

// Len returns the number of stored vectors.
func (f *Flat) Len() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.s.len()
}

// BytesPerVector returns the slab bytes one vector occupies: its float32
// and/or int8 row (padded to a multiple of 32 components) and scale. The id
// string and map entry come on top.
func (f *Flat) BytesPerVector() int {
	stride := padStride(f.dim)
	n := 0
	if f.quant != Int8 {
		n += 4 * stride
	}
	if f.quant != Float32 {
		n += stride + 4
	}
	return n
}

// Upsert adds or replaces vectors; see [Store.Upsert]. Validation,
// normalisation and quantisation happen before the write lock is taken.
func (f *Flat) Upsert(ids []string, vecs [][]float32) error {
	norm, err := checkBatch(ids, vecs, f.dim)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	stride := padStride(f.dim)
	var codes []int8
	var scales []float32
	if f.quant != Float32 {
		codes = make([]int8, len(ids)*stride)
		scales = make([]float32, len(ids))
		for i := range ids {
			scales[i] = quantizeRow(codes[i*stride:(i+1)*stride], norm[i*f.dim:(i+1)*f.dim])
		}
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.s
	if s.len()+len(ids) > maxRows {
		if err := checkRoom(s, ids); err != nil {
			return err
		}
	}
	s.grow(len(ids))
	for i, id := range ids {
		var c []int8
		var sc float32
		if codes != nil {
			c, sc = codes[i*stride:(i+1)*stride], scales[i]
		}
		s.put(id, norm[i*f.dim:(i+1)*f.dim], c, sc)
	}
	return nil
}

// checkRoom reports ErrFull if adding ids would exceed maxRows rows.
func checkRoom(s *slab, ids []string) error {
	fresh := make(map[string]struct{})
	for _, id := range ids {
		if _, ok := s.rows[id]; !ok {
			fresh[id] = struct{}{}
		}
	}
	if s.len()+len(fresh) > maxRows {
		return fmt.Errorf("%w: %d + %d new vectors exceed %d", ErrFull, s.len(), len(fresh), maxRows)
	}
	return nil
}

// Delete removes ids; unknown ids are ignored. Each removal moves the last
// row into the freed one, so the slab stays dense.
func (f *Flat) Delete(ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	removed := false
	for _, id := range ids {
		removed = f.s.remove(id) || removed
	}
	if removed {
		f.s.shrink()
	}
	return nil
}

// parts returns how many goroutines should scan n rows.
func (f *Flat) parts(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/f.partRows))
}
