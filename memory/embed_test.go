package memory

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func setBackoff(m *Memory, d time.Duration) {
	m.queue.mu.Lock()
	m.queue.backoffMin = d
	m.queue.mu.Unlock()
}

// TestEmbedderFailure: a failing embedder leaves the files indexed
// sparsely; Flush reports the failure; the chunks are embedded once the
// embedder works again.
func TestEmbedderFailure(t *testing.T) {
	emb := &hashEmbedder{dim: 64}
	emb.fail.Store(true)
	m, err := Open(Options{Store: openTestStore(t), Embedder: emb, EmbedModel: "hash-64"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	setBackoff(m, 5*time.Millisecond)
	indexFixture(t, m)
	err = m.Flush(t.Context())
	if !errors.Is(err, ErrEmbedding) || !strings.Contains(err.Error(), errEmbedderDown.Error()) {
		t.Fatalf("Flush with a failing embedder: %v", err)
	}
	r := retrieve(t, m, Query{Text: "how is the URL parsed"})
	if ids := itemIDs(r); len(ids) == 0 || ids[0] != "server/http.go#parseURL" {
		t.Errorf("sparse retrieval should work while embedding fails: %q", ids)
	}
	if slices.Contains(r.Retrievers, RetrieverDense) {
		t.Errorf("dense ran without vectors: %v", r.Retrievers)
	}
	if st := m.Stats(); st.PendingEmbeds != 15 || st.Vectors != 0 {
		t.Errorf("stats while failing: %+v", st)
	}
	emb.fail.Store(false)
	waitFor(t, "the retry to embed everything", func() bool { return m.Flush(t.Context()) == nil })
	if st := m.Stats(); st.PendingEmbeds != 0 || st.Vectors != 15 {
		t.Errorf("stats after recovery: %+v", st)
	}
	r = retrieve(t, m, Query{Text: "how is the URL parsed"})
	if !slices.Contains(r.Retrievers, RetrieverDense) {
		t.Errorf("dense did not run after recovery: %v %q", r.Retrievers, r.Notes)
	}
}

// TestEmbedAfterReopen: chunks indexed while the embedder failed are
// embedded by the next session.
func TestEmbedAfterReopen(t *testing.T) {
	st := openTestStore(t)
	down := &hashEmbedder{dim: 32}
	down.fail.Store(true)
	m, err := Open(Options{Store: st, Embedder: down, EmbedModel: "hash-32"})
	if err != nil {
		t.Fatal(err)
	}
	indexFixture(t, m)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	up := &hashEmbedder{dim: 32}
	m2, err := Open(Options{Store: st, Embedder: up, EmbedModel: "hash-32"})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if err := m2.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := m2.Stats(); s.Vectors != 15 || up.texts.Load() != 15 {
		t.Errorf("after reopen: %+v, embedded %d", s, up.texts.Load())
	}
	// A third session finds every vector stored and embeds nothing.
	if err := m2.Close(); err != nil {
		t.Fatal(err)
	}
	again := &hashEmbedder{dim: 32}
	m3, err := Open(Options{Store: st, Embedder: again, EmbedModel: "hash-32"})
	if err != nil {
		t.Fatal(err)
	}
	defer m3.Close()
	if err := m3.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := m3.Stats(); s.Vectors != 15 || again.calls.Load() != 0 {
		t.Errorf("third session: %+v, %d embed calls", s, again.calls.Load())
	}
}

// TestIndexDoesNotWaitForEmbedder: IndexFile returns while the embedder
// hangs; Flush honours its context and returns once the embedder answers.
func TestIndexDoesNotWaitForEmbedder(t *testing.T) {
	emb := &hashEmbedder{dim: 16}
	block := make(chan struct{})
	emb.block = block
	st := openTestStore(t)
	m, err := Open(Options{Store: st, Embedder: emb, EmbedModel: "hash-16", EmbedBatch: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	indexFixture(t, m) // would hang here if indexing waited for vectors
	waitFor(t, "the first embed call", func() bool { return emb.calls.Load() > 0 })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := m.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Flush with a hanging embedder: %v", err)
	}
	r := retrieve(t, m, Query{Text: "verify token"})
	if len(r.Items) == 0 || !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.HasPrefix(n, "dense: no chunk") }) {
		t.Errorf("retrieval while embedding: %q, notes %q", itemIDs(r), r.Notes)
	}
	emb.mu.Lock()
	emb.block = nil
	emb.mu.Unlock()
	close(block)
	if err := m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := m.Stats(); s.Vectors != 15 || emb.calls.Load() < 4 {
		t.Errorf("after unblocking: %+v, %d calls", s, emb.calls.Load())
	}
	// Close while the worker is waiting on a blocked embedder returns.
	emb.mu.Lock()
	emb.block = make(chan struct{})
	emb.mu.Unlock()
	if err := m.IndexFile(t.Context(), FileFacts{Path: "new.go"}, []Chunk{{Path: "new.go", StartLine: 1, EndLine: 1, Text: "package x\n"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the blocked call", func() bool { return emb.calls.Load() > 4 })
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// badEmbedder answers with vectors that cannot be used.
type badEmbedder struct{ answer func(n int) [][]float32 }

func (b badEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	return b.answer(len(texts)), nil
}

func TestBadEmbedderAnswers(t *testing.T) {
	for name, answer := range map[string]func(int) [][]float32{
		"too few": func(n int) [][]float32 { return make([][]float32, n-1) },
		"zero vector": func(n int) [][]float32 {
			v := make([][]float32, n)
			for i := range v {
				v[i] = make([]float32, 8)
			}
			return v
		},
		"mixed dimension": func(n int) [][]float32 {
			v := make([][]float32, n)
			for i := range v {
				v[i] = make([]float32, 4+i%2)
				v[i][0] = 1
			}
			return v
		},
		"NaN": func(n int) [][]float32 {
			v := make([][]float32, n)
			for i := range v {
				v[i] = []float32{1, float32(nan())}
			}
			return v
		},
	} {
		t.Run(name, func(t *testing.T) {
			m := openFixture(t, Options{Embedder: badEmbedder{answer}, EmbedModel: "bad", EmbedBatch: 3})
			if err := m.Flush(t.Context()); !errors.Is(err, ErrEmbedding) {
				t.Fatalf("Flush: %v", err)
			}
			if s := m.Stats(); s.Vectors != 0 || s.Chunks != 15 {
				t.Errorf("stats: %+v", s)
			}
		})
	}
}

func nan() float64 { var z float64; return z / z }
