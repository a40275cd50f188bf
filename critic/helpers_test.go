package critic

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writeTree creates files (slash paths relative to dir) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newModule makes a temp Go module example.com/m holding files.
func newModule(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n"}
	for k, v := range files {
		all[k] = v
	}
	writeTree(t, dir, all)
	return dir
}

// newCritic makes a Critic for ws; mutate adjusts the options.
func newCritic(t testing.TB, ws string, mutate func(*Options)) *Critic {
	t.Helper()
	opts := Options{Workspace: ws, TestTimeout: 60e9, BuildTimeout: 120e9}
	// AIOS_CRITIC_SANDBOX=fallback runs the suite as on a machine without
	// bubblewrap.
	if m := os.Getenv("AIOS_CRITIC_SANDBOX"); m != "" {
		opts.Sandbox = SandboxMode(m)
	}
	if testing.Verbose() {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if mutate != nil {
		mutate(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// requireBwrap skips t unless the Critic runs in bubblewrap here.
func requireBwrap(t testing.TB, c *Critic) {
	t.Helper()
	if c.SandboxMode() != SandboxBwrap {
		t.Skipf("bubblewrap is not usable here: %s", c.SandboxInfo())
	}
}

// snapshot records every file under dir: mode, content hash, link target.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link " + target
		case fi.IsDir():
			out[rel] = fmt.Sprintf("dir %v", fi.Mode())
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			out[rel] = fmt.Sprintf("file %v %s", fi.Mode(), hex.EncodeToString(sum[:]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkUnchanged fails t when dir differs from the snapshot before.
func checkUnchanged(t testing.TB, dir string, before map[string]string) {
	t.Helper()
	after := snapshot(t, dir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("workspace changed: %s: %q -> %q", k, v, after[k])
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("workspace changed: %s appeared (%s)", k, v)
		}
	}
}

// review runs c.Review and checks that the workspace did not change.
func review(t testing.TB, c *Critic, task Task, p Patch) *Review {
	t.Helper()
	before := snapshot(t, c.root)
	rv, err := c.Review(context.Background(), task, p)
	if err != nil {
		t.Fatalf("Review: %v", err)
	}
	checkUnchanged(t, c.root, before)
	return rv
}

// explain formats a review for failure messages.
func explain(rv *Review) string {
	if rv == nil {
		return "no review"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "total %.3f accepted %v vetoes %q (in %v, sandbox %s)\n", rv.Total, rv.Accepted, rv.Vetoes, rv.Duration, rv.SandboxMode)
	for _, d := range rv.Dimensions {
		fmt.Fprintf(&b, "  %s %.3f (w %.2f, skipped %v): %q\n", d.Name, d.Score, d.Weight, d.Skipped, d.Evidence)
	}
	return b.String()
}

// hasVeto reports whether a veto contains every substring.
func hasVeto(rv *Review, subs ...string) bool {
	for _, v := range rv.Vetoes {
		ok := true
		for _, s := range subs {
			ok = ok && strings.Contains(v, s)
		}
		if ok {
			return true
		}
	}
	return false
}

// vetDiagnose is a Diagnose that runs `go vet -json -overlay` on the
// package of file in the patched view, on the host (test code is trusted).
func vetDiagnose(ctx context.Context, view View, file string) ([]Target, error) {
	tmp, err := os.MkdirTemp("", "vetdiag-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	replace := make(map[string]string)
	back := make(map[string]string) // overlay file -> workspace file
	i := 0
	for abs, content := range view.Files {
		p := filepath.Join(tmp, strconv.Itoa(i)+".go")
		i++
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return nil, err
		}
		replace[abs] = p
		back[p] = abs
	}
	for _, abs := range view.Deleted {
		replace[abs] = ""
	}
	ov, _ := json.Marshal(map[string]any{"Replace": replace})
	ovPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovPath, ov, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "vet", "-json", "-overlay", ovPath, "./"+path.Dir(file))
	cmd.Dir = view.Root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go vet: %v: %s", err, out)
	}
	for p, abs := range back {
		out = []byte(strings.ReplaceAll(string(out), p, abs))
	}
	loc := &locator{sh: &shadow{}, cwd: view.Root, root: view.Root}
	findings, errs := loc.parseVetJSON(out)
	if len(errs) > 0 {
		return nil, fmt.Errorf("go vet: %v", errs)
	}
	var targets []Target
	for _, f := range findings {
		targets = append(targets, Target{File: f.File, Line: f.Line, Message: f.Msg, Source: f.Analyzer})
	}
	return targets, nil
}
