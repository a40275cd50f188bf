package critic

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// Errors returned by New and Review. Problems of the patch itself are not
// errors: they are vetoes in the Review.
var (
	ErrInvalidOptions     = errors.New("critic: invalid options")
	ErrInvalidTask        = errors.New("critic: invalid task")
	ErrNoGo               = errors.New("critic: the go command is not usable")
	ErrSandboxUnavailable = errors.New("critic: sandbox unavailable")
	ErrSandbox            = errors.New("critic: sandbox failure")
	ErrWorkspaceTooLarge  = errors.New("critic: workspace too large for the fallback sandbox")
	// ErrNotDiagnosable may be returned (wrapped) by Options.Diagnose when
	// it has no analysis for the target: the target is then reported as not
	// re-checked, as if Diagnose were unset, instead of as a failure.
	ErrNotDiagnosable = errors.New("critic: target cannot be re-diagnosed")
)

// MaxJudgeWeight bounds Options.JudgeWeight: a judge decides at most this
// share of Intent.
const MaxJudgeWeight = 0.3

// Defaults of Options.
const (
	DefaultThreshold    = 0.85
	DefaultJudgeWeight  = 0.2
	DefaultBuildTimeout = 2 * time.Minute
	DefaultTestTimeout  = 2 * time.Minute
	DefaultMemoryLimit  = 4 << 30 // per process
	DefaultMaxFileSize  = 1 << 20
	fileSizeLimit       = 2 << 30 // RLIMIT_FSIZE inside the sandbox
)

// Options configure a Critic. They are validated by New and not retained
// by reference.
type Options struct {
	// Workspace is the absolute root of the user's workspace. Patch paths
	// are relative to it. It is never written.
	Workspace string
	// Threshold is the total a patch needs to be accepted (default 0.85).
	Threshold float64
	// Weights of the five dimensions (zero value: DefaultWeights()).
	Weights Weights
	// Sandbox selects the isolation (default SandboxAuto).
	Sandbox SandboxMode
	// Diagnose, when set, re-runs the analysis that produced a task's
	// Target on the patched workspace (see View) for the Intent dimension:
	// a target diagnostic still reported after the patch is a veto. file is
	// the target's workspace-relative path. It runs in-process, outside the
	// sandbox, concurrently with the builds.
	Diagnose func(ctx context.Context, view View, file string) ([]Target, error)
	// Judge is an optional opinion on the diff (see Judge).
	Judge Judge
	// JudgeWeight is the Judge's share of Intent: default 0.2, at most
	// MaxJudgeWeight.
	JudgeWeight float64
	// DisableTests skips running tests: the Tests dimension is then
	// skipped (neutral).
	DisableTests bool
	// BuildTimeout bounds each compile (go list -export) and go vet run
	// (default 2m).
	BuildTimeout time.Duration
	// TestTimeout is go test's -timeout; the go test run is killed at
	// BuildTimeout+TestTimeout (default 2m).
	TestTimeout time.Duration
	// MemoryLimit is the data limit (RLIMIT_DATA: the memory a process
	// commits, not the address space a Go program reserves) of each sandboxed
	// process, in bytes (default 4 GiB).
	MemoryLimit int64
	// MaxFileSize bounds the size of a changed file (default 1 MiB).
	MaxFileSize int64
	// GoBin is the go command (default: "go" on PATH).
	GoBin string
	// GoCache is the Critic's own build cache, the only one the sandbox
	// may write (default: the user's cache directory, aios/gocache). The
	// user's GOCACHE is read through (with Go 1.24 and later, by a
	// GOCACHEPROG helper) and never written.
	GoCache string
	// BwrapPath is the bubblewrap binary (default: "bwrap" on PATH).
	BwrapPath string
	// TempDir is where per-review shadows are made (default os.TempDir()).
	TempDir string
	// Logger receives debug logs (default: discarded).
	Logger *slog.Logger
}

// Critic reviews candidate patches. It is safe for concurrent use.
type Critic struct {
	opts     Options
	root     string // resolved workspace root
	weights  Weights
	goenv    *goEnv
	gocache  *buildCache
	sandbox  *sandbox
	log      *slog.Logger
	imports  importCache
	baseline baselineCache
}

