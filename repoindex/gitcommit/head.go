package gitcommit

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// head is where HEAD stands.
type head struct {
	branch plumbing.ReferenceName // the branch HEAD points to; "" when detached
	commit *object.Commit         // nil on an unborn branch
}

func (h head) hash() plumbing.Hash {
	if h.commit == nil {
		return plumbing.ZeroHash
	}
	return h.commit.Hash
}

func (h head) tree() plumbing.Hash {
	if h.commit == nil {
		return plumbing.ZeroHash
	}
	return h.commit.TreeHash
}

// refName is the ref a commit moves: the branch, or HEAD when detached.
func (h head) refName() plumbing.ReferenceName {
	if h.branch != "" {
		return h.branch
	}
	return plumbing.HEAD
}

func (s *session) head() (head, error) {
	ref, err := s.st.Reference(plumbing.HEAD)
	if err != nil {
		return head{}, fmt.Errorf("gitcommit: reading HEAD: %w", err)
	}
	var h head
	for i := 0; ref.Type() == plumbing.SymbolicReference; i++ {
		if i == 5 {
			return head{}, fmt.Errorf("gitcommit: HEAD: too many symbolic refs")
		}
		h.branch = ref.Target()
		ref, err = s.st.Reference(ref.Target())
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return h, nil // unborn branch
		}
		if err != nil {
			return head{}, fmt.Errorf("gitcommit: reading %s: %w", h.branch, err)
		}
	}
	if h.commit, err = object.GetCommit(s.st, ref.Hash()); err != nil {
		return head{}, fmt.Errorf("gitcommit: reading HEAD's commit %s: %w", ref.Hash(), err)
	}
	return h, nil
}
