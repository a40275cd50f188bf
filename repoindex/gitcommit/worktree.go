package gitcommit

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// state is one side of a path: in HEAD's tree, the index or the worktree.
type state struct {
	ok   bool // the path exists on this side
	hash plumbing.Hash
	mode filemode.FileMode
}

func (a state) String() string {
	if !a.ok {
		return "absent"
	}
	return a.mode.String() + " " + a.hash.String()
}

// wtFile is a path in the worktree as found on disk.
type wtFile struct {
	state
	other   bool        // something git cannot hold there: a directory, a device, or a parent that is not a directory
	content []byte      // the file's bytes, for a rollback
	fi      fs.FileInfo // lstat of the file
}

// worktree reads and writes files inside the worktree root only: the
// paths go through an os.Root, and every parent directory is checked to
// be a real directory, not a symbolic link (git never writes through one).
type worktree struct {
	root *os.Root
	keep string // the workspace root, worktree-relative: never removed
}

func openWorktree(dir, keep string) (*worktree, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("gitcommit: %w", err)
	}
	return &worktree{root: root, keep: keep}, nil
}

func (w *worktree) close() { w.root.Close() }

// parentsOK reports whether every existing parent directory of p is a
// directory (not a file or a symbolic link).
func (w *worktree) parentsOK(p string) (bool, error) {
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		fi, err := w.root.Lstat(p[:i])
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("gitcommit: %w", err)
		}
		if !fi.IsDir() {
			return false, nil
		}
	}
	return true, nil
}

// read returns the worktree's version of p.
func (w *worktree) read(p string) (wtFile, error) {
	ok, err := w.parentsOK(p)
	if err != nil || !ok {
		return wtFile{other: !ok}, err
	}
	fi, err := w.root.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return wtFile{}, nil
	}
	if err != nil {
		return wtFile{}, fmt.Errorf("gitcommit: %w", err)
	}
	switch {
	case fi.Mode().IsRegular():
		data, err := w.root.ReadFile(p)
		if err != nil {
			return wtFile{}, fmt.Errorf("gitcommit: %w", err)
		}
		mode := filemode.Regular
		if fi.Mode()&0o100 != 0 {
			mode = filemode.Executable
		}
		return wtFile{state: state{true, plumbing.ComputeHash(plumbing.BlobObject, data), mode}, content: data, fi: fi}, nil
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := w.root.Readlink(p)
		if err != nil {
			return wtFile{}, fmt.Errorf("gitcommit: %w", err)
		}
		return wtFile{state: state{true, plumbing.ComputeHash(plumbing.BlobObject, []byte(target)), filemode.Symlink}, fi: fi}, nil
	}
	return wtFile{other: true, fi: fi}, nil
}

// write replaces p by a regular file holding data (through a temporary
// file and a rename, so a reader never sees half a file), creating the
// parent directories, and returns its lstat. An existing file keeps its
// permission bits apart from the executable bits, which follow mode.
func (w *worktree) write(p string, data []byte, mode filemode.FileMode) (fs.FileInfo, error) {
	if err := w.mkdirs(path.Dir(p)); err != nil {
		return nil, err
	}
	perm := fs.FileMode(0o666)
	if mode == filemode.Executable {
		perm = 0o777
	}
	keep := false
	if fi, err := w.root.Lstat(p); err == nil && fi.Mode().IsRegular() {
		keep = true
		perm = fi.Mode().Perm() &^ 0o111
		if mode == filemode.Executable {
			perm |= (perm & 0o444) >> 2
		}
	}
	tmp := path.Join(path.Dir(p), "."+path.Base(p)+".aios-"+rand.Text()[:12]+".tmp")
	f, err := w.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, fmt.Errorf("gitcommit: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && keep {
		err = w.root.Chmod(tmp, perm)
	}
	if err == nil {
		err = w.root.Rename(tmp, p)
	}
	if err != nil {
		w.root.Remove(tmp)
		return nil, fmt.Errorf("gitcommit: writing %s: %w", p, err)
	}
	fi, err := w.root.Lstat(p)
	if err != nil {
		return nil, fmt.Errorf("gitcommit: %w", err)
	}
	return fi, nil
}

func (w *worktree) mkdirs(dir string) error {
	if dir == "." {
		return nil
	}
	for i := 0; i <= len(dir); i++ {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		d := dir[:i]
		fi, err := w.root.Lstat(d)
		if errors.Is(err, fs.ErrNotExist) {
			if err := w.root.Mkdir(d, 0o777); err != nil {
				return fmt.Errorf("gitcommit: %w", err)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("gitcommit: %w", err)
		}
		if !fi.IsDir() {
			return &PathsError{Err: ErrUnsupportedPath, Paths: []string{d + " (not a directory)"}}
		}
	}
	return nil
}

// remove deletes p if it exists, then its parent directories while they
// are empty, as git does.
func (w *worktree) remove(p string) error {
	if err := w.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("gitcommit: %w", err)
	}
	for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
		if dir == w.keep || strings.HasPrefix(w.keep, dir+"/") || w.root.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// restore puts p back as it was read (f); used to roll back.
func (w *worktree) restore(p string, f wtFile) {
	switch {
	case f.other:
	case !f.ok:
		w.remove(p)
	case f.mode == filemode.Regular || f.mode == filemode.Executable:
		w.write(p, f.content, f.mode)
	}
}

// same reports whether the worktree's a matches b, ignoring the
// executable bit unless strictMode (core.fileMode false in the worktree).
func same(a, b state, strictMode bool) bool {
	if a.ok != b.ok {
		return false
	}
	if !a.ok {
		return true
	}
	if a.hash != b.hash {
		return false
	}
	if !strictMode && isFile(a.mode) && isFile(b.mode) {
		return true
	}
	return a.mode == b.mode
}

func isFile(m filemode.FileMode) bool { return m == filemode.Regular || m == filemode.Executable }
