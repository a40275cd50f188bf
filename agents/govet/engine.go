package govet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"go/token"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/tools/go/analysis"
)

// Engine runs analyses and caches their results. It is safe for concurrent
// use. Lock order: mu, runsMu and exports.mu are never held together, and
// none is held while loading, analysing, decoding or hashing files (hasher
// has its own lock).
type Engine struct {
	opts      Options
	log       *slog.Logger
	env       []string             // full environment of go commands
	analyzers []*analysis.Analyzer // wrapped, see wrapAnalyzers
	hasher    *hasher
	goenv     goEnv
	// immutableRoots are trees whose files never change (module cache, and
	// GOROOT unless Dir lies inside it).
	immutableRoots []string
	workFiles      []string // go.work and go.work.sum, if a workspace is used
	salt           hashSum  // hash of everything engine-wide that affects results

	runsMu sync.Mutex // guards runs
	runs   map[*token.FileSet]*runInfo

	exports *exportCache // dependency export data (see exportdata.go)
	// noDirect makes AnalyzeFiles load with go/packages (fastMode) as
	// before the direct loader existed; for tests comparing the two.
	noDirect bool

	mu      sync.Mutex // guards the fields below
	nodes   map[string]*node
	memo    map[string]memoEntry
	cache   *lru
	flights map[cacheKey]*flight
}

// goEnv holds the go command settings the engine depends on.
type goEnv struct {
	GOROOT, GOMODCACHE, GOWORK, GOVERSION     string
	GOOS, GOARCH, GOFLAGS, CGO_ENABLED        string
	GOEXPERIMENT, GOTOOLCHAIN, GOAMD64, GOARM string
}

// New validates opts and returns an Engine. It runs `go env` once in
// opts.Dir to learn GOROOT, the module cache and the workspace file.
func New(opts Options) (*Engine, error) {
	o, err := opts.validate()
	if err != nil {
		return nil, err
	}
	e := &Engine{
		opts:    o,
		log:     o.Logger,
		hasher:  newHasher(),
		runs:    make(map[*token.FileSet]*runInfo),
		nodes:   make(map[string]*node),
		memo:    make(map[string]memoEntry),
		cache:   newLRU(o.CacheEntries),
		flights: make(map[cacheKey]*flight),
		exports: newExportCache(),
	}
	e.env = append(os.Environ(), "GOPACKAGESDRIVER=off")
	e.env = append(e.env, o.Env...)
	if e.goenv, err = readGoEnv(e.env, o.Dir); err != nil {
		return nil, err
	}
	for _, root := range []string{e.goenv.GOMODCACHE, e.goenv.GOROOT} {
		if root == "" || (root == e.goenv.GOROOT && within(o.Dir, root)) {
			continue
		}
		e.immutableRoots = append(e.immutableRoots, filepath.Clean(root))
		if real, err := filepath.EvalSymlinks(root); err == nil && real != root {
			e.immutableRoots = append(e.immutableRoots, real)
		}
	}
	if w := e.goenv.GOWORK; w != "" && w != "off" {
		e.workFiles = []string{w, filepath.Join(filepath.Dir(w), "go.work.sum")}
	}
	e.salt = e.computeSalt()
	e.analyzers = e.wrapAnalyzers(o.Analyzers)
	return e, nil
}

func readGoEnv(env []string, dir string) (goEnv, error) {
	var ge goEnv
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "env", "-json",
		"GOROOT", "GOMODCACHE", "GOWORK", "GOVERSION", "GOOS", "GOARCH", "GOFLAGS",
		"CGO_ENABLED", "GOEXPERIMENT", "GOTOOLCHAIN", "GOAMD64", "GOARM")
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return ge, fmt.Errorf("%w: go env in %s: %w: %s", ErrLoad, dir, err, bytes.TrimSpace(stderr.Bytes()))
	}
	if err := json.Unmarshal(out, &ge); err != nil {
		return ge, fmt.Errorf("%w: go env output: %w", ErrLoad, err)
	}
	return ge, nil
}

// computeSalt hashes the engine-wide inputs of every result: the go
// command settings, extra environment, build flags, test mode and analyzer
// set. (The cache lives in the Engine, so this guards against nothing
// today, but it keeps keys self-describing.)
func (e *Engine) computeSalt() hashSum {
	h := sha256.New()
	writeString(h, "govet-cache-v1")
	b, _ := json.Marshal(e.goenv)
	writeString(h, string(b))
	writeString(h, e.opts.Dir)
	for _, kv := range e.opts.Env {
		writeString(h, "env="+kv)
	}
	for _, f := range e.opts.BuildFlags {
		writeString(h, "flag="+f)
	}
	writeString(h, "tests="+strconv.FormatBool(e.opts.Tests))
	for _, a := range e.opts.Analyzers {
		writeString(h, "analyzer="+a.Name+" "+a.URL)
	}
	var sum hashSum
	h.Sum(sum[:0])
	return sum
}

// Dir returns the absolute directory the engine runs go commands in.
func (e *Engine) Dir() string { return e.opts.Dir }

// Analyzers returns the names of the analyzers the engine runs.
func (e *Engine) Analyzers() []string {
	names := make([]string, len(e.opts.Analyzers))
	for i, a := range e.opts.Analyzers {
		names[i] = a.Name
	}
	return names
}
