package knowledge

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aios-dev/aios/memory"
	"github.com/aios-dev/aios/repoindex"
	"github.com/aios-dev/aios/repoindex/repoindextest"
)

// The workspace benchmarks run the whole pipeline (index, parse, memory,
// graph) on a git repository holding GOROOT/src and GOROOT/test, about
// 15,000 files: the tree of repoindex's benchmarks, shared with them
// ($AIOS_BENCH_TREE or <user cache>/aios/repoindex-bench/goroot-<go
// version>/tree; built on first use). The complete store the reopen, edit
// and retrieval benchmarks use is kept beside it (knowledge.db).

func benchDir(b *testing.B) string { return repoindextest.Dir(b) }

func benchTree(b *testing.B) string { return repoindextest.GOROOTTree(b) }

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
		repoindextest.PeakRSS(true)
		b.StartTimer()
		s, rep := openBench(b, root, path)
		b.StopTimer()
		rss = max(rss, repoindextest.PeakRSS(false))
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
	var ready, graph []time.Duration
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
		ready = append(ready, time.Since(t0))
		<-s.Memory().GraphReady()
		graph = append(graph, time.Since(t0))
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	reportLatency(b, "", ready)
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
			reportLatency(b, "", lat)
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
	reportLatency(b, "", lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// reportLatency reports the min, median and max of ds (in ms), under
// names prefixed with prefix.
func reportLatency(b *testing.B, prefix string, ds []time.Duration) {
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(ds[0]), prefix+"min-ms")
	b.ReportMetric(ms(ds[len(ds)/2]), prefix+"median-ms")
	b.ReportMetric(ms(ds[len(ds)-1]), prefix+"max-ms")
}
