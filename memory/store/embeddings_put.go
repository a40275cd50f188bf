package store

import "fmt"

// PutEmbeddings stores vecs[i] as model's vector for chunk ids[i], stamped
// with the chunk's current hash. Every ID must be a stored chunk
// (ErrUnknownChunk) and every vector must have the model's dimension (the
// first vectors stored for a model fix it; ErrDimensionMismatch). A vector
// computed from text that has changed since would be stamped with the new
// hash: callers that embed asynchronously should use PutChunkEmbeddings.
func (t *Tx) PutEmbeddings(model string, ids []string, vecs [][]float32) (err error) {
	defer recoverCorrupt(&err)
	if _, err := t.putVectors(model, ids, nil, vecs, true); err != nil {
		return fmt.Errorf("store: put %q embeddings: %w", model, err)
	}
	return nil
}

// PutChunkEmbeddings stores vecs[i] as model's vector for chunks[i] only if
// that chunk is still stored with the same Hash (an empty Hash means
// HashText(Text)); vectors of chunks that changed or disappeared meanwhile
// are skipped. It returns how many vectors it stored.
func (t *Tx) PutChunkEmbeddings(model string, chunks []ChunkRecord, vecs [][]float32) (stored int, err error) {
	defer recoverCorrupt(&err)
	ids := make([]string, len(chunks))
	hashes := make([]string, len(chunks))
	for i := range chunks {
		ids[i] = chunks[i].ID
		hashes[i] = chunks[i].Hash
		if hashes[i] == "" {
			hashes[i] = HashText(chunks[i].Text)
		}
	}
	n, err := t.putVectors(model, ids, hashes, vecs, false)
	if err != nil {
		return 0, fmt.Errorf("store: put %q chunk embeddings: %w", model, err)
	}
	return n, nil
}

// putVectors validates everything before writing anything. With strict, an
// unknown ID is an error; otherwise it (and a hash mismatch) is skipped.
func (t *Tx) putVectors(model string, ids, hashes []string, vecs [][]float32, strict bool) (int, error) {
	if err := t.writable(); err != nil {
		return 0, err
	}
	if err := checkName("model", model); err != nil {
		return 0, err
	}
	if len(ids) != len(vecs) {
		return 0, invalid("%d IDs but %d vectors", len(ids), len(vecs))
	}
	if len(ids) == 0 {
		return 0, nil
	}
	dim := len(vecs[0])
	for i, v := range vecs {
		if err := checkVector(fmt.Sprintf("vector %d", i), v); err != nil {
			return 0, err
		}
		if len(v) != dim {
			return 0, fmt.Errorf("%w: vector %d has dimension %d, vector 0 has %d", ErrDimensionMismatch, i, len(v), dim)
		}
	}
	mb, err := t.bucket(bModels)
	if err != nil {
		return 0, err
	}
	if mv := mb.Get([]byte(model)); mv != nil {
		want, err := decodeModel(mv)
		if err != nil {
			return 0, corrupt("model", []byte(model), err)
		}
		if want != dim {
			return 0, fmt.Errorf("%w: model %q stores %d-dimensional vectors, got %d (DropModel first to change it)",
				ErrDimensionMismatch, model, want, dim)
		}
	}
	ib, err := t.bucket(bChunkIDs)
	if err != nil {
		return 0, err
	}
	eb, err := t.bucket(bEmbeddings)
	if err != nil {
		return 0, err
	}
	type put struct {
		key, val []byte
	}
	puts := make([]put, 0, len(ids))
	for i, id := range ids {
		if err := checkName("chunk ID", id); err != nil {
			return 0, err
		}
		v := ib.Get([]byte(id))
		if v == nil {
			if strict {
				return 0, fmt.Errorf("%w: %q", ErrUnknownChunk, id)
			}
			continue
		}
		_, cur, err := decodeChunkIndexRaw(v)
		if err != nil {
			return 0, corrupt("chunk index", []byte(id), err)
		}
		if hashes != nil && string(cur) != hashes[i] {
			continue
		}
		puts = append(puts, put{joinKey(model, id), encodeVector(string(cur), vecs[i])})
	}
	if len(puts) == 0 {
		return 0, nil
	}
	if mb.Get([]byte(model)) == nil {
		if err := mb.Put([]byte(model), encodeModel(dim)); err != nil {
			return 0, err
		}
	}
	for _, p := range puts {
		if err := eb.Put(p.key, p.val); err != nil {
			return 0, err
		}
	}
	return len(puts), nil
}

// DropModel deletes every vector of model and forgets its dimension.
func (t *Tx) DropModel(model string) (err error) {
	defer recoverCorrupt(&err)
	err = func() error {
		if err := t.writable(); err != nil {
			return err
		}
		if err := checkName("model", model); err != nil {
			return err
		}
		eb, err := t.bucket(bEmbeddings)
		if err != nil {
			return err
		}
		if _, err := deletePrefix(eb, prefixKey(model)); err != nil {
			return err
		}
		mb, err := t.bucket(bModels)
		if err != nil {
			return err
		}
		return mb.Delete([]byte(model))
	}()
	if err != nil {
		return fmt.Errorf("store: drop model %q: %w", model, err)
	}
	return nil
}

// deleteVectors deletes the vectors of ids for every model.
func (t *Tx) deleteVectors(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	mb, err := t.bucket(bModels)
	if err != nil {
		return err
	}
	eb, err := t.bucket(bEmbeddings)
	if err != nil {
		return err
	}
	var models []string
	if err := mb.ForEach(func(k, _ []byte) error { models = append(models, string(k)); return nil }); err != nil {
		return err
	}
	for _, m := range models {
		for _, id := range ids {
			if err := eb.Delete(joinKey(m, id)); err != nil {
				return err
			}
		}
	}
	return nil
}
