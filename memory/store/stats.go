package store

import (
	"bytes"
	"fmt"
	"os"
)

// StoreStats describes a store's content.
type StoreStats struct {
	Path          string
	FileSize      int64 // bytes on disk (bbolt preallocates, so this exceeds the live data)
	SchemaVersion int
	Chunks        int
	Files         int            // distinct paths with chunks
	Embeddings    map[string]int // stored vectors per model (stale ones included)
	Dims          map[string]int // vector dimension per model
	Edges         int
	Feedback      int
	TaskEvents    int
	Buckets       map[string]int // keys per "memory/..." bucket
}

// Stats counts the store's records.
func (t *Tx) Stats() (st StoreStats, err error) {
	defer recoverCorrupt(&err)
	st = StoreStats{Embeddings: map[string]int{}, Dims: map[string]int{}, Buckets: map[string]int{}}
	for _, name := range currentBuckets() {
		b, err := t.bucket(name)
		if err != nil {
			return st, err
		}
		st.Buckets[string(name)] = t.countKeys(b)
	}
	st.Chunks = st.Buckets[string(bChunkIDs)]
	st.Edges = st.Buckets[string(bEdges)]
	st.Feedback = st.Buckets[string(bFeedback)]
	st.TaskEvents = st.Buckets[string(bTasks)]

	var last []byte
	c := t.tx.Bucket(bChunks).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		path, _, ok := splitKey(k)
		if !ok {
			return st, fmt.Errorf("store: stats: %w: chunk key %q", ErrCorrupt, k)
		}
		if last == nil || !bytes.Equal(path, last) {
			st.Files++
			last = append(last[:0], path...)
		}
	}
	ec := t.tx.Bucket(bEmbeddings).Cursor()
	for k, _ := ec.First(); k != nil; k, _ = ec.Next() {
		model, _, ok := splitKey(k)
		if !ok {
			return st, fmt.Errorf("store: stats: %w: embedding key %q", ErrCorrupt, k)
		}
		st.Embeddings[string(model)]++
	}
	err = t.tx.Bucket(bModels).ForEach(func(k, v []byte) error {
		dim, err := decodeModel(v)
		if err != nil {
			return corrupt("model", k, err)
		}
		st.Dims[string(k)] = dim
		return nil
	})
	return st, err
}

// Stats counts the store's records and measures its file.
func (s *Store) Stats() (StoreStats, error) {
	var st StoreStats
	err := s.View(func(tx *Tx) (err error) {
		st, err = tx.Stats()
		return err
	})
	if err != nil {
		return st, err
	}
	st.Path = s.path
	st.SchemaVersion = s.schema
	info, err := os.Stat(s.path)
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	st.FileSize = info.Size()
	return st, nil
}
