// Package gitcommit commits accepted AI edits to the workspace's git
// repository, one commit per edit, and undoes the last one.
//
// # Commit
//
// Repo.Commit commits exactly the files of an edit, on top of HEAD,
// whatever else the user has changed: the commit's tree is HEAD's tree
// with only those paths replaced (blobs and trees written through
// go-git's object storer), the branch HEAD points to moves (HEAD itself
// when detached; an unborn branch gets its root commit), and only the
// index entries of those paths change, with the stat data of the files
// written, so git status shows them clean and every other staged or
// unstaged change exactly as before. The worktree files get the AI
// content unless they already hold it.
//
// A touched file whose index entry or worktree copy differs from both
// HEAD and the AI content holds user changes: Commit refuses with
// ErrUserChanges naming them, having written nothing, and the caller asks
// a human. Repo.Dirty answers the same question for any paths; it reads
// only those paths' HEAD entries, index entries and files (about 2 ms on
// a 15,000-file repository, where go-git's whole-tree status takes 0.4 to
// 0.6 s).
//
// Messages are Conventional Commits (NormalizeMessage, ConventionalMessage)
// with the trailers AI-Agent, AI-Model, Critic-Score and Task-Id in the
// last paragraph, as git interpret-trailers reads them. Author and
// committer are the configured git user (author.*, committer.*, user.*;
// the repository's config, then ~/.gitconfig and
// $XDG_CONFIG_HOME/git/config, then /etc/gitconfig; GIT_CONFIG_GLOBAL,
// GIT_CONFIG_SYSTEM and GIT_CONFIG_NOSYSTEM as in git; [include] and
// [includeIf] with gitdir:, gitdir/i: and onbranch: are followed). With
// commit.gpgSign true the commit is signed, or not made (ErrSigning):
// gpg.format ssh signs in SSHSIG format (namespace "git", as ssh-keygen
// -Y sign) with the key user.signingKey names: a public key (literal,
// key::, or a .pub file) is used through ssh-agent (SSH_AUTH_SOCK), or
// the private key beside a .pub file; a private key file is used
// directly. openpgp signs with the unencrypted secret key file named by
// aios.signingKeyFile (SigningKeyFileKey) when set, else as git does:
// with gpg.openpgp.program or gpg.program (default gpg) and its agent,
// by user.signingKey or the committer's identity. Encrypted key files,
// keys the agent or gpg does not hold, and a missing gpg fail with what
// to do.
//
// # Undo
//
// Repo.Undo reverts the last AI commit when HEAD has an AI-Agent trailer
// (else ErrNotAICommit), is not reachable from any remote-tracking ref
// (else ErrPushed) and the files it touched hold no uncommitted changes
// (else ErrDirtyTree naming them). It moves the branch back to the
// parent and gives the touched files, worktree and index, the parent's
// content. The commit stays in the object store and the reflog.
//
// "The tree is clean" is read as: clean for the files the commit touched.
// Changes to other files do not block an undo, because Commit is made to
// work beside them and Undo writes nothing else, so they cannot be lost;
// a fully clean tree would also need a whole-tree status on every undo.
//
// The "pushed" test walks back from each remote-tracking ref, and stops
// at commits older than HEAD by more than a day (committer dates): a
// remote history whose dates run backwards by more than that can hide a
// push. Refs not fetched since the push are not known.
//
// # Safety
//
// The index is rewritten under git's index.lock, and refs are moved as git
// moves them (REF.lock, then a rename), so a concurrent git command fails
// or waits instead of losing data, and a crash leaves the old or the new
// state. The order is: objects, worktree files, the new index (into
// index.lock), the reflogs, the ref (the commit point), the index
// rename; any failure before the ref moves restores the worktree files.
// Entries of other files that git would consider racily clean get their
// size zeroed, as git does, so a same-second change stays visible. The
// index has its own codec (versions 2 to 4, every flag kept); its
// extensions (cache tree, untracked cache, fsmonitor) are dropped and git
// rebuilds them, and split or sparse indexes are refused.
//
// Nothing happens during a merge, rebase, cherry-pick, revert or bisect,
// or with unresolved conflicts in the index (ErrBusy). Symbolic links,
// submodules, sparse-checkout entries and replacing a file by a directory
// (or the reverse) are not edited (ErrUnsupportedPath).
//
// # Limits
//
// Content is compared byte for byte with git's blobs: files under
// core.autocrlf or clean/smudge filters (git-lfs) look changed to Dirty,
// so Commit refuses them (the safe direction). The stat data of files
// not written is taken as is. SHA-256 repositories are not supported
// (go-git v5).
//
// Methods on a Repo run one at a time. The go-git repository is kept
// between calls and reopened when the packfiles change.
package gitcommit
