package repoindex

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"go.etcd.io/bbolt"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// DefaultMaxFileBytes is the size above which a file is listed and hashed
// but not parsed.
const DefaultMaxFileBytes = 4 << 20

// Options configures Open. The index keeps a copy; the caller must not
// change the Overlay or DB identity afterwards.
type Options struct {
	// Root is the workspace folder: absolute, an existing directory. It
	// may be a git repository's worktree, a folder inside one, or a folder
	// that is not under git at all (then only ignore files apply).
	Root string

	// DB is the workspace store, opened by the caller, who also closes it.
	// The index owns the top-level buckets whose names start with
	// "repoindex/". Nil: the index opens (and closes) its own bbolt file
	// at StorePath.
	DB *bbolt.DB

	// StorePath is the bbolt file used when DB is nil; it is created if
	// missing. Required when DB is nil.
	StorePath string

	// Overlay holds the editor's open buffers; a buffer wins over the file
	// on disk. Nil: disk only.
	Overlay *Overlay

	// Syntax is passed to syntax.Parse. Changing it invalidates every
	// stored syntax result (they are recomputed, not misread).
	Syntax syntax.Options

	// MaxFileBytes: larger files are listed and hashed but not parsed.
	// Zero means DefaultMaxFileBytes; negative is invalid.
	MaxFileBytes int64

	// ExcludesFile is the user's global excludes file. Empty: the file git
	// would use: core.excludesfile of /etc/gitconfig, ~/.gitconfig or the
	// repository's config, else $XDG_CONFIG_HOME/git/ignore
	// (~/.config/git/ignore). "-": no global excludes.
	ExcludesFile string

	// Workers bounds the goroutines that stat, hash and parse. Zero means
	// GOMAXPROCS.
	Workers int

	// Logger receives progress and recoveries; nil discards.
	Logger *slog.Logger

	// OnParsed, when set, is called from the index's workers as each
	// file on disk is parsed by Refresh or UpdateFiles (not for content
	// found parsed already, nor for buffers), before the update that lists
	// it is applied: a consumer can start on it while the rest is parsed.
	// It must return quickly and must not call the Index. Content and
	// Syntax are the callee's to keep.
	OnParsed func(ParsedFile)

	// Now is the clock of the racy-clean checks and of Timings.At. It must
	// follow the file system's clock. Nil means time.Now.
	Now func() time.Time
}

// validate checks o and fills in the defaults, returning the copy to use.
func (o Options) validate() (Options, error) {
	if o.Root == "" || !filepath.IsAbs(o.Root) {
		return o, fmt.Errorf("%w: Root %q must be an absolute path", ErrInvalidOptions, o.Root)
	}
	o.Root = filepath.Clean(o.Root)
	fi, err := os.Stat(o.Root)
	if err != nil {
		return o, fmt.Errorf("%w: Root: %w", ErrInvalidOptions, err)
	}
	if !fi.IsDir() {
		return o, fmt.Errorf("%w: Root %q is not a directory", ErrInvalidOptions, o.Root)
	}
	if o.DB == nil && o.StorePath == "" {
		return o, fmt.Errorf("%w: either DB or StorePath is required", ErrInvalidOptions)
	}
	switch {
	case o.MaxFileBytes < 0:
		return o, fmt.Errorf("%w: MaxFileBytes %d is negative", ErrInvalidOptions, o.MaxFileBytes)
	case o.MaxFileBytes == 0:
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	switch {
	case o.Workers < 0:
		return o, fmt.Errorf("%w: Workers %d is negative", ErrInvalidOptions, o.Workers)
	case o.Workers == 0:
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}
