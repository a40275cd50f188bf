package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Store is one workspace's persistent memory. It is safe for concurrent use.
type Store struct {
	db       *bolt.DB
	path     string
	log      *slog.Logger
	readOnly bool
	schema   int
	owner    bool // this Store wrote the lock-owner record
	closed   atomic.Bool
}

// Open opens (creating it and its parent directories when needed, unless
// opts.ReadOnly) the store file at path, checks its schema and runs pending
// migrations. It refuses a file that is not a bbolt database (ErrNotStore), a
// damaged one (ErrCorrupt), a newer schema (ErrSchemaTooNew) and a file
// locked by another Open for longer than opts.Timeout (ErrLocked); none of
// these is ever modified.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("store: open: %w", invalid("empty path"))
	}
	timeout, err := opts.timeout()
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	log := opts.logger().With("store", path)
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil { // the store holds source text
		return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
	}
	if err := precheckFile(path); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	start := time.Now()
	db, err := openBolt(path, &bolt.Options{
		Timeout:      timeout,
		ReadOnly:     opts.ReadOnly,
		NoSync:       opts.NoSync,
		NoGrowSync:   opts.NoSync,
		FreelistType: bolt.FreelistMapType,
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, lockError(path, timeout, opts.ReadOnly, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, log: log, readOnly: opts.ReadOnly}
	if err := s.prepareSchema(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if !opts.ReadOnly {
		if err := writeOwner(path); err != nil {
			log.Warn("cannot write lock-owner record", "err", err)
		} else {
			s.owner = true
		}
	}
	log.Debug("store opened", "schema", s.schema, "readOnly", opts.ReadOnly, "took", time.Since(start))
	return s, nil
}

// openBolt opens the bbolt file, turning bbolt's format errors into
// ErrNotStore and a panic on a damaged file into ErrCorrupt.
func openBolt(path string, o *bolt.Options) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: bbolt failed reading the file: %v", ErrCorrupt, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, o)
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum):
		return nil, fmt.Errorf("%w: no valid bbolt meta page (%v); move the file away to start a fresh store", ErrNotStore, err)
	case errors.Is(err, berrors.ErrVersionMismatch):
		return nil, fmt.Errorf("%w: bbolt file format version mismatch (%v)", ErrNotStore, err)
	}
	return nil, err
}

// DB returns the underlying bbolt database, for packages that keep their own
// buckets in the same file. They must not touch buckets named "memory/...".
func (s *Store) DB() *bolt.DB { return s.db }

// Path returns the store file's path.
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// SchemaVersion returns the schema version of the open store (after
// migrations, CurrentSchema).
func (s *Store) SchemaVersion() int { return s.schema }

// Close releases the file lock and closes the file. It waits for running
// transactions. Closing twice returns nil.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.owner {
		removeOwner(s.path)
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return nil
}
