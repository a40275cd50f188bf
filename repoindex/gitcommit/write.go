package gitcommit

import (
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// emptyTree is the hash of the tree without entries.
var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")

// materialize makes the worktree hold target at p, writing only when it
// does not already, and returns p's new index entry (nil: none) and
// whether the worktree changed.
func (s *session) materialize(w *worktree, p string, target state, cur wtFile, content []byte) (*idxEntry, bool, error) {
	if !target.ok {
		if !cur.ok && !cur.other {
			return nil, false, nil
		}
		return nil, true, w.remove(p)
	}
	fi, changed := cur.fi, false
	if !cur.ok || cur.hash != target.hash || cur.mode != target.mode {
		var err error
		changed = true
		if fi, err = w.write(p, content, target.mode); err != nil {
			return nil, changed, err
		}
	}
	e := &idxEntry{name: p, hash: target.hash, mode: uint32(target.mode)}
	statEntry(e, fi)
	return e, changed, nil
}

func (s *session) writeBlob(data []byte) error {
	obj := s.st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(data)))
	wr, err := obj.Writer()
	if err == nil {
		_, err = wr.Write(data)
		if cerr := wr.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		_, err = s.st.SetEncodedObject(obj)
	}
	if err != nil {
		return fmt.Errorf("gitcommit: writing a blob: %w", err)
	}
	return nil
}

// writeCommit stores c, signed by sign when not nil.
func (s *session) writeCommit(c *object.Commit, sign signFunc) (plumbing.Hash, error) {
	if sign != nil {
		payload := &plumbing.MemoryObject{}
		if err := c.EncodeWithoutSignature(payload); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("gitcommit: encoding the commit: %w", err)
		}
		rd, err := payload.Reader()
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("gitcommit: encoding the commit: %w", err)
		}
		data, err := io.ReadAll(rd)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("gitcommit: encoding the commit: %w", err)
		}
		if c.PGPSignature, err = sign(data); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	obj := s.st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("gitcommit: encoding the commit: %w", err)
	}
	h, err := s.st.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("gitcommit: writing the commit: %w", err)
	}
	return h, nil
}

// unmerged refuses an index with conflicts: a merge is being resolved.
func unmerged(idx *gitIndex) error {
	for _, e := range idx.entries {
		if e.stage() != 0 {
			return fmt.Errorf("%w: the index has unresolved conflicts (%s)", ErrBusy, e.name)
		}
	}
	return nil
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// fileAncestor returns the first parent directory of p that is not a
// directory in HEAD's tree but a file ("" when none).
func (s *session) fileAncestor(h *head, p string) string {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			st, err := s.lookup(h.tree(), p[:i])
			if err != nil || !st.ok {
				return ""
			}
			if st.mode != filemode.Dir {
				return p[:i]
			}
		}
	}
	return ""
}

func kind(m filemode.FileMode) string {
	switch m {
	case filemode.Symlink:
		return "a symbolic link"
	case filemode.Submodule:
		return "a submodule"
	case filemode.Dir:
		return "a directory"
	}
	return m.String()
}

// blob reads a blob's content.
func (s *session) blob(h plumbing.Hash) ([]byte, error) {
	b, err := object.GetBlob(s.st, h)
	if err != nil {
		return nil, fmt.Errorf("gitcommit: reading blob %s: %w", h, err)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, fmt.Errorf("gitcommit: reading blob %s: %w", h, err)
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("gitcommit: reading blob %s: %w", h, err)
	}
	return data, nil
}
