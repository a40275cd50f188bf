package knowledge

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aios-dev/aios/memory"
	"github.com/aios-dev/aios/repoindex"
)

// The workspace benchmarks run the whole pipeline (index, parse, memory,
// graph) on a git repository holding GOROOT/src and GOROOT/test, about
// 15,000 files: the tree of repoindex's benchmarks, shared with them
// ($AIOS_BENCH_TREE or <user cache>/aios/repoindex-bench/goroot-<go
// version>/tree; built on first use). The complete store the reopen, edit
// and retrieval benchmarks use is kept beside it (knowledge.db).

func benchDir(b *testing.B) string {
	if d := os.Getenv("AIOS_BENCH_TREE"); d != "" {
		return d
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		b.Skipf("no cache directory for the benchmark tree: %v (set AIOS_BENCH_TREE)", err)
	}
	return filepath.Join(cache, "aios", "repoindex-bench", "goroot-"+runtime.Version())
}

var benchTreeOnce sync.Once

func benchTree(b *testing.B) string {
	b.Helper()
	root := filepath.Join(benchDir(b), "tree")
	ready := filepath.Join(root, ".git", "aios-bench-ready")
	benchTreeOnce.Do(func() {
		if _, err := os.Stat(ready); err == nil {
			return
		}
		b.Logf("building the benchmark tree in %s (once)", root)
		run := func(dir string, args ...string) {
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com",
				"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%q: %v\n%s", args, err, out)
			}
		}
		if err := os.RemoveAll(root); err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(root, 0o755); err != nil {
			b.Fatal(err)
		}
		for _, d := range []string{"src", "test"} {
			run(root, "cp", "-a", filepath.Join(runtime.GOROOT(), d), root)
		}
		run(root, "git", "init", "-q")
		run(root, "git", "add", "-A")
		run(root, "git", "commit", "-q", "-m", "GOROOT snapshot")
		run(root, "git", "status", "--porcelain")
		if err := os.WriteFile(ready, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	})
	if _, err := os.Stat(ready); err != nil {
		b.Fatalf("benchmark tree not ready: %v", err)
	}
	return root
}

// openBench opens a Service on the tree with the store at path, refreshes
// it and waits for the knowledge graph.
func openBench(b *testing.B, root, path string) (*Service, *Report) {
	b.Helper()
	s, err := Open(Options{Root: root, StorePath: path, NoHistory: true})
	if err != nil {
		b.Fatal(err)
	}
	rep, err := s.Refresh(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Memory().Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s, rep
}

var warmOnce sync.Once

// warmStore returns the path of a complete store of the tree.
func warmStore(b *testing.B, root string) string {
	b.Helper()
	path := filepath.Join(benchDir(b), "knowledge.db")
	warmOnce.Do(func() {
		s, _ := openBench(b, root, path)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	})
	return path
}

// vmHWM reads the process's peak resident set in bytes; reset clears it.
func vmHWM(reset bool) int64 {
	if reset {
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		return 0
	}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkWorkspaceCold: the whole pipeline on an empty store: walk,
// hash, parse, chunk, BM25, graph, persist.
func BenchmarkWorkspaceCold(b *testing.B) {
	root := benchTree(b)
	var files int
	var rss int64
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "aios.db")
		runtime.GC()
		vmHWM(true)
		b.StartTimer()
		s, rep := openBench(b, root, path)
		b.StopTimer()
		rss = max(rss, vmHWM(false))
		st := s.Memory().Stats()
		files = st.Files
		b.Logf("cold: %d files, %d chunks, graph %d nodes / %d edges; index %v, memory %v", st.Files, st.Chunks, st.Nodes, st.Edges,
			rep.IndexTime.Round(time.Millisecond), rep.MemoryTime.Round(time.Millisecond))
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(files)/(b.Elapsed().Seconds()/float64(b.N)), "files/s")
	b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
}

