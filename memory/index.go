package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aios-dev/aios/memory/store"
)

// FileInput is one file for IndexFiles.
type FileInput struct {
	Facts  FileFacts
	Chunks []Chunk // every chunk's Path is Facts.Path
}

// IndexFile replaces everything memory knows about facts.Path: its chunks
// in the store, the sparse index and the vector store, and its facts in
// the knowledge graph. Vectors of changed or new chunks are computed in
// the background (see Flush); until then the chunks are found by the
// sparse and graph retrievers.
func (m *Memory) IndexFile(ctx context.Context, facts FileFacts, chunks []Chunk) error {
	return m.IndexFiles(ctx, []FileInput{{Facts: facts, Chunks: chunks}})
}

// IndexFiles is IndexFile for several files, written to the store in one
// transaction: the way to index many files at once.
func (m *Memory) IndexFiles(ctx context.Context, files []FileInput) error {
	return m.IndexFilesWith(ctx, files, nil)
}

// IndexFilesWith is IndexFiles that also runs with (when not nil) in the
// same store transaction, so that a caller's own records about the files
// commit, or roll back, with them. An error from with aborts the whole
// update and changes nothing.
func (m *Memory) IndexFilesWith(ctx context.Context, files []FileInput, with func(*store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.checkOpen(); err != nil {
		return err
	}
	recs := make([][]store.ChunkRecord, len(files))
	paths := make(map[string]bool, len(files))
	for i := range files {
		f := &files[i]
		if err := f.Facts.validate(); err != nil {
			return err
		}
		if paths[f.Facts.Path] {
			return fmt.Errorf("%w: %s given twice", ErrInvalidFacts, f.Facts.Path)
		}
		paths[f.Facts.Path] = true
		r, err := prepareChunks(f.Facts.Path, f.Chunks)
		if err != nil {
			return err
		}
		recs[i] = r
	}

	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	if err := m.checkConflicts(recs, paths); err != nil {
		return err
	}
	put := make([]*FileFacts, len(files))
	for i := range files {
		put[i] = &files[i].Facts
	}
	// One transaction, one commit: the facts, the chunks and the
	// caller's records. On a big store each commit costs a write of
	// bbolt's free list, so a keystroke-sized update pays it once.
	err := m.st.Update(func(tx *store.Tx) error {
		if err := writeFacts(tx.Bolt(), put, nil); err != nil {
			return fmt.Errorf("writing file facts: %w", err)
		}
		for i := range files {
			if err := tx.ReplaceFileChunks(files[i].Facts.Path, recs[i]); err != nil {
				return err
			}
		}
		if with != nil {
			return with(tx)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("memory: index: %w", err)
	}
	m.snapValid.Store(false)
	// The chunk maps first; then the BM25 index and the knowledge graph,
	// which are independent, side by side.
	docs := make([][]SparseDoc, len(files))
	for i := range files {
		docs[i] = m.applyChunks(files[i].Facts.Path, recs[i])
	}
	var wg sync.WaitGroup
	var graphErr error
	wg.Go(func() {
		for i := range files {
			if err := m.graph.SetFile(files[i].Facts); err != nil && graphErr == nil {
				graphErr = err
			}
		}
	})
	for i := range files {
		m.sparse.Replace(files[i].Facts.Path, docs[i])
	}
	wg.Wait()
	if graphErr != nil {
		return graphErr
	}
	m.log.Debug("memory: indexed", "files", len(files))
	return nil
}

// checkConflicts refuses chunk IDs that belong to a file not being
// replaced. Called with writeMu held.
func (m *Memory) checkConflicts(recs [][]store.ChunkRecord, paths map[string]bool) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, rs := range recs {
		for i := range rs {
			if c, ok := m.chunks[rs[i].ID]; ok && c.path != rs[i].Path && !paths[c.path] {
				return fmt.Errorf("%w: chunk ID %q of %s already belongs to %s", ErrInvalidChunk, rs[i].ID, rs[i].Path, c.path)
			}
		}
	}
	return nil
}

// applyChunks updates the chunk maps, the vector store and the embedding
// queue for a file's new chunks, and returns its BM25 documents. Called
// with writeMu held.
func (m *Memory) applyChunks(path string, recs []store.ChunkRecord) []SparseDoc {
	docs := make([]SparseDoc, len(recs))
	metas := make([]*chunkMeta, len(recs))
	for i := range recs {
		meta := metaOf(&recs[i])
		metas[i] = &meta
		docs[i] = SparseDoc{ID: recs[i].ID, Text: recs[i].Text, Symbol: recs[i].Symbol, Path: path}
	}
	var embed []*chunkMeta
	var stale []string
	m.mu.Lock()
	old := m.files[path]
	keep := make(map[string]bool, len(old))
	for _, c := range metas {
		if prev, ok := m.chunks[c.id]; ok && prev.hash == c.hash && prev.path == path {
			keep[c.id] = true
		} else {
			embed = append(embed, c)
		}
	}
	for _, c := range old {
		delete(m.chunks, c.id)
		if !keep[c.id] {
			stale = append(stale, c.id)
		}
	}
	for _, c := range metas {
		if prev, ok := m.chunks[c.id]; ok { // moved here from another file
			m.files[prev.path] = removeMeta(m.files[prev.path], c.id)
			stale = append(stale, c.id)
		}
		m.chunks[c.id] = c
	}
	if len(metas) > 0 {
		sortMetas(metas)
		m.files[path] = metas
	} else {
		delete(m.files, path)
	}
	if m.vec != nil && len(stale) > 0 {
		if err := m.vec.Delete(stale...); err != nil {
			m.log.Warn("memory: dropping stale vectors", "path", path, "err", err)
		}
	}
	m.mu.Unlock()
	if m.queue != nil {
		m.queue.forget(stale)
		m.queue.add(embed)
	}
	return docs
}

// sortMetas puts a file's chunks in file order (then by ID), whatever
// order they were given or stored in.
func sortMetas(ms []*chunkMeta) {
	slices.SortFunc(ms, func(a, b *chunkMeta) int {
		return cmp.Or(cmp.Compare(a.startByte, b.startByte), cmp.Compare(a.startLine, b.startLine), cmp.Compare(a.id, b.id))
	})
}

func removeMeta(list []*chunkMeta, id string) []*chunkMeta {
	for i, c := range list {
		if c.id == id {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// RemoveFile forgets the file at path: its chunks, vectors, facts and
// graph nodes. An unknown path is not an error.
func (m *Memory) RemoveFile(ctx context.Context, path string) error {
	return m.RemoveFileWith(ctx, path, nil)
}

// RemoveFileWith is RemoveFile that also runs with (when not nil) in the
// same store transaction.
func (m *Memory) RemoveFileWith(ctx context.Context, path string, with func(*store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.checkOpen(); err != nil {
		return err
	}
	if err := validatePath(path); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidFacts, err)
	}
	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	err := m.st.Update(func(tx *store.Tx) error {
		if err := writeFacts(tx.Bolt(), nil, []string{path}); err != nil {
			return fmt.Errorf("writing file facts: %w", err)
		}
		if err := tx.DeleteFile(path); err != nil {
			return err
		}
		if with != nil {
			return with(tx)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("memory: remove %s: %w", path, err)
	}
	m.snapValid.Store(false)
	m.mu.Lock()
	old := m.files[path]
	ids := make([]string, len(old))
	for i, c := range old {
		ids[i] = c.id
		delete(m.chunks, c.id)
	}
	delete(m.files, path)
	if m.vec != nil && len(ids) > 0 {
		if err := m.vec.Delete(ids...); err != nil {
			m.log.Warn("memory: dropping vectors", "path", path, "err", err)
		}
	}
	m.mu.Unlock()
	m.sparse.Remove(path)
	m.graph.RemoveFile(path)
	if m.queue != nil {
		m.queue.forget(ids)
	}
	return nil
}
