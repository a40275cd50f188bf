package repoindex

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"syscall"
	"testing"
	"time"
)

const goSrc = "package a\n\n// F does f.\nfunc F() int { return G() }\n\nfunc G() int { return 1 }\n"

// scenarioRepo builds a repository with every kind of entry the listing
// must handle and returns its root and the overlay the test uses.
func scenarioRepo(t *testing.T) (string, *Overlay) {
	t.Helper()
	root := newRepo(t)
	other := newRepo(t)
	writeFile(t, other, "lib.go", "package lib\n")
	gitRun(t, other, "add", ".")
	commitAt(t, other, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "lib")

	writeFile(t, root, "a.go", goSrc)
	writeFile(t, root, "b.go", "package a\n\nfunc B() {}\n")
	writeFile(t, root, "old.go", "package a\n\nfunc Old() {}\n")
	writeFile(t, root, "moved.go", "package a\n\nfunc Moved() {}\n")
	writeFile(t, root, ".gitignore", "*.log\nbuild/\n!keep.log\n")
	writeFile(t, root, "sub/.gitignore", "gen_*.go\n")
	writeFile(t, root, "sub/main.go", "package sub\n")
	writeFile(t, root, "bin.dat", "\x00\x01\x02binary\x00")
	writeFile(t, root, "forced.log", "tracked although ignored\n")
	gitRun(t, root, "add", ".")
	gitRun(t, root, "add", "-f", "forced.log")
	gitRun(t, root, "submodule", "add", "-q", other, "sm")
	commitAt(t, root, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "first")

	// A second branch with a file main does not have.
	gitRun(t, root, "checkout", "-q", "-b", "feature")
	writeFile(t, root, "feat.go", "package a\n\nfunc Feat() {}\n")
	gitRun(t, root, "add", "feat.go")
	commitAt(t, root, time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC), "feature")
	gitRun(t, root, "checkout", "-q", "main")

	// Worktree changes.
	writeFile(t, root, "b.go", "package a\n\nfunc B() { B() }\n") // modified
	gitRun(t, root, "mv", "old.go", "new.go")                     // staged rename
	if err := os.Rename(filepath.Join(root, "moved.go"), filepath.Join(root, "moved2.go")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "c.txt", "notes\n")                // untracked
	writeFile(t, root, "x.log", "ignored\n")              // ignored
	writeFile(t, root, "keep.log", "re-included\n")       // negation
	writeFile(t, root, "build/out.go", "package build\n") // ignored directory
	writeFile(t, root, "sub/gen_a.go", "package sub\n")   // nested .gitignore
	writeFile(t, root, "sub/deep/gen_b.go", "package deep\n")
	writeFile(t, root, "sub/deep/ok.go", "package deep\n")
	writeFile(t, root, "secret.txt", "excluded\n") // .git/info/exclude
	writeFile(t, root, ".git/info/exclude", "secret.txt\n")
	writeFile(t, root, "scratch.tmp", "global excludes\n")
	writeFile(t, root, "nested/.git/HEAD", "ref: refs/heads/main\n") // a nested repository
	writeFile(t, root, "nested/x.go", "package x\n")
	if err := os.Symlink("a.go", filepath.Join(root, "link.go")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "outside")); err != nil {
		t.Fatal(err)
	}

	ov := NewOverlay()
	must(t, ov.Set(filepath.Join(root, "only_buffer.go"), 1, []byte("package a\n\nfunc Buf() {}\n")))
	must(t, ov.Set(filepath.Join(root, "a.go"), 2, []byte(goSrc)))                   // same as disk
	must(t, ov.Set(filepath.Join(root, "c.txt"), 3, []byte("notes, edited\n")))      // differs from disk
	must(t, ov.Set(filepath.Join(root, "y.log"), 4, []byte("ignored buffer\n")))     // ignored
	must(t, ov.Set(filepath.Join(root, "sm", "lib.go"), 5, []byte("package lib\n"))) // inside a submodule
	return root, ov
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestListingStates(t *testing.T) {
	root, ov := scenarioRepo(t)
	excludes := filepath.Join(t.TempDir(), "global-ignore")
	writeFile(t, filepath.Dir(excludes), filepath.Base(excludes), "*.tmp\n")
	ix := openIndex(t, root, withOverlay(ov), func(o *Options) { o.ExcludesFile = excludes })
	// Before any refresh only git's own data is known: the submodule.
	if got := paths(ix); !slices.Equal(got, []string{"sm"}) {
		t.Errorf("listing before the first refresh: %v", got)
	}
	ch := refresh(t, ix)

	want := map[string]struct {
		state            State
		parsed, sub, sym bool
	}{
		".gitignore":     {StateTracked, true, false, false},
		".gitmodules":    {StateTracked, true, false, false},
		"a.go":           {StateTracked, true, false, false},
		"b.go":           {StateModified, true, false, false},
		"bin.dat":        {StateTracked, false, false, false},
		"c.txt":          {StateBuffer, true, false, false},
		"forced.log":     {StateTracked, true, false, false},
		"keep.log":       {StateUntracked, true, false, false},
		"link.go":        {StateUntracked, false, false, true},
		"moved2.go":      {StateUntracked, true, false, false},
		"new.go":         {StateModified, true, false, false},
		"only_buffer.go": {StateBuffer, true, false, false},
		"outside":        {StateUntracked, false, false, true},
		"sm":             {StateTracked, false, true, false},
		"sub/.gitignore": {StateTracked, true, false, false},
		"sub/deep/ok.go": {StateUntracked, true, false, false},
		"sub/main.go":    {StateTracked, true, false, false},
	}
	got := fileMap(ix)
	if !slices.Equal(paths(ix), sortedKeys(want)) {
		t.Fatalf("listing:\n got %v\nwant %v", paths(ix), sortedKeys(want))
	}
	for p, w := range want {
		f := got[p]
		if f.State != w.state || f.Parsed != w.parsed || f.Submodule != w.sub || f.Symlink != w.sym {
			t.Errorf("%s: got %+v, want state %v parsed %v submodule %v symlink %v", p, f, w.state, w.parsed, w.sub, w.sym)
		}
	}
	if len(ch.Added) != len(want)-1 || ch.Parsed == 0 {
		t.Errorf("first refresh: %d added, %d parsed", len(ch.Added), ch.Parsed)
	}
	// The submodule's blob is its commit; the symlink's is its target's text.
	if sm := got["sm"]; sm.Blob != gitRun(t, root, "rev-parse", "HEAD:sm") {
		t.Errorf("submodule blob %s", sm.Blob)
	}
	if l := got["link.go"]; l.Blob != hashBlob([]byte("a.go")).String() {
		t.Errorf("symlink blob %s", l.Blob)
	}
	// Blob ids agree with git's.
	for _, p := range []string{"a.go", "bin.dat", "sub/main.go"} {
		if got[p].Blob != gitRun(t, root, "hash-object", p) {
			t.Errorf("%s: blob %s, git says %s", p, got[p].Blob, gitRun(t, root, "hash-object", p))
		}
	}
	// The binary file is listed but has no syntax.
	if _, err := ix.Syntax("bin.dat"); !errors.Is(err, ErrNotParsed) {
		t.Errorf("Syntax(bin.dat) = %v, want ErrNotParsed", err)
	}
	if _, err := ix.Syntax("sm"); !errors.Is(err, ErrNotParsed) {
		t.Errorf("Syntax(sm) = %v, want ErrNotParsed", err)
	}
	for _, p := range []string{"x.log", "build/out.go", "sub/gen_a.go", "secret.txt", "nested/x.go", "y.log", "sm/lib.go", "scratch.tmp"} {
		if _, ok := ix.File(p); ok {
			t.Errorf("%s is ignored but listed", p)
		}
		if _, err := ix.Syntax(p); !errors.Is(err, ErrNotFound) {
			t.Errorf("Syntax(%s) = %v, want ErrNotFound", p, err)
		}
	}
	// Content: the buffer wins.
	if c, err := ix.Content(filepath.Join(root, "c.txt")); err != nil || string(c) != "notes, edited\n" {
		t.Errorf("Content(c.txt) = %q, %v", c, err)
	}
	if c, err := ix.Content("link.go"); err != nil || string(c) != "a.go" {
		t.Errorf("Content(link.go) = %q, %v", c, err)
	}
	st := ix.Stats()
	if st.Files != len(want) || st.Submodules != 1 || st.ByState[StateBuffer] != 2 || st.StoredBlobs == 0 || st.StoreBytes == 0 {
		t.Errorf("stats %+v", st)
	}

	// Switching to the second branch lists its file, and back.
	gitRun(t, root, "stash", "-q")
	gitRun(t, root, "checkout", "-q", "feature")
	refresh(t, ix)
	if f, ok := ix.File("feat.go"); !ok || f.State != StateTracked {
		t.Errorf("on feature: feat.go %+v %v", f, ok)
	}
	gitRun(t, root, "checkout", "-q", "main")
	refresh(t, ix)
	if _, ok := ix.File("feat.go"); ok {
		t.Errorf("back on main: feat.go still listed")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestNonGitFolder(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "main.go", goSrc)
	writeFile(t, root, ".gitignore", "out/\n*.bak\n")
	writeFile(t, root, "out/x.go", "package out\n")
	writeFile(t, root, "a.bak", "x")
	writeFile(t, root, "docs/readme.md", "# hi\n")
	ix := openIndex(t, root)
	refresh(t, ix)
	want := []string{".gitignore", "docs/readme.md", "main.go"}
	if got := paths(ix); !slices.Equal(got, want) {
		t.Fatalf("listing %v, want %v", got, want)
	}
	for _, f := range ix.Files() {
		if f.State != StateUntracked {
			t.Errorf("%s: state %v", f.Path, f.State)
		}
	}
	if err := ix.History(t.Context(), HistoryOptions{}); !errors.Is(err, ErrNotGit) {
		t.Errorf("History outside git = %v, want ErrNotGit", err)
	}
}

func TestRootInsideRepository(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, repo, ".gitignore", "*.gen.go\n")
	writeFile(t, repo, "top.go", "package top\n")
	writeFile(t, repo, "svc/api/a.go", goSrc)
	writeFile(t, repo, "svc/api/.gitignore", "tmp/\n")
	writeFile(t, repo, "svc/other.go", "package svc\n")
	gitRun(t, repo, "add", ".")
	commitAt(t, repo, time.Now(), "init")
	writeFile(t, repo, "svc/api/x.gen.go", "package api\n") // ignored by the top .gitignore
	writeFile(t, repo, "svc/api/tmp/t.go", "package tmp\n")
	writeFile(t, repo, "svc/api/new.go", "package api\n")

	ix := openIndex(t, filepath.Join(repo, "svc", "api"))
	refresh(t, ix)
	got := fileMap(ix)
	want := map[string]State{".gitignore": StateTracked, "a.go": StateTracked, "new.go": StateUntracked}
	if !reflect.DeepEqual(sortedKeys(got), sortedKeys(want)) {
		t.Fatalf("listing %v", sortedKeys(got))
	}
	for p, s := range want {
		if got[p].State != s {
			t.Errorf("%s: %v, want %v", p, got[p].State, s)
		}
	}
}

