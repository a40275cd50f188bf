package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/inference/inferencetest"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// e2eSource is the file the editor tests open: go vet's assign analyzer
// reports the self-assignment and offers a fix that removes it.
const e2eSource = `package e2e

// Double returns twice x.
func Double(x int) int {
	x = x
	return x * 2
}
`

// aiosBinary returns the aios binary under test: $AIOS_TEST_BIN (set by
// `make test`), or one built into a temporary directory.
func aiosBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("AIOS_TEST_BIN"); bin != "" {
		if st, err := os.Stat(bin); err != nil || st.IsDir() {
			t.Fatalf("AIOS_TEST_BIN=%s is not a binary (%v): run `make build` or unset it", bin, err)
		}
		return bin
	}
	bin := filepath.Join(t.TempDir(), "aios")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("building aios: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// writeE2EModule writes a Go module with e2eSource and returns the path of
// the Go file.
func writeE2EModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/e2e\n\ngo 1.26\n",
		"e2e.go": e2eSource,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "e2e.go")
}

// repoFile returns the absolute path of a file of this repository.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return p
}

// checkFixed asserts that the quick fix removed the self-assignment and
// left a well-formed, gofmt-clean file.
func checkFixed(t *testing.T, path string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(got, []byte("x = x")) {
		t.Errorf("%s still has the self-assignment:\n%s", path, got)
	}
	if !bytes.Contains(got, []byte("return x * 2")) {
		t.Errorf("%s lost more than the self-assignment:\n%s", path, got)
	}
	formatted, err := format.Source(got)
	if err != nil {
		t.Errorf("%s no longer parses: %v\n%s", path, err, got)
	} else if !bytes.Equal(formatted, got) {
		t.Errorf("%s is not gofmt-clean after the fix:\n%s", path, got)
	}
}

// TestE2ENeovim drives the Neovim plugin (editors/nvim) in a headless
// Neovim against the aios binary: push diagnostics, a quick fix through
// codeAction and codeAction/resolve, :AiosTasks, :AiosLint and a clean
// shutdown. The Lua side is editors/nvim/test/e2e.lua.
func TestE2ENeovim(t *testing.T) {
	runNvimE2E(t, false)
}

// TestE2ENeovimAI is the AI path in the same editor: in a git repository
// whose .aios.json names a scripted model, the AI fix of the diagnostic is
// offered with its critic score, resolved, applied, accepted (committed
// with trailers) and undone with :AiosUndo.
func TestE2ENeovimAI(t *testing.T) {
	runNvimE2E(t, true)
}

func runNvimE2E(t *testing.T, ai bool) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Fatal("nvim not found: run `make test-deps` or `apt-get install -y neovim`")
	}
	bin := aiosBinary(t)
	script := repoFile(t, "editors/nvim/test/e2e.lua")
	file := writeE2EModule(t)
	var model *inferencetest.Server
	if ai {
		model = inferencetest.NewServer(func([]inference.Message) string {
			return "e2e.go\n<<<<<<< SEARCH\n\tx = x\n=======\n>>>>>>> REPLACE\n"
		})
		defer model.Close()
		dir := filepath.Dir(file)
		cfg := fmt.Sprintf(`{"backends": [{"name": "scripted", "type": "openai", "baseUrl": %q, "model": "scripted-coder"}]}`, model.URL)
		if err := os.WriteFile(filepath.Join(dir, ".aios.json"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"config", "user.name", "Ada"}, {"config", "user.email", "ada@example.com"},
			{"add", "-A"}, {"commit", "-q", "-m", "init"}} {
			gitIn(t, dir, args...)
		}
	}

	home := t.TempDir()
	env := append(isolatedEnv(t, home), "AIOS_E2E_BIN="+bin, "AIOS_E2E_FILE="+file)
	if ai {
		env = append(env, "AIOS_E2E_AI=1", "AIOS_MODEL=", "AIOS_OPENAI_BASE_URL=", "AIOS_AUTO_APPLY=", "AIOS_AUTO_COMMIT=")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
		"-c", "luafile "+script)
	cmd.Dir = filepath.Dir(file)
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second // nvim killed, its children may hold the pipes
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("nvim did not finish in time and was killed")
		}
		t.Fatalf("nvim failed after %v: %v\n--- nvim output ---\n%s%s", elapsed, err, out, lspLog(home))
	}
	t.Logf("nvim passed in %v:\n%s", elapsed, out)
	if ai {
		// Undone: the file is back, HEAD is the first commit, and the AI
		// commit (with its trailers) is in the reflog.
		if data, _ := os.ReadFile(file); string(data) != e2eSource {
			t.Errorf("after :AiosUndo the file is\n%s", data)
		}
		dir := filepath.Dir(file)
		if n := strings.TrimSpace(gitIn(t, dir, "rev-list", "--count", "HEAD")); n != "1" {
			t.Errorf("HEAD has %s commits after the undo, want 1", n)
		}
		if log := gitIn(t, dir, "log", "-g", "--format=%(trailers:key=AI-Agent,valueonly)"); !strings.Contains(log, "aios/fix") {
			t.Errorf("no AI commit in the reflog:\n%s", log)
		}
		gitIn(t, dir, "fsck", "--strict")
		return
	}
	checkFixed(t, file)
}

// lspLog returns Neovim's LSP log (with the server's stderr) under the
// isolated XDG directories, for failure messages.
func lspLog(home string) string {
	for _, p := range []string{
		filepath.Join(home, "cache", "nvim", "lsp.log"), // Neovim 0.7-0.9
		filepath.Join(home, "state", "nvim", "lsp.log"), // Neovim 0.10+
	} {
		if data, err := os.ReadFile(p); err == nil {
			const max = 16 << 10
			if len(data) > max {
				data = data[len(data)-max:]
			}
			return "--- " + p + " ---\n" + string(data)
		}
	}
	return ""
}

// isolatedEnv is the environment, with XDG directories under home, for an editor and the aios it starts:
// logs, state and aios's workspace stores stay out of the user's home.
// Go derives its build cache from XDG_CACHE_HOME, so it is pinned first.
func isolatedEnv(t *testing.T, home string) []string {
	t.Helper()
	env := os.Environ()
	if os.Getenv("GOCACHE") == "" {
		out, err := exec.Command("go", "env", "GOCACHE").Output()
		if err != nil {
			t.Fatalf("go env GOCACHE: %v", err)
		}
		env = append(env, "GOCACHE="+strings.TrimSpace(string(out)))
	}
	return append(env,
		"XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
	)
}
