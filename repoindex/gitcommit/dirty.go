package gitcommit

import (
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// pathState is a path in HEAD, the index and the worktree.
type pathState struct {
	path     string // worktree-relative
	head     state
	index    state
	unmerged bool // the index holds conflict stages
	skip     bool // skip-worktree (sparse checkout): the worktree copy is not used
	intent   bool // intent-to-add ("git add -N")
	wt       wtFile
}

func indexState(ents []*idxEntry) (st state, unmerged, skip, intent bool) {
	switch {
	case len(ents) == 0:
		return state{}, false, false, false
	case len(ents) > 1 || ents[0].stage() != 0:
		return state{}, true, false, false
	}
	e := ents[0]
	return state{true, e.hash, e.fileMode()}, false, e.skipWorktree(), e.intentToAdd()
}

// states reads paths in HEAD's tree, the index and the worktree.
func (s *session) states(tree *head, idx *gitIndex, w *worktree, paths []string) ([]pathState, error) {
	out := make([]pathState, len(paths))
	for i, p := range paths {
		ps := pathState{path: p}
		var err error
		if ps.head, err = s.lookup(tree.tree(), p); err != nil {
			return nil, err
		}
		ps.index, ps.unmerged, ps.skip, ps.intent = indexState(idx.lookup(p))
		if ps.wt, err = w.read(p); err != nil {
			return nil, err
		}
		out[i] = ps
	}
	return out, nil
}

// userChanged reports whether the index or the worktree holds something
// for ps other than HEAD's version or allowed (the AI content, which the
// caller may have written already). A submodule's worktree is not looked
// into; a skip-worktree entry's worktree copy is not used.
func (ps *pathState) userChanged(allowed *state, fileMode bool) bool {
	ok := func(x state, strictMode bool) bool {
		return same(x, ps.head, strictMode) || allowed != nil && same(x, *allowed, strictMode)
	}
	if ps.unmerged || ps.intent || !ok(ps.index, true) {
		return true
	}
	if ps.skip || ps.head.mode == filemode.Submodule && ps.index == ps.head {
		return false
	}
	return ps.wt.other || !ok(ps.wt.state, fileMode)
}

// Dirty returns which of paths (workspace-relative, slash-separated) hold
// uncommitted changes: the index or the worktree differs from HEAD
// (content, presence or executable bit), or the index holds a conflict.
// An untracked file at a path HEAD does not have counts as a change. Only
// these paths are compared (HEAD's blob, the index entry, the worktree
// file's hash), never the whole tree. The result keeps the order of paths.
func (r *Repo) Dirty(paths []string) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rps, err := r.checkPaths(paths)
	if err != nil {
		return nil, err
	}
	s, err := r.session()
	if err != nil {
		return nil, err
	}
	h, err := s.head()
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(rps))
	for _, p := range rps {
		want[p] = true
	}
	idx, _, err := readIndex(r.gitDir, false, want)
	if err != nil {
		return nil, err
	}
	w, err := openWorktree(r.workTree, r.prefix)
	if err != nil {
		return nil, err
	}
	defer w.close()
	fileMode, err := s.cfg.boolean("core", "fileMode", true)
	if err != nil {
		return nil, err
	}
	sts, err := s.states(&h, idx, w, rps)
	if err != nil {
		return nil, err
	}
	var dirty []string
	for i := range sts {
		if sts[i].userChanged(nil, fileMode) {
			dirty = append(dirty, paths[i])
		}
	}
	return dirty, nil
}
