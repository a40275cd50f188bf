package syntax

import "fmt"

// Defaults for the zero values of Options.
const (
	DefaultMaxChunkBytes = 2000
	DefaultMinChunkBytes = 200
	DefaultMaxFileBytes  = 4 << 20
)

// minMaxChunkBytes is the smallest MaxChunkBytes accepted: a chunk must be
// able to hold any UTF-8 character.
const minMaxChunkBytes = 16

// Options tune Parse and ChunkKindLines. The zero value means the defaults.
type Options struct {
	// MaxChunkBytes bounds a chunk (default 2000, at least 16). A
	// declaration larger than this is split at statement and line boundaries
	// into consecutive chunks with the same Symbol and Part numbers 1..n.
	MaxChunkBytes int
	// MinChunkBytes (default 200): adjacent top-level declarations smaller
	// than this (consts, vars, funcs, stray statements; not methods, types,
	// classes or the header) are merged into one chunk until it reaches
	// this size (so a merged chunk is below twice this size, and never above
	// MaxChunkBytes). It must not exceed MaxChunkBytes.
	MinChunkBytes int
	// MaxFileBytes (default 4 MiB): larger content is not parsed. Parse
	// then returns a File with Lang LangText, TooLarge set and line chunks,
	// and no error (there is no ErrTooLarge).
	MaxFileBytes int
}

// withDefaults returns o with zero fields set to their defaults and checks
// the result. The error wraps ErrInvalidOptions.
func (o Options) withDefaults() (Options, error) {
	if o.MaxChunkBytes < 0 || o.MinChunkBytes < 0 || o.MaxFileBytes < 0 {
		return o, fmt.Errorf("%w: negative size in %+v", ErrInvalidOptions, o)
	}
	if o.MaxChunkBytes == 0 {
		o.MaxChunkBytes = DefaultMaxChunkBytes
	}
	if o.MinChunkBytes == 0 {
		o.MinChunkBytes = min(DefaultMinChunkBytes, o.MaxChunkBytes)
	}
	if o.MaxFileBytes == 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	if o.MaxChunkBytes < minMaxChunkBytes {
		return o, fmt.Errorf("%w: MaxChunkBytes %d is below %d", ErrInvalidOptions, o.MaxChunkBytes, minMaxChunkBytes)
	}
	if o.MinChunkBytes > o.MaxChunkBytes {
		return o, fmt.Errorf("%w: MinChunkBytes %d exceeds MaxChunkBytes %d", ErrInvalidOptions, o.MinChunkBytes, o.MaxChunkBytes)
	}
	return o, nil
}

// sanitized is withDefaults for callers that cannot report an error
// (ChunkKindLines): invalid fields fall back to their defaults.
func (o Options) sanitized() Options {
	if v, err := o.withDefaults(); err == nil {
		return v
	}
	d := Options{MaxChunkBytes: DefaultMaxChunkBytes, MinChunkBytes: DefaultMinChunkBytes, MaxFileBytes: DefaultMaxFileBytes}
	if o.MaxChunkBytes >= minMaxChunkBytes {
		d.MaxChunkBytes = o.MaxChunkBytes
		d.MinChunkBytes = min(d.MinChunkBytes, d.MaxChunkBytes)
	}
	if o.MinChunkBytes > 0 && o.MinChunkBytes <= d.MaxChunkBytes {
		d.MinChunkBytes = o.MinChunkBytes
	}
	if o.MaxFileBytes > 0 {
		d.MaxFileBytes = o.MaxFileBytes
	}
	return d
}
