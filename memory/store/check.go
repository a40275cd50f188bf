package store

import (
	"bytes"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// maxReported bounds how many problems Check lists.
const maxReported = 20

// Check verifies the whole file: bbolt's page-level consistency check
// (every page reachable once, no double frees, ordered keys) over every
// bucket, then this package's invariants: every record decodes, every chunk
// is in the ID index and every index entry has its chunk, every vector
// belongs to a stored chunk, has its model's dimension and its chunk's
// current hash, and every feedback ID points at its record. It returns nil
// or an error wrapping ErrCorrupt that lists the first problems. It reads
// every page, so it takes time proportional to the file size.
func (s *Store) Check() error {
	var problems []string
	report := func(format string, args ...any) {
		if len(problems) <= maxReported {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	err := s.view(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			report("bbolt: %v", e)
		}
		t := &Tx{tx: tx}
		for _, name := range currentBuckets() {
			if tx.Bucket(name) == nil {
				report("bucket %q is missing", name)
			}
		}
		if len(problems) > 0 {
			return nil
		}
		checkChunks(t, report)
		checkVectors(t, report)
		checkOthers(t, report)
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		return nil
	}
	if len(problems) > maxReported {
		problems = append(problems[:maxReported], "…")
	}
	return fmt.Errorf("store: check %s: %w: %s", s.path, ErrCorrupt, strings.Join(problems, "; "))
}

func checkChunks(t *Tx, report func(string, ...any)) {
	cb, ib := t.tx.Bucket(bChunks), t.tx.Bucket(bChunkIDs)
	_ = cb.ForEach(func(k, v []byte) error {
		rec, err := decodeChunk(k, v, nil)
		if err != nil {
			report("%v", err)
			return nil
		}
		iv := ib.Get([]byte(rec.ID))
		if iv == nil {
			report("chunk %q of %q is not indexed", rec.ID, rec.Path)
			return nil
		}
		path, hash, err := decodeChunkIndexRaw(iv)
		switch {
		case err != nil:
			report("index entry %q: %v", rec.ID, err)
		case string(path) != rec.Path || string(hash) != rec.Hash:
			report("index entry %q says (%q, %q), the chunk has (%q, %q)", rec.ID, path, hash, rec.Path, rec.Hash)
		}
		return nil
	})
	_ = ib.ForEach(func(id, v []byte) error {
		path, _, err := decodeChunkIndexRaw(v)
		if err != nil {
			report("index entry %q: %v", id, err)
		} else if cb.Get(joinKey(string(path), string(id))) == nil {
			report("index entry %q points at a missing chunk of %q", id, path)
		}
		return nil
	})
}

func checkVectors(t *Tx, report func(string, ...any)) {
	dims := map[string]int{}
	_ = t.tx.Bucket(bModels).ForEach(func(k, v []byte) error {
		dim, err := decodeModel(v)
		if err != nil {
			report("model %q: %v", k, err)
		}
		dims[string(k)] = dim
		return nil
	})
	ib := t.tx.Bucket(bChunkIDs)
	_ = t.tx.Bucket(bEmbeddings).ForEach(func(k, v []byte) error {
		model, id, ok := splitKey(k)
		if !ok {
			report("embedding key %q has no NUL separator", k)
			return nil
		}
		hash, _, dim, err := decodeVectorHeader(v)
		if err != nil {
			report("vector %q: %v", k, err)
			return nil
		}
		if want, ok := dims[string(model)]; !ok || want != dim {
			report("vector %q has dimension %d, model %q has %d", k, dim, model, want)
		}
		iv := ib.Get(id)
		if iv == nil {
			report("vector %q belongs to no chunk", k)
			return nil
		}
		if _, cur, err := decodeChunkIndexRaw(iv); err == nil && !bytes.Equal(cur, hash) {
			report("vector %q is stale (hash %q, chunk has %q)", k, hash, cur)
		}
		return nil
	})
}

func checkOthers(t *Tx, report func(string, ...any)) {
	in := newInterner()
	_ = t.tx.Bucket(bEdges).ForEach(func(k, v []byte) error {
		if _, err := decodeEdge(v, in); err != nil {
			report("%v", corrupt("edge", k, err))
		}
		return nil
	})
	fb := t.tx.Bucket(bFeedback)
	_ = fb.ForEach(func(k, v []byte) error {
		if _, err := decodeFeedback(v); err != nil {
			report("%v", corrupt("feedback", k, err))
		}
		return nil
	})
	_ = t.tx.Bucket(bFeedbackIDs).ForEach(func(id, seq []byte) error {
		v := fb.Get(seq)
		if v == nil {
			report("feedback ID %q points at missing record %x", id, seq)
			return nil
		}
		if f, err := decodeFeedback(v); err == nil && f.ID != string(id) {
			report("feedback ID %q points at record %x of %q", id, seq, f.ID)
		}
		return nil
	})
	_ = t.tx.Bucket(bTasks).ForEach(func(k, v []byte) error {
		owner, rest, ok := splitKey(k)
		if !ok || len(rest) != 8 {
			report("task event key %q is malformed", k)
			return nil
		}
		if _, err := decodeTaskEvent(string(owner), v); err != nil {
			report("%v", corrupt("task event", k, err))
		}
		return nil
	})
}
