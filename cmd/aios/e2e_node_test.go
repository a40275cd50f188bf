package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestE2ENode plays VS Code's protocol role against the aios binary with
// the npm packages vscode-languageserver-protocol and vscode-jsonrpc (the
// layer under vscode-languageclient, which needs VS Code itself): pull
// diagnostics, a resolved quick fix, aios.lint with progress, aios.tasks
// and a clean shutdown. The script is editors/vscode/test/e2e.mjs; its
// packages are installed with `npm ci` when node_modules is missing or
// older than package-lock.json.
func TestE2ENode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node not found: install Node.js 20 or later (e.g. `apt-get install -y nodejs npm`)")
	}
	bin := aiosBinary(t)
	dir := repoFile(t, "editors/vscode")
	npmCI(t, dir)
	file := writeE2EModule(t)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("test", "e2e.mjs"), bin, file)
	cmd.Dir = dir
	cmd.Env = isolatedEnv(t, t.TempDir())
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("node did not finish in time and was killed")
		}
		t.Fatalf("node test/e2e.mjs failed after %v: %v\n%s", elapsed, err, out)
	}
	t.Logf("node passed in %v:\n%s", elapsed, out)
}

// npmCI installs the packages of package-lock.json in dir unless
// node_modules already holds them.
func npmCI(t *testing.T, dir string) {
	t.Helper()
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	// npm writes node_modules/.package-lock.json when it installs.
	installed, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if err == nil && !installed.ModTime().Before(lock.ModTime()) {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm not found: install it (e.g. `apt-get install -y npm`) to fetch the test's packages")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.Env = isolatedEnv(t, t.TempDir())
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
	t.Logf("npm ci in %v", time.Since(start).Round(time.Millisecond))
}
