package critic

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cacheProgSource is the sandbox's GOCACHEPROG helper (gocacheprog/main.go),
// built on first use with the user's go command.
//
//go:embed gocacheprog/main.go
var cacheProgSource []byte

// buildCache is the Go build cache as the sandbox sees it. The user's
// GOCACHE is never writable there: with a go command that supports
// GOCACHEPROG (Go 1.24 and later) a helper reads through it and writes to
// a private cache of aios's own, so reviews start warm; with an older one
// the sandbox builds in the private cache alone, cold the first time.
type buildCache struct {
	dir     string   // GOCACHE in the sandbox (writable)
	private string   // the private cache (writable)
	env     []string // GOCACHEPROG and the helper's variables, or nothing
	info    string   // for aios doctor
}

// newBuildCache prepares the private cache under dir (default: the user's
// cache directory, aios/gocache) and, where the go command allows it, the
// helper that reads through the user's GOCACHE.
func newBuildCache(ctx context.Context, g *goEnv, dir string) (*buildCache, error) {
	base, baseErr := os.UserCacheDir()
	if dir == "" {
		if baseErr != nil {
			return nil, fmt.Errorf("no cache directory for the Critic's build cache (set Options.GoCache): %w", baseErr)
		}
		dir = filepath.Join(base, "aios", "gocache")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	shared := g.vars["GOCACHE"]
	if within(shared, dir) || within(dir, shared) {
		return nil, fmt.Errorf("the Critic's build cache %s must not overlap the user's GOCACHE %s, which the sandbox only reads", dir, shared)
	}
	bc := &buildCache{dir: filepath.Join(dir, "local"), private: dir}
	for _, d := range []string{bc.dir, filepath.Join(dir, "entries")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	// The helper is shared by every private cache, in the user's cache
	// directory when there is a writable one.
	binDir := filepath.Join(dir, "bin")
	if common := filepath.Join(base, "aios", "bin"); baseErr == nil && os.MkdirAll(common, 0o755) == nil {
		binDir = common
	} else if err := os.MkdirAll(binDir, 0o755); err != nil {
		return nil, err
	}
	if !goAtLeast(g.version, 24) {
		bc.info = fmt.Sprintf("private build cache %s (%s has no GOCACHEPROG: the first review of a module is a cold build)", dir, g.version)
		return bc, nil
	}
	prog, err := buildCacheProg(ctx, g, binDir)
	if err != nil {
		bc.info = fmt.Sprintf("private build cache %s (the read-through helper did not build: %v; the first review of a module is a cold build)", dir, err)
		return bc, nil
	}
	bc.env = []string{"GOCACHEPROG=" + prog, "AIOS_GOCACHE_PRIVATE=" + filepath.Join(dir, "entries"), "AIOS_GOCACHE_SHARED=" + shared}
	bc.info = fmt.Sprintf("reads the user's GOCACHE %s, writes only %s", shared, dir)
	return bc, nil
}

// buildCacheProg builds the helper into binDir once per source and Go
// version, and returns its path.
func buildCacheProg(ctx context.Context, g *goEnv, binDir string) (string, error) {
	sum := sha256.Sum256(append(append([]byte(nil), cacheProgSource...), g.version...))
	path := filepath.Join(binDir, "aios-gocacheprog-"+hex.EncodeToString(sum[:8]))
	if strings.ContainsAny(path, " \t\n") {
		return "", fmt.Errorf("its path %q holds white space, which GOCACHEPROG cannot carry", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		return path, nil
	}
	src, err := os.MkdirTemp("", "aios-gocacheprog-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(src)
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module aios.dev/gocacheprog\n\ngo 1.24\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), cacheProgSource, 0o644); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, g.bin, "build", "-trimpath", "-o", tmp, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0", "GOCACHEPROG=")
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("go build: %v: %s", err, strings.TrimSpace(string(out)))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return path, nil
}

// goAtLeast reports whether version (as go env GOVERSION prints it, such
// as "go1.26.8" or "go1.24rc1") is Go 1.minor or later.
func goAtLeast(version string, minor int) bool {
	v, ok := strings.CutPrefix(version, "go1.")
	if !ok {
		return false
	}
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(v[:end])
	return err == nil && n >= minor
}
