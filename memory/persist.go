package memory

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Memory keeps two buckets of its own in the store's bbolt file, beside the
// store's "memory/..." buckets:
//
//	memoryindex/facts     path → encoded FileFacts (the graph's input)
//	memoryindex/snapshot  "index", "graph" → the snapshots written by Close
//
// The snapshot is deleted, in the same transaction as the facts, before
// the first change after it was written: a snapshot that exists is
// current, and a crash leaves none (Open then rebuilds from the store).
var (
	bucketFacts    = []byte("memoryindex/facts")
	bucketSnapshot = []byte("memoryindex/snapshot")
	keySnapshot    = []byte("index")
	keyGraph       = []byte("graph")
)

// writeFacts stores put, deletes del and drops the snapshot inside tx.
// Called with writeMu held; the caller marks the snapshot invalid once tx
// commits.
func writeFacts(tx *bolt.Tx, put []*FileFacts, del []string) error {
	fb, err := tx.CreateBucketIfNotExists(bucketFacts)
	if err != nil {
		return err
	}
	for _, f := range put {
		if err := fb.Put([]byte(f.Path), encodeFacts(f)); err != nil {
			return err
		}
	}
	for _, p := range del {
		if err := fb.Delete([]byte(p)); err != nil {
			return err
		}
	}
	if sb := tx.Bucket(bucketSnapshot); sb != nil && sb.Get(keySnapshot) != nil {
		if err := sb.Delete(keyGraph); err != nil {
			return err
		}
		return sb.Delete(keySnapshot)
	}
	return nil
}

// forEachFacts calls fn with every stored FileFacts. A record that cannot
// be decoded is logged and skipped (its file is re-indexed by the next
// IndexFile).
func (m *Memory) forEachFacts(fn func(FileFacts) error) error {
	return m.st.DB().View(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bucketFacts)
		if fb == nil {
			return nil
		}
		return fb.ForEach(func(k, v []byte) error {
			f, err := decodeFacts(v)
			if err == nil && f.Path != string(k) {
				err = fmt.Errorf("record for %q names %q", k, f.Path)
			}
			if err == nil {
				err = f.validate()
			}
			if err != nil {
				m.log.Warn("memory: skipping undecodable file facts", "path", string(k), "err", err)
				return nil
			}
			return fn(f)
		})
	})
}
