package repoindex

import "errors"

// Sentinel errors. Functions wrap them with %w and context (the path, the
// reason); check them with errors.Is.
var (
	// ErrInvalidOptions is returned by Open for options that cannot work:
	// a Root that is not an absolute directory, neither DB nor StorePath,
	// negative limits.
	ErrInvalidOptions = errors.New("repoindex: invalid options")

	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("repoindex: index is closed")

	// ErrNotFound is returned for a path the index does not list: it does
	// not exist, is ignored, or has not been seen by a refresh yet.
	ErrNotFound = errors.New("repoindex: file not in the index")

	// ErrOutsideRoot is returned for a path that is not inside Root.
	ErrOutsideRoot = errors.New("repoindex: path outside the workspace root")

	// ErrNotParsed is returned by Syntax for a listed file that has no
	// syntax: binary content, larger than MaxFileBytes, a symbolic link, a
	// submodule, or content the parser rejected. The message says which.
	ErrNotParsed = errors.New("repoindex: file has no syntax")

	// ErrNotGit is returned by History when Root is not inside a git
	// repository or the repository has no commit yet.
	ErrNotGit = errors.New("repoindex: not a git repository with commits")

	// ErrCorrupt reports a store record that cannot be decoded. The index
	// recovers by recomputing the record; the error is logged and returned
	// only where nothing can be recomputed.
	ErrCorrupt = errors.New("repoindex: corrupt store record")
)
