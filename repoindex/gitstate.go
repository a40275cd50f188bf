package repoindex

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// gitEntry is one path of HEAD's tree or of git's index.
type gitEntry struct {
	hash blobID
	mode filemode.FileMode
	// From git's index only: the stat data git recorded, and whether the
	// hash can be trusted for a file whose stat still matches.
	size    uint32
	mtime   int64 // ns
	ino     uint32
	trusted bool
}

// gitSnapshot is git's view of Root at one instant. It is immutable once
// built: an update builds a new one.
type gitSnapshot struct {
	commit      plumbing.Hash
	head        map[string]gitEntry // HEAD's tree: files, links and gitlinks
	index       map[string]gitEntry // git's index (stage 0 and conflicts)
	indexStamp  fileStat            // stat of the index file when read
	trackedDirs map[string]bool     // every directory holding a tracked path
	links       map[string]blobID   // submodules (gitlinks) and their commits
}

var emptySnapshot = &gitSnapshot{
	head:        map[string]gitEntry{},
	index:       map[string]gitEntry{},
	trackedDirs: map[string]bool{},
}

// tracked reports whether git knows the path (HEAD or index).
func (s *gitSnapshot) tracked(rel string) bool {
	if _, ok := s.index[rel]; ok {
		return true
	}
	_, ok := s.head[rel]
	return ok
}

// isGitlink reports whether git records rel as a submodule.
func (s *gitSnapshot) isGitlink(rel string) bool {
	if e, ok := s.index[rel]; ok {
		return e.mode == filemode.Submodule
	}
	return s.head[rel].mode == filemode.Submodule
}

// state classifies a file's content against HEAD.
func (s *gitSnapshot) state(rel string, blob blobID) State {
	if e, ok := s.head[rel]; ok {
		if e.hash == blob {
			return StateTracked
		}
		return StateModified
	}
	if _, ok := s.index[rel]; ok {
		return StateModified
	}
	return StateUntracked
}

// gitlinks returns the submodules and their commits.
func (s *gitSnapshot) gitlinks() map[string]blobID { return s.links }

// computeLinks finds the submodule entries: from the index, else HEAD.
func (s *gitSnapshot) computeLinks() map[string]blobID {
	out := map[string]blobID{}
	for p, e := range s.head {
		if e.mode == filemode.Submodule {
			out[p] = e.hash
		}
	}
	for p, e := range s.index {
		if e.mode == filemode.Submodule {
			out[p] = e.hash
		} else if _, ok := out[p]; ok {
			delete(out, p) // the index replaced the submodule with a file
		}
	}
	return out
}

// loadSnapshot returns git's current view, reusing prev's parts that did
// not change (same HEAD commit, same index file stat). changed reports
// whether anything differs from prev.
func (g *gitRepo) loadSnapshot(prev *gitSnapshot) (snap *gitSnapshot, changed bool, err error) {
	commit, err := g.head()
	if err != nil {
		return nil, false, err
	}
	next := &gitSnapshot{commit: commit, head: prev.head, index: prev.index, indexStamp: prev.indexStamp}
	idxPath := filepath.Join(g.gitDir, "index")
	var stamp fileStat
	if fi, err := os.Stat(idxPath); err == nil {
		stamp = statOf(fi)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("git index: %w", err)
	}
	// HEAD's tree and git's index are read in parallel when both changed.
	var headErr error
	var wg sync.WaitGroup
	if commit != prev.commit || (prev == emptySnapshot && !commit.IsZero()) {
		changed = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			next.head, headErr = g.headTree(commit)
		}()
	}
	if stamp != prev.indexStamp || prev == emptySnapshot {
		changed = true
		if next.index, err = g.readIndex(idxPath, stamp); err != nil {
			wg.Wait()
			return nil, false, err
		}
		next.indexStamp = stamp
	}
	wg.Wait()
	if headErr != nil {
		return nil, false, headErr
	}
	if !changed {
		return prev, false, nil
	}
	next.trackedDirs = map[string]bool{}
	for _, m := range []map[string]gitEntry{next.head, next.index} {
		for p := range m {
			for d := path.Dir(p); d != "." && !next.trackedDirs[d]; d = path.Dir(d) {
				next.trackedDirs[d] = true
			}
		}
	}
	next.links = next.computeLinks()
	return next, true, nil
}

// headTree lists HEAD's tree (files, symlinks, gitlinks) under Root,
// without reading any blob.
func (g *gitRepo) headTree(commit plumbing.Hash) (map[string]gitEntry, error) {
	out := map[string]gitEntry{}
	if commit.IsZero() {
		return out, nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, err := g.repo.CommitObject(commit)
	if err != nil {
		return nil, fmt.Errorf("reading HEAD commit %s: %w", commit, err)
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading HEAD tree: %w", err)
	}
	if g.prefix != "" {
		if tree, err = tree.Tree(g.prefix); errors.Is(err, object.ErrDirectoryNotFound) {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("reading HEAD tree at %s: %w", g.prefix, err)
		}
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("walking HEAD tree: %w", err)
		}
		if e.Mode == filemode.Dir {
			continue
		}
		out[name] = gitEntry{hash: blobID(e.Hash), mode: e.Mode}
	}
}

// readIndex decodes git's index file. A missing file is an empty index.
func (g *gitRepo) readIndex(idxPath string, stamp fileStat) (map[string]gitEntry, error) {
	out := map[string]gitEntry{}
	data, err := os.ReadFile(idxPath)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading git index: %w", err)
	}
	var idx index.Index
	if err := index.NewDecoder(bytes.NewReader(data)).Decode(&idx); err != nil {
		return nil, fmt.Errorf("decoding git index %s: %w", idxPath, err)
	}
	// git's racy rule: an entry whose mtime is not older than the index
	// file itself may have changed after git hashed it.
	racyFrom := stamp.mtime / 1e9 * 1e9
	for _, e := range idx.Entries {
		rel, ok := g.rel(e.Name)
		if !ok {
			continue
		}
		ge := gitEntry{hash: blobID(e.Hash), mode: e.Mode, size: e.Size, ino: e.Inode}
		if !e.ModifiedAt.IsZero() {
			ge.mtime = e.ModifiedAt.UnixNano()
		}
		ge.trusted = e.Stage == 0 && !e.IntentToAdd && !e.SkipWorktree &&
			ge.mtime != 0 && ge.mtime < racyFrom
		if prev, dup := out[rel]; dup && (prev.trusted || !ge.trusted) {
			continue // a conflicted path: keep one entry
		}
		out[rel] = ge
	}
	return out, nil
}

// matches reports whether git's index entry vouches for a file with stat
// st: same size, mtime and inode as when git hashed it, and not racy.
func (e gitEntry) matches(st fileStat) bool {
	if !e.trusted || !fsModeRegular(st.mode) {
		return false
	}
	return e.size == uint32(st.size) && e.mtime == st.mtime && (e.ino == 0 || e.ino == uint32(st.ino))
}

func fsModeRegular(mode uint32) bool { return fs.FileMode(mode).IsRegular() }
