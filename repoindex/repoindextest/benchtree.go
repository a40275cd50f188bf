// Package repoindextest holds what the benchmarks of the workspace index
// and of the layers above it share: a git repository holding GOROOT/src
// and GOROOT/test (about 15,000 files), built once and kept between runs,
// and the process's peak resident set.
package repoindextest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Dir is where the benchmark tree and the stores built over it are kept:
// $AIOS_BENCH_TREE, or <user cache dir>/aios/repoindex-bench/goroot-<go
// version>. Delete it to rebuild the tree.
func Dir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("AIOS_BENCH_TREE"); d != "" {
		return d
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		tb.Skipf("no cache directory for the benchmark tree: %v (set AIOS_BENCH_TREE)", err)
	}
	return filepath.Join(cache, "aios", "repoindex-bench", "goroot-"+runtime.Version())
}

var treeOnce sync.Once

// GOROOTTree returns the root of the benchmark repository (Dir/tree),
// building it on first use: a copy of GOROOT/src and GOROOT/test in one
// commit, with git's index stat data fresh.
func GOROOTTree(tb testing.TB) string {
	tb.Helper()
	root := filepath.Join(Dir(tb), "tree")
	ready := filepath.Join(root, ".git", "aios-bench-ready")
	treeOnce.Do(func() {
		if _, err := os.Stat(ready); err == nil {
			return
		}
		tb.Logf("building the benchmark tree in %s (once)", root)
		run := func(args ...string) {
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com",
				"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com", "GIT_CONFIG_NOSYSTEM=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				tb.Fatalf("%q: %v\n%s", args, err, out)
			}
		}
		if err := os.RemoveAll(root); err != nil {
			tb.Fatal(err)
		}
		if err := os.MkdirAll(root, 0o755); err != nil {
			tb.Fatal(err)
		}
		for _, d := range []string{"src", "test"} {
			run("cp", "-a", filepath.Join(runtime.GOROOT(), d), root)
		}
		run("git", "init", "-q")
		run("git", "add", "-A")
		run("git", "commit", "-q", "-m", "GOROOT snapshot")
		run("git", "status", "--porcelain") // refresh git's index stat data
		if err := os.WriteFile(ready, nil, 0o644); err != nil {
			tb.Fatal(err)
		}
	})
	if _, err := os.Stat(ready); err != nil {
		tb.Fatalf("benchmark tree not ready: %v", err)
	}
	return root
}

// PeakRSS reads the process's peak resident set (VmHWM) in bytes; reset
// clears it first (and returns 0).
func PeakRSS(reset bool) int64 {
	if reset {
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		return 0
	}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
