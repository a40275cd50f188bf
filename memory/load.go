package memory

import (
	"errors"
	"fmt"
	"time"

	"github.com/aios-dev/aios/memory/store"
	"github.com/aios-dev/aios/memory/vector"
)

// load fills memory from the store at Open: the chunk table and sparse
// index from the snapshot (or, without a current one, from the chunks),
// the graph from the stored facts, the feedback index and the vectors.
func (m *Memory) load() error {
	start := time.Now()
	n, err := m.st.ChunkCount()
	if err != nil {
		return fmt.Errorf("memory: open: %w", err)
	}
	ok, err := m.readSnapshot(n)
	switch {
	case errors.Is(err, ErrCorruptSnapshot):
		m.log.Warn("memory: index snapshot unusable; rebuilding from the store", "err", err)
		m.sparse = NewSparse()
	case err != nil:
		return fmt.Errorf("memory: open: %w", err)
	}
	m.snapValid.Store(ok)
	if !ok {
		if err := m.rebuildChunks(); err != nil {
			return fmt.Errorf("memory: open: %w", err)
		}
	}
	err = m.st.ForEachFeedback(func(f store.Feedback) error {
		m.feedback.add(fromStoreFeedback(f))
		return nil
	})
	if err != nil {
		return fmt.Errorf("memory: open: reading feedback: %w", err)
	}
	vectors, err := m.loadVectors()
	if err != nil {
		return err
	}
	m.log.Info("memory: opened", "chunks", n, "files", len(m.files), "vectors", vectors,
		"from_snapshot", ok, "took", time.Since(start))
	m.writeMu.Lock() // released by loadGraph: writers wait for the graph
	go m.loadGraph(ok)
	return nil
}

// loadGraph loads the knowledge graph in the background, so that Open
// returns as soon as the sparse and dense retrievers are ready: from the
// graph snapshot when the index snapshot was current (then the stored
// facts are attached for later changes), otherwise by setting every stored
// file's facts and resolving every reference again (seconds for tens of
// thousands of files). It holds writeMu, taken by load, until done:
// IndexFile, RemoveFile and Close wait for it; Retrieve skips the graph
// retriever until GraphReady, and Flush waits for it.
func (m *Memory) loadGraph(fromSnapshot bool) {
	defer close(m.loaded)
	defer m.writeMu.Unlock()
	start := time.Now()
	ready := false
	defer func() {
		if !ready {
			close(m.graphReady)
		}
	}()
	if fromSnapshot {
		ok, err := m.readGraphSnapshot()
		switch {
		case err != nil:
			m.log.Warn("memory: graph snapshot unusable; resolving the graph from the stored facts", "err", err)
		case ok:
			ready = true
			close(m.graphReady)
			m.log.Debug("memory: knowledge graph loaded from the snapshot", "took", time.Since(start))
		}
		if !ok {
			m.snapValid.Store(false) // Close writes a complete snapshot again
		}
	}
	var facts []FileFacts
	err := m.forEachFacts(func(f FileFacts) error {
		facts = append(facts, f)
		return nil
	})
	if err != nil {
		m.log.Error("memory: reading file facts; the knowledge graph stays incomplete until files are indexed again", "err", err)
		return
	}
	for i := range facts {
		if i%256 == 0 && m.checkOpen() != nil {
			return // closing: Close is waiting for writeMu
		}
		if ready {
			err = m.graph.attachFacts(facts[i])
		} else {
			err = m.graph.SetFile(facts[i])
		}
		if err != nil {
			m.log.Warn("memory: skipping file facts", "path", facts[i].Path, "err", err)
		}
		facts[i] = FileFacts{}
	}
	m.graph.resolve()
	m.graphComplete.Store(true)
	nodes, edges := m.graph.Len()
	m.log.Info("memory: knowledge graph loaded", "files", len(facts), "nodes", nodes, "edges", edges,
		"from_snapshot", ready, "took", time.Since(start))
}

// rebuildChunks fills the chunk table and the sparse index from the
// store's chunks.
func (m *Memory) rebuildChunks() error {
	chunks := map[string]*chunkMeta{}
	files := map[string][]*chunkMeta{}
	var docs []SparseDoc
	cur := ""
	flush := func() {
		if cur != "" {
			m.sparse.Replace(cur, docs)
		}
		docs = docs[:0]
	}
	err := m.st.ForEachChunk(func(r store.ChunkRecord) error {
		if r.Path != cur {
			flush()
			cur = r.Path
		}
		meta := metaOf(&r)
		chunks[r.ID] = &meta
		files[r.Path] = append(files[r.Path], &meta)
		docs = append(docs, SparseDoc{ID: r.ID, Text: r.Text, Symbol: r.Symbol, Path: r.Path})
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading chunks: %w", err)
	}
	flush()
	for _, ms := range files {
		sortMetas(ms)
	}
	m.mu.Lock()
	m.chunks, m.files = chunks, files
	m.mu.Unlock()
	return nil
}

// loadVectors puts the model's stored vectors into the vector store.
func (m *Memory) loadVectors() (int, error) {
	if m.embedder == nil {
		return 0, nil
	}
	dim, ok, err := m.st.EmbeddingDim(m.model)
	if err != nil {
		return 0, fmt.Errorf("memory: open: %w", err)
	}
	if !ok {
		return 0, nil
	}
	if m.vec == nil {
		v, err := vector.NewFlat(dim, m.quant)
		if err != nil {
			return 0, fmt.Errorf("%w: vector store for %d dimensions: %v", ErrInvalidOptions, dim, err)
		}
		m.vec = v
	} else if m.vec.Dim() != dim {
		return 0, fmt.Errorf("%w: the vector store has %d dimensions, the stored vectors of %q have %d",
			ErrInvalidOptions, m.vec.Dim(), m.model, dim)
	}
	const batch = 1 << 16 // few, large upserts: the store grows its slab per call
	ids := make([]string, 0, batch)
	vecs := make([][]float32, 0, batch)
	total := 0
	put := func() error {
		if len(ids) == 0 {
			return nil
		}
		if err := m.vec.Upsert(ids, vecs); err != nil {
			return fmt.Errorf("memory: open: loading vectors: %w", err)
		}
		total += len(ids)
		ids, vecs = ids[:0], vecs[:0]
		return nil
	}
	err = m.st.Embeddings(m.model, func(id string, vec []float32) error {
		if _, ok := m.chunks[id]; !ok {
			return nil
		}
		ids = append(ids, id)
		vecs = append(vecs, vec)
		if len(ids) == batch {
			return put()
		}
		return nil
	})
	if err == nil {
		err = put()
	}
	if err != nil {
		return 0, fmt.Errorf("memory: open: loading vectors: %w", err)
	}
	return total, nil
}
