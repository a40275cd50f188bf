package repoindex

import (
	"bytes"
	"fmt"
	"log/slog"

	"go.etcd.io/bbolt"
)

// The index's buckets in the workspace store. Every write goes through a
// bbolt transaction, and a file record that claims a stored syntax result
// is written in the same transaction as that result or a later one, so a
// killed process leaves a store whose records are all valid.
var (
	bucketMeta     = []byte("repoindex/meta")     // schema and provenance
	bucketFiles    = []byte("repoindex/files")    // path → stat cache record
	bucketBlobs    = []byte("repoindex/blobs")    // blob id (20 bytes) + language → syntax record
	bucketHistory  = []byte("repoindex/history")  // path → recent commits
	bucketCoChange = []byte("repoindex/cochange") // path → co-change counts
	bucketCommits  = []byte("repoindex/commits")  // commit id → processed marker
	bucketPrefix   = []byte("repoindex/")
)

// schemaVersion changes whenever a record layout changes; a store with
// another version is rebuilt, not misread.
const schemaVersion = "repoindex-3"

var (
	metaSchema  = []byte("schema")
	metaSyntax  = []byte("syntax") // codec shape + syntax options: guards the blobs
	metaRoot    = []byte("root")   // Root: guards files and history
	metaHistory = []byte("history-head")
)

// Blob record kinds (first byte of a blobs bucket value).
const (
	blobParsed = 1 // followed by the codec's encoding of the syntax.File
	blobBinary = 2 // nothing follows
	blobFailed = 3 // followed by the parser's error message
)

// prepareStore creates the buckets and drops the ones whose meta no longer
// matches: another schema drops everything; another syntax fingerprint
// drops the blobs and the file records (they carry syntax states); another
// Root drops the file records and the history. Blobs are content
// addressed and survive a change of Root.
func prepareStore(db *bbolt.DB, root, synFP string, log *slog.Logger) error {
	return db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		var drop [][]byte
		switch {
		case meta == nil:
			drop = ownedBuckets(tx)
			if len(drop) > 0 {
				log.Warn("repoindex: store has index buckets but no meta; rebuilding")
			}
		case !bytes.Equal(meta.Get(metaSchema), []byte(schemaVersion)):
			log.Warn("repoindex: store schema changed; rebuilding the index",
				"found", string(meta.Get(metaSchema)), "want", schemaVersion)
			drop = ownedBuckets(tx)
		default:
			if !bytes.Equal(meta.Get(metaSyntax), []byte(synFP)) {
				log.Info("repoindex: syntax format or options changed; stored syntax will be recomputed",
					"found", string(meta.Get(metaSyntax)), "want", synFP)
				drop = append(drop, bucketBlobs, bucketFiles)
			}
			if !bytes.Equal(meta.Get(metaRoot), []byte(root)) {
				log.Info("repoindex: store was written for another root; relisting",
					"found", string(meta.Get(metaRoot)), "want", root)
				drop = append(drop, bucketFiles, bucketHistory, bucketCoChange, bucketCommits, bucketMeta)
			}
		}
		for _, name := range drop {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return fmt.Errorf("dropping %s: %w", name, err)
				}
			}
		}
		for _, name := range [][]byte{bucketMeta, bucketFiles, bucketBlobs, bucketHistory, bucketCoChange, bucketCommits} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("creating %s: %w", name, err)
			}
		}
		meta = tx.Bucket(bucketMeta)
		for k, v := range map[string]string{string(metaSchema): schemaVersion, string(metaSyntax): synFP, string(metaRoot): root} {
			if err := meta.Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
}

func ownedBuckets(tx *bbolt.Tx) [][]byte {
	var names [][]byte
	_ = tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
		if bytes.HasPrefix(name, bucketPrefix) {
			names = append(names, bytes.Clone(name))
		}
		return nil
	})
	return names
}

// loadFiles reads the stat cache. A corrupt record, or one claiming a
// syntax result the blobs bucket lacks, is dropped (the next refresh
// re-hashes that file) and logged.
func loadFiles(db *bbolt.DB, maxBytes int64, log *slog.Logger) (map[string]*diskEntry, error) {
	files := map[string]*diskEntry{}
	err := db.View(func(tx *bbolt.Tx) error {
		blobs := tx.Bucket(bucketBlobs)
		return tx.Bucket(bucketFiles).ForEach(func(k, v []byte) error {
			e, err := decodeDiskEntry(v)
			if err != nil {
				log.Warn("repoindex: dropping a corrupt file record", "path", string(k), "err", err)
				return nil
			}
			if e.syn.stored() && blobs.Get(keyFor(string(k), e.blob).bytes()) == nil {
				log.Warn("repoindex: file record without its blob; will re-hash", "path", string(k))
				return nil
			}
			if (e.syn == synTooLarge) != (e.st.size > maxBytes) && e.syn != synNone {
				e.syn = synUnknown // MaxFileBytes changed: decide again
			}
			files[string(k)] = &e
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("repoindex: loading the file records: %w", err)
	}
	return files, nil
}
