package vector

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Float32 and Int8Rerank stores (and chromem) agree with the float64
// brute-force reference, serial and parallel, for odd dimensions too.
func TestSearchMatchesBruteForce(t *testing.T) {
	for _, dim := range []int{1, 3, 100, 384} {
		r := rand.New(rand.NewPCG(7, uint64(dim)))
		n := 1500
		ids, vecs := idsN(n), randomVecs(r, n, dim)
		queries := randomVecs(r, 20, dim)
		for _, kind := range storeKinds {
			if !exact(kind.name) {
				continue
			}
			for _, partRows := range []int{0, 1, 200} {
				if partRows != 0 && kind.name == "chromem" {
					continue
				}
				s := mustStore(t, kind.make, dim)
				if f, ok := s.(*Flat); ok && partRows != 0 {
					f.partRows = partRows
				}
				mustUpsert(t, s, ids, vecs)
				for qi, q := range queries {
					k := 1 + qi%12
					got := mustSearch(t, s, q, k)
					want := bruteForce(ids, vecs, q, k)
					checkOrdered(t, got)
					if dim == 1 {
						// Every vector is ±1: scores tie in two groups.
						for i := range got {
							if got[i] != want[i] {
								t.Fatalf("%s dim 1: %v, want %v", kind.name, got, want)
							}
						}
						continue
					}
					for i := range want {
						if got[i].ID != want[i].ID || math.Abs(float64(got[i].Score-want[i].Score)) > 1e-5 {
							t.Fatalf("%s dim %d parts %d query %d: hit %d = %v, want %v", kind.name, dim, partRows, qi, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// Int8 recall@5 against exact search, on random unit vectors and on
// clustered data where the top scores crowd together.
func TestInt8Recall(t *testing.T) {
	const dim, n, nq, k = 384, 10000, 100, 5
	type dataset struct {
		name  string
		vecs  [][]float32
		query func() []float32
	}
	r := rand.New(rand.NewPCG(8, 1))
	sets := []dataset{{"random", randomVecs(r, n, dim), func() []float32 { return randomVecs(r, 1, dim)[0] }}}
	for _, c := range []struct {
		name     string
		clusters int
		sigma    float64
	}{{"clustered-100-wide", 100, 1}, {"clustered-100-tight", 100, 0.5}, {"clustered-1000-tight", 1000, 0.3}} {
		r := rand.New(rand.NewPCG(8, uint64(c.clusters)))
		vecs, gen := clustered(r, n, dim, c.clusters, c.sigma)
		sets = append(sets, dataset{c.name, vecs, gen})
	}
	ids := idsN(n)
	row := make(map[string]int, n)
	for i, id := range ids {
		row[id] = i
	}
	for _, set := range sets {
		exactStore, _ := NewFlat(dim, Float32)
		i8, _ := NewFlat(dim, Int8)
		rr, _ := NewFlat(dim, Int8Rerank)
		for _, s := range []Store{exactStore, i8, rr} {
			mustUpsert(t, s, ids, set.vecs)
		}
		var sum8, sumRR, maxErr float64
		for range nq {
			q := set.query()
			want := mustSearch(t, exactStore, q, k)
			got8 := mustSearch(t, i8, q, k)
			sum8 += recall(got8, want)
			sumRR += recall(mustSearch(t, rr, q, k), want)
			// The int8 estimate stays close to the true cosine.
			for _, h := range got8 {
				cos := bruteForce([]string{h.ID}, [][]float32{set.vecs[row[h.ID]]}, q, 1)[0].Score
				maxErr = math.Max(maxErr, math.Abs(float64(h.Score-cos)))
			}
		}
		r8, rRR := sum8/nq, sumRR/nq
		t.Logf("%-22s recall@5 int8 %.3f, int8-rerank %.3f, max score error %.4f", set.name, r8, rRR, maxErr)
		if r8 < 0.95 {
			t.Errorf("%s: int8 recall@5 %.3f < 0.95", set.name, r8)
		}
		if rRR < 0.99 {
			t.Errorf("%s: int8-rerank recall@5 %.3f < 0.99", set.name, rRR)
		}
		if maxErr > 0.01 {
			t.Errorf("%s: int8 score error %.4f > 0.01", set.name, maxErr)
		}
	}
}
