package govet

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type hashSum = [sha256.Size]byte

// stableAge is how old a file's (or directory's) mtime must be before its
// hash (or listing) is remembered by (size, mtime). File systems stamp
// mtimes with a coarse clock, so two writes of the same size within one
// tick may share an mtime; entries younger than this are re-read instead.
const stableAge = 2 * time.Second

type fileStamp struct {
	size  int64
	mtime time.Time
	sum   hashSum
}

type dirStamp struct {
	mtime time.Time
	names []string // source file names, sorted
}

// hasher hashes disk files and lists directories, remembering results by
// (path, size, mtime) so that unchanged files are not re-read.
type hasher struct {
	reads atomic.Int64 // files read (and hashed) from disk; for tests and logs

	mu    sync.Mutex // guards the maps below
	files map[string]fileStamp
	dirs  map[string]dirStamp
}

func newHasher() *hasher {
	return &hasher{files: make(map[string]fileStamp), dirs: make(map[string]dirStamp)}
}

// hashFile returns the SHA-256 of the file's content; exists is false when
// the file does not exist.
func (h *hasher) hashFile(name string) (sum hashSum, exists bool, err error) {
	fi, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return sum, false, nil
	}
	if err != nil {
		return sum, false, err
	}
	h.mu.Lock()
	st, ok := h.files[name]
	h.mu.Unlock()
	if ok && st.size == fi.Size() && st.mtime.Equal(fi.ModTime()) {
		return st.sum, true, nil
	}
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return sum, false, nil
	}
	if err != nil {
		return sum, false, err
	}
	h.reads.Add(1)
	sum = sha256.Sum256(data)
	h.mu.Lock()
	if time.Since(fi.ModTime()) > stableAge && int64(len(data)) == fi.Size() {
		h.files[name] = fileStamp{size: fi.Size(), mtime: fi.ModTime(), sum: sum}
	} else {
		delete(h.files, name)
	}
	h.mu.Unlock()
	return sum, true, nil
}

// listDir returns the sorted names of the source files in dir (see
// isSourceFile); exists is false when dir does not exist.
func (h *hasher) listDir(dir string) (names []string, exists bool, err error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	h.mu.Lock()
	st, ok := h.dirs[dir]
	h.mu.Unlock()
	if ok && st.mtime.Equal(fi.ModTime()) {
		return st.names, true, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, false, err
	}
	for _, e := range entries {
		if e.IsDir() || !isSourceFile(e.Name()) {
			continue
		}
		names = append(names, e.Name())
	}
	h.mu.Lock()
	if time.Since(fi.ModTime()) > stableAge {
		h.dirs[dir] = dirStamp{mtime: fi.ModTime(), names: names}
	} else {
		delete(h.dirs, dir)
	}
	h.mu.Unlock()
	return names, true, nil
}

// sourceExts are the file extensions the go command considers part of a
// package (Go, cgo, assembly, SWIG and system object files).
var sourceExts = []string{
	".go", ".c", ".h", ".s", ".S", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx",
	".m", ".f", ".F", ".for", ".f90", ".syso", ".swig", ".swigcxx",
}

// isSourceFile reports whether a file name can contribute to a package.
// Like the go command, it ignores names starting with "_" or ".".
func isSourceFile(name string) bool {
	if strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
		return false
	}
	return slices.Contains(sourceExts, filepath.Ext(name))
}
