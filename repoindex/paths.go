package repoindex

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// relPath maps an absolute OS path under Root, or a slash path relative
// to Root, to the index's key: slash-separated, relative, clean. Root
// itself is "".
func (ix *Index) relPath(p string) (string, error) {
	if filepath.IsAbs(p) {
		rel, err := filepath.Rel(ix.opts.Root, filepath.Clean(p))
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", fmt.Errorf("%q: %w", p, ErrOutsideRoot)
		}
		if rel == "." {
			return "", nil
		}
		return filepath.ToSlash(rel), nil
	}
	rel := path.Clean(filepath.ToSlash(p))
	if rel == ".." || strings.HasPrefix(rel, "../") || strings.HasPrefix(rel, "/") {
		return "", fmt.Errorf("%q: %w", p, ErrOutsideRoot)
	}
	if rel == "." {
		return "", nil
	}
	return rel, nil
}

func (ix *Index) absPath(rel string) string {
	return filepath.Join(ix.opts.Root, filepath.FromSlash(rel))
}

// inGitDir reports whether rel is Root's .git or inside it.
func inGitDir(rel string) bool { return rel == ".git" || strings.HasPrefix(rel, ".git/") }

// unreachable reports whether the walk cannot reach rel: it lies below a
// symbolic link or a non-directory (links are never followed), or in a
// submodule or another nested repository (a directory below Root with a
// .git entry), which the index does not enter.
func (ix *Index) unreachable(rel string, snap *gitSnapshot) bool {
	for d := pathDir(rel); d != ""; d = pathDir(d) {
		if snap.isGitlink(d) {
			return true
		}
		abs := ix.absPath(d)
		if fi, err := os.Lstat(abs); err == nil && !fi.IsDir() {
			return true
		}
		if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
			return true
		}
	}
	return false
}

// underAny reports whether rel equals or lies under one of the scopes
// ("" covers everything).
func underAny(rel string, scopes []string) bool {
	for _, s := range scopes {
		if s == "" || rel == s || strings.HasPrefix(rel, s+"/") {
			return true
		}
	}
	return false
}

func isFileMode(m fs.FileMode) bool { return m.IsRegular() || m&fs.ModeSymlink != 0 }
