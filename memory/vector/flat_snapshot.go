package vector

import (
	"fmt"
	"io"
)

// Export writes a snapshot of the index; see [Store.Export]. Float32 and
// Int8Rerank indexes write their float32 vectors, Int8 its codes and
// scales. It holds the read lock while writing, so writers wait for it.
func (f *Flat) Export(w io.Writer) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	s := f.s
	h := snapHeader{dim: f.dim, quant: f.quant, count: s.len()}
	sw := newSnapWriter(w, h)
	for r, id := range s.ids {
		if sw.err != nil {
			break
		}
		if h.codes() {
			sw.rowI8(id, s.scale[r], s.rowI8(r)[:f.dim])
		} else {
			sw.rowF32(id, s.rowF32(r)[:f.dim])
		}
	}
	return sw.finish()
}

// Import replaces the content with a snapshot; see [Store.Import]. The
// snapshot is decoded and verified into a new slab, which replaces the old
// one only when the checksum matches, so for a moment both are in memory.
// A float32 snapshot imports into every quantisation; an Int8 snapshot
// only into an Int8 index (ErrMismatch otherwise).
func (f *Flat) Import(r io.Reader) error {
	sr, err := readSnapHeader(r)
	if err != nil {
		return err
	}
	h := sr.hdr
	if err := h.check(f.dim, f.quant); err != nil {
		return err
	}
	s := newSlab(f.dim, f.quant, min(h.count, 1<<16))
	if err := fillSlab(s, sr); err != nil {
		return err
	}
	if err := sr.finish(); err != nil {
		return err
	}
	f.mu.Lock()
	f.s = s
	f.mu.Unlock()
	return nil
}

// fillSlab decodes sr's rows into s.
func fillSlab(s *slab, sr *snapReader) error {
	h := sr.hdr
	raw := make([]float32, s.dim)
	norm := make([]float32, s.dim)
	codes := make([]int8, s.stride)
	for i := range h.count {
		id, err := sr.id()
		if err != nil {
			return fmt.Errorf("import row %d: %w", i, err)
		}
		if _, dup := s.rows[id]; dup {
			return fmt.Errorf("%w: row %d repeats id %q", ErrCorrupt, i, id)
		}
		if h.codes() {
			scale, err := sr.rowI8(codes[:s.dim])
			if err != nil {
				return fmt.Errorf("import row %d: %w", i, err)
			}
			s.put(id, nil, codes, scale)
			continue
		}
		if err := sr.rowF32(raw); err != nil {
			return fmt.Errorf("import row %d: %w", i, err)
		}
		if err := renormalize(norm, raw); err != nil {
			return fmt.Errorf("%w: row %d (id %q): %w", ErrCorrupt, i, id, err)
		}
		var scale float32
		if s.hasI8() {
			scale = quantizeRow(codes, norm)
		}
		s.put(id, norm, codes, scale)
	}
	return nil
}
