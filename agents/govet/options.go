package govet

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/appends"
	"golang.org/x/tools/go/analysis/passes/asmdecl"
	"golang.org/x/tools/go/analysis/passes/assign"
	"golang.org/x/tools/go/analysis/passes/atomic"
	"golang.org/x/tools/go/analysis/passes/bools"
	"golang.org/x/tools/go/analysis/passes/buildtag"
	"golang.org/x/tools/go/analysis/passes/cgocall"
	"golang.org/x/tools/go/analysis/passes/composite"
	"golang.org/x/tools/go/analysis/passes/copylock"
	"golang.org/x/tools/go/analysis/passes/defers"
	"golang.org/x/tools/go/analysis/passes/directive"
	"golang.org/x/tools/go/analysis/passes/errorsas"
	"golang.org/x/tools/go/analysis/passes/framepointer"
	"golang.org/x/tools/go/analysis/passes/hostport"
	"golang.org/x/tools/go/analysis/passes/httpresponse"
	"golang.org/x/tools/go/analysis/passes/ifaceassert"
	"golang.org/x/tools/go/analysis/passes/loopclosure"
	"golang.org/x/tools/go/analysis/passes/lostcancel"
	"golang.org/x/tools/go/analysis/passes/nilfunc"
	"golang.org/x/tools/go/analysis/passes/printf"
	"golang.org/x/tools/go/analysis/passes/shift"
	"golang.org/x/tools/go/analysis/passes/sigchanyzer"
	slogcheck "golang.org/x/tools/go/analysis/passes/slog"
	"golang.org/x/tools/go/analysis/passes/stdmethods"
	"golang.org/x/tools/go/analysis/passes/stdversion"
	"golang.org/x/tools/go/analysis/passes/stringintconv"
	"golang.org/x/tools/go/analysis/passes/structtag"
	"golang.org/x/tools/go/analysis/passes/testinggoroutine"
	"golang.org/x/tools/go/analysis/passes/tests"
	"golang.org/x/tools/go/analysis/passes/timeformat"
	"golang.org/x/tools/go/analysis/passes/unmarshal"
	"golang.org/x/tools/go/analysis/passes/unreachable"
	"golang.org/x/tools/go/analysis/passes/unsafeptr"
	"golang.org/x/tools/go/analysis/passes/unusedresult"
	"golang.org/x/tools/go/analysis/passes/waitgroup"
)

// Defaults applied by New for zero-valued Options fields.
const (
	DefaultCacheEntries = 256
	DefaultMaxFileBytes = 16 << 20
)

// Options configure an Engine. They are validated in New and never mutated
// afterwards; New keeps its own copy of every slice.
type Options struct {
	// Dir is the directory go commands run in (workspace or module root).
	// Required; it must exist. Relative paths are made absolute.
	Dir string
	// Env is extra environment for the go command, appended to os.Environ().
	Env []string
	// Analyzers to run; nil means DefaultAnalyzers(). An empty non-nil
	// slice runs no analyzer and reports only load and compiler errors.
	Analyzers []*analysis.Analyzer
	// Tests includes _test.go files and test package variants.
	Tests bool
	// BuildFlags are passed to the go command (e.g. "-tags=integration").
	BuildFlags []string
	// Logger receives diagnostics about the engine itself; nil discards.
	Logger *slog.Logger
	// CacheEntries bounds the number of cached package results (LRU);
	// 0 means DefaultCacheEntries.
	CacheEntries int
	// MaxFileBytes bounds the size of requested files and overlay entries;
	// 0 means DefaultMaxFileBytes.
	MaxFileBytes int64
}

// DefaultAnalyzers returns the analyzer suite of cmd/vet (Go 1.26's
// cmd/vet/main.go, all present in golang.org/x/tools v0.52.0), in the same
// order. The returned slice is fresh; the analyzers are the shared
// package-level values of x/tools and must not be modified.
func DefaultAnalyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		appends.Analyzer,
		asmdecl.Analyzer,
		assign.Analyzer,
		atomic.Analyzer,
		bools.Analyzer,
		buildtag.Analyzer,
		cgocall.Analyzer,
		composite.Analyzer,
		copylock.Analyzer,
		defers.Analyzer,
		directive.Analyzer,
		errorsas.Analyzer,
		framepointer.Analyzer,
		httpresponse.Analyzer,
		hostport.Analyzer,
		ifaceassert.Analyzer,
		loopclosure.Analyzer,
		lostcancel.Analyzer,
		nilfunc.Analyzer,
		printf.Analyzer,
		shift.Analyzer,
		sigchanyzer.Analyzer,
		slogcheck.Analyzer,
		stdmethods.Analyzer,
		stdversion.Analyzer,
		stringintconv.Analyzer,
		structtag.Analyzer,
		tests.Analyzer,
		testinggoroutine.Analyzer,
		timeformat.Analyzer,
		unmarshal.Analyzer,
		unreachable.Analyzer,
		unsafeptr.Analyzer,
		unusedresult.Analyzer,
		waitgroup.Analyzer,
	}
}

// validate checks o and returns a normalised copy.
func (o Options) validate() (Options, error) {
	if o.Dir == "" {
		return o, fmt.Errorf("%w: Dir is required", ErrInvalidOptions)
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return o, fmt.Errorf("%w: Dir: %w", ErrInvalidOptions, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return o, fmt.Errorf("%w: Dir: %w", ErrInvalidOptions, err)
	}
	if !fi.IsDir() {
		return o, fmt.Errorf("%w: Dir %s is not a directory", ErrInvalidOptions, dir)
	}
	if o.CacheEntries < 0 {
		return o, fmt.Errorf("%w: CacheEntries %d is negative", ErrInvalidOptions, o.CacheEntries)
	}
	if o.MaxFileBytes < 0 {
		return o, fmt.Errorf("%w: MaxFileBytes %d is negative", ErrInvalidOptions, o.MaxFileBytes)
	}
	out := o
	out.Dir = filepath.Clean(dir)
	out.Env = slices.Clone(o.Env)
	out.BuildFlags = slices.Clone(o.BuildFlags)
	if o.Analyzers == nil {
		out.Analyzers = DefaultAnalyzers()
	} else {
		out.Analyzers = slices.Clone(o.Analyzers)
	}
	if slices.Contains(out.Analyzers, nil) {
		return o, fmt.Errorf("%w: nil analyzer", ErrInvalidOptions)
	}
	if err := analysis.Validate(out.Analyzers); err != nil {
		return o, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	if out.CacheEntries == 0 {
		out.CacheEntries = DefaultCacheEntries
	}
	if out.MaxFileBytes == 0 {
		out.MaxFileBytes = DefaultMaxFileBytes
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	return out, nil
}
