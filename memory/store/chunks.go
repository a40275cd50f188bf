package store

import (
	"bytes"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// ReplaceFileChunks atomically replaces every chunk of path with chunks
// (nil or empty deletes them). Records with an empty Path get path; an empty
// Hash gets HashText(Text). Vectors of chunk IDs that disappear, or whose
// hash changes, are deleted for every model. An ID that another file
// already uses is refused with ErrChunkIDConflict.
func (t *Tx) ReplaceFileChunks(path string, chunks []ChunkRecord) (err error) {
	defer recoverCorrupt(&err)
	if err := t.replaceFileChunks(path, chunks); err != nil {
		return fmt.Errorf("store: replace chunks of %q: %w", path, err)
	}
	return nil
}

func (t *Tx) replaceFileChunks(path string, chunks []ChunkRecord) error {
	if err := t.writable(); err != nil {
		return err
	}
	if err := checkName("path", path); err != nil {
		return err
	}
	recs := make([]ChunkRecord, len(chunks))
	copy(recs, chunks)
	fresh := make(map[string]string, len(recs)) // id → hash
	for i := range recs {
		c := &recs[i]
		if c.Path == "" {
			c.Path = path
		}
		if c.Hash == "" {
			c.Hash = HashText(c.Text)
		}
		if err := c.validate(path); err != nil {
			return err
		}
		if _, dup := fresh[c.ID]; dup {
			return invalid("chunk ID %q appears twice", c.ID)
		}
		fresh[c.ID] = c.Hash
	}
	cb, err := t.bucket(bChunks)
	if err != nil {
		return err
	}
	ib, err := t.bucket(bChunkIDs)
	if err != nil {
		return err
	}
	for i := range recs {
		if v := ib.Get([]byte(recs[i].ID)); v != nil {
			owner, _, err := decodeChunkIndexRaw(v)
			if err != nil {
				return corrupt("chunk index", []byte(recs[i].ID), err)
			}
			if string(owner) != path {
				return fmt.Errorf("%w: %q is used by %q", ErrChunkIDConflict, recs[i].ID, owner)
			}
		}
	}
	old, err := t.fileChunkHashes(cb, ib, path)
	if err != nil {
		return err
	}
	// Write only what differs: editing one function of a file rewrites one
	// record, which keeps commits (and the pages they dirty) small.
	for i := range recs {
		c := &recs[i]
		key, val := joinKey(path, c.ID), encodeChunk(c)
		if !bytes.Equal(cb.Get(key), val) {
			if err := cb.Put(key, val); err != nil {
				return err
			}
		}
		if h, ok := old[c.ID]; !ok || h != c.Hash {
			if err := ib.Put([]byte(c.ID), encodeChunkIndex(path, c.Hash)); err != nil {
				return err
			}
		}
	}
	var gone, changed []string
	for id, h := range old {
		switch nh, ok := fresh[id]; {
		case !ok:
			gone = append(gone, id)
		case nh != h:
			changed = append(changed, id)
		}
	}
	for _, id := range gone {
		if err := cb.Delete(joinKey(path, id)); err != nil {
			return err
		}
		if err := ib.Delete([]byte(id)); err != nil {
			return err
		}
	}
	return t.deleteVectors(append(gone, changed...))
}

// fileChunkHashes returns the IDs and hashes of path's stored chunks.
func (t *Tx) fileChunkHashes(cb, ib *bolt.Bucket, path string) (map[string]string, error) {
	prefix := prefixKey(path)
	out := make(map[string]string)
	c := cb.Cursor()
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		id := k[len(prefix):]
		v := ib.Get(id)
		if v == nil {
			return nil, fmt.Errorf("%w: chunk %q of %q is not in the ID index", ErrCorrupt, id, path)
		}
		_, hash, err := decodeChunkIndexRaw(v)
		if err != nil {
			return nil, corrupt("chunk index", id, err)
		}
		out[string(id)] = string(hash)
	}
	return out, nil
}

