package govet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// netHTTPEngine returns an engine rooted at GOROOT/src and the path and
// content of net/http/server.go.
func netHTTPEngine(b *testing.B) (*Engine, string, []byte) {
	b.Helper()
	src := filepath.Join(runtime.GOROOT(), "src")
	file := filepath.Join(src, "net", "http", "server.go")
	content, err := os.ReadFile(file)
	if err != nil {
		b.Skipf("GOROOT sources not available: %v", err)
	}
	return newEngine(b, Options{Dir: src}), file, content
}

// BenchmarkAnalyzeNetHTTP measures a cache miss on net/http: every
// iteration overlays server.go with a different trailing comment, so the
// package is loaded, type-checked from source against its dependencies'
// export data, and analysed.
func BenchmarkAnalyzeNetHTTP(b *testing.B) {
	e, file, content := netHTTPEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		ov := Overlay{file: append(content[:len(content):len(content)], fmt.Sprintf("\n// iteration %d\n", i)...)}
		res, err := e.AnalyzeFiles(ctx, []string{file}, ov)
		if err != nil {
			b.Fatal(err)
		}
		if res.Analyzed != 1 || res.Cached != 0 {
			b.Fatalf("want a cache miss, got %s", counts(res))
		}
	}
}

// BenchmarkAnalyzeCached measures the cache-hit path for the same file: no
// go command runs; the engine hashes the (stat-cached) files of net/http
// and, since Dir is inside GOROOT, of its standard-library dependencies.
func BenchmarkAnalyzeCached(b *testing.B) {
	e, file, content := netHTTPEngine(b)
	ctx := context.Background()
	ov := Overlay{file: append(content[:len(content):len(content)], "\n// cached\n"...)}
	if _, err := e.AnalyzeFiles(ctx, []string{file}, ov); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.AnalyzeFiles(ctx, []string{file}, ov)
		if err != nil {
			b.Fatal(err)
		}
		if res.Cached != 1 || res.Loads != 0 {
			b.Fatalf("want a cache hit without loading, got %s", counts(res))
		}
	}
}

// BenchmarkAnalyzeCachedModule measures the cache-hit path in an ordinary
// module, where standard-library dependencies are immutable and not hashed.
func BenchmarkAnalyzeCachedModule(b *testing.B) {
	dir := writeModule(b, map[string]string{
		"a/a.go": "package a\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/b\"\n)\n\nfunc A() { fmt.Println(b.B()) }\n",
		"b/b.go": "package b\n\nfunc B() int { return 1 }\n",
	})
	e := newEngine(b, Options{Dir: dir})
	file := filepath.Join(dir, "a", "a.go")
	ctx := context.Background()
	if _, err := e.AnalyzeFiles(ctx, []string{file}, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.AnalyzeFiles(ctx, []string{file}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Cached != 1 || res.Loads != 0 {
			b.Fatalf("want a cache hit without loading, got %s", counts(res))
		}
	}
}

// BenchmarkAnalyzeEditModule measures a cache miss in a small module
// package, as when an editor sends every keystroke.
func BenchmarkAnalyzeEditModule(b *testing.B) {
	dir := writeModule(b, map[string]string{
		"a.go": "package m\n\nimport \"fmt\"\n\nfunc F() { fmt.Println(\"a\") }\n",
		"b.go": "package m\n\nimport \"strings\"\n\nfunc G(s string) string { return strings.ToUpper(s) }\n",
	})
	e := newEngine(b, Options{Dir: dir})
	file := filepath.Join(dir, "a.go")
	content, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.AnalyzeFiles(ctx, []string{file}, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		ov := Overlay{file: append(content[:len(content):len(content)], fmt.Sprintf("\n// edit %d\n", i)...)}
		res, err := e.AnalyzeFiles(ctx, []string{file}, ov)
		if err != nil {
			b.Fatal(err)
		}
		if res.Analyzed != 1 || res.Cached != 0 {
			b.Fatalf("want a cache miss, got %s", counts(res))
		}
	}
}
