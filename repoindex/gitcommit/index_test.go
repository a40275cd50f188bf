package gitcommit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// The index codec reads what git writes, in every version, and what it
// writes git reads back the same, flags included.
func TestIndexCodec(t *testing.T) {
	for _, version := range []string{"2", "3", "4"} {
		t.Run("v"+version, func(t *testing.T) {
			dir := newRepo(t, map[string]string{"a.txt": "a\n", "assumed.txt": "b\n", "skipped.txt": "c\n", "deep/er/path/name.go": "d\n"})
			git(t, dir, "update-index", "--index-version", version)
			git(t, dir, "update-index", "--assume-unchanged", "assumed.txt")
			git(t, dir, "update-index", "--skip-worktree", "skipped.txt")
			writeFile(t, dir, "intent.txt", "i\n")
			git(t, dir, "add", "-N", "intent.txt")
			data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
			if err != nil {
				t.Fatal(err)
			}
			idx, err := parseIndex(data, true, nil)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]*idxEntry{}
			for _, e := range idx.entries {
				names[e.name] = e
			}
			if len(names) != 5 || names["assumed.txt"].flags&flagAssumeValid == 0 || !names["skipped.txt"].skipWorktree() || !names["intent.txt"].intentToAdd() {
				t.Fatalf("decoded %d entries, flags wrong: %+v", len(names), idx.entries)
			}
			some, err := parseIndex(data, false, map[string]bool{"skipped.txt": true, "intent.txt": true})
			if err != nil || len(some.entries) != 2 || !reflect.DeepEqual(some.entries[0], names["intent.txt"]) || !reflect.DeepEqual(some.entries[1], names["skipped.txt"]) {
				t.Errorf("partial parse: %v %+v", err, some)
			}
			again, err := parseIndex(idx.encode(), true, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again, idx) {
				t.Errorf("round trip differs")
			}
			lsBefore := git(t, dir, "ls-files", "-v", "-s")
			r := openRepo(t, dir)
			if _, err := r.Commit(context.Background(), Request{Files: []File{put("skipped.txt", "x")}, Message: "fix: x", Trailers: Trailers{Agent: "a"}}); !errors.Is(err, ErrUnsupportedPath) {
				t.Errorf("commit of a skip-worktree file = %v, want ErrUnsupportedPath", err)
			}
			commit(t, r, "fix: a", put("a.txt", "ai\n"))
			lsAfter := git(t, dir, "ls-files", "-v", "-s")
			aBlob := plumbing.ComputeHash(plumbing.BlobObject, []byte("ai\n")).String()
			want := strings.Replace(lsBefore, plumbing.ComputeHash(plumbing.BlobObject, []byte("a\n")).String(), aBlob, 1)
			if lsAfter != want {
				t.Errorf("git ls-files -v -s after the commit:\n%s\nwant\n%s", lsAfter, want)
			}
			data, _ = os.ReadFile(filepath.Join(dir, ".git", "index"))
			if v := string('0' + rune(data[7])); v != version && !(version == "2" && v == "3") { // intent-to-add needs version 3
				t.Errorf("index version %s, was %s", v, version)
			}
			fsck(t, dir)
		})
	}
	// Names of 4095 bytes and more, which the flags cannot hold.
	long := strings.Repeat("x", 5000)
	for _, v := range []uint32{2, 4} {
		idx := &gitIndex{version: v, entries: []*idxEntry{
			{name: "a", mode: 0o100644, hash: plumbing.NewHash("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")},
			{name: "b/" + long, mode: 0o100644, size: 3, flags: 0x1000},
			{name: "b/" + long + "y", mode: 0o100755, xflags: xflagSkip},
		}}
		got, err := parseIndex(idx.encode(), true, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v == 2 {
			idx.version = 3 // an extended flag needs version 3
		}
		if !reflect.DeepEqual(got, idx) {
			t.Errorf("v%d long names: round trip differs", v)
		}
	}
	if _, err := parseIndex(append([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00link\x00\x00\x00\x00"), make([]byte, 20)...), false, nil); err == nil {
		t.Errorf("a split index was accepted")
	}
}
