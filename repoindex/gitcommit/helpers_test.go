package gitcommit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// testHome is the HOME of every test and of the git binary they run: a
// global config with a known user, no system config.
var testHome string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gitcommit-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testHome = dir
	for _, k := range []string{"XDG_CONFIG_HOME", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_GLOBAL",
		"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
		"GIT_CEILING_DIRECTORIES", "GNUPGHOME"} {
		os.Unsetenv(k)
	}
	os.Setenv("HOME", dir)
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	writeGlobalConfig(dir, "Global User", "global@example.com")
	code := m.Run()
	os.RemoveAll(dir)
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func writeGlobalConfig(home, name, email string) {
	cfg := "[user]\n\tname = " + name + "\n\temail = " + email + "\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		panic(err)
	}
}

// git runs the git binary in dir and returns its trimmed stdout.
func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := gitErr(dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func gitErr(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%v: %s%s", err, stdout.String(), stderr.String())
	}
	return strings.TrimRight(stdout.String(), "\n"), nil
}

// newRepo makes a repository whose first commit holds files.
func newRepo(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	if len(files) > 0 {
		for p, c := range files {
			writeFile(t, dir, p, c)
		}
		git(t, dir, "add", "-A")
		git(t, dir, "commit", "-q", "-m", "initial")
	}
	return dir
}

func writeFile(t testing.TB, dir, p, content string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readFile returns a worktree file's content, or "<absent>".
func readFile(t testing.TB, dir, p string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if errors.Is(err, os.ErrNotExist) {
		return "<absent>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func openRepo(t testing.TB, dir string) *Repo {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return r
}

// status is git status --porcelain as "XY path" lines, sorted.
func status(t testing.TB, dir string) []string {
	t.Helper()
	out := git(t, dir, "status", "--porcelain=v1", "--untracked-files=all")
	if out == "" {
		return nil
	}
	lines := strings.Split(out, "\n")
	sort.Strings(lines)
	return lines
}

// fsck checks the repository with git fsck --strict.
func fsck(t testing.TB, dir string) {
	t.Helper()
	if out, err := gitErr(dir, "fsck", "--strict", "--no-dangling", "--no-progress"); err != nil || out != "" {
		t.Fatalf("git fsck --strict: %v %s", err, out)
	}
}

// statClean checks that git's index stat data matches the worktree for
// paths: git diff-files does not refresh the index, so a path whose
// recorded stat data is wrong is listed.
func statClean(t testing.TB, dir string, paths ...string) {
	t.Helper()
	out := git(t, dir, "diff-files", "--name-only", "--")
	listed := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		listed[l] = true
	}
	for _, p := range paths {
		if listed[p] {
			t.Errorf("git diff-files lists %s: its index stat data does not match the worktree", p)
		}
	}
}

func commit(t testing.TB, r *Repo, msg string, files ...File) *Result {
	t.Helper()
	res, err := r.Commit(context.Background(), Request{
		Files:    files,
		Message:  msg,
		Trailers: Trailers{Agent: "coder", Model: "qwen2.5-coder-7b", Score: 0.93, TaskID: "task-1"},
		When:     time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("", 3600)),
	})
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return res
}

func put(p, content string) File { return File{Path: p, Content: []byte(content)} }
func del(p string) File          { return File{Path: p, Delete: true} }
