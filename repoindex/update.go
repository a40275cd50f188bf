package repoindex

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// Refresh brings the index up to date with the disk, git and the overlay:
// it walks Root (pruning ignored directories), lstat's every file,
// re-hashes only the files whose stat changed (or was racily clean), and
// parses only blobs it has never stored. The first Refresh after Open of a
// new store parses everything.
func (ix *Index) Refresh(ctx context.Context) (*Changes, error) {
	return ix.updateDisk(ctx, nil, true)
}

// UpdateFiles re-examines only the given paths (absolute, or relative to
// Root), as reported by didSave or workspace/didChangeWatchedFiles: a file
// is re-hashed if its stat changed; a directory is walked again; a missing
// path is removed with everything under it; a changed .gitignore rescans
// its directory; paths inside .git are skipped, but git's HEAD and index
// are checked on every call, so a commit turns Modified files into Tracked
// and a file that stops being tracked while ignored is removed. A file
// that becomes tracked while ignored (git add -f) appears only once its
// path is given or after a Refresh.
func (ix *Index) UpdateFiles(ctx context.Context, paths []string) (*Changes, error) {
	rels := make([]string, 0, len(paths))
	for _, p := range paths {
		rel, err := ix.relPath(p)
		if err != nil {
			return nil, fmt.Errorf("repoindex: UpdateFiles: %w", err)
		}
		rels = append(rels, rel)
	}
	return ix.updateDisk(ctx, rels, false)
}

// listing is what a disk update saw.
type listing struct {
	seen  []found
	scope []string // paths whose unseen entries are removed ("" = all)
	dirs  int
}

func (ix *Index) updateDisk(ctx context.Context, rels []string, full bool) (*Changes, error) {
	if err := ix.checkOpen(); err != nil {
		return nil, err
	}
	ix.diskMu.Lock()
	defer ix.diskMu.Unlock()
	if err := ix.checkOpen(); err != nil {
		return nil, err
	}
	start := time.Now()
	scan := ix.opts.Now()
	tm := Timings{At: scan}

	snap, gitChanged := ix.snap, false
	if ix.git != nil {
		var err error
		if snap, gitChanged, err = ix.git.loadSnapshot(ix.snap); err != nil {
			return nil, fmt.Errorf("repoindex: %w", err)
		}
	}
	tm.Git = time.Since(start)
	rules := newIgnoreRules(ix.opts.Root, ix.git, ix.opts.ExcludesFile, ix.log)

	t0 := time.Now()
	var ls listing
	var err error
	if full {
		ls.scope = []string{""}
		w := newWalker(ctx, ix.opts.Root, rules, snap, ix.opts.Workers, ix.log)
		ls.seen, err = w.walk("", rules.stackAbove("", ix.log), false)
		ls.dirs = w.dirs
	} else {
		err = ix.listPaths(ctx, rels, rules, snap, &ls)
	}
	if err != nil {
		return nil, err
	}
	tm.Walk, tm.Statted = time.Since(t0), len(ls.seen)

	// Classify: unchanged stat → nothing to do; otherwise a job, with the
	// blob vouched for by our record or by git's index when possible.
	seenSet := make(map[string]bool, len(ls.seen))
	var jobs []job
	for _, f := range ls.seen {
		if seenSet[f.rel] {
			continue // listed twice (a directory and a file inside it)
		}
		seenSet[f.rel] = true
		old := ix.disk[f.rel]
		switch {
		case old != nil && old.st == f.st && !old.racy && old.syn != synUnknown:
		case old != nil && old.st == f.st && !old.racy:
			jobs = append(jobs, job{rel: f.rel, st: f.st, blob: old.blob, known: true})
		default:
			if ge, ok := snap.index[f.rel]; ok && ge.matches(f.st) && !f.st.racy(scan) {
				jobs = append(jobs, job{rel: f.rel, st: f.st, blob: ge.hash, known: true})
			} else {
				jobs = append(jobs, job{rel: f.rel, st: f.st})
			}
		}
	}
	t0 = time.Now()
	proc := ix.newProcessor(scan)
	outs, err := proc.run(ctx, jobs)
	if err != nil {
		return nil, err
	}
	tm.Parse = time.Since(t0)
	tm.Hash = time.Duration(proc.hashTime.Load()) / time.Duration(max(1, ix.opts.Workers))
	tm.Hashed = int(proc.hashed.Load())

	var removed []string
	for rel := range ix.disk {
		switch {
		case seenSet[rel]:
		case underAny(rel, ls.scope):
			removed = append(removed, rel)
		case gitChanged && ix.snap.tracked(rel) && !snap.tracked(rel) && rules.ignored(rel, false, ix.log):
			removed = append(removed, rel) // no longer tracked, and ignored
		}
	}
	for _, o := range outs {
		if o.gone && ix.disk[o.rel] != nil {
			removed = append(removed, o.rel)
		}
	}
	if len(removed) > 0 {
		err := ix.db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucketFiles)
			for _, rel := range removed {
				if err := b.Delete([]byte(rel)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("repoindex: removing %d records: %w", len(removed), err)
		}
	}

	ix.bufMu.Lock()
	defer ix.bufMu.Unlock()
	bufs, bp, br := ix.computeBuffers(rules, snap)

	ch := &Changes{Parsed: int(proc.parsed.Load()) + bp, Reused: int(proc.reused.Load()) + br}
	ix.mu.Lock()
	affected := make(map[string]bool, len(outs)+len(removed)+len(bufs)+len(ix.bufs))
	for _, o := range outs {
		affected[o.rel] = true
	}
	for _, rel := range removed {
		affected[rel] = true
	}
	for rel := range bufs {
		affected[rel] = true
	}
	for rel := range ix.bufs {
		affected[rel] = true
	}
	if gitChanged {
		for rel := range ix.disk {
			affected[rel] = true
		}
		for rel := range ix.snap.gitlinks() {
			affected[rel] = true
		}
		for rel := range snap.gitlinks() {
			affected[rel] = true
		}
	}
	ix.applyLocked(ch, affected, func() {
		for _, o := range outs {
			if o.gone {
				delete(ix.disk, o.rel)
			} else {
				e := o.e
				ix.disk[o.rel] = &e
			}
		}
		for _, rel := range removed {
			delete(ix.disk, rel)
		}
		ix.bufs, ix.snap, ix.rules = bufs, snap, rules
	})
	if full {
		tm.Total = time.Since(start)
		ix.timings = tm
		ix.log.Debug("repoindex: refresh", "files", len(ix.disk), "dirs", ls.dirs, "hashed", tm.Hashed,
			"parsed", ch.Parsed, "walk", tm.Walk, "total", tm.Total)
	}
	ch.Elapsed = time.Since(start)
	ix.publishLocked(ch)
	return ch, nil
}

