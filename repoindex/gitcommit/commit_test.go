package gitcommit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNotGit) {
		t.Errorf("Open(plain folder) = %v, want ErrNotGit", err)
	}
	bare := t.TempDir()
	git(t, bare, "init", "-q", "--bare")
	if _, err := Open(bare); !errors.Is(err, ErrNotGit) {
		t.Errorf("Open(bare) = %v, want ErrNotGit", err)
	}
	dir := newRepo(t, map[string]string{"sub/x.go": "x"})
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(filepath.Join(dir, "sub"), link)
	for _, root := range []string{filepath.Join(dir, "sub"), link} {
		r := openRepo(t, root)
		if r.prefix != "sub" || r.WorkTree() != dir {
			t.Errorf("Open(%s): prefix %q worktree %q, want sub and %s", root, r.prefix, r.WorkTree(), dir)
		}
	}
}

// An AI commit holds exactly its files; every other change the user has,
// in the worktree or staged, stays exactly as it was.
func TestCommitKeepsUserChanges(t *testing.T) {
	dir := newRepo(t, map[string]string{
		"a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n", "d/e.txt": "e\n", "keep/k.txt": "k\n",
	})
	writeFile(t, dir, "b.txt", "b edited by the user\n")
	writeFile(t, dir, "c.txt", "c staged by the user\n")
	git(t, dir, "add", "c.txt")
	writeFile(t, dir, "s.txt", "new staged file\n")
	git(t, dir, "add", "s.txt")
	writeFile(t, dir, "u.txt", "untracked\n")
	before := status(t, dir)
	headBefore := git(t, dir, "rev-parse", "HEAD")

	r := openRepo(t, dir)
	res := commit(t, r, "feat(core): rework a\n\nBody line.",
		put("a.txt", "a by the AI\n"), put("new/dir/n.txt", "created\n"), del("d/e.txt"))

	if got := git(t, dir, "rev-parse", "HEAD"); got != res.Commit {
		t.Fatalf("HEAD %s, want %s", got, res.Commit)
	}
	if res.Parent != headBefore || res.Branch != "refs/heads/main" {
		t.Errorf("Result parent %s branch %s", res.Parent, res.Branch)
	}
	if want := []string{"a.txt", "d/e.txt", "new/dir/n.txt"}; !slices.Equal(res.Files, want) {
		t.Errorf("Result.Files %v, want %v", res.Files, want)
	}
	if got, want := git(t, dir, "show", "--name-status", "--format=", "HEAD"), "M\ta.txt\nD\td/e.txt\nA\tnew/dir/n.txt"; got != want {
		t.Errorf("commit changes:\n%s\nwant\n%s", got, want)
	}
	if got := status(t, dir); !slices.Equal(got, before) {
		t.Errorf("git status after the commit:\n%s\nbefore:\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
	}
	if got := git(t, dir, "diff", "--cached", "--name-only"); got != "c.txt\ns.txt" {
		t.Errorf("staged: %q", got)
	}
	if got := git(t, dir, "show", ":c.txt"); got != "c staged by the user" {
		t.Errorf("staged c.txt: %q", got)
	}
	statClean(t, dir, "a.txt", "new/dir/n.txt", "c.txt", "s.txt")
	if got := git(t, dir, "diff-files", "--name-only"); got != "b.txt" {
		t.Errorf("git diff-files: %q, want b.txt only", got)
	}
	for p, want := range map[string]string{"a.txt": "a by the AI\n", "new/dir/n.txt": "created\n", "d/e.txt": "<absent>", "b.txt": "b edited by the user\n", "u.txt": "untracked\n"} {
		if got := readFile(t, dir, p); got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "d")); !os.IsNotExist(err) {
		t.Errorf("the emptied directory d stays: %v", err)
	}
	if got := git(t, dir, "log", "-1", "--format=%(trailers:key=Critic-Score,valueonly)"); got != "0.93" {
		t.Errorf("Critic-Score trailer %q", got)
	}
	trailers := git(t, dir, "log", "-1", "--format=%(trailers:only,unfold)")
	want := "AI-Agent: coder\nAI-Model: qwen2.5-coder-7b\nCritic-Score: 0.93\nTask-Id: task-1"
	if trailers != want {
		t.Errorf("trailers:\n%s\nwant\n%s", trailers, want)
	}
	if got := git(t, dir, "log", "-1", "--format=%s|%b"); !strings.HasPrefix(got, "feat(core): rework a|Body line.") {
		t.Errorf("message %q", got)
	}
	if got := git(t, dir, "log", "-1", "--format=%an <%ae> %ad|%cn <%ce> %cd", "--date=iso"); got != "Global User <global@example.com> 2026-03-01 12:00:00 +0100|Global User <global@example.com> 2026-03-01 12:00:00 +0100" {
		t.Errorf("author/committer %q", got)
	}
	if got := git(t, dir, "reflog", "-1", "--format=%gs"); !strings.Contains(got, "feat(core): rework a") {
		t.Errorf("reflog %q", got)
	}
	fsck(t, dir)
}

