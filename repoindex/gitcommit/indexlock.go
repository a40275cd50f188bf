package gitcommit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// lockedIndex is the index held under git's lock (index.lock) while an
// operation rewrites it; other git processes wait or fail meanwhile.
type lockedIndex struct {
	name    string   // .git/index
	lock    *os.File // .git/index.lock, created exclusively
	idx     *gitIndex
	mtime   time.Time       // of the index as read
	touched map[string]bool // names set by set
}

func lockIndex(gitDir string) (*lockedIndex, error) {
	name := filepath.Join(gitDir, "index")
	lock, err := os.OpenFile(name+".lock", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w: %s.lock exists: another git process is running (remove the file if none is)", ErrBusy, name)
	}
	if err != nil {
		return nil, fmt.Errorf("gitcommit: locking the index: %w", err)
	}
	idx, mtime, err := readIndex(gitDir, true, nil)
	if err != nil {
		lock.Close()
		os.Remove(lock.Name())
		return nil, err
	}
	return &lockedIndex{name: name, lock: lock, idx: idx, mtime: mtime, touched: map[string]bool{}}, nil
}

// set replaces the entries called name by e, or removes them when e is
// nil.
func (l *lockedIndex) set(name string, e *idxEntry) {
	l.touched[name] = true
	i, j := l.idx.find(name)
	if e == nil {
		l.idx.entries = slices.Delete(l.idx.entries, i, j)
	} else {
		l.idx.entries = slices.Insert(slices.Delete(l.idx.entries, i, j), i, e)
	}
}

// dirConflict reports an entry that makes name impossible in the index:
// one of name's parent directories is a file, or name is a directory.
func (l *lockedIndex) dirConflict(name string) string {
	for dir := name; ; {
		k := strings.LastIndexByte(dir, '/')
		if k < 0 {
			break
		}
		dir = dir[:k]
		if len(l.idx.lookup(dir)) > 0 {
			return dir
		}
	}
	i, _ := l.idx.find(name + "/")
	if i < len(l.idx.entries) && strings.HasPrefix(l.idx.entries[i].name, name+"/") {
		return l.idx.entries[i].name
	}
	return ""
}

// write writes the index into the lock file; commit renames it into
// place.
//
// Entries not set in this operation whose mtime is not older than the
// index as read are "racily clean" in git's sense: a change made in the
// same second as that index was written, without a change of size, would
// go unseen once the index is newer. Their size is zeroed, as git does,
// so that git compares their content.
//
// Extensions are not written: the cache tree would be stale for the
// paths set, the untracked cache and fsmonitor data likewise; git
// rebuilds them when it needs them.
func (l *lockedIndex) write() error {
	if !l.mtime.IsZero() {
		racy := uint32(l.mtime.Unix())
		for _, e := range l.idx.entries {
			if !l.touched[e.name] && e.mtimeSec >= racy {
				e.size = 0
			}
		}
	}
	if _, err := l.lock.Write(l.idx.encode()); err != nil {
		return fmt.Errorf("gitcommit: writing the index: %w", err)
	}
	return nil
}

// commit puts the written index in place.
func (l *lockedIndex) commit() error {
	if err := l.lock.Close(); err != nil {
		os.Remove(l.lock.Name())
		return fmt.Errorf("gitcommit: writing the index: %w", err)
	}
	if err := os.Rename(l.lock.Name(), l.name); err != nil {
		os.Remove(l.lock.Name())
		return fmt.Errorf("gitcommit: writing the index: %w", err)
	}
	l.lock = nil
	return nil
}

// release drops the lock without touching the index; a no-op after commit.
func (l *lockedIndex) release() {
	if l.lock != nil {
		l.lock.Close()
		os.Remove(l.lock.Name())
		l.lock = nil
	}
}
