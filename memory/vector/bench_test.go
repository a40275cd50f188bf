package vector

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// Benchmarks: 384-dimensional vectors, top-5, data built once per size
// with a fixed seed. Custom metrics: p50-µs and p99-µs per query,
// recall@5 against exact float32 search (the Float32 Flat), and B/vector,
// the heap growth per stored vector while building the store (ids' bytes
// excluded: they are shared with the test data).
//
//	go test -run '^$' -bench Search -benchtime 200x ./memory/vector

const (
	benchDim     = 384
	benchK       = 5
	benchQueries = 100
)

var benchImpls = []string{"flat-f32", "flat-i8", "flat-i8rerank", "chromem"}

func newBenchStore(impl string) (Store, error) {
	switch impl {
	case "flat-f32":
		return NewFlat(benchDim, Float32)
	case "flat-i8":
		return NewFlat(benchDim, Int8)
	case "flat-i8rerank":
		return NewFlat(benchDim, Int8Rerank)
	case "chromem":
		return NewChromem(benchDim)
	}
	return nil, fmt.Errorf("unknown impl %q", impl)
}

type benchSet struct {
	name      string
	n         int
	clustered bool

	once    sync.Once
	ids     []string
	vecs    [][]float32
	queries [][]float32

	stores [4]lazyStore // by index in benchImpls
}

type lazyStore struct {
	once    sync.Once
	s       Store
	bpv     float64 // heap bytes per vector
	recall  float64 // mean recall@5 vs flat-f32
	err     error
	measure sync.Once
}

var benchSets = []*benchSet{
	{name: "10k", n: 10_000},
	{name: "100k", n: 100_000},
	{name: "100k-clustered", n: 100_000, clustered: true},
}

func (bs *benchSet) data() {
	bs.once.Do(func() {
		r := rand.New(rand.NewPCG(42, uint64(bs.n)))
		bs.ids = idsN(bs.n)
		if bs.clustered {
			// 1000 clusters, noise about 0.5 of the centre's norm: top
			// scores crowd together as with real code embeddings.
			var gen func() []float32
			bs.vecs, gen = clustered(r, bs.n, benchDim, 1000, 0.5)
			for range benchQueries {
				bs.queries = append(bs.queries, gen())
			}
			return
		}
		bs.vecs = randomVecs(r, bs.n, benchDim)
		for _, v := range bs.vecs {
			unit(v)
		}
		bs.queries = randomVecs(r, benchQueries, benchDim)
	})
}

