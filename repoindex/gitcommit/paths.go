package gitcommit

import (
	"fmt"
	"slices"
	"strings"
)

// checkPaths validates workspace-relative paths and returns them as
// worktree-relative paths, in the same order. A path must be relative,
// slash-separated and clean, without "." or ".." elements, and outside
// any .git directory.
func (r *Repo) checkPaths(paths []string) ([]string, error) {
	out := make([]string, len(paths))
	seen := make(map[string]bool, len(paths))
	var bad []string
	for i, p := range paths {
		if !validPath(p) {
			bad = append(bad, fmt.Sprintf("%q", p))
			continue
		}
		rp := r.repoPath(p)
		if seen[rp] {
			bad = append(bad, fmt.Sprintf("%q (twice)", p))
			continue
		}
		seen[rp] = true
		out[i] = rp
	}
	if bad != nil {
		return nil, &PathsError{Err: ErrUnsupportedPath, Paths: bad}
	}
	return out, nil
}

func validPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\x00\\") {
		return false
	}
	for _, el := range strings.Split(p, "/") {
		if el == "" || el == "." || el == ".." || strings.EqualFold(el, ".git") {
			return false
		}
	}
	return true
}

// wsPaths maps worktree-relative paths to sorted workspace-relative ones.
func (r *Repo) wsPaths(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = r.wsPath(p)
	}
	slices.Sort(out)
	return out
}
