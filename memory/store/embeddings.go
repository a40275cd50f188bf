package store

import (
	"bytes"
	"fmt"
)

// vectorSlab is how many vectors Embeddings decodes into one allocation.
const vectorSlab = 256

// Embeddings calls fn with model's current vectors, ordered by chunk ID.
// A vector whose stamped hash differs from its chunk's current hash is never
// passed. vec belongs to the caller. An unknown model has no vectors. An
// error from fn stops the walk and is returned unchanged.
func (t *Tx) Embeddings(model string, fn func(id string, vec []float32) error) (err error) {
	defer recoverCorrupt(&err)
	return t.embeddings(model, fn, false)
}

// ScanEmbeddings is Embeddings with one reused buffer: vec is valid only
// until fn returns, so fn must copy what it keeps. A caller that copies the
// vectors into its own storage anyway (a vector index) saves allocating
// them twice: for 100k 384-dimensional vectors, about 150 MB.
func (t *Tx) ScanEmbeddings(model string, fn func(id string, vec []float32) error) (err error) {
	defer recoverCorrupt(&err)
	return t.embeddings(model, fn, true)
}

func (t *Tx) embeddings(model string, fn func(id string, vec []float32) error, reuse bool) error {
	if err := checkName("model", model); err != nil {
		return fmt.Errorf("store: embeddings: %w", err)
	}
	dim, ok, err := t.EmbeddingDim(model)
	if err != nil || !ok {
		return err
	}
	eb, err := t.bucket(bEmbeddings)
	if err != nil {
		return err
	}
	ib, err := t.bucket(bChunkIDs)
	if err != nil {
		return err
	}
	prefix := prefixKey(model)
	ic := ib.Cursor()
	ik, iv := ic.First()
	var slab []float32
	ec := eb.Cursor()
	for k, v := ec.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = ec.Next() {
		id := k[len(prefix):]
		// Both buckets are ordered by ID: advance the index cursor (a merge
		// join, cheaper than a Get per vector).
		for ik != nil && bytes.Compare(ik, id) < 0 {
			ik, iv = ic.Next()
		}
		if ik == nil || !bytes.Equal(ik, id) {
			continue // orphan: its chunk is gone
		}
		_, cur, err := decodeChunkIndexRaw(iv)
		if err != nil {
			return fmt.Errorf("store: embeddings: %w", corrupt("chunk index", id, err))
		}
		hash, raw, vdim, err := decodeVectorHeader(v)
		if err != nil {
			return fmt.Errorf("store: embeddings: %w", corrupt("vector", k, err))
		}
		if vdim != dim {
			return fmt.Errorf("store: embeddings: %w: vector %q has dimension %d, model has %d", ErrCorrupt, k, vdim, dim)
		}
		if !bytes.Equal(hash, cur) {
			continue // stale: computed from older text
		}
		var vec []float32
		if reuse {
			if slab == nil {
				slab = make([]float32, dim)
			}
			vec = slab[:dim:dim]
		} else {
			if len(slab) < dim {
				slab = make([]float32, dim*vectorSlab)
			}
			vec = slab[:dim:dim]
			slab = slab[dim:]
		}
		decodeFloats(vec, raw)
		if err := call2(fn, string(id), vec); err != nil {
			return err
		}
	}
	return nil
}

// EmbeddingDim returns the dimension of model's vectors; ok is false when
// no vector was ever stored for model.
func (t *Tx) EmbeddingDim(model string) (dim int, ok bool, err error) {
	defer recoverCorrupt(&err)
	mb, err := t.bucket(bModels)
	if err != nil {
		return 0, false, err
	}
	v := mb.Get([]byte(model))
	if v == nil {
		return 0, false, nil
	}
	dim, err = decodeModel(v)
	if err != nil {
		return 0, false, corrupt("model", []byte(model), err)
	}
	return dim, true, nil
}

// MissingEmbeddings returns, ordered by ID, the chunks that have no current
// vector for model (none stored, or one computed from older text).
func (t *Tx) MissingEmbeddings(model string) (missing []ChunkRecord, err error) {
	defer recoverCorrupt(&err)
	if err := checkName("model", model); err != nil {
		return nil, fmt.Errorf("store: missing embeddings: %w", err)
	}
	ib, err := t.bucket(bChunkIDs)
	if err != nil {
		return nil, err
	}
	eb, err := t.bucket(bEmbeddings)
	if err != nil {
		return nil, err
	}
	cb, err := t.bucket(bChunks)
	if err != nil {
		return nil, err
	}
	prefix := prefixKey(model)
	ec := eb.Cursor()
	ek, ev := ec.Seek(prefix)
	var out []ChunkRecord
	ic := ib.Cursor()
	for id, iv := ic.First(); id != nil; id, iv = ic.Next() {
		for ek != nil && hasPrefix(ek, prefix) && bytes.Compare(ek[len(prefix):], id) < 0 {
			ek, ev = ec.Next()
		}
		path, cur, err := decodeChunkIndexRaw(iv)
		if err != nil {
			return nil, corrupt("chunk index", id, err)
		}
		if ek != nil && hasPrefix(ek, prefix) && bytes.Equal(ek[len(prefix):], id) {
			if hash, _, _, err := decodeVectorHeader(ev); err == nil && bytes.Equal(hash, cur) {
				continue
			}
		}
		key := joinKey(string(path), string(id))
		rec, err := decodeChunk(key, cb.Get(key), nil)
		if err != nil {
			return nil, fmt.Errorf("store: missing embeddings: %w", err)
		}
		out = append(out, rec)
	}
	return out, nil
}