// The caller may write (or stage) the AI content before committing.
func TestCommitContentAlreadyWritten(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.go": "package a\n", "b.go": "package b\n"})
	writeFile(t, dir, "a.go", "package a // AI\n")
	writeFile(t, dir, "b.go", "package b // AI\n")
	git(t, dir, "add", "b.go")
	os.Remove(filepath.Join(dir, "gone.go"))
	r := openRepo(t, dir)
	commit(t, r, "fix: AI edit", put("a.go", "package a // AI\n"), put("b.go", "package b // AI\n"))
	if got := status(t, dir); got != nil {
		t.Errorf("status %v, want clean", got)
	}
	statClean(t, dir, "a.go", "b.go")
	fsck(t, dir)
}

func TestCommitUserChangesRefused(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		files []File
		want  []string
	}{
		{"worktree edit", func(t *testing.T, dir string) { writeFile(t, dir, "a.txt", "user\n") },
			[]File{put("a.txt", "ai\n"), put("b.txt", "ai\n")}, []string{"a.txt"}},
		{"staged edit", func(t *testing.T, dir string) {
			writeFile(t, dir, "a.txt", "user\n")
			git(t, dir, "add", "a.txt")
		}, []File{put("a.txt", "ai\n")}, []string{"a.txt"}},
		{"staged then reverted in the worktree", func(t *testing.T, dir string) {
			writeFile(t, dir, "a.txt", "user\n")
			git(t, dir, "add", "a.txt")
			writeFile(t, dir, "a.txt", "a\n")
		}, []File{put("a.txt", "ai\n")}, []string{"a.txt"}},
		{"user deleted the file", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "b.txt")) },
			[]File{put("b.txt", "ai\n")}, []string{"b.txt"}},
		{"untracked file where the AI creates one", func(t *testing.T, dir string) { writeFile(t, dir, "new.txt", "user\n") },
			[]File{put("new.txt", "ai\n")}, []string{"new.txt"}},
		{"delete of a user-modified file", func(t *testing.T, dir string) { writeFile(t, dir, "a.txt", "user\n") },
			[]File{del("a.txt")}, []string{"a.txt"}},
		{"executable bit changed", func(t *testing.T, dir string) { os.Chmod(filepath.Join(dir, "a.txt"), 0o755) },
			[]File{put("a.txt", "ai\n")}, []string{"a.txt"}},
		{"intent to add", func(t *testing.T, dir string) {
			writeFile(t, dir, "n.txt", "user\n")
			git(t, dir, "add", "-N", "n.txt")
		}, []File{put("n.txt", "ai\n")}, []string{"n.txt"}},
		{"several", func(t *testing.T, dir string) {
			writeFile(t, dir, "a.txt", "user\n")
			writeFile(t, dir, "b.txt", "user\n")
		}, []File{put("b.txt", "ai\n"), put("a.txt", "ai\n")}, []string{"a.txt", "b.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newRepo(t, map[string]string{"a.txt": "a\n", "b.txt": "b\n"})
			tt.setup(t, dir)
			head, st := git(t, dir, "rev-parse", "HEAD"), status(t, dir)
			index := git(t, dir, "ls-files", "-s")
			r := openRepo(t, dir)
			_, err := r.Commit(context.Background(), Request{Files: tt.files, Message: "fix: x", Trailers: Trailers{Agent: "coder"}})
			var pe *PathsError
			if !errors.Is(err, ErrUserChanges) || !errors.As(err, &pe) || !slices.Equal(pe.Paths, tt.want) {
				t.Fatalf("Commit = %v, want ErrUserChanges naming %v", err, tt.want)
			}
			if got := git(t, dir, "rev-parse", "HEAD"); got != head {
				t.Errorf("HEAD moved")
			}
			if got := status(t, dir); !slices.Equal(got, st) {
				t.Errorf("status changed: %v, was %v", got, st)
			}
			if got := git(t, dir, "ls-files", "-s"); got != index {
				t.Errorf("index changed")
			}
			dirty, err := r.Dirty([]string{"a.txt", "b.txt", "n.txt", "new.txt", "zzz.txt"})
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(tt.want)
			if tt.name == "untracked file where the AI creates one" {
				want = []string{"new.txt"}
			}
			if !slices.Equal(dirty, want) {
				t.Errorf("Dirty = %v, want %v", dirty, want)
			}
		})
	}
}