func TestBadInput(t *testing.T) {
	root := newRepo(t)
	writeFile(t, root, "big.go", "package a\n// "+string(make([]byte, 0))+stringsRepeat("x", 5000)+"\n")
	writeFile(t, root, "small.go", goSrc)
	writeFile(t, root, "empty.go", "")
	writeFile(t, root, "latin1.txt", "caf\xe9 cr\xe8me\n")
	writeFile(t, root, "utf16.txt", "\xff\xfeh\x00i\x00")
	ix := openIndex(t, root, func(o *Options) { o.MaxFileBytes = 1024 })
	refresh(t, ix)
	big, ok := ix.File("big.go")
	if !ok || big.Parsed || big.Size <= 1024 || big.Blob != gitRun(t, root, "hash-object", "big.go") {
		t.Fatalf("big.go: %+v %v", big, ok)
	}
	if _, err := ix.Syntax("big.go"); !errors.Is(err, ErrNotParsed) {
		t.Errorf("Syntax(big.go) = %v", err)
	}
	if _, err := ix.Syntax("empty.go"); err != nil {
		t.Errorf("Syntax(empty.go) = %v", err)
	}
	if f, _ := ix.File("utf16.txt"); f.Parsed {
		t.Errorf("utf16.txt parsed: %+v", f)
	}
	if _, err := ix.Syntax("../etc/passwd"); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("outside root: %v", err)
	}
	if _, err := ix.UpdateFiles(t.Context(), []string{"/etc/passwd"}); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("UpdateFiles outside root: %v", err)
	}
	for _, o := range []Options{
		{},
		{Root: "relative", StorePath: "x"},
		{Root: root},
		{Root: filepath.Join(root, "small.go"), StorePath: filepath.Join(t.TempDir(), "s")},
		{Root: root, StorePath: filepath.Join(t.TempDir(), "s"), MaxFileBytes: -1},
		{Root: filepath.Join(root, "missing"), StorePath: filepath.Join(t.TempDir(), "s")},
	} {
		if _, err := Open(o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("Open(%+v) = %v, want ErrInvalidOptions", o, err)
		}
	}
	ix.Close()
	if _, err := ix.Refresh(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Refresh after Close = %v", err)
	}
	if _, err := ix.Syntax("small.go"); !errors.Is(err, ErrClosed) {
		t.Errorf("Syntax after Close = %v", err)
	}
}

func stringsRepeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

func TestEmptyRepositoryAndSpecialFiles(t *testing.T) {
	root := newRepo(t)
	writeFile(t, root, "staged.go", goSrc)
	writeFile(t, root, "loose.go", goSrc)
	gitRun(t, root, "add", "staged.go")
	must(t, syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644))
	ix := openIndex(t, root)
	refresh(t, ix)
	got := fileMap(ix)
	if len(got) != 2 || got["staged.go"].State != StateModified || got["loose.go"].State != StateUntracked {
		t.Errorf("unborn branch listing: %+v", got)
	}
	// A FIFO is never listed, and naming it does not block.
	if ch := updateFiles(t, ix, "pipe"); !ch.Empty() {
		t.Errorf("UpdateFiles(pipe): %+v", ch)
	}
	if err := ix.History(t.Context(), HistoryOptions{}); !errors.Is(err, ErrNotGit) {
		t.Errorf("History without commits = %v, want ErrNotGit", err)
	}
}
