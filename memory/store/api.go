package store

// One-operation shorthands: each runs one transaction. Use Update or View to
// group several operations atomically.

// ReplaceFileChunks: see Tx.ReplaceFileChunks.
func (s *Store) ReplaceFileChunks(path string, chunks []ChunkRecord) error {
	return s.Update(func(tx *Tx) error { return tx.ReplaceFileChunks(path, chunks) })
}

// DeleteFile: see Tx.DeleteFile.
func (s *Store) DeleteFile(path string) error {
	return s.Update(func(tx *Tx) error { return tx.DeleteFile(path) })
}

// FileChunks: see Tx.FileChunks.
func (s *Store) FileChunks(path string) (out []ChunkRecord, err error) {
	err = s.View(func(tx *Tx) error { out, err = tx.FileChunks(path); return err })
	return out, err
}

// Chunk: see Tx.Chunk.
func (s *Store) Chunk(id string) (rec ChunkRecord, ok bool, err error) {
	err = s.View(func(tx *Tx) error { rec, ok, err = tx.Chunk(id); return err })
	return rec, ok, err
}

// ForEachChunk: see Tx.ForEachChunk. fn must not write to the store.
func (s *Store) ForEachChunk(fn func(ChunkRecord) error) error {
	return s.View(func(tx *Tx) error { return tx.ForEachChunk(fn) })
}

// ChunkCount: see Tx.ChunkCount.
func (s *Store) ChunkCount() (n int, err error) {
	err = s.View(func(tx *Tx) error { n, err = tx.ChunkCount(); return err })
	return n, err
}

// PutEmbeddings: see Tx.PutEmbeddings.
func (s *Store) PutEmbeddings(model string, ids []string, vecs [][]float32) error {
	return s.Update(func(tx *Tx) error { return tx.PutEmbeddings(model, ids, vecs) })
}

// PutChunkEmbeddings: see Tx.PutChunkEmbeddings.
func (s *Store) PutChunkEmbeddings(model string, chunks []ChunkRecord, vecs [][]float32) (n int, err error) {
	err = s.Update(func(tx *Tx) error { n, err = tx.PutChunkEmbeddings(model, chunks, vecs); return err })
	return n, err
}

// Embeddings: see Tx.Embeddings. fn must not write to the store.
func (s *Store) Embeddings(model string, fn func(id string, vec []float32) error) error {
	return s.View(func(tx *Tx) error { return tx.Embeddings(model, fn) })
}

// ScanEmbeddings: see Tx.ScanEmbeddings. fn must not write to the store and
// must copy what it keeps.
func (s *Store) ScanEmbeddings(model string, fn func(id string, vec []float32) error) error {
	return s.View(func(tx *Tx) error { return tx.ScanEmbeddings(model, fn) })
}

// EmbeddingDim: see Tx.EmbeddingDim.
func (s *Store) EmbeddingDim(model string) (dim int, ok bool, err error) {
	err = s.View(func(tx *Tx) error { dim, ok, err = tx.EmbeddingDim(model); return err })
	return dim, ok, err
}

// MissingEmbeddings: see Tx.MissingEmbeddings.
func (s *Store) MissingEmbeddings(model string) (out []ChunkRecord, err error) {
	err = s.View(func(tx *Tx) error { out, err = tx.MissingEmbeddings(model); return err })
	return out, err
}

// DropModel: see Tx.DropModel.
func (s *Store) DropModel(model string) error {
	return s.Update(func(tx *Tx) error { return tx.DropModel(model) })
}

// ReplaceFileEdges: see Tx.ReplaceFileEdges.
func (s *Store) ReplaceFileEdges(path string, edges []Edge) error {
	return s.Update(func(tx *Tx) error { return tx.ReplaceFileEdges(path, edges) })
}

// FileEdges: see Tx.FileEdges.
func (s *Store) FileEdges(path string) (out []Edge, err error) {
	err = s.View(func(tx *Tx) error { out, err = tx.FileEdges(path); return err })
	return out, err
}

// ForEachEdge: see Tx.ForEachEdge. fn must not write to the store.
func (s *Store) ForEachEdge(fn func(path string, e Edge) error) error {
	return s.View(func(tx *Tx) error { return tx.ForEachEdge(fn) })
}

// AddFeedback: see Tx.AddFeedback.
func (s *Store) AddFeedback(f Feedback) error {
	return s.Update(func(tx *Tx) error { return tx.AddFeedback(f) })
}

// ForEachFeedback: see Tx.ForEachFeedback. fn must not write to the store.
func (s *Store) ForEachFeedback(fn func(Feedback) error) error {
	return s.View(func(tx *Tx) error { return tx.ForEachFeedback(fn) })
}

// AddTaskEvent: see Tx.AddTaskEvent.
func (s *Store) AddTaskEvent(e TaskEvent) error {
	return s.Update(func(tx *Tx) error { return tx.AddTaskEvent(e) })
}

// TaskEvents: see Tx.TaskEvents.
func (s *Store) TaskEvents(taskID string) (out []TaskEvent, err error) {
	err = s.View(func(tx *Tx) error { out, err = tx.TaskEvents(taskID); return err })
	return out, err
}

// GetMeta: see Tx.GetMeta.
func (s *Store) GetMeta(key string) (value string, ok bool, err error) {
	err = s.View(func(tx *Tx) error { value, ok, err = tx.GetMeta(key); return err })
	return value, ok, err
}

// SetMeta: see Tx.SetMeta.
func (s *Store) SetMeta(key, value string) error {
	return s.Update(func(tx *Tx) error { return tx.SetMeta(key, value) })
}

// DeleteMeta: see Tx.DeleteMeta.
func (s *Store) DeleteMeta(key string) error {
	return s.Update(func(tx *Tx) error { return tx.DeleteMeta(key) })
}
