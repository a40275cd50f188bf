package repoindex

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestOverlayWinsOverDisk(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.go")
	if err := os.WriteFile(p, []byte("disk"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := NewOverlay()
	data, v, err := o.ReadFile(p)
	if err != nil || string(data) != "disk" || v != DiskVersion {
		t.Fatalf("disk read: %q %d %v", data, v, err)
	}
	if err := o.Set(p, 3, []byte("buffer")); err != nil {
		t.Fatal(err)
	}
	data, v, err = o.ReadFile(p)
	if err != nil || string(data) != "buffer" || v != 3 {
		t.Fatalf("overlay read: %q %d %v", data, v, err)
	}
	if snap := o.Snapshot(); string(snap[p]) != "buffer" || len(snap) != 1 {
		t.Fatalf("snapshot %v", snap)
	}
	if got := o.Paths(); !slices.Equal(got, []string{p}) {
		t.Fatalf("paths %v", got)
	}
	g := o.Generation()
	o.Delete(p)
	if o.Generation() == g {
		t.Fatal("generation not bumped")
	}
	if data, _, _ := o.ReadFile(p); string(data) != "disk" {
		t.Fatalf("after delete: %q", data)
	}
	// A buffer for a file that does not exist on disk yet.
	q := filepath.Join(dir, "new.go")
	_ = o.Set(q, 1, []byte("new"))
	if data, _, err := o.ReadFile(q); err != nil || string(data) != "new" {
		t.Fatalf("unsaved new file: %q %v", data, err)
	}
}

func TestOverlayRejectsRelativePaths(t *testing.T) {
	o := NewOverlay()
	for _, p := range []string{"a.go", "/w/../w/a.go", ""} {
		if err := o.Set(p, 1, nil); !errors.Is(err, ErrNotAbsolute) {
			t.Errorf("Set(%q) = %v", p, err)
		}
		if _, _, err := o.ReadFile(p); !errors.Is(err, ErrNotAbsolute) {
			t.Errorf("ReadFile(%q) = %v", p, err)
		}
	}
}