// BenchmarkWorkspaceReopen: open a complete store and find nothing
// changed: sparse retrieval works from then on. The knowledge graph loads
// in the background; graph-ms is when it is ready too.
func BenchmarkWorkspaceReopen(b *testing.B) {
	root := benchTree(b)
	path := warmStore(b, root)
	var graph []time.Duration
	for b.Loop() {
		t0 := time.Now()
		s, err := Open(Options{Root: root, StorePath: path, NoHistory: true})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := s.Refresh(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if rep.Indexed != 0 {
			b.Fatalf("reopen indexed %d files", rep.Indexed)
		}
		b.StopTimer()
		<-s.Memory().GraphReady()
		graph = append(graph, time.Since(t0))
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	slices.Sort(graph)
	b.ReportMetric(float64(graph[len(graph)/2].Milliseconds()), "graph-ready-ms")
}

// BenchmarkWorkspaceEdit: one keystroke-sized edit of an open buffer
// through index (parse) and memory (chunks, BM25, graph, store): a typical
// file (strings/reader.go, 160 lines) and a large one (net/http/server.go,
// 4,000 lines).
func BenchmarkWorkspaceEdit(b *testing.B) {
	root := benchTree(b)
	path := warmStore(b, root)
	ov := repoindex.NewOverlay()
	s, err := Open(Options{Root: root, StorePath: path, NoHistory: true, Overlay: ov})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Refresh(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := s.Memory().Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	for _, rel := range []string{"src/strings/reader.go", "src/net/http/server.go"} {
		b.Run(filepath.Base(rel), func(b *testing.B) {
			abs := filepath.Join(root, filepath.FromSlash(rel))
			src, err := os.ReadFile(abs)
			if err != nil {
				b.Fatal(err)
			}
			seed := time.Now().UnixNano()
			i := 0
			var lat []time.Duration
			for b.Loop() {
				i++
				edited := append(slices.Clone(src), fmt.Sprintf("\n// edit %d-%d\nfunc benchEdit%d() {}\n", seed, i, i)...)
				if err := ov.Set(abs, int32(i), edited); err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				if err := s.UpdateBuffer(context.Background(), rel); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[0].Microseconds())/1000, "min-ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
			ov.Delete(abs)
			if err := s.UpdateFiles(context.Background(), []string{rel}); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// benchQueries are retrieval queries over GOROOT: the doc comments of
// exported functions (name removed), half of them asked from a file of
// the same package, as an editor would.
func benchQueries(b *testing.B, root string, n int) []memory.Query {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var qs []memory.Query
	for _, dir := range []string{"src/net/http", "src/go/types", "src/encoding/json", "src/runtime", "src/os", "src/crypto/tls", "src/strings", "src/sort"} {
		fset := token.NewFileSet()
		ents, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			b.Fatal(err)
		}
		var files []string
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
				files = append(files, dir+"/"+e.Name())
			}
		}
		for _, rel := range files {
			f, err := parser.ParseFile(fset, filepath.Join(root, rel), nil, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				continue
			}
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Doc == nil || !fn.Name.IsExported() {
					continue
				}
				q := memory.Query{Text: strings.TrimSpace(strings.ReplaceAll(fn.Doc.Text(), fn.Name.Name, " "))}
				if q.Text == "" {
					continue
				}
				if rng.IntN(2) == 0 {
					q.OpenFile = files[rng.IntN(len(files))]
				}
				qs = append(qs, q)
			}
		}
	}
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs[:min(n, len(qs))]
}

// BenchmarkHybridRetrieval: Retrieve end to end (sparse and graph; dense
// when an embedder is configured, not here) on the 15,000-file tree,
// packing the default top 5 into the default budget. Reports the median
// and p99 latency over the query set.
func BenchmarkHybridRetrieval(b *testing.B) {
	root := benchTree(b)
	path := warmStore(b, root)
	s, _ := openBench(b, root, path)
	defer s.Close()
	qs := benchQueries(b, root, 500)
	ctx := context.Background()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		t0 := time.Now()
		if _, err := s.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[0].Microseconds())/1000, "min-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}
