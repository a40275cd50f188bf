package govet

import (
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

// directModule is a module exercising the direct loader: dependencies from
// export data, a dependency that does not compile, a missing import, type
// errors, test variants (q imports a, so the external test of a imports
// "q [a.test]"), and a package importing another root through a third one.
var directModule = map[string]string{
	"a/a.go": `package a

import (
	"fmt"

	"example.com/m/b"
)

// F has a self-assignment and a printf misuse.
func F(x int) int {
	x = x
	fmt.Printf("%d\n", "s")
	return b.B() + x
}
`,
	"a/a_test.go": `package a

import "testing"

func TestF(t *testing.T) {
	F(1)
	t.Errorf("%d", "x")
}
`,
	"a/ext_test.go": `package a_test

import (
	"testing"

	"example.com/m/a"
	"example.com/m/q"
)

func TestExt(t *testing.T) {
	_ = a.F(q.Q)
	var s int = "x"
	_ = s
}
`,
	"q/q.go":           "package q\n\nimport \"example.com/m/a\"\n\nvar Q = a.F(2)\n",
	"b/b.go":           "package b\n\nfunc B() int { return 1 }\n",
	"broken/broken.go": "package broken\n\nvar X int = \"x\"\n\nfunc Y() {}\n",
	"c/c.go": `package c

import (
	"fmt"

	"example.com/m/broken"
)

func C() {
	fmt.Printf("%d", "s")
	broken.Y()
}
`,
	"d/d.go":             "package d\n\nimport _ \"example.com/m/nope\"\n\nfunc D(x int) { x = x }\n",
	"e/e.go":             "package e\n\nfunc E() int {\n\tvar s int = \"x\"\n\treturn s\n}\n",
	"p/p.go":             "package p\n\nfunc P() {\n\tx := \n}\n",
	"ign/ign.go":         "package ign\n\nfunc I(x int) { x = x }\n",
	"ign/tool.go":        "//go:build ignore\n\npackage main\n\nfunc main() { x := 1; x = x }\n",
	"none/none_linux.go": "//go:build !linux\n\npackage none\n",
	// via imports mid, which imports b: with both via and b requested,
	// mid is type-checked from source against the source of b.
	"via/via.go": "package via\n\nimport (\n\t\"example.com/m/b\"\n\t\"example.com/m/mid\"\n)\n\nvar V = mid.M() + b.B()\n",
	"mid/mid.go": "package mid\n\nimport \"example.com/m/b\"\n\nfunc M() int { return b.B() }\n",
}

// comparable returns the findings of res without the compile errors of
// root packages that go/packages' fastMode reported as go list errors
// (it compiled the roots for their export data; their type errors are
// reported by the type checker anyway).
func comparable(res *Result) []Finding {
	var out []Finding
	for _, f := range res.Findings {
		if f.Analyzer == GoListAnalyzer && strings.HasPrefix(f.Message, "# ") {
			first, _, _ := strings.Cut(strings.TrimPrefix(f.Message, "# "), "\n")
			if slices.Contains(res.Packages, first) {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// TestDirectMatchesGoPackages checks that the direct loader reports what
// the go/packages load it replaces reported, request by request.
func TestDirectMatchesGoPackages(t *testing.T) {
	files := maps(directModule)
	cgo := false
	if _, err := exec.LookPath("gcc"); err == nil && os.Getenv("CGO_ENABLED") != "0" {
		cgo = true
		files["cg/cg.go"] = "package cg\n\n// int add(int a, int b) { return a + b; }\nimport \"C\"\n\nimport \"fmt\"\n\nfunc Add(a, b int) int {\n\tx := int(C.add(C.int(a), C.int(b)))\n\tx = x\n\tfmt.Printf(\"%s\", x)\n\treturn x\n}\n"
	}
	dir := writeModule(t, files)
	outside := filepath.Join(t.TempDir(), "z.go")
	writeFile(t, outside, "package z\n\nimport \"fmt\"\n\nfunc Z(x int) { x = x; fmt.Printf(\"%d\", \"s\") }\n")
	path := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	newFile := path("a/new.go")
	ov := Overlay{newFile: []byte("package a\n\nfunc G(y int) int {\n\ty = y\n\treturn y\n}\n")}

	type request struct {
		name  string
		ov    Overlay
		files []string
	}
	requests := []request{
		{"package with test variants and an overlay-only file", ov, []string{path("a/a.go")}},
		{"overlay-only file", ov, []string{newFile}},
		{"internal test file", nil, []string{path("a/a_test.go")}},
		{"external test importing test variants", nil, []string{path("a/ext_test.go")}},
		{"dependency that does not compile", nil, []string{path("c/c.go")}},
		{"the broken package itself", nil, []string{path("broken/broken.go")}},
		{"missing import", nil, []string{path("d/d.go")}},
		{"type error", nil, []string{path("e/e.go")}},
		{"parse error", nil, []string{path("p/p.go")}},
		{"file excluded by build constraints", nil, []string{path("ign/tool.go")}},
		{"package without files for this platform", nil, []string{path("none/none_linux.go")}},
		{"roots importing roots", nil, []string{path("via/via.go"), path("b/b.go")}},
		{"dependency edited in the overlay", Overlay{path("b/b.go"): []byte("package b\n\nfunc B() string { return \"\" }\n")}, []string{path("a/a.go")}},
		{"ad hoc package", nil, []string{outside}},
	}
	if cgo {
		requests = append(requests, request{"cgo", nil, []string{path("cg/cg.go")}})
	}
	for _, tests := range []bool{false, true} {
		old := newEngine(t, Options{Dir: dir, Tests: tests})
		old.noDirect = true
		var fellBack []string
		var mu sync.Mutex
		logger := slog.New(&hookHandler{t: t, level: slog.LevelInfo, hook: func(r slog.Record) {
			if r.Message == "loading with go/packages instead of the direct loader" {
				mu.Lock()
				fellBack = append(fellBack, r.Message)
				mu.Unlock()
			}
		}})
		cur := newEngine(t, Options{Dir: dir, Tests: tests, Logger: logger})
		total := 0
		for _, rq := range requests {
			t.Run(fmt.Sprintf("tests=%v/%s", tests, rq.name), func(t *testing.T) {
				// go/packages type-checks all dependencies from source
				// when a file exists only in the overlay, and then fails
				// the printf analyzer (it runs on dependencies checked
				// without function bodies): give the reference load the
				// same files on disk.
				var created []string
				for name, content := range rq.ov {
					if _, err := os.Stat(name); err != nil {
						writeFile(t, name, string(content))
						created = append(created, name)
					}
				}
				want := analyzeFiles(t, old, rq.ov, rq.files...)
				for _, name := range created {
					if err := os.Remove(name); err != nil {
						t.Fatal(err)
					}
				}
				got := analyzeFiles(t, cur, rq.ov, rq.files...)
				if !slices.Equal(got.Packages, want.Packages) {
					t.Errorf("packages %q, want %q", got.Packages, want.Packages)
				}
				if g, w := comparable(got), comparable(want); !reflect.DeepEqual(g, w) {
					t.Errorf("findings differ\n got: %s\nwant: %s", dump(g), dump(w))
				}
				if len(comparable(got)) != len(got.Findings) {
					t.Errorf("direct loader reported the compile errors of a root: %s", dump(got.Findings))
				}
				if got.Loads != 1 || got.Analyzed+got.Cached != len(got.Packages) {
					t.Errorf("%s", counts(got))
				}
				checkPositions(t, got, rq.ov)
				total += len(got.Findings)
			})
		}
		if total < 10 {
			t.Errorf("tests=%v: only %d findings in all; the fixture is meant to have more", tests, total)
		}
		if len(fellBack) > 0 {
			t.Errorf("tests=%v: fell back to go/packages %d times", tests, len(fellBack))
		}
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n\t%s [%d-%d] fixes=%d related=%d", f, f.Start.Offset, f.End.Offset, len(f.Fixes), len(f.Related))
	}
	return b.String()
}

// TestDirectExportRequests checks that the go command is asked for the
// export data of dependencies only, and only when they changed: an edit of
// the root runs no go command but the metadata load, and never compiles
// the root.
func TestDirectExportRequests(t *testing.T) {
	dir := writeModule(t, directModule)
	aFile := filepath.Join(dir, "a", "a.go")
	bFile := filepath.Join(dir, "b", "b.go")
	var mu sync.Mutex
	var asked [][]string
	logger := slog.New(&hookHandler{t: t, level: slog.LevelInfo, hook: func(r slog.Record) {
		if r.Message != "located export data" {
			return
		}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "packages" {
				if ids, ok := a.Value.Any().([]string); ok {
					mu.Lock()
					asked = append(asked, ids)
					mu.Unlock()
				}
			}
			return true
		})
	}})
	e := newEngine(t, Options{Dir: dir, Tests: true, Logger: logger})
	queries := func() int64 { return e.exports.queries.Load() }
	content, err := os.ReadFile(aFile)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(i int) Overlay {
		return Overlay{aFile: append(slices.Clip(content), fmt.Sprintf("\nfunc edit%d() {}\n", i)...)}
	}

	res := analyzeFiles(t, e, edit(0), aFile)
	if queries() != 1 || len(asked) != 1 {
		t.Fatalf("cold request: %d export queries (%q), want 1", queries(), asked)
	}
	for _, id := range asked[0] {
		if strings.HasPrefix(id, "example.com/m/a") {
			t.Errorf("export data of root %s asked for", id)
		}
	}
	if !slices.Contains(asked[0], "example.com/m/b") || !slices.Contains(asked[0], "fmt") {
		t.Errorf("asked for %q, want the dependencies b and fmt", asked[0])
	}
	if len(byAnalyzer(res.Findings, "assign")) != 1 {
		t.Errorf("findings: %v", res.Findings)
	}
	for i := 1; i <= 3; i++ {
		res := analyzeFiles(t, e, edit(i), aFile)
		if res.Analyzed != 2 || res.Loads != 1 {
			t.Errorf("edit %d: %s", i, counts(res))
		}
		if queries() != 1 {
			t.Errorf("edit %d of the root ran go list -export: %q", i, asked[1:])
		}
	}
	// Editing the dependency b (in the overlay) asks for b, and only for
	// b: nothing else depends on it.
	ov := edit(4)
	ov[bFile] = []byte("package b\n\nfunc B() int { return 2 }\n")
	analyzeFiles(t, e, ov, aFile)
	if queries() != 2 || !slices.Equal(asked[len(asked)-1], []string{"example.com/m/b"}) {
		t.Errorf("after editing b: %d queries, last %q, want one more for b", queries(), asked[len(asked)-1])
	}
}

// TestDirectDecodedCache checks that packages decoded from export data are
// reused by later requests and decoded again when an export file changes.
// It uses a private build cache, whose files it may touch.
func TestDirectDecodedCache(t *testing.T) {
	dir := writeModule(t, map[string]string{
		// No standard library imports: the private cache fills quickly.
		"a/a.go": "package a\n\nimport \"example.com/m/b\"\n\nfunc A(x int) int {\n\tx = x\n\treturn b.B() + x\n}\n",
		"b/b.go": "package b\n\nfunc B() int { return 1 }\n",
	})
	aFile := filepath.Join(dir, "a", "a.go")
	bFile := filepath.Join(dir, "b", "b.go")
	e := newEngine(t, Options{Dir: dir, Env: []string{"GOCACHE=" + t.TempDir()}})
	decodes := func() int64 { return e.exports.decodes.Load() }
	queries := func() int64 { return e.exports.queries.Load() }
	content, _ := os.ReadFile(aFile)
	edit := func(i int) Overlay {
		return Overlay{aFile: append(slices.Clip(content), fmt.Sprintf("\n// edit %d\n", i)...)}
	}
	step := func(name string, ov Overlay, wantDecodes, wantQueries int64, wantErrs int) {
		t.Helper()
		res := analyzeFiles(t, e, ov, aFile)
		if decodes() != wantDecodes || queries() != wantQueries {
			t.Errorf("%s: %d decodes, %d export queries; want %d, %d", name, decodes(), queries(), wantDecodes, wantQueries)
		}
		// A package with type errors is not analysed by assign.
		if n := len(byAnalyzer(res.Findings, CompilerAnalyzer)); n != wantErrs || len(byAnalyzer(res.Findings, "assign")) != 1-wantErrs {
			t.Errorf("%s: findings %v, want %d compiler errors", name, res.Findings, wantErrs)
		}
	}
	step("cold", edit(0), 1, 1, 0)
	step("edit of the root", edit(1), 1, 1, 0)
	step("another edit", edit(2), 1, 1, 0)

	// Touch b's export file: the cached location is checked again and the
	// package decoded again (the file might have been replaced).
	e.exports.mu.Lock()
	ent, ok := e.exports.files["example.com/m/b"]
	e.exports.mu.Unlock()
	if !ok {
		t.Fatal("no cached export data location for b")
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(ent.file.path, later, later); err != nil {
		t.Fatal(err)
	}
	step("export file touched", edit(3), 2, 2, 0)
	step("unchanged again", edit(4), 2, 2, 0)

	// Change b's API on disk: new export data, decoded afresh, and the
	// root sees the new signature.
	writeFile(t, bFile, "package b\n\nfunc B() string { return \"\" }\n")
	step("b changed", edit(5), 3, 3, 1)
	// An older set of files is still cached: going back to it decodes
	// nothing (the go command finds b's old export data in its cache).
	writeFile(t, bFile, "package b\n\nfunc B() int { return 1 }\n")
	step("b changed back", edit(6), 3, 4, 0)
}

// TestDirectConcurrent runs requests for different packages sharing
// decoded dependencies concurrently (run with -race).
func TestDirectConcurrent(t *testing.T) {
	dir := writeModule(t, directModule)
	e := newEngine(t, Options{Dir: dir, Tests: true})
	files := []string{"a/a.go", "b/b.go", "c/c.go", "e/e.go", "via/via.go", "mid/mid.go", "q/q.go"}
	// Warm the export data locations so that the requests share decoded
	// packages as much as possible.
	analyzeFiles(t, e, nil, filepath.Join(dir, "a", "a.go"))
	var wg sync.WaitGroup
	for i := range 3 {
		for _, f := range files {
			wg.Go(func() {
				name := filepath.Join(dir, filepath.FromSlash(f))
				content, err := os.ReadFile(name)
				if err != nil {
					t.Error(err)
					return
				}
				ov := Overlay{name: append(content, fmt.Sprintf("\n// %d\n", i)...)}
				if _, err := e.AnalyzeFiles(context.Background(), []string{name}, ov); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
}

// TestDirectFallback checks that requests the direct loader cannot serve
// are loaded with go/packages, with the same findings.
func TestDirectFallback(t *testing.T) {
	dir := writeModule(t, directModule)
	var reasons []string
	var mu sync.Mutex
	logger := slog.New(&hookHandler{t: t, level: slog.LevelInfo, hook: func(r slog.Record) {
		if r.Message == "loading with go/packages instead of the direct loader" {
			r.Attrs(func(a slog.Attr) bool {
				if a.Key == "reason" {
					mu.Lock()
					reasons = append(reasons, a.Value.String())
					mu.Unlock()
				}
				return true
			})
		}
	}})
	// -compiler selects the compiler whose type sizes apply: left to
	// go/packages, which asks the go command.
	e := newEngine(t, Options{Dir: dir, Logger: logger, BuildFlags: []string{"-compiler=gc"}})
	res := analyzeFiles(t, e, nil, filepath.Join(dir, "a", "a.go"))
	if len(reasons) != 1 || !strings.Contains(reasons[0], "-compiler=gc") {
		t.Errorf("fallback reasons %q", reasons)
	}
	if len(byAnalyzer(res.Findings, "assign")) != 1 || len(byAnalyzer(res.Findings, "printf")) != 1 || res.Loads != 1 {
		t.Errorf("%s: %v", counts(res), res.Findings)
	}
}

// TestDirectCancellation cancels a request while the direct loader asks
// for export data: the request fails with the context's error and leaves
// nothing behind that a later request would trip on.
func TestDirectCancellation(t *testing.T) {
	dir := writeModule(t, directModule)
	file := filepath.Join(dir, "a", "a.go")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(&hookHandler{t: t, level: slog.LevelInfo, hook: func(r slog.Record) {
		if r.Message == "located export data" {
			cancel()
		}
	}})
	e := newEngine(t, Options{Dir: dir, Logger: logger})
	if _, err := e.AnalyzeFiles(ctx, []string{file}, nil); !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCanceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := e.CacheLen(); n != 0 {
		t.Errorf("cancelled run cached %d results", n)
	}
	res := analyzeFiles(t, e, nil, file)
	if res.Analyzed != 1 || len(byAnalyzer(res.Findings, "printf")) != 1 {
		t.Errorf("after cancellation: %v (%s)", res.Findings, counts(res))
	}
}
