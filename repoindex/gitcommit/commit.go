package gitcommit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// File is one file of an accepted AI edit.
type File struct {
	Path    string // workspace-relative, slash-separated
	Content []byte // the new content; ignored when Delete
	Delete  bool   // the edit removes the file
}

// Trailers are written under the message as git trailers: AI-Agent,
// AI-Model, Critic-Score (e.g. 0.93) and Task-Id. Agent is required.
type Trailers struct {
	Agent, Model string
	Score        float64 // 0: no critic score
	TaskID       string
}

// Request is an accepted AI edit to commit.
type Request struct {
	Files []File
	// Message is the Conventional Commits message (subject, blank line,
	// body) without trailers. It goes through NormalizeMessage with the
	// fallback type "chore".
	Message  string
	Trailers Trailers
	When     time.Time // author and committer time; zero: now
}

// Result describes a commit made.
type Result struct {
	Commit  string   // the new commit's hash
	Parent  string   // its parent; "" for the first commit of a branch
	Branch  string   // the branch moved ("refs/heads/main"); "" when HEAD is detached
	Message string   // the full message, trailers included
	Files   []string // the files committed, workspace-relative, sorted
	Signed  string   // "ssh" or "openpgp" when signed; ""
}

// Commit commits exactly the files of req on top of HEAD, whatever else
// the worktree or the index holds: other files' changes, staged or not,
// stay as they were. The commit's tree is HEAD's with only these paths
// replaced; the branch HEAD points to moves (HEAD itself when detached;
// an unborn branch gets its first commit); the index entries of these
// paths, and the worktree files, take the new content.
//
// A file the caller has already written to the worktree (or staged) with
// the AI content is fine; one that differs from both HEAD and the AI
// content holds user changes, and Commit fails with ErrUserChanges
// naming the files, having written nothing. Author and committer are the
// configured git user (ErrNoIdentity otherwise); the commit is signed
// when commit.gpgSign asks for it, or not made (ErrSigning).
func (r *Repo) Commit(ctx context.Context, req Request) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(req.Files) == 0 {
		return nil, fmt.Errorf("%w: no files", ErrNoChanges)
	}
	trailers, err := req.Trailers.lines()
	if err != nil {
		return nil, err
	}
	wsPaths := make([]string, len(req.Files))
	for i, f := range req.Files {
		wsPaths[i] = f.Path
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	paths, err := r.checkPaths(wsPaths)
	if err != nil {
		return nil, err
	}
	s, err := r.session()
	if err != nil {
		return nil, err
	}
	if err := s.busy(); err != nil {
		return nil, err
	}
	when := req.When
	if when.IsZero() {
		when = time.Now()
	}
	author, committer, err := s.cfg.identities()
	if err != nil {
		return nil, err
	}
	sign, signFormat, err := s.signer(time.Now())
	if err != nil {
		return nil, err
	}
	fileMode, li, h, err := r.lockForWrite(s)
	if err != nil {
		return nil, err
	}
	defer li.release()
	w, err := openWorktree(r.workTree, r.prefix)
	if err != nil {
		return nil, err
	}
	defer w.close()
	sts, err := s.states(&h, li.idx, w, paths)
	if err != nil {
		return nil, err
	}

	// What each path becomes, and whether the user got there first.
	targets := make([]state, len(paths))
	var user, unsupported []string
	for i, ps := range sts {
		f := req.Files[i]
		switch {
		case ps.head.ok && ps.head.mode != filemode.Regular && ps.head.mode != filemode.Executable:
			unsupported = append(unsupported, f.Path+" ("+kind(ps.head.mode)+" in HEAD)")
			continue
		case ps.skip:
			unsupported = append(unsupported, f.Path+" (outside the sparse checkout)")
			continue
		}
		if !f.Delete {
			if dir := s.fileAncestor(&h, ps.path); dir != "" {
				unsupported = append(unsupported, f.Path+" (its parent "+r.wsPath(dir)+" is a file in HEAD)")
				continue
			}
			mode := filemode.Regular
			if ps.head.ok {
				mode = ps.head.mode
			}
			targets[i] = state{true, plumbing.ComputeHash(plumbing.BlobObject, f.Content), mode}
		}
		if ps.userChanged(&targets[i], fileMode) {
			user = append(user, f.Path)
		} else if c := li.dirConflict(ps.path); c != "" && !f.Delete {
			unsupported = append(unsupported, f.Path+" (conflicts with "+r.wsPath(c)+" in the index)")
		}
	}
	if len(user) > 0 {
		slices.Sort(user)
		return nil, &PathsError{Err: ErrUserChanges, Paths: user}
	}
	if len(unsupported) > 0 {
		slices.Sort(unsupported)
		return nil, &PathsError{Err: ErrUnsupportedPath, Paths: unsupported}
	}

	// Objects: blobs, trees, the commit. Unreferenced objects are
	// harmless if a later step fails; git gc prunes them.
	edits := make([]edit, len(paths))
	for i, p := range paths {
		edits[i] = edit{p, targets[i]}
		if targets[i].ok && targets[i].hash != sts[i].head.hash {
			if err := s.writeBlob(req.Files[i].Content); err != nil {
				return nil, err
			}
		}
	}
	treeHash, err := s.buildTree(h.tree(), edits)
	if err != nil {
		return nil, err
	}
	if h.commit != nil && treeHash == h.commit.TreeHash || h.commit == nil && treeHash == emptyTree {
		return nil, ErrNoChanges
	}
	c := &object.Commit{
		Author:    object.Signature{Name: author.name, Email: author.email, When: when},
		Committer: object.Signature{Name: committer.name, Email: committer.email, When: when},
		Message:   withTrailers(NormalizeMessage(req.Message, "chore"), trailers),
		TreeHash:  treeHash,
	}
	if h.commit != nil {
		c.ParentHashes = []plumbing.Hash{h.commit.Hash}
	}
	commitHash, err := s.writeCommit(c, sign)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Worktree, index, ref: the ref's rename is the commit point; on any
	// failure before it the worktree files are put back.
	ref, err := s.lockRef(h.refName(), h.hash())
	if err != nil {
		return nil, err
	}
	defer ref.release()
	contents := make([][]byte, len(paths))
	for i := range paths {
		contents[i] = req.Files[i].Content
	}
	rollback, err := s.writeTargets(w, li, paths, targets, sts, contents)
	if err != nil {
		return nil, err
	}
	if err := r.fail("ref"); err != nil {
		rollback()
		return nil, err
	}
	logNames := []plumbing.ReferenceName{h.refName()}
	if h.branch != "" {
		logNames = append(logNames, plumbing.HEAD)
	}
	logMsg := "commit (aios): " + subject(c.Message)
	if h.commit == nil {
		logMsg = "commit (initial, aios): " + subject(c.Message)
	}
	if err := s.reflog(logNames, h.hash(), commitHash, committer, time.Now(), logMsg); err != nil {
		rollback()
		return nil, err
	}
	if err := ref.set(commitHash); err != nil {
		rollback()
		return nil, err
	}
	if err := li.commit(); err != nil {
		return nil, fmt.Errorf("gitcommit: committed %s, but the index still shows the old content of %s (run git reset -- those files): %w", commitHash, strings.Join(r.wsPaths(paths), ", "), err)
	}
	res := &Result{
		Commit:  commitHash.String(),
		Branch:  string(h.branch),
		Message: c.Message,
		Files:   r.wsPaths(paths),
		Signed:  signFormat,
	}
	if h.commit != nil {
		res.Parent = h.commit.Hash.String()
	}
	return res, nil
}

