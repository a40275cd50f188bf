package store

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// CurrentSchema is the schema version this package reads and writes.
const CurrentSchema = 2

// Bucket names. Every bucket this package creates starts with "memory/".
var (
	bMeta        = []byte("memory/meta")
	bChunks      = []byte("memory/chunks")
	bChunkIDs    = []byte("memory/chunk-ids")
	bModels      = []byte("memory/models")
	bEmbeddings  = []byte("memory/embeddings")
	bEdges       = []byte("memory/edges")
	bFeedback    = []byte("memory/feedback")
	bFeedbackIDs = []byte("memory/feedback-ids")
	bTasks       = []byte("memory/tasks")

	bucketPrefix = []byte("memory/")
	keySchema    = []byte("schema")
)

// currentBuckets lists the buckets of schema CurrentSchema.
func currentBuckets() [][]byte {
	return [][]byte{bMeta, bChunks, bChunkIDs, bModels, bEmbeddings, bEdges, bFeedback, bFeedbackIDs, bTasks}
}

// readSchema returns the stored schema version; found is false when the file
// has no "memory/" bucket at all (a new file, or one only other packages used).
func readSchema(tx *bolt.Tx) (version int, found bool, err error) {
	meta := tx.Bucket(bMeta)
	if meta == nil {
		var stray []byte
		_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if bytes.HasPrefix(name, bucketPrefix) && stray == nil {
				stray = append([]byte(nil), name...)
			}
			return nil
		})
		if stray != nil {
			return 0, false, fmt.Errorf("%w: bucket %q exists but %q is missing", ErrCorrupt, stray, bMeta)
		}
		if tx.Cursor().Bucket().Get(bMeta) != nil {
			return 0, false, fmt.Errorf("%w: %q is a key, not a bucket", ErrCorrupt, bMeta)
		}
		return 0, false, nil
	}
	raw := meta.Get(keySchema)
	if raw == nil {
		return 0, false, fmt.Errorf("%w: %q has no schema version", ErrCorrupt, bMeta)
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil || v < 1 {
		return 0, false, fmt.Errorf("%w: schema version %q", ErrCorrupt, raw)
	}
	return v, true, nil
}

func writeSchema(tx *bolt.Tx, v int) error {
	return tx.Bucket(bMeta).Put(keySchema, []byte(strconv.Itoa(v)))
}

// initSchema creates the current layout in a file without one.
func initSchema(tx *bolt.Tx) error {
	for _, name := range currentBuckets() {
		if _, err := tx.CreateBucket(name); err != nil {
			return fmt.Errorf("create bucket %q: %w", name, err)
		}
	}
	return writeSchema(tx, CurrentSchema)
}

// prepareSchema initialises or migrates the schema and records its version.
func (s *Store) prepareSchema() error {
	var (
		version int
		found   bool
	)
	if err := s.view(func(tx *bolt.Tx) (err error) {
		version, found, err = readSchema(tx)
		return err
	}); err != nil {
		return err
	}
	switch {
	case !found && s.readOnly:
		return fmt.Errorf("%w: open it read-write once to initialise it", ErrNoSchema)
	case !found:
		if err := s.update(initSchema); err != nil {
			return fmt.Errorf("initialise schema: %w", err)
		}
		s.log.Info("store initialised", "schema", CurrentSchema)
		version = CurrentSchema
	case version > CurrentSchema:
		return fmt.Errorf("%w: the file has schema %d, this aios knows up to %d; upgrade aios or point it at another cache directory",
			ErrSchemaTooNew, version, CurrentSchema)
	case version < CurrentSchema && s.readOnly:
		return fmt.Errorf("%w: schema %d must be migrated to %d by a read-write open", ErrNeedsMigration, version, CurrentSchema)
	case version < CurrentSchema:
		if err := s.migrate(version); err != nil {
			return err
		}
		version = CurrentSchema
	}
	s.schema = version
	return nil
}

// migrate runs every registered migration from version up to CurrentSchema,
// each in its own transaction.
func (s *Store) migrate(version int) error {
	for v := version; v < CurrentSchema; v++ {
		m, ok := migrationFrom(v)
		if !ok {
			return fmt.Errorf("%w: no migration from schema %d", ErrCorrupt, v)
		}
		start := time.Now()
		err := s.update(func(tx *bolt.Tx) error {
			got, _, err := readSchema(tx)
			if err != nil {
				return err
			}
			if got != v {
				return fmt.Errorf("%w: schema changed to %d during migration", ErrCorrupt, got)
			}
			if err := m.apply(tx, s.log); err != nil {
				return err
			}
			return writeSchema(tx, v+1)
		})
		if err != nil {
			return fmt.Errorf("migrate schema %d→%d (%s): %w", v, v+1, m.name, err)
		}
		s.log.Info("store migrated", "from", v, "to", v+1, "migration", m.name, "took", time.Since(start))
	}
	return nil
}
