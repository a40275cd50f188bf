package vector

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// storeKinds builds one empty store of every implementation.
var storeKinds = []struct {
	name string
	make func(dim int) (Store, error)
}{
	{"flat-f32", func(d int) (Store, error) { return NewFlat(d, Float32) }},
	{"flat-i8", func(d int) (Store, error) { return NewFlat(d, Int8) }},
	{"flat-i8rerank", func(d int) (Store, error) { return NewFlat(d, Int8Rerank) }},
	{"chromem", func(d int) (Store, error) { return NewChromem(d) }},
}

// exactKinds are the stores whose scores are exact float32 cosines.
func exact(name string) bool { return name != "flat-i8" }

func mustStore(t testing.TB, mk func(int) (Store, error), dim int) Store {
	t.Helper()
	s, err := mk(dim)
	if err != nil {
		t.Fatalf("new store: %v", err)
	}
	return s
}

func mustUpsert(t testing.TB, s Store, ids []string, vecs [][]float32) {
	t.Helper()
	if err := s.Upsert(ids, vecs); err != nil {
		t.Fatalf("upsert: %v", err)
	}
}

func mustSearch(t testing.TB, s Store, q []float32, k int) []Hit {
	t.Helper()
	hits, err := s.Search(q, k)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	return hits
}

func idOf(i int) string { return fmt.Sprintf("v%06d", i) }

func idsN(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = idOf(i)
	}
	return ids
}

// randomVecs returns n random vectors (not normalised: stores must do it).
func randomVecs(r *rand.Rand, n, dim int) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, dim)
		for j := range v {
			v[j] = float32(r.NormFloat64()) * 3
		}
		out[i] = v
	}
	return out
}

// clustered draws n vectors around c random centres, with noise of norm
// about sigma relative to the unit centre, and returns a generator of
// queries from the same distribution.
func clustered(r *rand.Rand, n, dim, c int, sigma float64) ([][]float32, func() []float32) {
	centres := randomVecs(r, c, dim)
	for _, v := range centres {
		unit(v)
	}
	gen := func() []float32 {
		ctr := centres[r.IntN(c)]
		v := make([]float32, dim)
		for j := range v {
			v[j] = ctr[j] + float32(sigma*r.NormFloat64()/math.Sqrt(float64(dim)))
		}
		return v
	}
	out := make([][]float32, n)
	for i := range out {
		out[i] = gen()
	}
	return out, gen
}

func unit(v []float32) {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	inv := 1 / math.Sqrt(ss)
	for i := range v {
		v[i] = float32(float64(v[i]) * inv)
	}
}

// bruteForce is the reference: cosines in float64 over the raw vectors,
// sorted by score descending then ID, cut to k.
func bruteForce(ids []string, vecs [][]float32, q []float32, k int) []Hit {
	cos := func(a, b []float32) float64 {
		var ab, aa, bb float64
		for i := range a {
			ab += float64(a[i]) * float64(b[i])
			aa += float64(a[i]) * float64(a[i])
			bb += float64(b[i]) * float64(b[i])
		}
		return ab / math.Sqrt(aa*bb)
	}
	type scored struct {
		id string
		s  float64
	}
	all := make([]scored, len(ids))
	for i := range ids {
		all[i] = scored{ids[i], cos(q, vecs[i])}
	}
	slices.SortFunc(all, func(a, b scored) int {
		if c := cmp.Compare(b.s, a.s); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]Hit, min(k, len(all)))
	for i := range out {
		out[i] = Hit{ID: all[i].id, Score: float32(all[i].s)}
	}
	return out
}

// recall is the fraction of want's IDs found in got.
func recall(got, want []Hit) float64 {
	if len(want) == 0 {
		return 1
	}
	set := make(map[string]bool, len(got))
	for _, h := range got {
		set[h.ID] = true
	}
	n := 0
	for _, h := range want {
		if set[h.ID] {
			n++
		}
	}
	return float64(n) / float64(len(want))
}

// checkOrdered fails unless hits are sorted by score desc then ID and
// carry no duplicate IDs.
func checkOrdered(t testing.TB, hits []Hit) {
	t.Helper()
	seen := make(map[string]bool, len(hits))
	for i, h := range hits {
		if seen[h.ID] {
			t.Fatalf("duplicate id %q in %v", h.ID, hits)
		}
		seen[h.ID] = true
		if i == 0 {
			continue
		}
		p := hits[i-1]
		if p.Score < h.Score || (p.Score == h.Score && p.ID > h.ID) {
			t.Fatalf("hits %d and %d out of order: %v, %v", i-1, i, p, h)
		}
	}
}
