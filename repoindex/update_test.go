package repoindex

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestUpdatesReportChanges(t *testing.T) {
	root := smallRepo(t)
	ov := NewOverlay()
	ix := openIndex(t, root, withOverlay(ov))
	var mu sync.Mutex
	var seen []*Changes
	cancel := ix.Subscribe(func(c *Changes) {
		mu.Lock()
		seen = append(seen, c)
		mu.Unlock()
	})
	refresh(t, ix)

	type want struct{ added, modified, removed, restated []string }
	steps := []struct {
		name string
		do   func() *Changes
		want want
	}{
		{"nothing", func() *Changes { return refresh(t, ix) }, want{}},
		{"edit on disk", func() *Changes {
			writeFile(t, root, "a.go", goSrc+"\nfunc H() {}\n")
			return updateFiles(t, ix, filepath.Join(root, "a.go"))
		}, want{modified: []string{"a.go"}}},
		{"commit", func() *Changes {
			gitRun(t, root, "commit", "-qam", "edit")
			return updateFiles(t, ix, ".git/index")
		}, want{restated: []string{"a.go"}}},
		{"new directory", func() *Changes {
			writeFile(t, root, "d/x.go", "package d\n")
			writeFile(t, root, "d/e/y.go", "package e\n")
			return updateFiles(t, ix, "d")
		}, want{added: []string{"d/e/y.go", "d/x.go"}}},
		{"open a buffer", func() *Changes {
			must(t, ov.Set(filepath.Join(root, "n.go"), 1, []byte("package n\n")))
			return updateBuffer(t, ix, filepath.Join(root, "n.go"))
		}, want{added: []string{"n.go"}}},
		{"ignore a directory", func() *Changes {
			writeFile(t, root, ".gitignore", "d/\n")
			return updateFiles(t, ix, ".gitignore")
		}, want{added: []string{".gitignore"}, removed: []string{"d/e/y.go", "d/x.go"}}},
		{"close the buffer", func() *Changes {
			ov.Delete(filepath.Join(root, "n.go"))
			return updateBuffer(t, ix, filepath.Join(root, "n.go"))
		}, want{removed: []string{"n.go"}}},
		{"remove a file", func() *Changes {
			must(t, os.Remove(filepath.Join(root, "c.md")))
			return updateFiles(t, ix, "c.md")
		}, want{removed: []string{"c.md"}}},
	}
	var nonEmpty int
	for _, s := range steps {
		ch := s.do()
		got := want{ch.Added, ch.Modified, ch.Removed, ch.Restated}
		if !slices.Equal(got.added, s.want.added) || !slices.Equal(got.modified, s.want.modified) ||
			!slices.Equal(got.removed, s.want.removed) || !slices.Equal(got.restated, s.want.restated) {
			t.Errorf("%s: got %+v, want %+v", s.name, got, s.want)
		}
		if !ch.Empty() {
			nonEmpty++
		}
	}
	cancel()
	writeFile(t, root, "b.py", "x = 1\n")
	updateFiles(t, ix, "b.py")
	mu.Lock()
	defer mu.Unlock()
	// The first refresh, then every non-empty step; nothing after cancel.
	if len(seen) != 1+nonEmpty {
		t.Errorf("subscriber saw %d changes, want %d", len(seen), 1+nonEmpty)
	}
}

// A same-size rewrite within the same second as the last scan keeps size
// and possibly mtime: the racily clean rule must still catch it.
func TestRacyCleanEdit(t *testing.T) {
	root := smallRepo(t)
	ix := openIndex(t, root)
	for i := range 20 {
		content := []byte("package a\n\nfunc X() { _ = " + string(rune('0'+i%10)) + " }\n")
		must(t, os.WriteFile(filepath.Join(root, "a.go"), content, 0o644))
		refresh(t, ix)
		if f, _ := ix.File("a.go"); f.Blob != hashBlob(content).String() {
			t.Fatalf("edit %d missed: blob %s", i, f.Blob)
		}
	}
}

// Readers and all three updaters run at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	root := smallRepo(t)
	ov := NewOverlay()
	ix := openIndex(t, root, withOverlay(ov))
	refresh(t, ix)
	ctx, stop := context.WithTimeout(t.Context(), 10*time.Second)
	defer stop()
	var wg sync.WaitGroup
	run := func(n int, fn func(i int) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				if err := fn(i); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	run(30, func(i int) error { _, err := ix.Refresh(ctx); return err })
	run(30, func(i int) error {
		writeFile(t, root, "w.go", "package a\nvar W = "+string(rune('0'+i%10))+"\n")
		_, err := ix.UpdateFiles(ctx, []string{"w.go"})
		return err
	})
	run(60, func(i int) error {
		p := filepath.Join(root, "a.go")
		if err := ov.Set(p, int32(i), []byte(goSrc+"// "+string(rune('a'+i%26))+"\n")); err != nil {
			return err
		}
		_, err := ix.UpdateBuffer(ctx, p)
		return err
	})
	run(200, func(i int) error {
		for _, f := range ix.Files() {
			if _, err := ix.Syntax(f.Path); err != nil && f.Parsed {
				// The file may have changed between Files and Syntax.
				if _, ok := ix.File(f.Path); ok && ix.fileParsedNow(f) {
					return err
				}
			}
		}
		_ = ix.Stats()
		return nil
	})
	wg.Wait()
}

// fileParsedNow reports whether f is still the current entry of its path.
func (ix *Index) fileParsedNow(f FileInfo) bool {
	cur, ok := ix.File(f.Path)
	return ok && cur == f
}
