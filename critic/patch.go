package critic

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// change is one FileChange resolved against the workspace.
type change struct {
	rel     string // clean, slash-separated, workspace-relative
	abs     string // host path (under the resolved workspace root)
	old     []byte // content before the patch (nil when created)
	existed bool
	mode    fs.FileMode // of the existing file; 0644 for a created one
	new     []byte
	delete  bool
	diff    *fileDiff
}

// resolved is a patch checked against the workspace.
type resolved struct {
	changes []*change
	// unsafe holds path findings; a patch with any is never applied.
	unsafe []Finding
	// applyErrs explain why the patch does not apply (Correctness veto).
	applyErrs []string
}

// vcsDirs are directories a patch may never touch.
var vcsDirs = []string{".git", ".hg", ".svn"}

// resolvePatch checks every path of p, reads the files it changes and
// computes their diffs. It never writes.
func resolvePatch(root string, p Patch, maxFile int64) *resolved {
	r := &resolved{}
	seen := make(map[string]bool)
	for _, fc := range p.Changes {
		rel, f := checkRelPath(fc.Path)
		if f != nil {
			r.unsafe = append(r.unsafe, *f)
			continue
		}
		if seen[rel] {
			r.applyErrs = append(r.applyErrs, fmt.Sprintf("%s: changed twice in one patch", rel))
			continue
		}
		seen[rel] = true
		abs, f, err := resolveInside(root, rel)
		if f != nil {
			r.unsafe = append(r.unsafe, *f)
			continue
		}
		if err != nil {
			r.applyErrs = append(r.applyErrs, fmt.Sprintf("%s: %v", rel, err))
			continue
		}
		c := &change{rel: rel, abs: abs, delete: fc.Delete, mode: 0o644}
		if !fc.Delete {
			c.new = fc.Content
		}
		fi, err := os.Lstat(abs)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if fc.Delete {
				r.applyErrs = append(r.applyErrs, fmt.Sprintf("%s: cannot delete: no such file", rel))
				continue
			}
		case err != nil:
			r.applyErrs = append(r.applyErrs, fmt.Sprintf("%s: %v", rel, err))
			continue
		case fi.Mode()&fs.ModeSymlink != 0:
			r.unsafe = append(r.unsafe, Finding{Rule: RulePath, Path: rel, Message: "the file is a symbolic link; a patch may not write through it"})
			continue
		case !fi.Mode().IsRegular():
			r.applyErrs = append(r.applyErrs, fmt.Sprintf("%s: not a regular file (%v)", rel, fi.Mode().Type()))
			continue
		case fi.Size() > maxFile:
			r.applyErrs = append(r.applyErrs, fmt.Sprintf("%s: existing file has %d bytes, more than the %d the Critic reads", rel, fi.Size(), maxFile))
			continue
		default:
			old, err := os.ReadFile(abs)
			if err != nil {
				r.applyErrs = append(r.applyErrs, fmt.Sprintf("%s: %v", rel, err))
				continue
			}
			c.old, c.existed, c.mode = old, true, fi.Mode().Perm()
		}
		if !c.delete {
			if int64(len(c.new)) > maxFile {
				r.unsafe = append(r.unsafe, Finding{Rule: RuleBinary, Path: rel, Message: fmt.Sprintf("new content has %d bytes, more than the %d allowed (blobs do not belong in a patch)", len(c.new), maxFile)})
				continue
			}
			if i := strings.IndexByte(string(c.new), 0); i >= 0 {
				r.unsafe = append(r.unsafe, Finding{Rule: RuleBinary, Path: rel, Message: fmt.Sprintf("NUL byte at offset %d", i)})
				continue
			}
			if !utf8.Valid(c.new) {
				r.unsafe = append(r.unsafe, Finding{Rule: RuleBinary, Path: rel, Message: "not valid UTF-8"})
				continue
			}
		}
		c.diff = newFileDiff(rel, c.old, c.new, !c.existed, c.delete)
		r.changes = append(r.changes, c)
	}
	if len(p.Changes) == 0 {
		r.applyErrs = append(r.applyErrs, "the patch is empty")
	}
	return r
}

// checkRelPath validates a patch path lexically and returns it cleaned.
func checkRelPath(p string) (string, *Finding) {
	bad := func(msg string) (string, *Finding) {
		return "", &Finding{Rule: RulePath, Path: p, Message: msg}
	}
	switch {
	case p == "":
		return bad("empty path")
	case strings.ContainsRune(p, 0):
		return bad("path contains a NUL byte")
	case strings.ContainsRune(p, '\\'):
		return bad("path contains a backslash; paths are slash-separated")
	case path.IsAbs(p) || filepath.IsAbs(p):
		return bad("absolute path; patch paths are relative to the workspace")
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." {
			return bad(`path contains ".." and may leave the workspace`)
		}
		for _, v := range vcsDirs {
			if strings.EqualFold(elem, v) {
				return "", &Finding{Rule: RuleVCS, Path: p, Message: fmt.Sprintf("path is inside %s: version-control metadata is never edited", v)}
			}
		}
	}
	rel := path.Clean(p)
	if rel == "." {
		return bad("path names the workspace root")
	}
	return rel, nil
}

// resolveInside joins rel to root and checks that no existing component is
// a symbolic link leading outside root (or into its VCS metadata). It
// returns the host path with the existing directories resolved.
func resolveInside(root, rel string) (string, *Finding, error) {
	dir := root
	elems := strings.Split(rel, "/")
	for i, elem := range elems[:len(elems)-1] {
		next := filepath.Join(dir, elem)
		fi, err := os.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			// Everything below is created by the patch.
			return filepath.Join(append([]string{dir}, elems[i:]...)...), nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			real, err := filepath.EvalSymlinks(next)
			if err != nil {
				return "", nil, err
			}
			if !within(root, real) {
				return "", &Finding{Rule: RulePath, Path: rel, Message: fmt.Sprintf("%s is a symbolic link to %s, outside the workspace", path.Join(elems[:i+1]...), real)}, nil
			}
			if r, _ := filepath.Rel(root, real); anyElemIsVCS(r) {
				return "", &Finding{Rule: RuleVCS, Path: rel, Message: fmt.Sprintf("%s is a symbolic link into version-control metadata", path.Join(elems[:i+1]...))}, nil
			}
			next = real
			fi, err = os.Stat(next)
			if err != nil {
				return "", nil, err
			}
		}
		if !fi.IsDir() {
			return "", nil, fmt.Errorf("%s is not a directory", path.Join(elems[:i+1]...))
		}
		dir = next
	}
	return filepath.Join(dir, elems[len(elems)-1]), nil, nil
}

// within reports whether p is root or below it (both cleaned, absolute).
func within(root, p string) bool {
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

func anyElemIsVCS(rel string) bool {
	for _, elem := range strings.Split(filepath.ToSlash(rel), "/") {
		for _, v := range vcsDirs {
			if strings.EqualFold(elem, v) {
				return true
			}
		}
	}
	return false
}
