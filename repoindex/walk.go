package repoindex

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// found is one file seen by a walk: a regular file or a symbolic link.
type found struct {
	rel string
	st  fileStat
}

// walker lists the files under a directory in parallel (a bounded pool of
// goroutines, one directory each), lstat'ing every file it keeps. It
// prunes ignored directories unless they hold tracked paths, never enters
// a nested repository (a directory with a .git entry: submodules are
// listed from git's data instead), and never follows symbolic links.
type walker struct {
	ctx   context.Context
	root  string
	rules *ignoreRules
	snap  *gitSnapshot
	log   *slog.Logger
	sem   chan struct{}
	wg    sync.WaitGroup

	mu   sync.Mutex // guards out
	out  []found
	dirs int
}

func newWalker(ctx context.Context, root string, rules *ignoreRules, snap *gitSnapshot, workers int, log *slog.Logger) *walker {
	return &walker{ctx: ctx, root: root, rules: rules, snap: snap, log: log, sem: make(chan struct{}, workers)}
}

// walk lists the subtree at rel ("" for Root); stack holds the patterns
// in force there and ignoredDir says whether rel itself is ignored (then
// only tracked paths are kept).
func (w *walker) walk(rel string, stack []gitignore.Pattern, ignoredDir bool) ([]found, error) {
	w.spawn(rel, stack, ignoredDir)
	w.wg.Wait()
	return w.out, w.ctx.Err()
}

func (w *walker) spawn(rel string, stack []gitignore.Pattern, ignoredDir bool) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		select {
		case w.sem <- struct{}{}:
		case <-w.ctx.Done():
			return
		}
		subdirs := w.dir(rel, stack, ignoredDir)
		<-w.sem
		for _, s := range subdirs {
			w.spawn(s.rel, s.stack, s.ignored)
		}
	}()
}

type subdir struct {
	rel     string
	stack   []gitignore.Pattern
	ignored bool
}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// dir lists one directory and returns the subdirectories to walk.
func (w *walker) dir(rel string, stack []gitignore.Pattern, ignoredDir bool) []subdir {
	abs := filepath.Join(w.root, filepath.FromSlash(rel))
	f, err := os.Open(abs)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.log.Warn("repoindex: directory unreadable", "dir", abs, "err", err)
		}
		return nil
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		w.log.Warn("repoindex: directory unreadable", "dir", abs, "err", err)
	}
	hasIgnore := false
	for _, e := range entries {
		switch e.Name() {
		case ".git":
			if rel != "" {
				return nil // a nested repository
			}
		case ".gitignore":
			hasIgnore = e.Type().IsRegular()
		}
	}
	if own := w.rules.dirPatterns(rel, hasIgnore, w.log); len(own) > 0 {
		stack = append(stack[:len(stack):len(stack)], own...)
	}
	dirParts := w.rules.parts(rel)
	var out []found
	var subs []subdir
	for _, e := range entries {
		name := e.Name()
		if name == ".git" {
			continue
		}
		child := joinRel(rel, name)
		parts := append(dirParts[:len(dirParts):len(dirParts)], name)
		t := e.Type()
		switch {
		case t.IsDir():
			if w.snap.isGitlink(child) {
				continue // a submodule: listed from git's data, never entered
			}
			ign := ignoredDir || match(stack, parts, true)
			if ign && !w.snap.trackedDirs[child] {
				continue
			}
			subs = append(subs, subdir{rel: child, stack: stack, ignored: ign})
		case t.IsRegular() || t&fs.ModeSymlink != 0:
			if (ignoredDir || match(stack, parts, false)) && !w.snap.tracked(child) {
				continue
			}
			st, err := lstatAt(f, abs, name)
			if err != nil {
				continue // removed since the listing
			}
			if !isFileMode(fs.FileMode(st.mode)) {
				continue
			}
			out = append(out, found{rel: child, st: st})
		}
	}
	w.mu.Lock()
	w.out = append(w.out, out...)
	w.dirs++
	w.mu.Unlock()
	return subs
}
