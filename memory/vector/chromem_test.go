package vector

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// On small data the chromem adapter and the Float32 Flat return the same
// hits with the same scores (up to float32 summation order).
func TestChromemMatchesFlat(t *testing.T) {
	const dim, n = 64, 500
	r := rand.New(rand.NewPCG(13, 13))
	ids, vecs := idsN(n), randomVecs(r, n, dim)
	c, err := NewChromem(dim)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFlat(dim, Float32)
	if err != nil {
		t.Fatal(err)
	}
	mustUpsert(t, c, ids, vecs)
	mustUpsert(t, f, ids, vecs)
	if err := c.Delete(ids[:50]...); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete(ids[:50]...); err != nil {
		t.Fatal(err)
	}
	if c.Len() != f.Len() {
		t.Fatalf("Len: chromem %d, flat %d", c.Len(), f.Len())
	}
	for qi, q := range randomVecs(r, 30, dim) {
		k := 1 + qi%20
		ch, fh := mustSearch(t, c, q, k), mustSearch(t, f, q, k)
		if len(ch) != len(fh) {
			t.Fatalf("query %d: %d hits vs %d", qi, len(ch), len(fh))
		}
		for i := range ch {
			if ch[i].ID != fh[i].ID || math.Abs(float64(ch[i].Score-fh[i].Score)) > 1e-5 {
				t.Fatalf("query %d hit %d: chromem %v, flat %v", qi, i, ch[i], fh[i])
			}
		}
	}
}

// The collection never computes an embedding itself.
func TestChromemNeverEmbeds(t *testing.T) {
	c, err := NewChromem(4)
	if err != nil {
		t.Fatal(err)
	}
	mustUpsert(t, c, []string{"a"}, [][]float32{{1, 2, 3, 4}})
	_, err = c.col.Query(context.Background(), "some text", 1, nil, nil)
	if !errors.Is(err, errNoEmbedding) {
		t.Fatalf("text query: %v, want errNoEmbedding", err)
	}
}
