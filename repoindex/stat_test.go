package repoindex

import (
	"os"
	"path/filepath"
	"testing"
)

// The walker's fstatat and package os's lstat must agree exactly, or
// every refresh would re-hash.
func TestLstatAtMatchesOS(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "plain", "x")
	writeFile(t, dir, "setuid", "y")
	must(t, os.Chmod(filepath.Join(dir, "setuid"), 0o4755|os.ModeSetuid))
	must(t, os.Symlink("plain", filepath.Join(dir, "link")))
	must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o1755|os.ModeSticky))
	d, err := os.Open(dir)
	must(t, err)
	defer d.Close()
	for _, name := range []string{"plain", "setuid", "link", "sub"} {
		got, err := lstatAt(d, dir, name)
		must(t, err)
		fi, err := os.Lstat(filepath.Join(dir, name))
		must(t, err)
		if want := statOf(fi); got != want {
			t.Errorf("%s: lstatAt %+v, os %+v", name, got, want)
		}
	}
	if _, err := lstatAt(d, dir, "missing"); err == nil {
		t.Error("lstatAt of a missing file succeeded")
	}
}
