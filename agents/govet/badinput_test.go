package govet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	dir := writeModule(t, map[string]string{"a/a.go": "package a\n"})
	file := filepath.Join(dir, "a", "a.go")
	e := newEngine(t, Options{Dir: dir, MaxFileBytes: 1 << 10})
	big := filepath.Join(dir, "a", "big.go")
	writeFile(t, big, "package a\n\n//"+strings.Repeat("x", 2<<10)+"\n")
	ctx := context.Background()

	tests := []struct {
		name  string
		files []string
		ov    Overlay
		want  error
	}{
		{"no files", nil, nil, ErrNoPatterns},
		{"relative file", []string{"a/a.go"}, nil, ErrInvalidPath},
		{"unclean file", []string{dir + "/a/../a/a.go"}, nil, ErrInvalidPath},
		{"not a Go file", []string{filepath.Join(dir, "go.mod")}, nil, ErrInvalidPath},
		{"directory", []string{filepath.Join(dir, "a.go")}, nil, ErrFileNotFound},
		{"missing file", []string{filepath.Join(dir, "a", "missing.go")}, nil, ErrFileNotFound},
		{"relative overlay key", []string{file}, Overlay{"a/a.go": []byte("package a\n")}, ErrInvalidPath},
		{"unclean overlay key", []string{file}, Overlay{dir + "//a/a.go": []byte("package a\n")}, ErrInvalidPath},
		{"binary overlay", []string{file}, Overlay{file: []byte("package a\x00\x01\x02")}, ErrInvalidOverlay},
		{"huge overlay", []string{file}, Overlay{file: []byte("package a\n//" + strings.Repeat("x", 2<<10))}, ErrFileTooLarge},
		{"huge disk file", []string{big}, nil, ErrFileTooLarge},
	}
	if err := os.Mkdir(filepath.Join(dir, "a.go"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests[4].want = ErrInvalidPath // a directory named like a Go file
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.AnalyzeFiles(ctx, tt.files, tt.ov)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if res != nil {
				t.Errorf("result with error: %+v", res)
			}
		})
	}

	patternTests := []struct {
		name     string
		patterns []string
		ov       Overlay
		want     error
	}{
		{"no patterns", nil, nil, ErrNoPatterns},
		{"flag-like pattern", []string{"-exec=rm"}, nil, ErrNoPatterns},
		{"empty pattern", []string{""}, nil, ErrNoPatterns},
		{"relative overlay key", []string{"./..."}, Overlay{"x.go": nil}, ErrInvalidPath},
	}
	for _, tt := range patternTests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.AnalyzePatterns(ctx, tt.patterns, tt.ov); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}

	t.Run("pattern matching nothing", func(t *testing.T) {
		res, err := e.AnalyzePatterns(ctx, []string{"./nope"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) == 0 || res.Findings[0].Severity != SeverityError || res.Findings[0].Analyzer != GoListAnalyzer {
			t.Errorf("want a go list error, got %v", res.Findings)
		}
	})
	t.Run("file outside the module", func(t *testing.T) {
		other := t.TempDir()
		f := filepath.Join(other, "z.go")
		writeFile(t, f, "package z\n\nfunc Z(x int) { x = x }\n")
		// Like `go vet /other/z.go`: analysed as an ad hoc package, which
		// is never cached (its ID is not unique).
		for range 2 {
			res, err := e.AnalyzeFiles(ctx, []string{f}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := byAnalyzer(res.Findings, "assign"); len(got) != 1 || got[0].File != f ||
				res.Packages[0] != adHocID || res.Analyzed != 1 || res.Loads != 1 {
				t.Errorf("got %v (%s, %q)", res.Findings, counts(res), res.Packages)
			}
		}
	})
}

func TestNewValidation(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	writeFile(t, file, "")
	tests := []struct {
		name string
		opts Options
	}{
		{"no Dir", Options{}},
		{"missing Dir", Options{Dir: filepath.Join(dir, "nope")}},
		{"Dir is a file", Options{Dir: file}},
		{"negative cache", Options{Dir: dir, CacheEntries: -1}},
		{"negative max file", Options{Dir: dir, MaxFileBytes: -1}},
		{"nil analyzer", Options{Dir: dir, Analyzers: DefaultAnalyzers()[:1:1]}},
	}
	tests[5].opts.Analyzers = append(tests[5].opts.Analyzers, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.opts); !errors.Is(err, ErrInvalidOptions) {
				t.Fatalf("err = %v, want ErrInvalidOptions", err)
			}
		})
	}
	opts := Options{Dir: dir, Env: []string{"GOFLAGS="}}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Env[0] = "MUTATED=1"
	if e.opts.Env[0] != "GOFLAGS=" || len(e.Analyzers()) != 35 {
		t.Errorf("engine options aliased or wrong analyzers: %v %v", e.opts.Env, e.Analyzers())
	}
}