// store returns the set's store for impl, built on first use.
func (bs *benchSet) store(b *testing.B, impl string) *lazyStore {
	i := slices.Index(benchImpls, impl)
	ls := &bs.stores[i]
	ls.once.Do(func() {
		bs.data()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := newBenchStore(impl)
		for lo := 0; err == nil && lo < bs.n; lo += 1000 {
			hi := min(lo+1000, bs.n)
			err = s.Upsert(bs.ids[lo:hi], bs.vecs[lo:hi])
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		ls.s, ls.err = s, err
		ls.bpv = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(bs.n)
		ls.recall = 1 // measured below against flat-f32 for the others
	})
	if ls.err != nil {
		b.Fatal(ls.err)
	}
	if impl == "flat-f32" {
		return ls // the reference itself: recall 1
	}
	exact := bs.store(b, "flat-f32").s
	ls.measure.Do(func() {
		var sum float64
		for _, q := range bs.queries {
			want, err := exact.Search(q, benchK)
			if err != nil {
				b.Fatal(err)
			}
			got, err := ls.s.Search(q, benchK)
			if err != nil {
				b.Fatal(err)
			}
			sum += recall(got, want)
		}
		ls.recall = sum / float64(len(bs.queries))
	})
	return ls
}

func BenchmarkSearch(b *testing.B) {
	for _, impl := range benchImpls {
		for _, bs := range benchSets {
			b.Run(impl+"/"+bs.name, func(b *testing.B) {
				ls := bs.store(b, impl)
				lat := make([]time.Duration, 0, 1024)
				i := 0
				for b.Loop() {
					q := bs.queries[i%len(bs.queries)]
					t0 := time.Now()
					if _, err := ls.s.Search(q, benchK); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
					i++
				}
				slices.Sort(lat)
				pct := func(p float64) float64 {
					return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e3
				}
				b.ReportMetric(pct(0.50), "p50-µs")
				b.ReportMetric(pct(0.99), "p99-µs")
				b.ReportMetric(ls.recall, "recall@5")
				b.ReportMetric(ls.bpv, "B/vector")
			})
		}
	}
}

// BenchmarkUpsert upserts batches of 1000 vectors, new ids first, then
// replacing, into a store that grows to 100k.
func BenchmarkUpsert(b *testing.B) {
	bs := benchSets[1]
	bs.data()
	const batch = 1000
	for _, impl := range benchImpls {
		b.Run(impl, func(b *testing.B) {
			s, err := newBenchStore(impl)
			if err != nil {
				b.Fatal(err)
			}
			lo := 0
			for b.Loop() {
				if err := s.Upsert(bs.ids[lo:lo+batch], bs.vecs[lo:lo+batch]); err != nil {
					b.Fatal(err)
				}
				lo = (lo + batch) % bs.n
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/vector")
		})
	}
}

func BenchmarkExport(b *testing.B) {
	bs := benchSets[1]
	for _, impl := range benchImpls {
		b.Run(impl+"/100k", func(b *testing.B) {
			s := bs.store(b, impl).s
			var cw countWriter
			if err := s.Export(&cw); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(cw))
			for b.Loop() {
				if err := s.Export(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkImport(b *testing.B) {
	bs := benchSets[1]
	for _, impl := range benchImpls {
		b.Run(impl+"/100k", func(b *testing.B) {
			var buf bytes.Buffer
			if err := bs.store(b, impl).s.Export(&buf); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				s, err := newBenchStore(impl)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Import(bytes.NewReader(buf.Bytes())); err != nil {
					b.Fatal(err)
				}
				if s.Len() != bs.n {
					b.Fatalf("imported %d", s.Len())
				}
			}
		})
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// BenchmarkParallel finds where splitting a scan across goroutines pays:
// serial vs split GOMAXPROCS ways at growing sizes (see minPartElems).
func BenchmarkParallel(b *testing.B) {
	r := rand.New(rand.NewPCG(43, 43))
	q := randomVecs(r, 1, benchDim)[0]
	for _, quant := range []Quantization{Float32, Int8} {
		impl := map[Quantization]string{Float32: "flat-f32", Int8: "flat-i8"}[quant]
		for _, n := range []int{250, 500, 1000, 2000, 4000, 10_000, 100_000} {
			var f *Flat
			get := func(b *testing.B) *Flat {
				switch {
				case f != nil:
				case n == 10_000:
					f = benchSets[0].store(b, impl).s.(*Flat)
				case n == 100_000:
					f = benchSets[1].store(b, impl).s.(*Flat)
				default:
					var err error
					if f, err = NewFlat(benchDim, quant); err != nil {
						b.Fatal(err)
					}
					mustUpsert(b, f, idsN(n), randomVecs(r, n, benchDim))
				}
				return f
			}
			for _, mode := range []string{"serial", "split"} {
				b.Run(fmt.Sprintf("%v/%d/%s", quant, n, mode), func(b *testing.B) {
					f := get(b)
					defer func(p int) { f.partRows = p }(f.partRows)
					f.partRows = n + 1
					if mode == "split" {
						f.partRows = 1
					}
					for b.Loop() {
						if _, err := f.Search(q, benchK); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkKernel reports the scan kernels' cost per multiply-add over
// 10k rows (4 MB int8, 15 MB float32: L3-resident on this machine).
func BenchmarkKernel(b *testing.B) {
	const rows = 10_000
	stride := padStride(benchDim)
	r := rand.New(rand.NewPCG(44, 44))
	qf, xf := make([]float32, stride), make([]float32, rows*stride)
	qi, xi := make([]int16, stride), make([]int8, rows*stride)
	qw := make([]int32, stride)
	for i := range qf {
		qf[i], qi[i] = float32(r.NormFloat64()), int16(r.IntN(65535)-32767)
	}
	for i, c := range qi {
		qw[i] = int32(c)
	}
	for i := range xf {
		xf[i], xi[i] = float32(r.NormFloat64()), int8(r.IntN(255)-127)
	}
	outF, outI := make([]float32, kernelBlock), make([]int32, kernelBlock)
	run := func(name string, fn func(lo, hi int)) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				for lo := 0; lo < rows; lo += kernelBlock {
					fn(lo, min(lo+kernelBlock, rows))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows*stride), "ns/MAC")
		})
	}
	run("f32-"+kernelName, func(lo, hi int) { scoresF32(qf, xf[lo*stride:hi*stride], stride, outF[:hi-lo]) })
	run("f32-go", func(lo, hi int) { scoresF32Go(qf, xf[lo*stride:hi*stride], stride, outF[:hi-lo]) })
	run("i8-"+kernelName, func(lo, hi int) { scoresI8(qi, qw, xi[lo*stride:hi*stride], stride, outI[:hi-lo]) })
	run("i8-go", func(lo, hi int) { scoresI8Go(qw, xi[lo*stride:hi*stride], stride, outI[:hi-lo]) })
}
