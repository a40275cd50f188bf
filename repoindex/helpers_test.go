package repoindex

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// gitEnv isolates the git CLI from the machine's configuration and fixes
// the identities.
func gitEnv(home string) []string {
	return append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
		"GIT_TERMINAL_PROMPT=0",
	)
}

// gitAt runs git in dir with extra environment (dates), failing the test on error.
func gitAt(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always",
		"-c", "core.autocrlf=false", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(gitEnv(os.TempDir()), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func gitRun(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return gitAt(t, dir, nil, args...)
}

// commitAt commits everything staged with the given author/committer date.
func commitAt(t testing.TB, dir string, when time.Time, msg string) {
	t.Helper()
	d := when.Format(time.RFC3339)
	gitAt(t, dir, []string{"GIT_AUTHOR_DATE=" + d, "GIT_COMMITTER_DATE=" + d}, "commit", "-q", "-m", msg)
}

func writeFile(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// backdate moves every file's mtime an hour back, so that nothing is
// racily clean and stat-based reuse can be observed.
func backdate(t testing.TB, root string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" && d.IsDir() {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			return os.Chtimes(p, old, old)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type openOpt func(*Options)

func withOverlay(o *Overlay) openOpt { return func(op *Options) { op.Overlay = o } }

// openIndex opens an index of root with its own store in a temp dir.
func openIndex(t testing.TB, root string, opts ...openOpt) *Index {
	t.Helper()
	return openIndexAt(t, root, filepath.Join(t.TempDir(), "store.db"), opts...)
}

func openIndexAt(t testing.TB, root, store string, opts ...openOpt) *Index {
	t.Helper()
	o := Options{Root: root, StorePath: store, ExcludesFile: "-"}
	for _, f := range opts {
		f(&o)
	}
	ix, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func refresh(t testing.TB, ix *Index) *Changes {
	t.Helper()
	ch, err := ix.Refresh(context.Background())
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	return ch
}

func updateFiles(t testing.TB, ix *Index, paths ...string) *Changes {
	t.Helper()
	ch, err := ix.UpdateFiles(context.Background(), paths)
	if err != nil {
		t.Fatalf("UpdateFiles(%v): %v", paths, err)
	}
	return ch
}

func updateBuffer(t testing.TB, ix *Index, path string) *Changes {
	t.Helper()
	ch, err := ix.UpdateBuffer(context.Background(), path)
	if err != nil {
		t.Fatalf("UpdateBuffer(%s): %v", path, err)
	}
	return ch
}

func fileMap(ix *Index) map[string]FileInfo {
	m := map[string]FileInfo{}
	for _, f := range ix.Files() {
		m[f.Path] = f
	}
	return m
}

func paths(ix *Index) []string {
	var out []string
	for _, f := range ix.Files() {
		out = append(out, f.Path)
	}
	return out
}

// sameIndex compares two indexes: the listings, and each file's syntax.
func sameIndex(t testing.TB, got, want *Index) {
	t.Helper()
	g, w := got.Files(), want.Files()
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("listings differ:\n%s", diffListings(g, w))
	}
	for _, f := range w {
		gs, gerr := got.Syntax(f.Path)
		ws, werr := want.Syntax(f.Path)
		if (gerr == nil) != (werr == nil) || (gerr != nil && errors.Is(werr, ErrNotParsed) != errors.Is(gerr, ErrNotParsed)) {
			t.Fatalf("%s: syntax errors differ: incremental %v, fresh %v", f.Path, gerr, werr)
		}
		if !reflect.DeepEqual(gs, ws) {
			t.Fatalf("%s: syntax differs", f.Path)
		}
	}
}

func diffListings(got, want []FileInfo) string {
	var b strings.Builder
	gm, wm := map[string]FileInfo{}, map[string]FileInfo{}
	for _, f := range got {
		gm[f.Path] = f
	}
	for _, f := range want {
		wm[f.Path] = f
	}
	var keys []string
	for k := range gm {
		keys = append(keys, k)
	}
	for k := range wm {
		if _, ok := gm[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		g, gok := gm[k]
		w, wok := wm[k]
		if gok != wok || g != w {
			fmt.Fprintf(&b, "  %s:\n    incremental %v %+v\n    fresh       %v %+v\n", k, gok, g, wok, w)
		}
	}
	return b.String()
}

// logBuffer is a slog handler target safe for concurrent writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newRepo makes an empty git repository in a temp dir.
func newRepo(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	return dir
}
