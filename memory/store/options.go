package store

import (
	"log/slog"
	"time"
)

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const DefaultTimeout = 2 * time.Second

// Options configures Open. The zero value opens read-write with a 2 s lock
// wait and fsync on every commit.
type Options struct {
	// Logger receives open, migration and lock messages; nil discards them.
	Logger *slog.Logger
	// ReadOnly opens with a shared lock; writes fail with ErrReadOnly. A
	// read-only Open never creates, initialises or migrates the file.
	ReadOnly bool
	// Timeout bounds the wait for the file lock (0 = DefaultTimeout; negative
	// is invalid). When it expires Open fails with ErrLocked, naming the
	// process that holds the lock.
	Timeout time.Duration
	// NoSync skips fsync on commit. For tests and benchmarks only: a power
	// loss (not a process crash) can then corrupt the file.
	NoSync bool
}

func (o Options) timeout() (time.Duration, error) {
	switch {
	case o.Timeout < 0:
		return 0, invalid("negative lock timeout %v", o.Timeout)
	case o.Timeout == 0:
		return DefaultTimeout, nil
	}
	return o.Timeout, nil
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}