// New validates opts, reads the go command's environment and probes the
// sandbox once.
func New(opts Options) (*Critic, error) {
	bad := func(format string, args ...any) (*Critic, error) {
		return nil, fmt.Errorf("%w: %s", ErrInvalidOptions, fmt.Sprintf(format, args...))
	}
	if opts.Workspace == "" || !filepath.IsAbs(opts.Workspace) {
		return bad("Workspace %q is not an absolute path", opts.Workspace)
	}
	root, err := filepath.EvalSymlinks(filepath.Clean(opts.Workspace))
	if err != nil {
		return bad("Workspace: %v", err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return bad("Workspace %s is not a directory", root)
	}
	if opts.Threshold == 0 {
		opts.Threshold = DefaultThreshold
	}
	if opts.Threshold < 0 || opts.Threshold > 1 || math.IsNaN(opts.Threshold) {
		return bad("Threshold %v is outside (0, 1]", opts.Threshold)
	}
	w := opts.Weights
	for _, x := range []float64{w.Correctness, w.Tests, w.Style, w.Safety, w.Intent} {
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return bad("weights must be finite and not negative: %+v", w)
		}
	}
	if w == (Weights{}) {
		w = DefaultWeights()
	}
	if opts.JudgeWeight == 0 {
		opts.JudgeWeight = DefaultJudgeWeight
	}
	if opts.JudgeWeight < 0 || opts.JudgeWeight > MaxJudgeWeight {
		return bad("JudgeWeight %v is outside (0, %v]", opts.JudgeWeight, MaxJudgeWeight)
	}
	if opts.Sandbox == "" {
		opts.Sandbox = SandboxAuto
	}
	switch opts.Sandbox {
	case SandboxAuto, SandboxBwrap, SandboxFallback:
	default:
		return bad("unknown Sandbox mode %q", opts.Sandbox)
	}
	if opts.BuildTimeout == 0 {
		opts.BuildTimeout = DefaultBuildTimeout
	}
	if opts.TestTimeout == 0 {
		opts.TestTimeout = DefaultTestTimeout
	}
	if opts.BuildTimeout < 0 || opts.TestTimeout < 0 {
		return bad("negative timeout")
	}
	if opts.MemoryLimit == 0 {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	if opts.MaxFileSize == 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.MemoryLimit < 64<<20 || opts.MaxFileSize < 0 {
		return bad("MemoryLimit %d is below 64 MiB or MaxFileSize is negative", opts.MemoryLimit)
	}
	if opts.TempDir == "" {
		opts.TempDir = os.TempDir()
	}
	if tmp, err := filepath.EvalSymlinks(opts.TempDir); err != nil {
		return bad("TempDir: %v", err)
	} else if within(root, tmp) {
		return bad("TempDir %s is inside the workspace, which is never written", tmp)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx := context.Background()
	g, err := readGoEnv(ctx, opts.GoBin)
	if err != nil {
		return nil, err
	}
	gocache, err := newBuildCache(ctx, g, opts.GoCache)
	if err != nil {
		return bad("GoCache: %v", err)
	}
	probeDir, err := os.MkdirTemp(opts.TempDir, "aios-critic-probe-")
	if err != nil {
		return bad("TempDir: %v", err)
	}
	defer os.RemoveAll(probeDir)
	sb, err := newSandbox(ctx, opts.Sandbox, opts.BwrapPath, probeDir)
	if err != nil {
		return nil, err
	}
	c := &Critic{
		opts: opts, root: root, weights: w, goenv: g, gocache: gocache, sandbox: sb, log: opts.Logger,
		imports: importCache{files: make(map[string]importMemo)},
	}
	c.baseline.entries = make(map[string]*baselineEntry)
	c.log.Debug("critic ready", "workspace", root, "sandbox", sb.mode, "go", g.version)
	return c, nil
}

// SandboxInfo says which sandbox is in force and why (for `aios doctor`).
func (c *Critic) SandboxInfo() string { return c.sandbox.info }

// BuildCacheInfo says which build caches the sandbox reads and writes (for
// `aios doctor`).
func (c *Critic) BuildCacheInfo() string { return c.gocache.info }

// SandboxMode returns the sandbox in force: SandboxBwrap or SandboxFallback.
func (c *Critic) SandboxMode() SandboxMode { return c.sandbox.mode }

// limits for one kind of sandboxed go command.
func (c *Critic) spec(args []string, dir, tmp string, sh *shadow, timeout time.Duration) runSpec {
	return runSpec{
		args:     append([]string{c.goenv.bin}, args...),
		dir:      dir,
		env:      append(c.goenv.sandboxEnv(tmp, c.gocache.dir), c.gocache.env...),
		writable: []string{tmp, c.gocache.private},
		mounts:   sh.mounts,
		timeout:  timeout,
		cpu:      timeout * time.Duration(runtime.NumCPU()),
		mem:      c.opts.MemoryLimit,
		fsize:    fileSizeLimit,
	}
}

// baselineCache remembers the unpatched workspace's build, vet and test
// results, keyed by a fingerprint of the module's files.
type baselineCache struct {
	mu      sync.Mutex
	entries map[string]*baselineEntry // guarded by mu
	order   []string                  // guarded by mu; oldest first
}

// maxBaselines bounds the baseline cache.
const maxBaselines = 64

type baselineEntry struct {
	once sync.Once
	res  *cmdResult
	err  error
}

// get returns the cached result for key, computing it with f once.
func (b *baselineCache) get(key string, f func() (*cmdResult, error)) (*cmdResult, error) {
	b.mu.Lock()
	e, ok := b.entries[key]
	if !ok {
		e = &baselineEntry{}
		b.entries[key] = e
		b.order = append(b.order, key)
		if len(b.order) > maxBaselines {
			delete(b.entries, b.order[0])
			b.order = b.order[1:]
		}
	}
	b.mu.Unlock()
	e.once.Do(func() { e.res, e.err = f() })
	if e.err != nil {
		b.mu.Lock()
		if b.entries[key] == e {
			delete(b.entries, key) // do not cache failures to run
		}
		b.mu.Unlock()
	}
	return e.res, e.err
}
