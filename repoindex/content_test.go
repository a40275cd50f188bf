package repoindex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUnchangedBlobNeverReparsed(t *testing.T) {
	root := newRepo(t)
	writeFile(t, root, "a.go", goSrc)
	writeFile(t, root, "b.go", "package a\n\nfunc B() {}\n")
	writeFile(t, root, "copy.go", goSrc) // same blob as a.go
	writeFile(t, root, "notes.md", "# notes\n")
	gitRun(t, root, "add", ".")
	commitAt(t, root, time.Now(), "init")
	gitRun(t, root, "branch", "other")
	backdate(t, root)
	store := filepath.Join(t.TempDir(), "store.db")
	ov := NewOverlay()
	ix := openIndexAt(t, root, store, withOverlay(ov))

	steps := []struct {
		name           string
		do             func() *Changes
		parsed, reused int
	}{
		{"cold: one parse per distinct blob", func() *Changes { return refresh(t, ix) }, 3, 1},
		{"nothing changed", func() *Changes { return refresh(t, ix) }, 0, 0},
		{"rename", func() *Changes {
			must(t, os.Rename(filepath.Join(root, "a.go"), filepath.Join(root, "z.go")))
			return updateFiles(t, ix, "a.go", "z.go")
		}, 0, 1},
		{"branch round trip", func() *Changes {
			writeFile(t, root, "b.go", "package a\n\nfunc B2() {}\n")
			gitRun(t, root, "checkout", "-q", "-b", "tmp")
			gitRun(t, root, "commit", "-qam", "b2")
			ch := refresh(t, ix)
			gitRun(t, root, "checkout", "-q", "other")
			ch2 := refresh(t, ix)
			ch.Parsed += ch2.Parsed
			ch.Reused += ch2.Reused
			return ch
		}, 1, 2},
		{"buffer then save", func() *Changes {
			p := filepath.Join(root, "b.go")
			src := "package a\n\nfunc FromBuffer() {}\n"
			must(t, ov.Set(p, 1, []byte(src)))
			ch := updateBuffer(t, ix, p)
			writeFile(t, root, "b.go", src)
			ch2 := updateFiles(t, ix, p)
			ov.Delete(p)
			ch3 := updateBuffer(t, ix, p)
			ch.Parsed += ch2.Parsed + ch3.Parsed
			ch.Reused += ch2.Reused + ch3.Reused
			return ch
		}, 1, 1},
	}
	for _, s := range steps {
		ch := s.do()
		if ch.Parsed != s.parsed || ch.Reused != s.reused {
			t.Errorf("%s: parsed %d reused %d, want %d and %d (%+v)", s.name, ch.Parsed, ch.Reused, s.parsed, s.reused, ch)
		}
	}
	parses := ix.Stats().Parses
	before := fileMap(ix)
	must(t, ix.Close())

	// Reopen: nothing is parsed, and nothing not racily clean is even read.
	backdate(t, root)
	ix2 := openIndexAt(t, root, store, withOverlay(ov))
	// Readable at once, from the store, before any refresh.
	if got := fileMap(ix2); len(got) != len(before) || got["b.go"].Blob != before["b.go"].Blob || got["b.go"].State != before["b.go"].State {
		t.Errorf("before the first refresh after reopen: %+v", got)
	}
	if _, err := ix2.Syntax("b.go"); err != nil {
		t.Errorf("Syntax before the first refresh after reopen: %v", err)
	}
	ch := refresh(t, ix2)
	if ch.Parsed != 0 || len(ch.Modified)+len(ch.Removed) != 0 {
		t.Errorf("reopen: %+v", ch)
	}
	if parses == 0 || ix2.Stats().Parses != 0 {
		t.Errorf("parses: first session %d, after reopen %d", parses, ix2.Stats().Parses)
	}
	if got := fileMap(ix2); len(got) != len(before) {
		t.Errorf("after reopen %d files, before %d", len(got), len(before))
	}
	for p, f := range fileMap(ix2) {
		if before[p].Blob != f.Blob {
			t.Errorf("%s: blob %s, was %s", p, f.Blob, before[p].Blob)
		}
	}
	// Stat unchanged and backdated after the rewrite above: nothing read.
	ch = refresh(t, ix2)
	if h := ix2.Stats().LastRefresh.Hashed; h != 0 || ch.Parsed != 0 {
		t.Errorf("second refresh after reopen read %d files, parsed %d", h, ch.Parsed)
	}
}

// A fresh stat cache over blobs already stored (another checkout of the
// same repository) takes tracked files' ids from git's index: no file is
// read, none parsed.
func TestBlobIDsFromGitIndex(t *testing.T) {
	root := newRepo(t)
	for i := range 20 {
		writeFile(t, root, filepath.Join("pkg", string(rune('a'+i))+".go"), goSrc+"// "+string(rune('a'+i))+"\n")
	}
	gitRun(t, root, "add", ".")
	commitAt(t, root, time.Now(), "init")
	backdate(t, root)
	gitRun(t, root, "update-index", "--refresh")
	store := filepath.Join(t.TempDir(), "store.db")
	ix := openIndexAt(t, root, store)
	if ch := refresh(t, ix); ch.Parsed != 20 {
		t.Fatalf("cold: parsed %d", ch.Parsed)
	}
	must(t, ix.Close())

	clone := filepath.Join(t.TempDir(), "clone")
	gitRun(t, root, "clone", "-q", root, clone)
	backdate(t, clone)
	// Make git's index record the backdated stat data, as git status would.
	gitRun(t, clone, "update-index", "--really-refresh")
	ix2 := openIndexAt(t, clone, store)
	ch := refresh(t, ix2)
	if ch.Parsed != 0 || len(ch.Added) != 20 {
		t.Fatalf("clone: %+v", ch)
	}
	if h := ix2.Stats().LastRefresh.Hashed; h != 0 {
		t.Errorf("clone: %d files read; git's index should vouch for all", h)
	}
}

func TestPruneBlobs(t *testing.T) {
	root := smallRepo(t)
	ix := openIndex(t, root)
	refresh(t, ix)
	for i := range 3 {
		writeFile(t, root, "a.go", goSrc+strings.Repeat("\n", i+1))
		updateFiles(t, ix, "a.go")
	}
	before := ix.Stats().StoredBlobs
	n, err := ix.PruneBlobs(t.Context())
	must(t, err)
	if n != 3 || ix.Stats().StoredBlobs != before-3 {
		t.Errorf("pruned %d of %d; %d left", n, before, ix.Stats().StoredBlobs)
	}
	for _, f := range ix.Files() {
		if _, err := ix.Syntax(f.Path); err != nil {
			t.Errorf("%s after prune: %v", f.Path, err)
		}
	}
	if ch := refresh(t, ix); ch.Parsed != 0 {
		t.Errorf("refresh after prune parsed %d", ch.Parsed)
	}
}