// deleteFileChunks removes path's chunks, their index entries and vectors.
func (t *Tx) deleteFileChunks(path string) error {
	cb, err := t.bucket(bChunks)
	if err != nil {
		return err
	}
	ib, err := t.bucket(bChunkIDs)
	if err != nil {
		return err
	}
	old, err := t.fileChunkHashes(cb, ib, path)
	if err != nil {
		return err
	}
	if _, err := deletePrefix(cb, prefixKey(path)); err != nil {
		return err
	}
	ids := make([]string, 0, len(old))
	for id := range old {
		if err := ib.Delete([]byte(id)); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	return t.deleteVectors(ids)
}

// DeleteFile removes path's chunks, their vectors (every model) and the
// edges path owns. Deleting an unknown path is not an error.
func (t *Tx) DeleteFile(path string) (err error) {
	defer recoverCorrupt(&err)
	err = func() error {
		if err := t.writable(); err != nil {
			return err
		}
		if err := checkName("path", path); err != nil {
			return err
		}
		if err := t.deleteFileChunks(path); err != nil {
			return err
		}
		eb, err := t.bucket(bEdges)
		if err != nil {
			return err
		}
		_, err = deletePrefix(eb, prefixKey(path))
		return err
	}()
	if err != nil {
		return fmt.Errorf("store: delete file %q: %w", path, err)
	}
	return nil
}

// FileChunks returns path's chunks ordered by StartByte, StartLine, ID.
// An unknown path has none.
func (t *Tx) FileChunks(path string) (chunks []ChunkRecord, err error) {
	defer recoverCorrupt(&err)
	if err := checkName("path", path); err != nil {
		return nil, fmt.Errorf("store: file chunks: %w", err)
	}
	cb, err := t.bucket(bChunks)
	if err != nil {
		return nil, err
	}
	prefix := prefixKey(path)
	var out []ChunkRecord
	in := newInterner()
	c := cb.Cursor()
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		rec, err := decodeChunk(k, v, in)
		if err != nil {
			return nil, fmt.Errorf("store: file chunks of %q: %w", path, err)
		}
		out = append(out, rec)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.StartByte != b.StartByte {
			return a.StartByte < b.StartByte
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.ID < b.ID
	})
	return out, nil
}

// Chunk returns the chunk with the given ID.
func (t *Tx) Chunk(id string) (rec ChunkRecord, ok bool, err error) {
	defer recoverCorrupt(&err)
	ib, err := t.bucket(bChunkIDs)
	if err != nil {
		return ChunkRecord{}, false, err
	}
	v := ib.Get([]byte(id))
	if v == nil {
		return ChunkRecord{}, false, nil
	}
	path, _, err := decodeChunkIndexRaw(v)
	if err != nil {
		return ChunkRecord{}, false, corrupt("chunk index", []byte(id), err)
	}
	cb, err := t.bucket(bChunks)
	if err != nil {
		return ChunkRecord{}, false, err
	}
	key := joinKey(string(path), id)
	cv := cb.Get(key)
	if cv == nil {
		return ChunkRecord{}, false, fmt.Errorf("%w: indexed chunk %q has no record in %q", ErrCorrupt, id, path)
	}
	rec, err = decodeChunk(key, cv, nil)
	if err != nil {
		return ChunkRecord{}, false, err
	}
	return rec, true, nil
}

// ForEachChunk calls fn for every chunk, ordered by path then ID. An error
// from fn stops the walk and is returned unchanged. fn runs inside a read
// transaction: it must not write to the store.
func (t *Tx) ForEachChunk(fn func(ChunkRecord) error) (err error) {
	defer recoverCorrupt(&err)
	cb, err := t.bucket(bChunks)
	if err != nil {
		return err
	}
	in := newInterner()
	c := cb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		rec, err := decodeChunk(k, v, in)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if err := call1(fn, rec); err != nil {
			return err
		}
	}
	return nil
}

// ChunkCount returns the number of stored chunks.
func (t *Tx) ChunkCount() (n int, err error) {
	defer recoverCorrupt(&err)
	ib, err := t.bucket(bChunkIDs)
	if err != nil {
		return 0, err
	}
	return t.countKeys(ib), nil
}
