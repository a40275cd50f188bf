package memory

import (
	"context"
	"fmt"
	"github.com/aios-dev/aios/memory/store"
	"github.com/aios-dev/aios/memory/vector"
	"math"
)

// embed computes and stores the vectors of one batch.
func (q *embedQueue) embed(batch map[string]pendingChunk) error {
	byPath := map[string][]string{}
	for id, p := range batch {
		byPath[p.path] = append(byPath[p.path], id)
	}
	var recs []store.ChunkRecord
	for path := range byPath {
		stored, err := q.m.st.FileChunks(path)
		if err != nil {
			return fmt.Errorf("reading chunks of %s: %w", path, err)
		}
		for i := range stored {
			if p, ok := batch[stored[i].ID]; ok && p.hash == stored[i].Hash {
				recs = append(recs, stored[i])
			}
		}
	}
	if len(recs) == 0 {
		return nil // every chunk changed or went away meanwhile
	}
	texts := make([]string, len(recs))
	for i := range recs {
		texts[i] = recs[i].Text
	}
	vecs, err := q.m.embedder.Embed(q.ctx, texts)
	if err != nil {
		if q.ctx.Err() != nil {
			return context.Canceled
		}
		return fmt.Errorf("%w: %d texts: %v", ErrEmbedding, len(texts), err)
	}
	if err := checkVectors(vecs, len(texts)); err != nil {
		return err
	}
	if _, err := q.m.st.PutChunkEmbeddings(q.m.model, recs, vecs); err != nil {
		return fmt.Errorf("storing vectors: %w", err)
	}
	return q.m.upsertVectors(recs, vecs)
}

// checkVectors validates an Embedder's answer for n texts.
func checkVectors(vecs [][]float32, n int) error {
	if len(vecs) != n {
		return fmt.Errorf("%w: %d vectors for %d texts", ErrEmbedding, len(vecs), n)
	}
	for i, v := range vecs {
		if len(v) == 0 || len(v) != len(vecs[0]) {
			return fmt.Errorf("%w: vector %d has dimension %d, the first has %d", ErrEmbedding, i, len(v), len(vecs[0]))
		}
		zero := true
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return fmt.Errorf("%w: vector %d holds %v", ErrEmbedding, i, x)
			}
			zero = zero && x == 0
		}
		if zero {
			return fmt.Errorf("%w: vector %d is zero", ErrEmbedding, i)
		}
	}
	return nil
}

// upsertVectors puts the vectors of chunks that are still current into
// the vector store, creating it on the first vectors.
func (m *Memory) upsertVectors(recs []store.ChunkRecord, vecs [][]float32) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed && m.vec == nil {
		return nil
	}
	ids := make([]string, 0, len(recs))
	keep := make([][]float32, 0, len(recs))
	for i := range recs {
		if c, ok := m.chunks[recs[i].ID]; ok && c.hash == recs[i].Hash {
			ids = append(ids, recs[i].ID)
			keep = append(keep, vecs[i])
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if m.vec == nil {
		v, err := vector.NewFlat(len(keep[0]), m.quant)
		if err != nil {
			return fmt.Errorf("%w: creating the vector store: %v", ErrEmbedding, err)
		}
		m.vec = v
	}
	if d := m.vec.Dim(); d != len(keep[0]) {
		return fmt.Errorf("%w: the embedder returns %d dimensions, the vector store holds %d (a different model under EmbedModel %q?)",
			ErrEmbedding, len(keep[0]), d, m.model)
	}
	if err := m.vec.Upsert(ids, keep); err != nil {
		return fmt.Errorf("%w: %v", ErrEmbedding, err)
	}
	return nil
}
