package repoindex

import (
	"context"
	"fmt"
	"time"
)

// bufEntry is a listed open buffer.
type bufEntry struct {
	blob blobID
	size int64
	syn  synState
}

// UpdateBuffer re-reads path's buffer from the Overlay (didChange,
// didOpen, didClose): its blob is hashed and, if new, parsed. Buffer
// syntax is kept in memory, not written to the store; it is stored
// without parsing again once the same content is saved. A path with no
// buffer reverts to the file on disk. It does not wait for a Refresh in
// progress.
func (ix *Index) UpdateBuffer(ctx context.Context, path string) (*Changes, error) {
	start := time.Now()
	rel, err := ix.relPath(path)
	if err != nil {
		return nil, fmt.Errorf("repoindex: UpdateBuffer: %w", err)
	}
	if rel == "" {
		return nil, fmt.Errorf("repoindex: UpdateBuffer: %q is the root: %w", path, ErrNotFound)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.bufMu.Lock()
	defer ix.bufMu.Unlock()
	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		return nil, ErrClosed
	}
	if ix.rules == nil {
		ix.rules = newIgnoreRules(ix.opts.Root, ix.git, ix.opts.ExcludesFile, ix.log)
	}
	rules, snap, old := ix.rules, ix.snap, ix.bufs[rel]
	ix.mu.Unlock()

	ch := &Changes{}
	var next *bufEntry
	if ix.opts.Overlay != nil {
		if b, ok := ix.opts.Overlay.Get(ix.absPath(rel)); ok && ix.bufferListed(rel, rules, snap) {
			next, ch.Parsed, ch.Reused = ix.bufferEntry(rel, b.Content, old)
		}
	}
	if next == nil {
		ix.trees.Forget(rel) // the buffer is closed
	}
	ix.mu.Lock()
	ix.applyLocked(ch, map[string]bool{rel: true}, func() {
		if next == nil {
			delete(ix.bufs, rel)
		} else {
			ix.bufs[rel] = next
		}
	})
	ch.Elapsed = time.Since(start)
	ix.publishLocked(ch)
	return ch, nil
}

// bufferListed reports whether an open buffer at rel belongs in the
// listing: inside Root, not in .git or a nested repository, and tracked
// or not ignored.
func (ix *Index) bufferListed(rel string, rules *ignoreRules, snap *gitSnapshot) bool {
	if rel == "" || inGitDir(rel) || snap.isGitlink(rel) || ix.unreachable(rel, snap) {
		return false
	}
	return snap.tracked(rel) || !rules.ignored(rel, false, ix.log)
}

// bufferEntry hashes a buffer and finds or computes its syntax state.
func (ix *Index) bufferEntry(rel string, content []byte, old *bufEntry) (e *bufEntry, parsed, reused int) {
	e = &bufEntry{blob: hashBlob(content), size: int64(len(content))}
	switch {
	case old != nil && old.blob == e.blob && old.syn != synUnknown:
		e.syn = old.syn
	case e.size > ix.opts.MaxFileBytes:
		e.syn = synTooLarge
	default:
		if rec, ok := ix.cache.get(keyFor(rel, e.blob)); ok {
			e.syn, _ = recordState(rec)
			return e, 0, 1
		}
		if syn, ok := ix.storedState(keyFor(rel, e.blob)); ok {
			e.syn = syn
			return e, 0, 1
		}
		var rec []byte
		rec, e.syn, _ = ix.parseRecordWith(rel, content, ix.trees)
		ix.cache.put(keyFor(rel, e.blob), rec)
		return e, 1, 0
	}
	return e, 0, 0
}

// computeBuffers lists every open buffer afresh (for the disk updates).
// ix.bufMu must be held.
func (ix *Index) computeBuffers(rules *ignoreRules, snap *gitSnapshot) (bufs map[string]*bufEntry, parsed, reused int) {
	bufs = map[string]*bufEntry{}
	if ix.opts.Overlay == nil {
		return bufs, 0, 0
	}
	for abs, content := range ix.opts.Overlay.Snapshot() {
		rel, err := ix.relPath(abs)
		if err != nil || !ix.bufferListed(rel, rules, snap) {
			continue
		}
		e, p, r := ix.bufferEntry(rel, content, ix.bufs[rel])
		bufs[rel] = e
		parsed, reused = parsed+p, reused+r
	}
	return bufs, parsed, reused
}
