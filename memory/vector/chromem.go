package vector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"

	chromem "github.com/philippgille/chromem-go"
)

// Chromem is a [Store] over a chromem-go v0.7.0 in-memory collection.
// Embeddings are always supplied by the caller: the collection's embedding
// function refuses to run, so nothing ever calls out to a model. The
// persistent mode is never used (it loses documents at around 100k);
// Export and Import write the same snapshot format as [Flat].
//
// The adapter serialises writers against readers with its own lock (some
// chromem-go paths read its document map without one), keeps the set of
// ids (chromem-go cannot list them, Export needs them), and resolves ties
// at the k-th place by ID, which chromem-go leaves to chance.
type Chromem struct {
	dim int

	mu  sync.RWMutex
	col *chromem.Collection // guarded by mu; replaced whole by Import
	ids map[string]struct{} // guarded by mu
}

// errNoEmbedding is what the collection's embedding function returns; the
// adapter never passes a document without its embedding, so it is a bug.
var errNoEmbedding = errors.New("vector: the chromem adapter computes no embeddings; pass vectors to Upsert")

func refuseEmbedding(context.Context, string) ([]float32, error) { return nil, errNoEmbedding }

func newCollection() (*chromem.Collection, error) {
	col, err := chromem.NewDB().CreateCollection("aios", nil, refuseEmbedding)
	if err != nil {
		return nil, fmt.Errorf("vector: create chromem collection: %w", err)
	}
	return col, nil
}

// NewChromem returns an empty chromem-go backed store for vectors of
// dimension dim.
func NewChromem(dim int) (*Chromem, error) {
	if err := checkDim(dim); err != nil {
		return nil, err
	}
	col, err := newCollection()
	if err != nil {
		return nil, err
	}
	return &Chromem{dim: dim, col: col, ids: make(map[string]struct{})}, nil
}

// Dim returns the dimension of the stored vectors.
func (c *Chromem) Dim() int { return c.dim }

// Len returns the number of stored vectors.
func (c *Chromem) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.col.Count()
}

// Upsert adds or replaces vectors; see [Store.Upsert].
func (c *Chromem) Upsert(ids []string, vecs [][]float32) error {
	norm, err := checkBatch(ids, vecs, c.dim)
	if err != nil {
		return err
	}
	// One allocation per document, not sub-slices of the batch: a
	// sub-slice would keep the whole batch alive while any of it remains.
	docs := make([][]float32, len(ids))
	for i := range docs {
		docs[i] = slices.Clone(norm[i*c.dim : (i+1)*c.dim])
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return addAll(c.col, c.ids, ids, docs)
}

// addAll adds validated, normalised vectors; the collection keeps them.
func addAll(col *chromem.Collection, known map[string]struct{}, ids []string, vecs [][]float32) error {
	ctx := context.Background()
	for i, id := range ids {
		doc := chromem.Document{ID: id, Embedding: vecs[i]}
		if err := col.AddDocument(ctx, doc); err != nil {
			return fmt.Errorf("vector: chromem add %q: %w", id, err)
		}
		known[id] = struct{}{}
	}
	return nil
}

// Delete removes ids; unknown ids are ignored.
func (c *Chromem) Delete(ids ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var known []string
	for _, id := range ids {
		if _, ok := c.ids[id]; ok {
			known = append(known, id)
		}
	}
	if len(known) == 0 {
		return nil
	}
	if err := c.col.Delete(context.Background(), nil, nil, known...); err != nil {
		return fmt.Errorf("vector: chromem delete: %w", err)
	}
	for _, id := range known {
		delete(c.ids, id)
	}
	return nil
}

// Search returns the k most similar vectors; see [Store.Search]. It asks
// chromem-go for k+1 results and, while the last of them ties the k-th,
// for twice as many, so equal scores at the cut resolve by ID.
func (c *Chromem) Search(q []float32, k int) ([]Hit, error) {
	if k < 0 {
		return nil, fmt.Errorf("%w: %d", ErrBadK, k)
	}
	qn, err := normalized(q, c.dim)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := c.col.Count()
	k = min(k, n)
	if k == 0 {
		return []Hit{}, nil
	}
	for m := min(k+1, n); ; m = min(2*m, n) {
		res, err := c.col.QueryEmbedding(context.Background(), qn, m, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("vector: chromem query: %w", err)
		}
		slices.SortFunc(res, func(a, b chromem.Result) int {
			if d := cmp.Compare(b.Similarity, a.Similarity); d != 0 {
				return d
			}
			return cmp.Compare(a.ID, b.ID)
		})
		if m < n && res[m-1].Similarity >= res[k-1].Similarity {
			continue // a document left out may tie the k-th
		}
		hits := make([]Hit, k)
		for i := range hits {
			hits[i] = Hit{ID: res[i].ID, Score: res[i].Similarity}
		}
		return hits, nil
	}
}

// Export writes a Float32 snapshot, rows in ID order; see [Store.Export].
func (c *Chromem) Export(w io.Writer) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ids := slices.Sorted(maps.Keys(c.ids))
	sw := newSnapWriter(w, snapHeader{dim: c.dim, quant: Float32, count: len(ids)})
	ctx := context.Background()
	for _, id := range ids {
		if sw.err != nil {
			break
		}
		doc, err := c.col.GetByID(ctx, id)
		if err != nil {
			return fmt.Errorf("vector: chromem export %q: %w", id, err)
		}
		sw.rowF32(id, doc.Embedding)
	}
	return sw.finish()
}

// Import replaces the content with a float32 snapshot (from either store);
// see [Store.Import]. An Int8 snapshot is ErrMismatch.
func (c *Chromem) Import(r io.Reader) error {
	sr, err := readSnapHeader(r)
	if err != nil {
		return err
	}
	h := sr.hdr
	if err := h.check(c.dim, Float32); err != nil {
		return err
	}
	col, err := newCollection()
	if err != nil {
		return err
	}
	known := make(map[string]struct{}, min(h.count, 1<<16))
	raw := make([]float32, c.dim)
	for i := range h.count {
		id, err := sr.id()
		if err != nil {
			return fmt.Errorf("import row %d: %w", i, err)
		}
		if _, dup := known[id]; dup {
			return fmt.Errorf("%w: row %d repeats id %q", ErrCorrupt, i, id)
		}
		if err := sr.rowF32(raw); err != nil {
			return fmt.Errorf("import row %d: %w", i, err)
		}
		v := make([]float32, c.dim)
		if err := renormalize(v, raw); err != nil {
			return fmt.Errorf("%w: row %d (id %q): %w", ErrCorrupt, i, id, err)
		}
		if err := addAll(col, known, []string{id}, [][]float32{v}); err != nil {
			return err
		}
	}
	if err := sr.finish(); err != nil {
		return err
	}
	c.mu.Lock()
	c.col, c.ids = col, known
	c.mu.Unlock()
	return nil
}
