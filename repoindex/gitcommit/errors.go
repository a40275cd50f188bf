package gitcommit

import (
	"errors"
	"strings"
)

// Sentinel errors. Check them with errors.Is; the errors returned wrap
// them with the details (the files, the remote, the reason).
var (
	// ErrNotGit: the folder given to Open is not inside a git worktree
	// (or is inside a bare repository, which has no worktree).
	ErrNotGit = errors.New("gitcommit: not a git worktree")

	// ErrUserChanges: a file the AI edit touches also holds uncommitted
	// user changes (worktree or index differs from HEAD and from the AI
	// content). Nothing was written; the caller escalates to a human. The
	// error is a *PathsError naming the files.
	ErrUserChanges = errors.New("gitcommit: uncommitted user changes in files the edit touches")

	// ErrNoChanges: the edit leaves HEAD's tree as it is.
	ErrNoChanges = errors.New("gitcommit: the edit changes nothing")

	// ErrNoIdentity: neither the repository nor the global or system git
	// config sets user.name and user.email.
	ErrNoIdentity = errors.New("gitcommit: no git identity configured")

	// ErrSigning: git config asks for signed commits (commit.gpgsign) and
	// the commit cannot be signed. Nothing was committed: a commit is never
	// made unsigned when signing is requested.
	ErrSigning = errors.New("gitcommit: cannot sign the commit")

	// ErrBusy: git itself is in the middle of something: another process
	// holds a lock (index.lock, a ref's .lock), or a merge, rebase,
	// cherry-pick, revert or bisect is in progress.
	ErrBusy = errors.New("gitcommit: repository busy")

	// ErrHeadMoved: HEAD or its branch changed while the commit or undo
	// was being prepared; nothing was moved.
	ErrHeadMoved = errors.New("gitcommit: HEAD moved concurrently")

	// ErrUnsupportedPath: a path the edit touches cannot be handled: it is
	// invalid (absolute, "..", inside .git), a symbolic link, a submodule,
	// a sparse-checkout (skip-worktree) entry, or conflicts with a
	// directory.
	ErrUnsupportedPath = errors.New("gitcommit: unsupported path")

	// ErrNotAICommit (Undo): HEAD is not a commit made for an AI edit (no
	// AI-Agent trailer), is a merge, or there is no commit at all.
	ErrNotAICommit = errors.New("gitcommit: HEAD is not an AI commit")

	// ErrPushed (Undo): HEAD is reachable from a remote-tracking ref
	// (refs/remotes/*), so it has been pushed or fetched from elsewhere.
	ErrPushed = errors.New("gitcommit: HEAD has been pushed")

	// ErrDirtyTree (Undo): a file the AI commit touched holds uncommitted
	// changes in the worktree or the index. The error is a *PathsError.
	ErrDirtyTree = errors.New("gitcommit: files touched by the AI commit have uncommitted changes")
)

// PathsError names the workspace-relative files behind ErrUserChanges,
// ErrDirtyTree or ErrUnsupportedPath.
type PathsError struct {
	Err   error    // the sentinel
	Paths []string // workspace-relative, slash-separated, sorted
}

func (e *PathsError) Error() string {
	return e.Err.Error() + ": " + strings.Join(e.Paths, ", ")
}

func (e *PathsError) Unwrap() error { return e.Err }
