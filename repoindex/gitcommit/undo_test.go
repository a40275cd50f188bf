package gitcommit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestUndo(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n", "b.txt": "b\n", "d/e.txt": "e\n", "d/keep.txt": "k\n", "x/y/z.txt": "z\n"})
	base := git(t, dir, "rev-parse", "HEAD")
	r := openRepo(t, dir)
	res := commit(t, r, "refactor: many", put("a.txt", "a2\n"), put("new/n.txt", "n\n"), del("d/e.txt"), del("x/y/z.txt"))
	// The user goes on working elsewhere.
	writeFile(t, dir, "b.txt", "user edit\n")
	writeFile(t, dir, "d/keep.txt", "staged\n")
	git(t, dir, "add", "d/keep.txt")
	writeFile(t, dir, "u.txt", "untracked\n")
	before := status(t, dir)

	u, err := r.Undo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.Reverted != res.Commit || u.Head != base || u.Branch != "refs/heads/main" {
		t.Errorf("UndoResult %+v", u)
	}
	if want := []string{"a.txt", "d/e.txt", "new/n.txt", "x/y/z.txt"}; !slices.Equal(u.Files, want) {
		t.Errorf("Files %v, want %v", u.Files, want)
	}
	if git(t, dir, "rev-parse", "HEAD") != base {
		t.Errorf("HEAD not moved back")
	}
	for p, want := range map[string]string{"a.txt": "a\n", "d/e.txt": "e\n", "new/n.txt": "<absent>", "x/y/z.txt": "z\n", "b.txt": "user edit\n", "d/keep.txt": "staged\n", "u.txt": "untracked\n"} {
		if got := readFile(t, dir, p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); !os.IsNotExist(err) {
		t.Errorf("new/ remains")
	}
	if got := status(t, dir); !slices.Equal(got, before) {
		t.Errorf("status %v, want %v", got, before)
	}
	statClean(t, dir, "a.txt", "d/e.txt", "x/y/z.txt", "d/keep.txt")
	if got := git(t, dir, "reflog", "-1", "--format=%gs"); got != "undo (aios): refactor: many" {
		t.Errorf("reflog %q", got)
	}
	fsck(t, dir)
	// The undone commit is still there for whoever wants it back.
	if got := git(t, dir, "cat-file", "-t", res.Commit); got != "commit" {
		t.Errorf("undone commit: %s", got)
	}
	// HEAD is now the user's commit: nothing more to undo.
	if _, err := r.Undo(context.Background()); !errors.Is(err, ErrNotAICommit) {
		t.Errorf("second Undo = %v, want ErrNotAICommit", err)
	}
}

func TestUndoStacked(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "0\n"})
	r := openRepo(t, dir)
	for _, c := range []string{"1\n", "2\n", "3\n"} {
		commit(t, r, "fix: "+c, put("a.txt", c))
	}
	for _, want := range []string{"2\n", "1\n", "0\n"} {
		if _, err := r.Undo(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, dir, "a.txt"); got != want {
			t.Errorf("a.txt = %q, want %q", got, want)
		}
	}
	if got := status(t, dir); got != nil {
		t.Errorf("status %v", got)
	}
	fsck(t, dir)
}

