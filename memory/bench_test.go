package memory

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aios-dev/aios/memory/store"
	bolt "go.etcd.io/bbolt"
)

// The benchmarks share one synthetic tree of 15,000 files (10 symbols and
// 7 chunks each: 150k symbols, 105k chunks) and one store built from it.
const (
	bigFiles   = 15000
	bigSymbols = 10
	bigChunks  = 7
	bigDim     = 64
)

var shared struct {
	corpusOnce sync.Once
	corpus     *synthCorpus

	storeOnce sync.Once
	dir       string
	path      string
	storeErr  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func bigCorpus() *synthCorpus {
	shared.corpusOnce.Do(func() { shared.corpus = genSynth(bigFiles, bigSymbols, bigChunks, 42) })
	return shared.corpus
}

// bigStore builds (once) a store holding the big corpus, its vectors from
// the test embedder and a current snapshot, and returns its path.
func bigStore(b *testing.B) string {
	b.Helper()
	shared.storeOnce.Do(func() {
		shared.dir, shared.storeErr = os.MkdirTemp("", "aios-memory-bench-")
		if shared.storeErr != nil {
			return
		}
		shared.path = filepath.Join(shared.dir, "aios.db")
		shared.storeErr = buildBigStore(shared.path)
	})
	if shared.storeErr != nil {
		b.Fatal(shared.storeErr)
	}
	return shared.path
}

func buildBigStore(path string) error {
	c := bigCorpus()
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	m, err := Open(Options{Store: st, Embedder: &hashEmbedder{dim: bigDim}, EmbedModel: "hash-64", EmbedBatch: 256})
	if err != nil {
		return err
	}
	ctx := testContext()
	for i := 0; i < len(c.files); i += 500 {
		if err := m.IndexFiles(ctx, c.files[i:min(i+500, len(c.files))]); err != nil {
			return err
		}
	}
	indexed := time.Since(start)
	if err := m.Flush(ctx); err != nil {
		return err
	}
	embedded := time.Since(start)
	if err := m.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "memory bench: built %d chunks: indexed in %v, embedded by %v, closed by %v\n",
		c.chunkCount(), indexed.Round(time.Millisecond), embedded.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return nil
}

// synthQueries makes n queries about random chunks of the corpus: a few
// identifiers and words of the chunk, and often an open file nearby.
func synthQueries(c *synthCorpus, n int) []Query {
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([]Query, n)
	for i := range out {
		fi := rng.IntN(len(c.files))
		f := c.files[fi]
		ch := f.Chunks[rng.IntN(len(f.Chunks))]
		words := strings.FieldsFunc(ch.Text, func(r rune) bool { return !isWordRune(r) })
		words = slices.DeleteFunc(words, func(w string) bool { return len(w) < 3 || isStopWord([]byte(w)) })
		var picked []string
		for range 3 {
			picked = append(picked, words[rng.IntN(len(words))])
		}
		q := Query{Text: "where do we " + strings.Join(picked, " ")}
		if rng.IntN(2) == 0 {
			q.OpenFile = c.files[(fi/10*10+rng.IntN(10))%len(c.files)].Facts.Path
		}
		if rng.IntN(3) == 0 {
			q.Identifiers = []string{f.Facts.Symbols[rng.IntN(len(f.Facts.Symbols))].Name}
		}
		out[i] = q
	}
	return out
}

// latencies collects per-operation durations and reports their min,
// median, p99 and max as custom metrics.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(ms(s[0]), "min-ms")
	b.ReportMetric(ms(s[len(s)/2]), "p50-ms")
	b.ReportMetric(ms(s[len(s)*99/100]), "p99-ms")
	b.ReportMetric(ms(s[len(s)-1]), "max-ms")
}

func BenchmarkSparseSearch100k(b *testing.B) {
	c := bigCorpus()
	s := NewSparse()
	start := time.Now()
	for _, f := range c.files {
		docs := make([]SparseDoc, len(f.Chunks))
		for i, ch := range f.Chunks {
			docs[i] = SparseDoc{ID: ch.Path + "#" + fmt.Sprint(i), Text: ch.Text, Symbol: ch.Symbol, Path: ch.Path}
		}
		s.Replace(f.Facts.Path, docs)
	}
	b.Logf("indexed %d chunks in %v", s.Len(), time.Since(start))
	queries := synthQueries(c, 500)
	var lat latencies
	i := 0
	b.ResetTimer()
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		t0 := time.Now()
		hits := s.Search(q.Text, retrieverDepth)
		lat = append(lat, time.Since(t0))
		if len(hits) == 0 {
			b.Fatalf("no hit for %q", q.Text)
		}
	}
	lat.report(b)
}

