package repoindex

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// Index is the workspace index. Its methods are safe for concurrent use.
//
// Lock order: diskMu (one disk update at a time: Refresh, UpdateFiles),
// then bufMu (held by every update while it applies its result and calls
// the subscribers, so deliveries keep the order of the updates), then mu.
// History takes histMu alone.
type Index struct {
	opts  Options
	log   *slog.Logger
	db    *bbolt.DB
	ownDB bool
	git   *gitRepo // nil outside a git repository
	codec *syntaxCodec
	cache *recordCache  // syntax records of buffers not (yet) stored
	trees *syntax.Trees // the syntax trees of open buffers, re-parsed incrementally

	diskMu sync.Mutex
	bufMu  sync.Mutex
	histMu sync.Mutex
	parses atomic.Int64

	mu      sync.RWMutex // guards the fields below
	closed  bool
	disk    map[string]*diskEntry // files on disk, by slash path relative to Root
	bufs    map[string]*bufEntry  // open buffers under Root that are listed
	snap    *gitSnapshot
	rules   *ignoreRules // from the last disk update; nil before the first
	view    []FileInfo   // sorted listing; nil when stale
	timings Timings
	subs    map[int]func(*Changes)
	nextSub int
}

// Open opens the index of opts.Root, creating or migrating its buckets,
// and loads the listing of the last session with git's current view:
// File, Files and Syntax answer at once from the store. It looks at no
// file: call Refresh to bring the index up to date with the disk.
func Open(opts Options) (*Index, error) {
	opts, err := opts.validate()
	if err != nil {
		return nil, err
	}
	codec, err := newSyntaxCodec()
	if err != nil {
		return nil, err
	}
	ix := &Index{
		opts:  opts,
		log:   opts.Logger,
		db:    opts.DB,
		codec: codec,
		cache: newRecordCache(64),
		trees: syntax.NewTrees(0),
		bufs:  map[string]*bufEntry{},
		snap:  emptySnapshot,
		subs:  map[int]func(*Changes){},
	}
	if ix.git, err = discoverGit(opts.Root); err != nil {
		return nil, fmt.Errorf("repoindex: %w", err)
	}
	if ix.db == nil {
		if err := os.MkdirAll(filepath.Dir(opts.StorePath), 0o755); err != nil {
			ix.closeDB()
			return nil, fmt.Errorf("repoindex: store directory: %w", err)
		}
		db, err := bbolt.Open(opts.StorePath, 0o600, &bbolt.Options{Timeout: 5 * time.Second})
		if err != nil {
			ix.closeDB()
			return nil, fmt.Errorf("repoindex: opening the store %s: %w", opts.StorePath, err)
		}
		ix.db, ix.ownDB = db, true
	}
	synFP := fmt.Sprintf("%s/%d/%+v", codec.shape, codecVersion, opts.Syntax)
	if err := prepareStore(ix.db, opts.Root, synFP, ix.log); err != nil {
		ix.closeDB()
		return nil, fmt.Errorf("repoindex: preparing the store: %w", err)
	}
	if ix.disk, err = loadFiles(ix.db, opts.MaxFileBytes, ix.log); err != nil {
		ix.closeDB()
		return nil, err
	}
	// Git's view now, so that the stored listing reads right before the
	// first Refresh. A failure here is Refresh's to report.
	if ix.git != nil {
		if snap, _, err := ix.git.loadSnapshot(emptySnapshot); err != nil {
			ix.log.Warn("repoindex: reading git's state", "err", err)
		} else {
			ix.snap = snap
		}
	}
	return ix, nil
}

// Root returns the workspace root.
func (ix *Index) Root() string { return ix.opts.Root }

// Close releases the store if the index opened it. Updates in progress
// finish first. Close is idempotent.
func (ix *Index) Close() error {
	ix.diskMu.Lock()
	defer ix.diskMu.Unlock()
	ix.histMu.Lock()
	defer ix.histMu.Unlock()
	ix.bufMu.Lock()
	defer ix.bufMu.Unlock()
	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		return nil
	}
	ix.closed = true
	ix.mu.Unlock()
	return ix.closeDB()
}

func (ix *Index) closeDB() error {
	ix.trees.Close()
	var errs []error
	if ix.git != nil {
		errs = append(errs, ix.git.close())
	}
	if ix.ownDB {
		errs = append(errs, ix.db.Close())
	}
	return errors.Join(errs...)
}

func (ix *Index) checkOpen() error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	return nil
}
