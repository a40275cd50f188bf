package gitcommit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// tree returns the tree h, decoded once per session; the zero hash is
// the empty tree.
func (s *session) tree(h plumbing.Hash) (*object.Tree, error) {
	if h.IsZero() {
		return &object.Tree{}, nil
	}
	if t, ok := s.trees[h]; ok {
		return t, nil
	}
	t, err := object.GetTree(s.st, h)
	if err != nil {
		return nil, fmt.Errorf("gitcommit: reading tree %s: %w", h, err)
	}
	s.trees[h] = t
	return t, nil
}

// lookup returns the entry for p in tree root: absent when p or a parent
// is missing, or a parent is not a directory. A directory at p is
// returned with mode filemode.Dir.
func (s *session) lookup(root plumbing.Hash, p string) (state, error) {
	h := root
	for {
		t, err := s.tree(h)
		if err != nil {
			return state{}, err
		}
		name, rest, more := strings.Cut(p, "/")
		e := find(t, name)
		if e == nil {
			return state{}, nil
		}
		if !more {
			return state{true, e.Hash, e.Mode}, nil
		}
		if e.Mode != filemode.Dir {
			return state{}, nil
		}
		h, p = e.Hash, rest
	}
}

// find returns t's entry called name. Entries are in git's order, where a
// directory sorts as if its name ended in "/", so search both ways.
func find(t *object.Tree, name string) *object.TreeEntry {
	ents := t.Entries
	for _, key := range [2]string{name, name + "/"} {
		i := sort.Search(len(ents), func(i int) bool { return entryKey(&ents[i]) >= key })
		if i < len(ents) && ents[i].Name == name {
			return &ents[i]
		}
	}
	return nil
}

func entryKey(e *object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

// edit is a file set or removed in a new tree.
type edit struct {
	path string
	to   state // !to.ok: remove
}

// editTree is the edits below one directory.
type editTree struct {
	files map[string]state
	dirs  map[string]*editTree
}

// buildTree writes the tree that is base with the edits applied and
// returns its hash. Directories left empty disappear, as in git.
func (s *session) buildTree(base plumbing.Hash, edits []edit) (plumbing.Hash, error) {
	top := &editTree{}
	for _, e := range edits {
		node := top
		parts := strings.Split(e.path, "/")
		for _, dir := range parts[:len(parts)-1] {
			if node.dirs == nil {
				node.dirs = map[string]*editTree{}
			}
			next := node.dirs[dir]
			if next == nil {
				next = &editTree{}
				node.dirs[dir] = next
			}
			node = next
		}
		if node.files == nil {
			node.files = map[string]state{}
		}
		node.files[parts[len(parts)-1]] = e.to
	}
	h, _, err := s.applyTree(base, top, "")
	return h, err
}

func (s *session) applyTree(base plumbing.Hash, ed *editTree, dir string) (plumbing.Hash, int, error) {
	t, err := s.tree(base)
	if err != nil {
		return plumbing.ZeroHash, 0, err
	}
	ents := make(map[string]object.TreeEntry, len(t.Entries)+len(ed.files))
	for _, e := range t.Entries {
		ents[e.Name] = e
	}
	for name, to := range ed.files {
		if old, ok := ents[name]; ok && old.Mode == filemode.Dir {
			return plumbing.ZeroHash, 0, &PathsError{Err: ErrUnsupportedPath, Paths: []string{join(dir, name) + " (a directory in HEAD)"}}
		}
		if to.ok {
			ents[name] = object.TreeEntry{Name: name, Mode: to.mode, Hash: to.hash}
		} else {
			delete(ents, name)
		}
	}
	for name, sub := range ed.dirs {
		var subBase plumbing.Hash
		if old, ok := ents[name]; ok {
			if old.Mode != filemode.Dir {
				return plumbing.ZeroHash, 0, &PathsError{Err: ErrUnsupportedPath, Paths: []string{join(dir, name) + " (a file in HEAD)"}}
			}
			subBase = old.Hash
		}
		h, n, err := s.applyTree(subBase, sub, join(dir, name))
		if err != nil {
			return plumbing.ZeroHash, 0, err
		}
		if n == 0 {
			delete(ents, name)
		} else {
			ents[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
	}
	if len(ents) == 0 && dir != "" {
		return plumbing.ZeroHash, 0, nil
	}
	nt := &object.Tree{Entries: make([]object.TreeEntry, 0, len(ents))}
	for _, e := range ents {
		nt.Entries = append(nt.Entries, e)
	}
	sort.Slice(nt.Entries, func(i, j int) bool { return entryKey(&nt.Entries[i]) < entryKey(&nt.Entries[j]) })
	obj := s.st.NewEncodedObject()
	if err := nt.Encode(obj); err != nil {
		return plumbing.ZeroHash, 0, fmt.Errorf("gitcommit: encoding a tree: %w", err)
	}
	h, err := s.st.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, 0, fmt.Errorf("gitcommit: writing a tree: %w", err)
	}
	return h, len(nt.Entries), nil
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// change is a path whose entry differs between two trees.
type change struct {
	path     string
	from, to state
}

// diffTrees lists the non-directory paths that differ between trees a and
// b (either may be the zero hash, the empty tree), skipping equal
// subtrees.
func (s *session) diffTrees(a, b plumbing.Hash, dir string, out *[]change) error {
	if a == b {
		return nil
	}
	ta, err := s.tree(a)
	if err != nil {
		return err
	}
	tb, err := s.tree(b)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, e := range ta.Entries {
		names[e.Name] = true
	}
	for _, e := range tb.Entries {
		names[e.Name] = true
	}
	for name := range names {
		ea, eb := find(ta, name), find(tb, name)
		var sa, sb state
		var da, db plumbing.Hash // subtrees
		if ea != nil {
			if ea.Mode == filemode.Dir {
				da = ea.Hash
			} else {
				sa = state{true, ea.Hash, ea.Mode}
			}
		}
		if eb != nil {
			if eb.Mode == filemode.Dir {
				db = eb.Hash
			} else {
				sb = state{true, eb.Hash, eb.Mode}
			}
		}
		if sa != sb {
			*out = append(*out, change{join(dir, name), sa, sb})
		}
		if da != db {
			if err := s.diffTrees(da, db, join(dir, name), out); err != nil {
				return err
			}
		}
	}
	return nil
}