func BenchmarkPageRank(b *testing.B) {
	c := bigCorpus()
	g, err := NewGraph(GraphOptions{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for _, f := range c.files {
		if err := g.SetFile(f.Facts); err != nil {
			b.Fatal(err)
		}
	}
	g.resolve()
	nodes, edges := g.Len()
	b.Logf("graph: %d nodes, %d edges, built in %v", nodes, edges, time.Since(start))
	rng := rand.New(rand.NewPCG(1, 1))
	for _, method := range []struct {
		name string
		opts PageRankOptions
	}{{"power", PageRankOptions{}}, {"push", PageRankOptions{Push: true}}} {
		b.Run(method.name, func(b *testing.B) {
			var lat latencies
			for b.Loop() {
				f := c.files[rng.IntN(len(c.files))]
				seeds := map[string]float64{FileNode(f.Facts.Path): 1, SymbolNode(f.Facts.Path, f.Facts.Symbols[1].Qualified()): 1}
				t0 := time.Now()
				ranked, err := g.PageRank(seeds, method.opts)
				lat = append(lat, time.Since(t0))
				if err != nil || len(ranked) == 0 {
					b.Fatal(err, len(ranked))
				}
			}
			lat.report(b)
		})
	}
}

func BenchmarkRetrieve(b *testing.B) {
	path := bigStore(b)
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	m, err := Open(Options{Store: st, Embedder: &hashEmbedder{dim: bigDim}, EmbedModel: "hash-64"})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	ctx := b.Context()
	if err := m.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	s := m.Stats()
	b.Logf("memory: %+v", s)
	queries := synthQueries(bigCorpus(), 500)
	var lat latencies
	i := 0
	b.ResetTimer()
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		t0 := time.Now()
		r, err := m.Retrieve(ctx, q)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Retrievers) < 2 || len(r.Items) == 0 {
			b.Fatalf("query %+v: retrievers %v, %d items, notes %q", q, r.Retrievers, len(r.Items), r.Notes)
		}
	}
	lat.report(b)
}

// BenchmarkReopen100k times store.Open + Open over 105k chunks and their
// vectors: from the snapshot, and rebuilding without one (after a crash).
// graph-ms is when the knowledge graph, loaded in the background, is ready.
func BenchmarkReopen100k(b *testing.B) {
	path := bigStore(b)
	for _, mode := range []string{"snapshot", "rebuild"} {
		b.Run(mode, func(b *testing.B) {
			var lat, graph latencies
			for b.Loop() {
				if mode == "rebuild" {
					b.StopTimer()
					dropSnapshot(b, path)
					b.StartTimer()
				}
				t0 := time.Now()
				st, err := store.Open(path, store.Options{NoSync: true})
				if err != nil {
					b.Fatal(err)
				}
				m, err := Open(Options{Store: st, Embedder: &hashEmbedder{dim: bigDim}, EmbedModel: "hash-64"})
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				b.StopTimer()
				<-m.GraphReady()
				graph = append(graph, time.Since(t0))
				if s := m.Stats(); s.Chunks != bigFiles*bigChunks || s.Vectors != s.Chunks || s.SnapshotCurrent != (mode == "snapshot") {
					b.Fatalf("reopened: %+v", s)
				}
				if err := m.Close(); err != nil { // rewrites the snapshot after a rebuild
					b.Fatal(err)
				}
				st.Close()
				b.StartTimer()
			}
			lat.report(b)
			if len(graph) > 0 {
				slices.Sort(graph)
				b.ReportMetric(float64(graph[len(graph)/2])/1e6, "graph-ms")
			}
		})
	}
}

func dropSnapshot(b *testing.B, path string) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		if sb := tx.Bucket(bucketSnapshot); sb != nil {
			return sb.Delete(keySnapshot)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGraphResolve: the knowledge graph of the 100k-chunk corpus
// resolved from scratch (every file's edges, then every adjacency list
// sorted), as after a cold index.
func BenchmarkGraphResolve(b *testing.B) {
	c := bigCorpus()
	var lat latencies
	for b.Loop() {
		b.StopTimer()
		g, err := NewGraph(GraphOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range c.files {
			if err := g.SetFile(f.Facts); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		t0 := time.Now()
		g.resolve()
		lat = append(lat, time.Since(t0))
	}
	lat.report(b)
}
