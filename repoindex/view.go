package repoindex

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"go.etcd.io/bbolt"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// File returns the listing entry of path (absolute, or relative to Root).
func (ix *Index) File(path string) (FileInfo, bool) {
	rel, err := ix.relPath(path)
	if err != nil {
		return FileInfo{}, false
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	info, _, ok := ix.infoLocked(rel)
	return info, ok
}

// Files returns every listed file, sorted by path. The slice is the
// caller's.
func (ix *Index) Files() []FileInfo {
	ix.mu.RLock()
	v := ix.view
	ix.mu.RUnlock()
	if v == nil {
		ix.mu.Lock()
		if ix.view == nil {
			ix.view = ix.buildViewLocked()
		}
		v = ix.view
		ix.mu.Unlock()
	}
	return slices.Clone(v)
}

func (ix *Index) buildViewLocked() []FileInfo {
	keys := make(map[string]struct{}, len(ix.disk)+len(ix.bufs))
	for rel := range ix.disk {
		keys[rel] = struct{}{}
	}
	for rel := range ix.bufs {
		keys[rel] = struct{}{}
	}
	for rel := range ix.snap.gitlinks() {
		keys[rel] = struct{}{}
	}
	out := make([]FileInfo, 0, len(keys))
	for _, rel := range slices.Sorted(maps.Keys(keys)) {
		if info, _, ok := ix.infoLocked(rel); ok {
			out = append(out, info)
		}
	}
	return out
}

// Syntax returns the syntax of path's current content (its buffer when
// open). It returns ErrNotFound for a path not listed and ErrNotParsed
// (saying why) for a listed file without syntax. The result is the
// caller's.
func (ix *Index) Syntax(path string) (*syntax.File, error) {
	rel, err := ix.relPath(path)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	info, syn, ok := ix.infoLocked(rel)
	closed := ix.closed
	ix.mu.RUnlock()
	switch {
	case closed:
		return nil, ErrClosed
	case !ok:
		return nil, fmt.Errorf("%q: %w", path, ErrNotFound)
	case info.Submodule:
		return nil, fmt.Errorf("%q is a submodule: %w", rel, ErrNotParsed)
	case syn != synParsed:
		return nil, fmt.Errorf("%q: %s: %w", rel, syn.reason(), ErrNotParsed)
	}
	blob, _ := parseBlobID(info.Blob)
	key := synKey{blob: blob, lang: info.Lang}
	rec, err := ix.record(key)
	if err != nil {
		return nil, fmt.Errorf("repoindex: reading the syntax of %q: %w", rel, err)
	}
	if rec != nil {
		f, err := ix.decodeRecord(rec)
		if err == nil {
			return f, nil
		}
		ix.log.Warn("repoindex: stored syntax unreadable; parsing again", "path", rel, "err", err)
	}
	// Not stored (a buffer evicted from the cache) or unreadable: parse
	// the content again if it is still the same blob.
	content, err := ix.Content(path)
	if err != nil {
		return nil, err
	}
	if hashBlob(content) != blob {
		return nil, fmt.Errorf("%q changed since the last update; call UpdateFiles or UpdateBuffer: %w", rel, ErrNotFound)
	}
	rec, syn = ix.parseRecord(rel, content)
	if syn != synParsed {
		return nil, fmt.Errorf("%q: %s: %w", rel, syn.reason(), ErrNotParsed)
	}
	if info.State == StateBuffer {
		ix.cache.put(key, rec)
	} else if err := ix.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketBlobs).Put(key.bytes(), rec)
	}); err != nil {
		ix.log.Warn("repoindex: storing recomputed syntax", "path", rel, "err", err)
	}
	return ix.decodeRecord(rec)
}

// Content returns path's content: the open buffer, else the file on disk
// (a symbolic link's content is its target, as git stores it).
func (ix *Index) Content(path string) ([]byte, error) {
	rel, err := ix.relPath(path)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	info, _, ok := ix.infoLocked(rel)
	_, isBuf := ix.bufs[rel]
	ix.mu.RUnlock()
	if !ok || info.Submodule {
		return nil, fmt.Errorf("%q: %w", path, ErrNotFound)
	}
	abs := ix.absPath(rel)
	if isBuf && ix.opts.Overlay != nil {
		if b, ok := ix.opts.Overlay.Get(abs); ok {
			return b.Content, nil
		}
	}
	if info.Symlink {
		target, err := os.Readlink(abs)
		return []byte(target), err
	}
	data, err := os.ReadFile(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%q was removed since the last update: %w", rel, ErrNotFound)
	}
	return data, err
}

// Stats summarises the index.
func (ix *Index) Stats() Stats {
	s := Stats{ByState: map[State]int{}, ByLang: map[syntax.Lang]int{}, Parses: ix.parses.Load()}
	for _, f := range ix.Files() {
		s.Files++
		s.ByState[f.State]++
		if f.Submodule {
			s.Submodules++
			continue
		}
		s.ByLang[f.Lang]++
		if !f.Parsed {
			s.Unparsed++
		}
	}
	ix.mu.RLock()
	s.LastRefresh = ix.timings
	closed := ix.closed
	ix.mu.RUnlock()
	if !closed {
		_ = ix.db.View(func(tx *bbolt.Tx) error {
			s.StoreBytes = tx.Size()
			s.StoredBlobs = tx.Bucket(bucketBlobs).Stats().KeyN
			return nil
		})
	}
	return s
}