// listPaths lists what UpdateFiles was given.
func (ix *Index) listPaths(ctx context.Context, rels []string, rules *ignoreRules, snap *gitSnapshot, ls *listing) error {
	slices.Sort(rels)
	rels = slices.Compact(rels)
	for _, rel := range rels {
		if err := ctx.Err(); err != nil {
			return err
		}
		if inGitDir(rel) {
			continue // git's state is reloaded on every update
		}
		if path.Base(rel) == ".gitignore" {
			rel = pathDir(rel) // the rules of a whole subtree changed
		}
		if rel == "" {
			w := newWalker(ctx, ix.opts.Root, rules, snap, ix.opts.Workers, ix.log)
			seen, err := w.walk("", rules.stackAbove("", ix.log), false)
			if err != nil {
				return err
			}
			ls.seen, ls.scope, ls.dirs = append(ls.seen, seen...), append(ls.scope, ""), ls.dirs+w.dirs
			continue
		}
		ls.scope = append(ls.scope, rel)
		if ix.unreachable(rel, snap) || snap.isGitlink(rel) {
			continue
		}
		fi, err := os.Lstat(ix.absPath(rel))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			ix.log.Warn("repoindex: path unreadable; not listed", "path", rel, "err", err)
			continue
		case fi.IsDir():
			ign := rules.ignored(rel, true, ix.log)
			if ign && !snap.trackedDirs[rel] {
				continue
			}
			w := newWalker(ctx, ix.opts.Root, rules, snap, ix.opts.Workers, ix.log)
			seen, err := w.walk(rel, rules.stackAbove(rel, ix.log), ign)
			if err != nil {
				return err
			}
			ls.seen, ls.dirs = append(ls.seen, seen...), ls.dirs+w.dirs
		case isFileMode(fi.Mode()):
			if rules.ignored(rel, false, ix.log) && !snap.tracked(rel) {
				continue
			}
			ls.seen = append(ls.seen, found{rel: rel, st: statOf(fi)})
		}
	}
	return nil
}
