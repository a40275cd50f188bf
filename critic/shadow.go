package critic

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// shadow is a view of the workspace, with or without the patch, that
// sandboxed commands run in. The user's files are never written.
//
// In bwrap mode the view sits at the workspace's own paths: every directory
// the patch touches is replaced, inside the sandbox's mount namespace, by a
// writable shallow copy (its files copied, the patch applied, its
// subdirectories bound back read-only), and the rest of the file system is
// read-only. Paths, and so the go command's cache keys, are those of the
// user's own builds: unchanged packages are cache hits.
//
// In fallback mode the view is a full copy of the workspace (VCS metadata
// and node_modules left out) in a temp dir.
type shadow struct {
	mounts   []mount
	hostRoot string // fallback: the copied host directory
	viewRoot string // fallback: where the copy lives
}

// view maps a host path to the path sandboxed commands see.
func (s *shadow) view(host string) string {
	if s.viewRoot == "" || !within(s.hostRoot, host) {
		return host
	}
	return s.viewRoot + strings.TrimPrefix(host, s.hostRoot)
}

// host maps every view path in text back to the host path.
func (s *shadow) host(text string) string {
	if s.viewRoot == "" {
		return text
	}
	return strings.ReplaceAll(text, s.viewRoot, s.hostRoot)
}

// largeFile is the size above which bwrap mode binds a file of a changed
// directory read-only instead of copying it.
const largeFile = 1 << 20

// bindShadow builds the bwrap view under dir. With apply, the patch is
// applied to the copies; without, they are the baseline.
func bindShadow(dir string, changes []*change, apply bool) (*shadow, error) {
	// Each change lands in the nearest directory that exists.
	byDir := make(map[string][]*change)
	for _, c := range changes {
		d := filepath.Dir(c.abs)
		for {
			fi, err := os.Stat(d)
			if err == nil && fi.IsDir() {
				break
			}
			d = filepath.Dir(d)
		}
		byDir[d] = append(byDir[d], c)
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	sh := &shadow{}
	for i, d := range dirs {
		cp := filepath.Join(dir, fmt.Sprint(i))
		subdirs, large, err := shallowCopy(d, cp)
		if err != nil {
			return nil, err
		}
		if apply {
			for _, c := range byDir[d] {
				target := filepath.Join(cp, strings.TrimPrefix(c.abs, d))
				if err := applyChange(c, target); err != nil {
					return nil, err
				}
			}
		}
		sh.mounts = append(sh.mounts, mount{src: cp, dst: d, rw: true})
		for _, s := range subdirs {
			if _, replaced := byDir[s]; !replaced {
				sh.mounts = append(sh.mounts, mount{src: s, dst: s})
			}
		}
		for _, f := range large {
			if apply && slices.ContainsFunc(byDir[d], func(c *change) bool { return c.abs == f }) {
				continue // replaced by the patch: the copy holds the new content
			}
			sh.mounts = append(sh.mounts, mount{src: f, dst: f})
		}
	}
	// Parents before children, so every mount point exists when it is used.
	slices.SortStableFunc(sh.mounts, func(a, b mount) int {
		return strings.Count(a.dst, string(filepath.Separator)) - strings.Count(b.dst, string(filepath.Separator))
	})
	return sh, nil
}

// shallowCopy copies the files of src into dst (created), recreates its
// symbolic links, and creates an empty directory (a mount point) for each
// subdirectory, which it returns, and an empty file for each file larger
// than largeFile, which it also returns.
func shallowCopy(src, dst string) (subdirs, large []string, err error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, nil, err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range ents {
		s, d := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		switch t := e.Type(); {
		case t.IsDir():
			if err := os.Mkdir(d, 0o755); err != nil {
				return nil, nil, err
			}
			subdirs = append(subdirs, s)
		case t&fs.ModeSymlink != 0:
			target, err := os.Readlink(s)
			if err != nil {
				return nil, nil, err
			}
			if err := os.Symlink(target, d); err != nil {
				return nil, nil, err
			}
		case t.IsRegular():
			fi, err := e.Info()
			if err != nil {
				return nil, nil, err
			}
			if fi.Size() > largeFile {
				if err := os.WriteFile(d, nil, fi.Mode().Perm()); err != nil {
					return nil, nil, err
				}
				large = append(large, s)
				continue
			}
			if err := copyFile(s, d, fi.Mode().Perm()); err != nil {
				return nil, nil, err
			}
		}
	}
	return subdirs, large, nil
}

// applyChange writes c's new content to target (or removes it).
func applyChange(c *change, target string) error {
	if c.delete {
		if err := os.Remove(target); err != nil {
			return fmt.Errorf("applying the patch to the shadow: %w", err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("applying the patch to the shadow: %w", err)
	}
	// Remove first: the target may be a bind-mount placeholder or a copy
	// with a read-only mode.
	_ = os.Remove(target)
	if err := os.WriteFile(target, c.new, c.mode|0o200); err != nil {
		return fmt.Errorf("applying the patch to the shadow: %w", err)
	}
	return nil
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyLimits bound the fallback's full copy.
type copyLimits struct {
	files int
	bytes int64
}

// skipInCopy are directory names the fallback copy leaves out.
var skipInCopy = []string{".git", ".hg", ".svn", "node_modules"}

// copyShadow builds the fallback view: a copy of root under dir, with the
// patch applied when apply is set.
func copyShadow(dir, root string, changes []*change, apply bool, lim copyLimits) (*shadow, error) {
	view := filepath.Join(dir, "root")
	files, total := 0, int64(0)
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		d := filepath.Join(view, rel)
		switch t := e.Type(); {
		case t.IsDir():
			if p != root && slices.Contains(skipInCopy, e.Name()) {
				return filepath.SkipDir
			}
			return os.MkdirAll(d, 0o755)
		case t&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, d)
		case t.IsRegular():
			fi, err := e.Info()
			if err != nil {
				return err
			}
			files++
			total += fi.Size()
			if files > lim.files || total > lim.bytes {
				return fmt.Errorf("%w: more than %d files or %d MiB under %s; the fallback sandbox copies the whole workspace "+
					"(install bubblewrap, which does not)", ErrWorkspaceTooLarge, lim.files, lim.bytes>>20, root)
			}
			return copyFile(p, d, fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrWorkspaceTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("copying the workspace for the fallback sandbox: %w", err)
	}
	sh := &shadow{hostRoot: root, viewRoot: view}
	if apply {
		for _, c := range changes {
			if err := applyChange(c, sh.view(c.abs)); err != nil {
				return nil, err
			}
		}
	}
	return sh, nil
}