func TestDirty(t *testing.T) {
	dir := newRepo(t, map[string]string{"clean.txt": "c\n", "mod.txt": "m\n", "staged.txt": "s\n", "gone.txt": "g\n", "rm.txt": "r\n", "x.sh": "x\n"})
	writeFile(t, dir, "mod.txt", "changed\n")
	writeFile(t, dir, "staged.txt", "changed\n")
	git(t, dir, "add", "staged.txt")
	os.Remove(filepath.Join(dir, "gone.txt"))
	git(t, dir, "rm", "-q", "--cached", "rm.txt")
	writeFile(t, dir, "untracked.txt", "u\n")
	os.Chmod(filepath.Join(dir, "x.sh"), 0o755)
	os.WriteFile(filepath.Join(dir, "clean.txt"), []byte("c\n"), 0o644) // same content, new mtime
	r := openRepo(t, dir)
	got, err := r.Dirty([]string{"clean.txt", "mod.txt", "staged.txt", "gone.txt", "rm.txt", "untracked.txt", "absent.txt", "x.sh"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"mod.txt", "staged.txt", "gone.txt", "rm.txt", "untracked.txt", "x.sh"}; !slices.Equal(got, want) {
		t.Errorf("Dirty = %v, want %v", got, want)
	}
	git(t, dir, "config", "core.fileMode", "false")
	if got, _ := r.Dirty([]string{"x.sh"}); got != nil {
		t.Errorf("with core.fileMode false, Dirty(x.sh) = %v", got)
	}
	if _, err := r.Dirty([]string{"../x"}); !errors.Is(err, ErrUnsupportedPath) {
		t.Errorf("Dirty(../x) = %v", err)
	}
}

func TestCommitInSubdirWorkspace(t *testing.T) {
	dir := newRepo(t, map[string]string{"ws/a.go": "a\n", "other/b.go": "b\n"})
	r := openRepo(t, filepath.Join(dir, "ws"))
	res := commit(t, r, "feat: sub", put("a.go", "a2\n"), put("pkg/c.go", "c\n"))
	if want := []string{"a.go", "pkg/c.go"}; !slices.Equal(res.Files, want) {
		t.Errorf("Files %v", res.Files)
	}
	if got := git(t, dir, "show", "--name-only", "--format=", "HEAD"); got != "ws/a.go\nws/pkg/c.go" {
		t.Errorf("committed %q", got)
	}
	// Deleting the workspace's last file keeps the workspace folder.
	dir2 := newRepo(t, map[string]string{"ws/only.go": "o\n", "top.go": "t\n"})
	r2 := openRepo(t, filepath.Join(dir2, "ws"))
	commit(t, r2, "chore: rm", del("only.go"))
	if _, err := os.Stat(filepath.Join(dir2, "ws")); err != nil {
		t.Errorf("the workspace folder went: %v", err)
	}
	u, err := r2.Undo(context.Background())
	if err != nil || !slices.Equal(u.Files, []string{"only.go"}) {
		t.Fatalf("Undo = %+v, %v", u, err)
	}
	fsck(t, dir)
	fsck(t, dir2)
}

func TestCommitUnbornBranch(t *testing.T) {
	dir := newRepo(t, nil)
	writeFile(t, dir, "user.txt", "staged by the user\n")
	git(t, dir, "add", "user.txt")
	r := openRepo(t, dir)
	res := commit(t, r, "feat: first", put("main.go", "package main\n"), put("cmd/x/x.go", "package x\n"))
	if res.Parent != "" || res.Branch != "refs/heads/main" {
		t.Errorf("Result %+v", res)
	}
	if got := git(t, dir, "log", "--format=%s"); got != "feat: first" {
		t.Errorf("log %q", got)
	}
	if got := git(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); got != "cmd/x/x.go\nmain.go" {
		t.Errorf("tree %q", got)
	}
	if got := status(t, dir); !slices.Equal(got, []string{"A  user.txt"}) {
		t.Errorf("status %v", got)
	}
	statClean(t, dir, "main.go", "cmd/x/x.go", "user.txt")
	fsck(t, dir)

	// Undo of the root commit leaves the branch unborn again.
	u, err := r.Undo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.Head != "" || u.Reverted != res.Commit {
		t.Errorf("UndoResult %+v", u)
	}
	if _, err := gitErr(dir, "rev-parse", "--verify", "-q", "HEAD"); err == nil {
		t.Errorf("HEAD still resolves")
	}
	if got := status(t, dir); !slices.Equal(got, []string{"A  user.txt"}) {
		t.Errorf("status after undo %v", got)
	}
	if readFile(t, dir, "main.go") != "<absent>" || readFile(t, dir, "cmd/x/x.go") != "<absent>" {
		t.Errorf("created files remain")
	}
	fsck(t, dir)
}

func TestCommitDetachedHead(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	main := git(t, dir, "rev-parse", "main")
	git(t, dir, "checkout", "-q", "--detach")
	r := openRepo(t, dir)
	res := commit(t, r, "fix: detached", put("a.txt", "b\n"))
	if res.Branch != "" || res.Parent != main {
		t.Errorf("Result %+v", res)
	}
	if git(t, dir, "rev-parse", "HEAD") != res.Commit || git(t, dir, "rev-parse", "main") != main {
		t.Errorf("HEAD or main wrong")
	}
	if got, _ := gitErr(dir, "symbolic-ref", "-q", "HEAD"); got != "" {
		t.Errorf("HEAD became symbolic: %q", got)
	}
	if _, err := r.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if git(t, dir, "rev-parse", "HEAD") != main || readFile(t, dir, "a.txt") != "a\n" {
		t.Errorf("undo on a detached HEAD")
	}
	fsck(t, dir)
}

func TestCommitLinkedWorktree(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	wt := filepath.Join(t.TempDir(), "wt")
	git(t, dir, "worktree", "add", "-q", "-b", "feature", wt)
	r := openRepo(t, wt)
	res := commit(t, r, "feat: in a worktree", put("a.txt", "wt\n"))
	if res.Branch != "refs/heads/feature" || git(t, dir, "rev-parse", "feature") != res.Commit {
		t.Errorf("branch feature not moved: %+v", res)
	}
	if got := status(t, wt); got != nil {
		t.Errorf("worktree status %v", got)
	}
	if got := status(t, dir); got != nil {
		t.Errorf("main worktree status %v", got)
	}
	fsck(t, dir)
}

func TestCommitIdentity(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	git(t, dir, "config", "user.name", "Local User")
	git(t, dir, "config", "user.email", "local@example.com")
	r := openRepo(t, dir)
	commit(t, r, "fix: one", put("a.txt", "1\n"))
	if got := git(t, dir, "log", "-1", "--format=%an <%ae>|%cn <%ce>"); got != "Local User <local@example.com>|Local User <local@example.com>" {
		t.Errorf("identity %q", got)
	}
	git(t, dir, "config", "committer.name", "Committer Only")
	commit(t, r, "fix: two", put("a.txt", "2\n"))
	if got := git(t, dir, "log", "-1", "--format=%an|%cn"); got != "Local User|Committer Only" {
		t.Errorf("identity %q", got)
	}

	// XDG config only.
	home := t.TempDir()
	t.Setenv("HOME", home)
	xdg := filepath.Join(home, "xdg")
	t.Setenv("XDG_CONFIG_HOME", xdg)
	os.MkdirAll(filepath.Join(xdg, "git"), 0o755)
	os.WriteFile(filepath.Join(xdg, "git", "config"), []byte("[user]\n\tname = Xdg User\n\temail = xdg@example.com\n"), 0o644)
	dir2 := t.TempDir()
	git(t, dir2, "init", "-q")
	r2 := openRepo(t, dir2)
	commit(t, r2, "feat: xdg", put("a.txt", "a\n"))
	if got := git(t, dir2, "log", "-1", "--format=%an <%ae>"); got != "Xdg User <xdg@example.com>" {
		t.Errorf("XDG identity %q", got)
	}

	// No identity anywhere.
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", t.TempDir())
	dir3 := t.TempDir()
	git(t, dir3, "init", "-q")
	r3 := openRepo(t, dir3)
	_, err := r3.Commit(context.Background(), Request{Files: []File{put("a.txt", "a\n")}, Message: "feat: x", Trailers: Trailers{Agent: "coder"}})
	if !errors.Is(err, ErrNoIdentity) {
		t.Errorf("Commit without identity = %v", err)
	}
	if readFile(t, dir3, "a.txt") != "<absent>" {
		t.Errorf("a file was written")
	}
}

func TestCommitRefusals(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n", "dir/f.txt": "f\n"})
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "link")
	git(t, dir, "commit", "-q", "-m", "link")
	r := openRepo(t, dir)
	ctx := context.Background()
	try := func(files ...File) error {
		_, err := r.Commit(ctx, Request{Files: files, Message: "fix: x", Trailers: Trailers{Agent: "coder"}})
		return err
	}
	for name, files := range map[string][]File{
		"symlink":        {put("link", "x")},
		"dotgit":         {put(".git/config", "x")},
		"dotdot":         {put("../x", "x")},
		"absolute":       {put("/etc/x", "x")},
		"unclean":        {put("dir//f.txt", "x")},
		"twice":          {put("a.txt", "x"), put("a.txt", "y")},
		"directory":      {put("dir", "x")},
		"under a file":   {put("a.txt/x", "x")},
		"dir and parent": {put("a.txt", "x"), put("a.txt/b", "x")},
	} {
		if err := try(files...); !errors.Is(err, ErrUnsupportedPath) {
			t.Errorf("%s: Commit = %v, want ErrUnsupportedPath", name, err)
		}
	}
	if err := try(put("a.txt", "a\n")); !errors.Is(err, ErrNoChanges) {
		t.Errorf("no-op commit = %v, want ErrNoChanges", err)
	}
	if err := try(del("nothing.txt")); !errors.Is(err, ErrNoChanges) {
		t.Errorf("deleting an absent file = %v, want ErrNoChanges", err)
	}
	if _, err := r.Commit(ctx, Request{Files: []File{put("a.txt", "x")}, Message: "fix: x"}); err == nil {
		t.Errorf("commit without an agent succeeded")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Commit(cctx, Request{Files: []File{put("a.txt", "x")}, Message: "fix: x", Trailers: Trailers{Agent: "a"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled commit = %v", err)
	}

	lock := filepath.Join(dir, ".git", "index.lock")
	os.WriteFile(lock, nil, 0o644)
	if err := try(put("a.txt", "x")); !errors.Is(err, ErrBusy) {
		t.Errorf("with index.lock: %v, want ErrBusy", err)
	}
	os.Remove(lock)
	os.WriteFile(filepath.Join(dir, ".git", "MERGE_HEAD"), []byte(git(t, dir, "rev-parse", "HEAD")+"\n"), 0o644)
	if err := try(put("a.txt", "x")); !errors.Is(err, ErrBusy) {
		t.Errorf("during a merge: %v, want ErrBusy", err)
	}
	os.Remove(filepath.Join(dir, ".git", "MERGE_HEAD"))
	if got := status(t, dir); got != nil {
		t.Errorf("refusals changed the tree: %v", got)
	}
	fsck(t, dir)
}

func TestCommitExecutableAndPackedRefs(t *testing.T) {
	dir := newRepo(t, map[string]string{"run.sh": "#!/bin/sh\n"})
	os.Chmod(filepath.Join(dir, "run.sh"), 0o755)
	git(t, dir, "add", "run.sh")
	git(t, dir, "commit", "-q", "-m", "exec")
	git(t, dir, "pack-refs", "--all")
	git(t, dir, "gc", "-q")
	r := openRepo(t, dir)
	commit(t, r, "fix: script", put("run.sh", "#!/bin/sh\necho hi\n"))
	if got := git(t, dir, "ls-tree", "HEAD", "run.sh"); !strings.HasPrefix(got, "100755 ") {
		t.Errorf("mode lost: %s", got)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "run.sh")); fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("worktree file lost its executable bit: %v", fi.Mode())
	}
	if got := status(t, dir); got != nil {
		t.Errorf("status %v", got)
	}
	// After a gc the objects are packed; commit and undo still work.
	commit(t, r, "fix: again", put("run.sh", "#!/bin/sh\necho again\n"))
	if _, err := r.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	fsck(t, dir)
}

// A racily clean entry (changed in the same second as the index was
// written, without a change of size) must not look clean once the index
// is rewritten later: Commit zeroes its size, as git does.
func TestCommitSmudgesRacyEntries(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n", "racy.txt": "1111\n"})
	racy := filepath.Join(dir, "racy.txt")
	for attempt := 0; ; attempt++ {
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
		start := time.Now().Unix()
		os.WriteFile(racy, []byte("1111\n"), 0o644)
		git(t, dir, "update-index", "--refresh")
		os.WriteFile(racy, []byte("2222\n"), 0o644)
		fi, _ := os.Stat(filepath.Join(dir, ".git", "index"))
		if time.Now().Unix() == start && fi.ModTime().Unix() == start {
			break
		}
		if attempt == 3 {
			t.Skip("could not write the file and the index within one second")
		}
	}
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
	r := openRepo(t, dir)
	commit(t, r, "fix: a", put("a.txt", "b\n"))
	if got := status(t, dir); !slices.Equal(got, []string{" M racy.txt"}) {
		t.Errorf("status %v, want racy.txt modified", got)
	}
}

// A failure after the worktree and the index were prepared puts the
// worktree back and leaves HEAD and the index alone.
func TestCommitRollback(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n", "gone.txt": "g\n"})
	writeFile(t, dir, "other.txt", "user\n")
	r := openRepo(t, dir)
	res := commit(t, r, "fix: first", put("a.txt", "first\n"))
	st, index := status(t, dir), git(t, dir, "ls-files", "-s")
	boom := errors.New("boom")
	r.failpoint = func(stage string) error { return boom }
	_, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "second\n"), put("n/new.txt", "n\n"), del("gone.txt")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}})
	if !errors.Is(err, boom) {
		t.Fatalf("Commit = %v", err)
	}
	check := func(what string) {
		t.Helper()
		if git(t, dir, "rev-parse", "HEAD") != res.Commit {
			t.Errorf("%s: HEAD moved", what)
		}
		if got := status(t, dir); !slices.Equal(got, st) {
			t.Errorf("%s: status %v, want %v", what, got, st)
		}
		if git(t, dir, "ls-files", "-s") != index {
			t.Errorf("%s: index changed", what)
		}
		for p, want := range map[string]string{"a.txt": "first\n", "n/new.txt": "<absent>", "gone.txt": "g\n"} {
			if got := readFile(t, dir, p); got != want {
				t.Errorf("%s: %s = %q, want %q", what, p, got, want)
			}
		}
		for _, lock := range []string{"index.lock", "refs/heads/main.lock"} {
			if _, err := os.Stat(filepath.Join(dir, ".git", lock)); err == nil {
				t.Errorf("%s: %s left behind", what, lock)
			}
		}
	}
	check("commit")
	if _, err := r.Undo(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("Undo = %v", err)
	}
	check("undo")
	r.failpoint = nil
	os.WriteFile(filepath.Join(dir, ".git", "refs", "heads", "main.lock"), nil, 0o644)
	if _, err := r.Undo(context.Background()); !errors.Is(err, ErrBusy) {
		t.Errorf("Undo with main.lock = %v, want ErrBusy", err)
	}
	os.Remove(filepath.Join(dir, ".git", "refs", "heads", "main.lock"))
	check("locked ref")
	fsck(t, dir)
}

