package gitcommit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gogit "github.com/go-git/go-git/v5"
)

// benchFiles is the size of the benchmark repository: about GOROOT's
// src and test trees.
const benchFiles = 15000

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchRepo builds, once per process, a repository of benchFiles files
// of about 1 KB in 150 directories two levels deep, with git fast-import,
// and checks it out (index and worktree).
func benchRepo(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		start := time.Now()
		benchDir, benchErr = os.MkdirTemp("", "gitcommit-bench-")
		if benchErr != nil {
			return
		}
		if _, benchErr = gitErr(benchDir, "init", "-q"); benchErr != nil {
			return
		}
		cmd := exec.Command("git", "-C", benchDir, "fast-import", "--quiet")
		stdin, _ := cmd.StdinPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if benchErr = cmd.Start(); benchErr != nil {
			return
		}
		w := bufio.NewWriterSize(stdin, 1<<20)
		line := strings.Repeat("// benchmark content line\n", 40)
		for i := 1; i <= benchFiles; i++ {
			content := fmt.Sprintf("package p%d\n%s", i, line)
			fmt.Fprintf(w, "blob\nmark :%d\ndata %d\n%s\n", i, len(content), content)
		}
		msg := "initial"
		fmt.Fprintf(w, "commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\ndata %d\n%s\n", len(msg), msg)
		for i := 1; i <= benchFiles; i++ {
			fmt.Fprintf(w, "M 100644 :%d %s\n", i, benchPath(i))
		}
		w.WriteString("\n")
		w.Flush()
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			benchErr = fmt.Errorf("fast-import: %v %s", err, stderr.String())
			return
		}
		if _, benchErr = gitErr(benchDir, "reset", "-q", "--hard", "main"); benchErr != nil {
			return
		}
		// A user change that must survive every benchmark commit.
		benchErr = os.WriteFile(filepath.Join(benchDir, benchPath(2)), []byte("user edit\n"), 0o644)
		fmt.Fprintf(os.Stderr, "benchmark repository: %d files, built in %v\n", benchFiles, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func benchPath(i int) string {
	return fmt.Sprintf("d%03d/s%d/f%05d.go", i%150, i%7, i)
}

func BenchmarkDirty(b *testing.B) {
	dir := benchRepo(b)
	r := openRepo(b, dir)
	paths := []string{benchPath(1), benchPath(2), benchPath(7777), "d000/new.go"}
	for b.Loop() {
		dirty, err := r.Dirty(paths)
		if err != nil || len(dirty) != 1 {
			b.Fatalf("Dirty = %v, %v", dirty, err)
		}
	}
}

func BenchmarkCommit(b *testing.B) {
	dir := benchRepo(b)
	r := openRepo(b, dir)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		n++
		_, err := r.Commit(ctx, Request{
			Files:    []File{put(benchPath(100), fmt.Sprintf("package p\n// edit %d\n", n)), put(benchPath(9000), fmt.Sprintf("package q\n// edit %d\n", n))},
			Message:  "perf: benchmark edit",
			Trailers: Trailers{Agent: "bench", Score: 0.9},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := git(b, dir, "status", "--porcelain"); got != " M "+benchPath(2) {
		b.Errorf("status after the benchmark: %q", got)
	}
}

func BenchmarkCommitUndo(b *testing.B) {
	dir := benchRepo(b)
	r := openRepo(b, dir)
	ctx := context.Background()
	for b.Loop() {
		_, err := r.Commit(ctx, Request{
			Files:    []File{put(benchPath(200), "package p\n// AI\n"), put("d001/new.go", "package d\n")},
			Message:  "feat: benchmark",
			Trailers: Trailers{Agent: "bench"},
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Undo(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineGoGitStatus is what Dirty avoids: go-git's status of
// the whole worktree.
func BenchmarkBaselineGoGitStatus(b *testing.B) {
	dir := benchRepo(b)
	repo, err := gogit.PlainOpen(dir)
	if err != nil {
		b.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := wt.Status(); err != nil {
			b.Fatal(err)
		}
	}
}
