package govet

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestCache walks through the cache's invalidation rules on a module where
// a imports b and c is unrelated.
func TestCache(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"a/a.go": "package a\n\nimport \"example.com/m/b\"\n\nfunc A() int { return b.B() }\n",
		"b/b.go": "package b\n\nfunc B() int { return 1 }\n",
		"c/c.go": "package c\n\nfunc C() {}\n",
	})
	aFile := filepath.Join(dir, "a", "a.go")
	bFile := filepath.Join(dir, "b", "b.go")
	cFile := filepath.Join(dir, "c", "c.go")
	e := newEngine(t, Options{Dir: dir})

	type step struct {
		name  string
		do    func() *Result
		want  string // counts(res)
		pkgs  []string
		check func(t *testing.T, res *Result)
	}
	steps := []step{
		{name: "cold ./...", do: func() *Result { return analyzePatterns(t, e, nil, "./...") },
			want: "analyzed=3 cached=0 shared=0 loads=2",
			pkgs: []string{"example.com/m/a", "example.com/m/b", "example.com/m/c"}},
		// Editor requests load dependencies from export data (fastMode), so
		// their results are cached apart from the full pattern loads.
		{name: "file in a: analysed in the editor's mode", do: func() *Result { return analyzeFiles(t, e, nil, aFile) },
			want: "analyzed=1 cached=0 shared=0 loads=1", pkgs: []string{"example.com/m/a"}},
		{name: "identical call: no go command, no file read", do: func() *Result {
			before := e.hasher.reads.Load()
			res := analyzeFiles(t, e, nil, aFile)
			if n := e.hasher.reads.Load() - before; n != 0 {
				t.Errorf("warm check read %d files", n)
			}
			return res
		}, want: "analyzed=0 cached=1 shared=0 loads=0"},
		{name: "edit unrelated c: a stays cached", do: func() *Result {
			writeFile(t, cFile, "package c\n\nfunc C() { println() }\n")
			return analyzeFiles(t, e, nil, aFile)
		}, want: "analyzed=0 cached=1 shared=0 loads=0"},
		{name: "edit dependency b: importer a re-analysed, c cached", do: func() *Result {
			writeFile(t, bFile, "package b\n\nfunc B() int { return 2 }\n")
			return analyzeFiles(t, e, nil, aFile, cFile)
		}, want: "analyzed=2 cached=0 shared=0 loads=1"},
		{name: "same again: both cached", do: func() *Result { return analyzeFiles(t, e, nil, aFile, cFile) },
			want: "analyzed=0 cached=2 shared=0 loads=0"},
		{name: "./...: all three (b and c edited since the last pattern load, a imports b)", do: func() *Result { return analyzePatterns(t, e, nil, "./...") },
			want: "analyzed=3 cached=0 shared=0 loads=2"},
		{name: "overlay on a: only a", do: func() *Result {
			return analyzePatterns(t, e, Overlay{aFile: []byte("package a\n\nimport \"example.com/m/b\"\n\nfunc A() int { x := b.B(); x = x; return x }\n")}, "./...")
		}, want: "analyzed=1 cached=2 shared=0 loads=2", check: func(t *testing.T, res *Result) {
			if len(byAnalyzer(res.Findings, "assign")) != 1 {
				t.Errorf("overlay finding missing: %v", res.Findings)
			}
		}},
		{name: "overlay dropped: back to the cached disk result", do: func() *Result { return analyzePatterns(t, e, nil, "./...") },
			want: "analyzed=0 cached=3 shared=0 loads=1", check: func(t *testing.T, res *Result) {
				if len(res.Findings) != 0 {
					t.Errorf("stale overlay finding: %v", res.Findings)
				}
			}},
		{name: "overlay on b, requesting ./a: importer a re-analysed", do: func() *Result {
			return analyzePatterns(t, e, Overlay{bFile: []byte("package b\n\nfunc B() int { return 3 }\n")}, "./a")
		}, want: "analyzed=1 cached=0 shared=0 loads=2"},
		{name: "overlay equal to disk hits the disk result", do: func() *Result {
			return analyzeFiles(t, e, Overlay{bFile: []byte("package b\n\nfunc B() int { return 2 }\n")}, aFile)
		}, want: "analyzed=0 cached=1 shared=0 loads=0"},
		{name: "new file in b's directory invalidates a", do: func() *Result {
			writeFile(t, filepath.Join(dir, "b", "more.go"), "package b\n\nfunc More() {}\n")
			return analyzeFiles(t, e, nil, aFile)
		}, want: "analyzed=1 cached=0 shared=0 loads=1"},
		{name: "go.mod change invalidates everything", do: func() *Result {
			writeFile(t, filepath.Join(dir, "go.mod"), goMod+"\n// edited\n")
			return analyzeFiles(t, e, nil, cFile)
		}, want: "analyzed=1 cached=0 shared=0 loads=1"},
		{name: "a test file is irrelevant without Tests", do: func() *Result {
			writeFile(t, filepath.Join(dir, "c", "c_test.go"), "package c\n")
			return analyzeFiles(t, e, nil, cFile)
		}, want: "analyzed=0 cached=1 shared=0 loads=1"},
	}
	for _, s := range steps {
		res := s.do()
		if got := counts(res); got != s.want {
			t.Errorf("%s: %s, want %s (packages %q)", s.name, got, s.want, res.Packages)
		}
		if s.pkgs != nil && !slices.Equal(res.Packages, s.pkgs) {
			t.Errorf("%s: packages %q, want %q", s.name, res.Packages, s.pkgs)
		}
		if s.check != nil {
			s.check(t, res)
		}
	}
}

