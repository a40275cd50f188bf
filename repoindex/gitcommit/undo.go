package gitcommit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// UndoResult describes an undone AI commit.
type UndoResult struct {
	Reverted string   // the undone commit; it stays in the object store and the reflog
	Head     string   // what the branch (or detached HEAD) points at now; "" when unborn again
	Branch   string   // the branch moved back; "" when HEAD is detached
	Message  string   // the undone commit's message
	Files    []string // the files restored to the parent's content, workspace-relative, sorted
}

// Undo reverts the last AI commit: HEAD must be a commit with an AI-Agent
// trailer (ErrNotAICommit), not reachable from any remote-tracking ref
// (ErrPushed), and the files it touched must hold no uncommitted changes,
// in the worktree or the index (ErrDirtyTree, naming them). Changes to
// other files, staged or not, do not block an undo and are kept: only the
// touched files are written. The branch (HEAD when detached) moves back
// to the parent, and the touched files, worktree and index, get the
// parent's content: files the AI deleted come back, files it created
// go. The undone commit is not deleted: the reflog keeps it.
func (r *Repo) Undo(ctx context.Context) (*UndoResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.session()
	if err != nil {
		return nil, err
	}
	if err := s.busy(); err != nil {
		return nil, err
	}
	fileMode, li, h, err := r.lockForWrite(s)
	if err != nil {
		return nil, err
	}
	defer li.release()
	c := h.commit
	switch {
	case c == nil:
		return nil, fmt.Errorf("%w: %s has no commits", ErrNotAICommit, h.branch.Short())
	case len(c.ParentHashes) > 1:
		return nil, fmt.Errorf("%w: HEAD %s is a merge", ErrNotAICommit, short(c.Hash))
	case trailers(c.Message)[strings.ToLower(TrailerAgent)] == "":
		return nil, fmt.Errorf("%w: HEAD %s (%q) has no %s trailer", ErrNotAICommit, short(c.Hash), subject(c.Message), TrailerAgent)
	case len(c.ParentHashes) == 0 && h.branch == "":
		return nil, fmt.Errorf("%w: HEAD %s is a root commit on a detached HEAD", ErrNotAICommit, short(c.Hash))
	}
	if remote, err := s.pushed(ctx, c); err != nil {
		return nil, err
	} else if remote != "" {
		return nil, fmt.Errorf("%w: %s is in %s; revert it with a new commit instead (git revert %s)", ErrPushed, short(c.Hash), remote, short(c.Hash))
	}

	var parent *object.Commit
	var parentTree plumbing.Hash
	if len(c.ParentHashes) == 1 {
		if parent, err = object.GetCommit(s.st, c.ParentHashes[0]); err != nil {
			return nil, fmt.Errorf("gitcommit: reading HEAD's parent: %w", err)
		}
		parentTree = parent.TreeHash
	}
	var changes []change
	if err := s.diffTrees(parentTree, c.TreeHash, "", &changes); err != nil {
		return nil, err
	}
	slices.SortFunc(changes, func(a, b change) int { return strings.Compare(a.path, b.path) })
	paths := make([]string, len(changes))
	for i, ch := range changes {
		paths[i] = ch.path
	}
	w, err := openWorktree(r.workTree, r.prefix)
	if err != nil {
		return nil, err
	}
	defer w.close()
	sts, err := s.states(&h, li.idx, w, paths)
	if err != nil {
		return nil, err
	}
	var dirty, unsupported []string
	for i, ch := range changes {
		for _, st := range [2]state{ch.from, ch.to} {
			if st.ok && !isFile(st.mode) {
				unsupported = append(unsupported, r.wsPath(ch.path)+" ("+kind(st.mode)+")")
			}
		}
		if sts[i].skip {
			unsupported = append(unsupported, r.wsPath(ch.path)+" (outside the sparse checkout)")
		} else if sts[i].userChanged(nil, fileMode) {
			dirty = append(dirty, r.wsPath(ch.path))
		}
	}
	if len(unsupported) > 0 {
		return nil, &PathsError{Err: ErrUnsupportedPath, Paths: unsupported}
	}
	if len(dirty) > 0 {
		return nil, &PathsError{Err: ErrDirtyTree, Paths: dirty}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// The parent's contents, read before anything is written.
	contents := make([][]byte, len(changes))
	for i, ch := range changes {
		if ch.from.ok {
			if contents[i], err = s.blob(ch.from.hash); err != nil {
				return nil, err
			}
		}
	}
	ref, err := s.lockRef(h.refName(), c.Hash)
	if err != nil {
		return nil, err
	}
	defer ref.release()
	targets := make([]state, len(changes))
	for i := range changes {
		targets[i] = changes[i].from
	}
	rollback, err := s.writeTargets(w, li, paths, targets, sts, contents)
	if err != nil {
		return nil, err
	}
	if err := r.fail("ref"); err != nil {
		rollback()
		return nil, err
	}
	_, committer, err := s.cfg.identities()
	if err != nil {
		committer = identity{name: c.Committer.Name, email: c.Committer.Email}
	}
	var parentHash plumbing.Hash
	if parent != nil {
		parentHash = parent.Hash
	}
	logNames := []plumbing.ReferenceName{h.refName()}
	if h.branch != "" {
		logNames = append(logNames, plumbing.HEAD)
	}
	if err := s.reflog(logNames, c.Hash, parentHash, committer, time.Now(), "undo (aios): "+subject(c.Message)); err != nil {
		rollback()
		return nil, err
	}
	if parent != nil {
		err = ref.set(parent.Hash)
	} else {
		err = s.removeRef(ref)
	}
	if err != nil {
		rollback()
		return nil, err
	}
	if err := li.commit(); err != nil {
		return nil, fmt.Errorf("gitcommit: undid %s, but the index still shows its content for %s (run git reset -- those files): %w", c.Hash, strings.Join(r.wsPaths(paths), ", "), err)
	}
	res := &UndoResult{
		Reverted: c.Hash.String(),
		Branch:   string(h.branch),
		Message:  c.Message,
		Files:    r.wsPaths(paths),
	}
	if parent != nil {
		res.Head = parent.Hash.String()
	}
	return res, nil
}

func short(h plumbing.Hash) string { return h.String()[:12] }