func TestUndoRefusals(t *testing.T) {
	ctx := context.Background()
	t.Run("empty repository", func(t *testing.T) {
		dir := newRepo(t, nil)
		if _, err := openRepo(t, dir).Undo(ctx); !errors.Is(err, ErrNotAICommit) {
			t.Errorf("Undo = %v", err)
		}
	})
	t.Run("user commit", func(t *testing.T) {
		dir := newRepo(t, map[string]string{"a.txt": "a\n"})
		r := openRepo(t, dir)
		commit(t, r, "fix: ai", put("a.txt", "b\n"))
		writeFile(t, dir, "a.txt", "c\n")
		git(t, dir, "commit", "-q", "-am", "user work\n\nReviewed-by: someone")
		head := git(t, dir, "rev-parse", "HEAD")
		if _, err := r.Undo(ctx); !errors.Is(err, ErrNotAICommit) {
			t.Errorf("Undo = %v", err)
		}
		if git(t, dir, "rev-parse", "HEAD") != head {
			t.Errorf("HEAD moved")
		}
	})
	t.Run("pushed", func(t *testing.T) {
		dir := newRepo(t, map[string]string{"a.txt": "a\n"})
		remote := t.TempDir()
		git(t, remote, "init", "-q", "--bare")
		git(t, dir, "remote", "add", "origin", remote)
		git(t, dir, "push", "-q", "origin", "main")
		r := openRepo(t, dir)
		res := commit(t, r, "fix: ai", put("a.txt", "b\n"))
		commit(t, r, "fix: ai 2", put("a.txt", "c\n"))
		git(t, dir, "push", "-q", "origin", "main")
		// A later unpushed AI commit can be undone, the pushed ones not.
		commit(t, r, "fix: ai 3", put("a.txt", "d\n"))
		if _, err := r.Undo(ctx); err != nil {
			t.Fatalf("Undo of the unpushed commit: %v", err)
		}
		_, err := r.Undo(ctx)
		if !errors.Is(err, ErrPushed) {
			t.Fatalf("Undo = %v, want ErrPushed", err)
		}
		// Reachable but not the tip of the remote: still pushed.
		git(t, dir, "reset", "-q", "--hard", res.Commit)
		git(t, dir, "pack-refs", "--all") // remote-tracking refs in packed-refs only
		if _, err := r.Undo(ctx); !errors.Is(err, ErrPushed) {
			t.Errorf("Undo of an ancestor of origin/main = %v, want ErrPushed", err)
		}
		if got := readFile(t, dir, "a.txt"); got != "b\n" {
			t.Errorf("a.txt = %q", got)
		}
	})
	for name, dirty := range map[string]func(t *testing.T, dir string){
		"worktree": func(t *testing.T, dir string) { writeFile(t, dir, "a.txt", "user\n") },
		"index": func(t *testing.T, dir string) {
			writeFile(t, dir, "a.txt", "user\n")
			git(t, dir, "add", "a.txt")
			writeFile(t, dir, "a.txt", "ai\n")
		},
		"recreated deleted file": func(t *testing.T, dir string) { writeFile(t, dir, "gone.txt", "user\n") },
		"removed created file":   func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "new.txt")) },
	} {
		t.Run("dirty "+name, func(t *testing.T) {
			dir := newRepo(t, map[string]string{"a.txt": "a\n", "gone.txt": "g\n"})
			r := openRepo(t, dir)
			res := commit(t, r, "fix: ai", put("a.txt", "ai\n"), put("new.txt", "n\n"), del("gone.txt"))
			dirty(t, dir)
			st := status(t, dir)
			_, err := r.Undo(ctx)
			var pe *PathsError
			if !errors.Is(err, ErrDirtyTree) || !errors.As(err, &pe) || len(pe.Paths) != 1 {
				t.Fatalf("Undo = %v, want ErrDirtyTree naming one file", err)
			}
			if git(t, dir, "rev-parse", "HEAD") != res.Commit || !slices.Equal(status(t, dir), st) {
				t.Errorf("a refused undo changed something")
			}
		})
	}
	t.Run("unrelated changes do not block", func(t *testing.T) {
		dir := newRepo(t, map[string]string{"a.txt": "a\n", "b.txt": "b\n"})
		r := openRepo(t, dir)
		commit(t, r, "fix: ai", put("a.txt", "ai\n"))
		writeFile(t, dir, "b.txt", "user\n")
		if _, err := r.Undo(ctx); err != nil {
			t.Fatal(err)
		}
		if got := status(t, dir); !slices.Equal(got, []string{" M b.txt"}) {
			t.Errorf("status %v", got)
		}
	})
}
