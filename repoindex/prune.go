package repoindex

import (
	"bytes"
	"context"
	"fmt"

	"go.etcd.io/bbolt"
)

// PruneBlobs deletes the stored syntax of every blob no listed file has
// now, and returns how many records it removed. Stored syntax is kept
// across branch switches on purpose (switching back parses nothing); the
// price is a store that grows with every saved version, so call this now
// and then, for example when Stats().StoredBlobs is several times
// Stats().Files. It waits for a disk update in progress.
func (ix *Index) PruneBlobs(ctx context.Context) (int, error) {
	if err := ix.checkOpen(); err != nil {
		return 0, err
	}
	ix.diskMu.Lock()
	defer ix.diskMu.Unlock()
	keep := make(map[string]bool, len(ix.disk))
	for rel, e := range ix.disk {
		if e.syn.stored() {
			keep[string(keyFor(rel, e.blob).bytes())] = true
		}
	}
	var removed int
	err := ix.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketBlobs)
		var drop [][]byte
		err := b.ForEach(func(k, _ []byte) error {
			if !keep[string(k)] {
				drop = append(drop, bytes.Clone(k))
			}
			return ctx.Err()
		})
		if err != nil {
			return err
		}
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		removed = len(drop)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("repoindex: pruning blobs: %w", err)
	}
	ix.log.Info("repoindex: pruned stored syntax", "removed", removed, "kept", len(keep))
	return removed, nil
}
