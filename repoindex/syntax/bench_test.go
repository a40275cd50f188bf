package syntax

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// BenchmarkParseNetHTTPServer parses GOROOT's net/http/server.go (about
// 130 KB): tree-sitter parse, symbols, refs, imports and chunks.
func BenchmarkParseNetHTTPServer(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skipf("net/http/server.go: %v", err)
	}
	benchParse(b, "server.go", src)
}

// BenchmarkTreeSitterNetHTTPServer is the baseline of
// BenchmarkParseNetHTTPServer: the tree-sitter parse alone, with a pooled
// parser, no flattening and no extraction.
func BenchmarkTreeSitterNetHTTPServer(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skipf("net/http/server.go: %v", err)
	}
	g := grammarFor(LangGo)
	b.SetBytes(int64(len(src)))
	cpu := processCPU()
	for b.Loop() {
		pp, err := g.pool.get()
		if err != nil {
			b.Fatal(err)
		}
		_, err = pp.parse(context.Background(), src, false)
		g.pool.put(pp)
		if err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports the process CPU time per operation since start (GC
// included): a figure that other processes on the machine do not inflate.
func reportCPU(b *testing.B, start time.Duration) {
	if used := processCPU() - start; used > 0 {
		b.ReportMetric(float64(used.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkParseSmallFiles parses a 2 KB Go file.
func BenchmarkParseSmallFiles(b *testing.B) {
	src := []byte(smallGoFile())
	if len(src) < 1900 || len(src) > 2100 {
		b.Fatalf("small file is %d bytes", len(src))
	}
	benchParse(b, "small.go", src)
}

// BenchmarkParseSmallPython parses the Python sample (about 1 KB).
func BenchmarkParseSmallPython(b *testing.B) { benchParse(b, "geo.py", []byte(pySample)) }

// BenchmarkParseSmallTypeScript parses the TypeScript sample.
func BenchmarkParseSmallTypeScript(b *testing.B) { benchParse(b, "shape.ts", []byte(tsSample)) }

// BenchmarkParseGenerated4MiB parses a generated Go file just under 4 MiB.
func BenchmarkParseGenerated4MiB(b *testing.B) {
	benchParse(b, "gen.go", []byte(generatedGo(DefaultMaxFileBytes)))
}

// BenchmarkChunkLines chunks 1 MiB of prose.
func BenchmarkChunkLines(b *testing.B) {
	src := []byte(prose(1 << 20))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		ChunkLines(src, Options{})
	}
}

func benchParse(b *testing.B, path string, src []byte) {
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	var f *File
	cpu := processCPU()
	for b.Loop() {
		var err error
		if f, err = Parse(path, src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(len(f.Symbols)), "symbols")
	b.ReportMetric(float64(len(f.Refs)), "refs")
	b.ReportMetric(float64(len(f.Chunks)), "chunks")
}

// BenchmarkTreesNetHTTPServer is BenchmarkParseNetHTTPServer one keystroke
// at a time through Trees: each operation parses server.go with one more
// character typed, re-using the previous tree.
func BenchmarkTreesNetHTTPServer(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skipf("net/http/server.go: %v", err)
	}
	trees := NewTrees(0)
	defer trees.Close()
	at := len(src) / 2
	for at > 0 && src[at-1] != '\n' {
		at--
	}
	typed := []byte("// ")
	b.SetBytes(int64(len(src)))
	cpu := processCPU()
	for b.Loop() {
		typed = append(typed, 'x')
		content := append(append(append([]byte(nil), src[:at]...), typed...), src[at:]...)
		if _, err := trees.Parse(context.Background(), "server.go", content, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
