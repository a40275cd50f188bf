package vector

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestNewRejectsBadArguments(t *testing.T) {
	for _, dim := range []int{0, -1, MaxDim + 1} {
		if _, err := NewFlat(dim, Float32); !errors.Is(err, ErrDimension) {
			t.Errorf("NewFlat(%d): %v, want ErrDimension", dim, err)
		}
		if _, err := NewChromem(dim); !errors.Is(err, ErrDimension) {
			t.Errorf("NewChromem(%d): %v, want ErrDimension", dim, err)
		}
	}
	for _, q := range []Quantization{-1, Int8Rerank + 1} {
		if _, err := NewFlat(8, q); !errors.Is(err, ErrQuantization) {
			t.Errorf("NewFlat(8, %v): %v, want ErrQuantization", q, err)
		}
	}
}

func TestUpsertRejectsBadBatches(t *testing.T) {
	const dim = 4
	good := []float32{1, 2, 3, 4}
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	cases := []struct {
		name string
		ids  []string
		vecs [][]float32
		want error
	}{
		{"length mismatch", []string{"a", "b"}, [][]float32{good}, ErrLength},
		{"short vector", []string{"a", "b"}, [][]float32{good, {1, 2, 3}}, ErrDimension},
		{"long vector", []string{"a", "b"}, [][]float32{good, {1, 2, 3, 4, 5}}, ErrDimension},
		{"nil vector", []string{"a", "b"}, [][]float32{good, nil}, ErrDimension},
		{"zero vector", []string{"a", "b"}, [][]float32{good, {0, 0, 0, 0}}, ErrZeroVector},
		{"NaN", []string{"a", "b"}, [][]float32{good, {1, nan, 0, 0}}, ErrNotFinite},
		{"Inf", []string{"a", "b"}, [][]float32{good, {1, 0, -inf, 0}}, ErrNotFinite},
		{"empty id", []string{"a", ""}, [][]float32{good, good}, ErrBadID},
		{"long id", []string{"a", strings.Repeat("x", MaxIDLen+1)}, [][]float32{good, good}, ErrBadID},
	}
	for _, kind := range storeKinds {
		for _, tc := range cases {
			t.Run(kind.name+"/"+tc.name, func(t *testing.T) {
				s := mustStore(t, kind.make, dim)
				mustUpsert(t, s, []string{"keep"}, [][]float32{{4, 3, 2, 1}})
				err := s.Upsert(tc.ids, tc.vecs)
				if !errors.Is(err, tc.want) {
					t.Fatalf("Upsert: %v, want %v", err, tc.want)
				}
				// The batch is atomic: its valid first entry was not added.
				if s.Len() != 1 {
					t.Fatalf("Len = %d after a rejected batch, want 1", s.Len())
				}
				hits := mustSearch(t, s, good, 10)
				if len(hits) != 1 || hits[0].ID != "keep" {
					t.Fatalf("after a rejected batch: %v", hits)
				}
			})
		}
	}
}

func TestUpsertReplaceDelete(t *testing.T) {
	const dim = 8
	e := func(i int) []float32 { v := make([]float32, dim); v[i] = 2; return v }
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			s := mustStore(t, kind.make, dim)
			if s.Dim() != dim {
				t.Fatalf("Dim = %d", s.Dim())
			}
			mustUpsert(t, s, nil, nil) // empty batch: no-op
			mustUpsert(t, s, []string{"a", "b", "c"}, [][]float32{e(0), e(1), e(2)})
			if s.Len() != 3 {
				t.Fatalf("Len = %d, want 3", s.Len())
			}
			// Vectors are normalised: an exact match scores 1.
			if h := mustSearch(t, s, e(1), 1); h[0].ID != "b" || math.Abs(float64(h[0].Score)-1) > 1e-3 {
				t.Fatalf("search e1: %v", h)
			}
			// Replace b; it moves, the count does not change.
			mustUpsert(t, s, []string{"b"}, [][]float32{e(5)})
			if s.Len() != 3 {
				t.Fatalf("Len = %d after replace, want 3", s.Len())
			}
			if h := mustSearch(t, s, e(5), 1); h[0].ID != "b" || h[0].Score < 0.99 {
				t.Fatalf("search e5 after replace: %v", h)
			}
			if h := mustSearch(t, s, e(1), 1); h[0].Score > 0.01 {
				t.Fatalf("old vector of b still found: %v", h)
			}
			// Duplicate id in one batch: the last vector wins.
			mustUpsert(t, s, []string{"d", "d"}, [][]float32{e(6), e(7)})
			if s.Len() != 4 {
				t.Fatalf("Len = %d after duplicate-id batch, want 4", s.Len())
			}
			if h := mustSearch(t, s, e(7), 1); h[0].ID != "d" || h[0].Score < 0.99 {
				t.Fatalf("search e7: %v", h)
			}
			// Unknown ids are ignored.
			if err := s.Delete("nope", "", "zz"); err != nil || s.Len() != 4 {
				t.Fatalf("Delete unknown: %v, Len %d", err, s.Len())
			}
			if err := s.Delete(); err != nil {
				t.Fatalf("Delete(): %v", err)
			}
			if err := s.Delete("a", "a", "nope"); err != nil || s.Len() != 3 {
				t.Fatalf("Delete a: %v, Len %d", err, s.Len())
			}
			for _, h := range mustSearch(t, s, e(0), 10) {
				if h.ID == "a" {
					t.Fatalf("deleted id returned: %v", h)
				}
			}
			if err := s.Delete("b", "c", "d"); err != nil || s.Len() != 0 {
				t.Fatalf("Delete rest: %v, Len %d", err, s.Len())
			}
			if h := mustSearch(t, s, e(0), 5); len(h) != 0 {
				t.Fatalf("empty store returned %v", h)
			}
			// Re-adding after emptying works.
			mustUpsert(t, s, []string{"a"}, [][]float32{e(3)})
			if h := mustSearch(t, s, e(3), 5); len(h) != 1 || h[0].ID != "a" {
				t.Fatalf("re-add: %v", h)
			}
		})
	}
}

