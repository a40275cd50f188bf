package repoindex

import (
	"time"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// State says where a listed file's content comes from, relative to git.
type State uint8

const (
	// StateTracked: known to git (in HEAD), the content equals HEAD's blob.
	StateTracked State = iota + 1
	// StateModified: known to git (in HEAD or staged in git's index) and the
	// content on disk differs from HEAD's blob (a file staged but not yet
	// committed is Modified: HEAD has no blob for it).
	StateModified
	// StateUntracked: on disk, unknown to git, not ignored. Every file of a
	// folder that is not a git repository is Untracked.
	StateUntracked
	// StateBuffer: the content comes from an open editor buffer that differs
	// from the file on disk (or the file exists only in the buffer).
	StateBuffer
)

func (s State) String() string {
	switch s {
	case StateTracked:
		return "tracked"
	case StateModified:
		return "modified"
	case StateUntracked:
		return "untracked"
	case StateBuffer:
		return "buffer"
	}
	return "unknown"
}

// FileInfo describes one listed file.
type FileInfo struct {
	Path      string      // slash-separated, relative to Root
	Blob      string      // git blob hash (hex) of the content; a submodule's commit hash
	Size      int64       // bytes of the content
	Lang      syntax.Lang // by extension
	State     State
	Submodule bool // a gitlink: listed, never descended into
	Symlink   bool // a symbolic link: its blob is the link text; never followed
	Parsed    bool // a syntax result is available
}

// Changes is the result of one update.
type Changes struct {
	Added    []string // paths newly listed
	Modified []string // paths whose content (blob) changed
	Removed  []string // paths no longer listed
	// Restated lists paths whose content is unchanged but whose State or
	// Parsed flag changed (a commit turns Modified into Tracked).
	Restated []string
	Parsed   int // syntax results computed by this update
	Reused   int // syntax results found already stored (same blob)
	Elapsed  time.Duration
}

// Empty reports whether nothing was added, modified, removed or restated.
func (c *Changes) Empty() bool {
	return len(c.Added)+len(c.Modified)+len(c.Removed)+len(c.Restated) == 0
}

// Timings breaks down the last full refresh.
type Timings struct {
	At      time.Time     // when it started
	Total   time.Duration // the whole refresh
	Git     time.Duration // HEAD tree and git index
	Walk    time.Duration // directory walk and lstat of every file
	Hash    time.Duration // reading and hashing changed files (wall time)
	Parse   time.Duration // parsing and storing new blobs (wall time)
	Hashed  int           // files read and hashed
	Statted int           // files lstat'ed
}

// Stats summarises the index.
type Stats struct {
	Files       int
	ByState     map[State]int
	ByLang      map[syntax.Lang]int
	Submodules  int
	Unparsed    int   // listed files without syntax (binary, too large, links)
	StoredBlobs int   // syntax results in the store
	StoreBytes  int64 // size of the bbolt file
	Parses      int64 // parses done since Open
	LastRefresh Timings
}

// ParsedFile is one file on disk as Options.OnParsed receives it.
type ParsedFile struct {
	Path    string // slash path relative to Root
	Blob    string // git blob hash (hex), as FileInfo.Blob
	Content []byte
	Syntax  *syntax.File
}