// lockForWrite reads core.fileMode, locks the index (the caller releases
// it), refuses an index with unresolved conflicts and reads HEAD: what
// Commit and Undo do before they write.
func (r *Repo) lockForWrite(s *session) (fileMode bool, li *lockedIndex, h head, err error) {
	if fileMode, err = s.cfg.boolean("core", "fileMode", true); err != nil {
		return false, nil, head{}, err
	}
	if li, err = lockIndex(r.gitDir); err != nil {
		return false, nil, head{}, err
	}
	if err = unmerged(li.idx); err == nil {
		h, err = s.head()
	}
	if err != nil {
		li.release()
		return false, nil, head{}, err
	}
	return fileMode, li, h, nil
}

// writeTargets writes each path's target (contents[i] where it exists)
// into the worktree and the locked index, removals first (they may empty
// a directory a file replaces), then writes the index file. On an error
// it has restored the worktree files it changed; otherwise the returned
// rollback restores them, for a failure after it.
func (s *session) writeTargets(w *worktree, li *lockedIndex, paths []string, targets []state, sts []pathState, contents [][]byte) (rollback func(), err error) {
	var written []int
	rollback = func() {
		for _, i := range slices.Backward(written) {
			w.restore(paths[i], sts[i].wt)
		}
	}
	order := make([]int, len(paths))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareBool(targets[a].ok, targets[b].ok) })
	for _, i := range order {
		e, changed, err := s.materialize(w, paths[i], targets[i], sts[i].wt, contents[i])
		if changed {
			written = append(written, i)
		}
		if err != nil {
			rollback()
			return nil, err
		}
		li.set(paths[i], e)
	}
	if err := li.write(); err != nil {
		rollback()
		return nil, err
	}
	return rollback, nil
}