func TestSearchArguments(t *testing.T) {
	const dim = 16
	r := rand.New(rand.NewPCG(3, 3))
	vecs := randomVecs(r, 10, dim)
	ids := idsN(10)
	q := randomVecs(r, 1, dim)[0]
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			s := mustStore(t, kind.make, dim)
			if h := mustSearch(t, s, q, 3); len(h) != 0 {
				t.Fatalf("empty store: %v", h)
			}
			mustUpsert(t, s, ids, vecs)
			for _, tc := range []struct{ k, want int }{{0, 0}, {1, 1}, {9, 9}, {10, 10}, {11, 10}, {1 << 30, 10}} {
				h := mustSearch(t, s, q, tc.k)
				if len(h) != tc.want {
					t.Errorf("k=%d: %d hits, want %d", tc.k, len(h), tc.want)
				}
				checkOrdered(t, h)
			}
			if _, err := s.Search(q, -1); !errors.Is(err, ErrBadK) {
				t.Errorf("k=-1: %v, want ErrBadK", err)
			}
			for _, bad := range []struct {
				q    []float32
				want error
			}{
				{make([]float32, dim), ErrZeroVector},
				{q[:dim-1], ErrDimension},
				{append(append([]float32{}, q...), 1), ErrDimension},
				{nil, ErrDimension},
				{append([]float32{float32(math.NaN())}, q[1:]...), ErrNotFinite},
			} {
				if _, err := s.Search(bad.q, 3); !errors.Is(err, bad.want) {
					t.Errorf("bad query: %v, want %v", err, bad.want)
				}
			}
		})
	}
}

// Equal scores order by ID, also at the k-th place, where the kept IDs
// must be the smallest of the tie group whatever the insertion order.
func TestTiesOrderByID(t *testing.T) {
	const dim = 8
	r := rand.New(rand.NewPCG(4, 4))
	same := []float32{1, 2, 3, 4, 5, 6, 7, 8}
	other := randomVecs(r, 50, dim)
	ids := idsN(200)
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			s := mustStore(t, kind.make, dim)
			// 150 identical vectors, 50 others, interleaved.
			for i, id := range ids {
				v := same
				if i%4 == 3 {
					v = other[i/4]
				}
				mustUpsert(t, s, []string{id}, [][]float32{v})
			}
			var tied []string
			for i, id := range ids {
				if i%4 != 3 {
					tied = append(tied, id)
				}
			}
			want := slices.Sorted(slices.Values(tied))
			for _, k := range []int{1, 5, 37, 150} {
				h := mustSearch(t, s, same, k)
				checkOrdered(t, h)
				for i := range h {
					if h[i].ID != want[i] {
						t.Fatalf("k=%d: hit %d is %q, want %q (all: %v)", k, i, h[i].ID, want[i], h)
					}
				}
			}
		})
	}
}

func TestRecommended(t *testing.T) {
	want := Float32
	if haveAVX2 {
		want = Int8Rerank
	}
	if got := Recommended(); got != want {
		t.Fatalf("Recommended() = %v with AVX2 %v", got, haveAVX2)
	}
}
