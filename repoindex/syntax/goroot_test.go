package syntax

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// sourceFile is a file read for a test or benchmark.
type sourceFile struct {
	path string
	src  []byte
}

// gorootFiles returns the files under the GOROOT directories dirs (such as
// "src/net") whose names end in ext, in lexical order of their paths; nil
// when GOROOT is missing.
func gorootFiles(tb testing.TB, ext string, dirs ...string) []string {
	tb.Helper()
	roots := make([]string, len(dirs))
	for i, dir := range dirs {
		roots[i] = filepath.Join(runtime.GOROOT(), dir)
	}
	return filesUnder(tb, ext, roots...)
}

// filesUnder returns the files under the directories roots whose names end
// in ext, in lexical order of their paths; nil when a root is missing.
func filesUnder(tb testing.TB, ext string, roots ...string) []string {
	tb.Helper()
	var out []string
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ext) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			tb.Logf("%s: %v", root, err)
			return nil
		}
	}
	slices.Sort(out)
	return out
}

// readFiles reads paths.
func readFiles(tb testing.TB, paths []string) []sourceFile {
	tb.Helper()
	out := make([]sourceFile, 0, len(paths))
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, sourceFile{path: p, src: src})
	}
	return out
}

// gorootSample returns every 11th .go file of GOROOT/src and GOROOT/test
// (1,005 files and 8.5 MB for Go 1.26.8): a fixed sample of real Go
// code for benchmarks.
func gorootSample(tb testing.TB) []sourceFile {
	tb.Helper()
	all := gorootFiles(tb, ".go", "src", "test")
	var paths []string
	for i := 0; i < len(all); i += 11 {
		paths = append(paths, all[i])
	}
	if len(paths) < 500 {
		tb.Skipf("GOROOT has %d .go files", len(all))
	}
	return readFiles(tb, paths)
}

// BenchmarkParseGOROOTSample parses the GOROOT sample (gorootSample) per
// operation, with 1 and 2 goroutines sharing the files.
func BenchmarkParseGOROOTSample(b *testing.B) {
	files := gorootSample(b)
	total := 0
	for _, f := range files {
		total += len(f.src)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("goroutines=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(total))
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				parseAll(b, files, workers)
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(len(files)), "files")
		})
	}
}

// parseAll parses files with workers goroutines.
func parseAll(b *testing.B, files []sourceFile, workers int) {
	forEachFile(files, workers, func(f sourceFile) {
		if _, err := Parse(f.path, f.src, Options{}); err != nil && !errors.Is(err, ErrBinary) {
			b.Error(err)
		}
	})
}

// BenchmarkTreeSitterGOROOTSample is the baseline of
// BenchmarkParseGOROOTSample: the tree-sitter parse alone (flatten=false)
// or with the flat tree's C walk (flatten=true), no extraction.
func BenchmarkTreeSitterGOROOTSample(b *testing.B) {
	files := gorootSample(b)
	total := 0
	for _, f := range files {
		total += len(f.src)
	}
	g := grammarFor(LangGo)
	for _, flatten := range []bool{false, true} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("flatten=%v/goroutines=%d", flatten, workers), func(b *testing.B) {
				b.SetBytes(int64(total))
				cpu := processCPU()
				for b.Loop() {
					forEachFile(files, workers, func(f sourceFile) {
						w, err := g.pool.get()
						if err != nil {
							b.Error(err)
							return
						}
						defer g.pool.put(w)
						if _, err := w.parse(context.Background(), f.src, flatten); err != nil {
							b.Error(err)
						}
					})
				}
				reportCPU(b, cpu)
			})
		}
	}
}

// forEachFile calls fn on every file from workers goroutines.
func forEachFile(files []sourceFile, workers int, fn func(sourceFile)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				fn(files[i])
			}
		})
	}
	wg.Wait()
}
