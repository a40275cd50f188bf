// Package repoindex is aios's view of the workspace's files. Its Overlay
// holds the editor's open buffers: for a file that is open, the buffer is
// the truth and the copy on disk is ignored.
//
// The Index lists the workspace (Open, Refresh, UpdateFiles,
// UpdateBuffer), addresses every file's content by its git blob id, keeps
// each blob's syntax (package repoindex/syntax) in the workspace's bbolt
// store, and records the git history of each file (History, RecentEdits,
// CoChanged).
//
// # Listing
//
// A file is listed when git tracks it (HEAD's tree or git's index), or it
// is in the worktree and not ignored, or it is open in the Overlay and
// not ignored. Ignore rules are git's: .gitignore at every level,
// .git/info/exclude and the user's global excludes file, through go-git's
// gitignore patterns; ignored directories are not descended into (a
// tracked file inside one is still listed). .git is skipped. Everything
// git tracks is indexed, vendor and testdata directories included: a
// project that wants them out says so in .gitignore. A submodule
// (gitlink) is listed as one entry whose blob is its commit, and never
// entered; neither is any other nested repository. Symbolic links are
// listed, never followed: their blob is the link text, as in git. A folder
// outside any git repository is indexed the same way, every file
// Untracked.
//
// # Content addressing and change detection
//
// A file's id is its git blob hash. The index keeps a stat cache like
// git's index (size, mtime, ctime, inode, device, mode and blob per path);
// a refresh lstat's every listed file (fstatat from a bounded pool of
// directory walkers) and reads and hashes only the files whose stat
// changed, or whose stat was racily clean when recorded (mtime within a
// second of the scan). A tracked file seen for the first time takes its
// blob from git's index when git's stat data still matches, without
// reading it. Syntax is stored per blob and language, so an unchanged blob
// is never parsed again: not after a rename, a branch switch or a restart.
// Binary content and parser failures are stored as markers; files larger
// than Options.MaxFileBytes are listed and hashed but not parsed. Buffer
// contents are parsed into memory only; the result is stored without a
// second parse once the same content reaches the disk.
//
// # Store and crash safety
//
// The index owns the top-level buckets named "repoindex/..." of the bbolt
// file: meta (schema version, syntax fingerprint, root), files (the stat
// cache), blobs (syntax records), history, cochange and commits. Every
// write is a bbolt transaction and a file record that claims a stored
// syntax result is committed with or after that result, so a process
// killed at any point leaves a store that reopens consistently; the next
// Refresh completes the work. A store with another schema version is
// rebuilt, one written with other syntax options or another syntax
// format recomputes its syntax, one written for another root relists its
// files (keeping the blobs), each with a logged reason.
//
// # Concurrency
//
// All methods are safe for concurrent use. Disk updates (Refresh,
// UpdateFiles) run one at a time; UpdateBuffer does not wait for a disk
// update's walk. Readers see each update's result at once, atomically.
package repoindex