// Trees are written in git's order (a directory sorts as if its name
// ended in "/") and hash as git's own: git write-tree on the same index
// gives the commit's tree.
func TestCommitTreeMatchesGit(t *testing.T) {
	dir := newRepo(t, map[string]string{"x/a/1.txt": "1\n", "x/b.txt": "b\n"})
	r := openRepo(t, dir)
	commit(t, r, "feat: order", put("x/a-b", "ab\n"), put("x/a.txt", "a\n"), put("x/a0", "0\n"), put("x/a/2.txt", "2\n"), put("x/c/d/e.txt", "e\n"))
	if got, want := git(t, dir, "write-tree"), git(t, dir, "rev-parse", "HEAD^{tree}"); got != want {
		t.Errorf("git write-tree %s, HEAD's tree %s", got, want)
	}
	commit(t, r, "refactor: remove", del("x/a/1.txt"), del("x/a/2.txt"), del("x/c/d/e.txt"))
	if got, want := git(t, dir, "write-tree"), git(t, dir, "rev-parse", "HEAD^{tree}"); got != want {
		t.Errorf("after removals: git write-tree %s, HEAD's tree %s", got, want)
	}
	if got := git(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); got != "x/a-b\nx/a.txt\nx/a0\nx/b.txt" {
		t.Errorf("tree %q", got)
	}
	fsck(t, dir)
}

// Commits from several goroutines run one at a time, each on the last.
func TestConcurrentCommits(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	r := openRepo(t, dir)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Go(func() {
			_, err := r.Commit(context.Background(), Request{Files: []File{put(fmt.Sprintf("f%d.txt", i), "x\n")}, Message: "feat: concurrent", Trailers: Trailers{Agent: "a"}})
			errs <- err
			if i%2 == 0 {
				_, err := r.Dirty([]string{"a.txt"})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := git(t, dir, "rev-list", "--count", "HEAD"); got != "9" {
		t.Errorf("%s commits, want 9", got)
	}
	if got := status(t, dir); got != nil {
		t.Errorf("status %v", got)
	}
	fsck(t, dir)
}