func TestCacheEviction(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"a/a.go": "package a\n",
		"c/c.go": "package c\n",
	})
	e := newEngine(t, Options{Dir: dir, CacheEntries: 1})
	a, c := filepath.Join(dir, "a", "a.go"), filepath.Join(dir, "c", "c.go")
	for i, tc := range []struct {
		file string
		want string
	}{
		{a, "analyzed=1 cached=0 shared=0 loads=1"},
		{a, "analyzed=0 cached=1 shared=0 loads=0"},
		{c, "analyzed=1 cached=0 shared=0 loads=1"},
		{a, "analyzed=1 cached=0 shared=0 loads=1"}, // evicted by c
	} {
		res := analyzeFiles(t, e, nil, tc.file)
		if got := counts(res); got != tc.want {
			t.Errorf("step %d: %s, want %s", i, got, tc.want)
		}
	}
	if n := e.CacheLen(); n != 1 {
		t.Errorf("cache holds %d entries, want 1", n)
	}
}

// TestCachedFileHashes checks that disk files are re-read only when their
// size or mtime changes.
func TestCachedFileHashes(t *testing.T) {
	dir := writeModule(t, map[string]string{"a/a.go": "package a\n"})
	name := filepath.Join(dir, "a", "a.go")
	h := newHasher()
	s1, ok, err := h.hashFile(name)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, _, err := h.hashFile(name); err != nil || h.reads.Load() != 1 {
		t.Fatalf("second hash read the file again (reads=%d, err=%v)", h.reads.Load(), err)
	}
	writeFile(t, name, "package b\n") // same size, fresh mtime
	s2, _, _ := h.hashFile(name)
	if s1 == s2 || h.reads.Load() != 2 {
		t.Fatalf("changed file not re-read (reads=%d)", h.reads.Load())
	}
	s3, _, _ := h.hashFile(name) // fresh mtimes are not trusted
	if s3 != s2 || h.reads.Load() != 3 {
		t.Fatalf("recently modified file served from cache (reads=%d)", h.reads.Load())
	}
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := h.hashFile(name); ok || err != nil {
		t.Fatalf("removed file: ok=%v err=%v", ok, err)
	}
}
