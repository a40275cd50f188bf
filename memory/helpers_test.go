package memory

import (
	"context"
	"errors"
	"hash/fnv"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aios-dev/aios/memory/store"
)

// openTestStore opens a store in a fresh temporary directory, closed at
// the end of the test.
func openTestStore(t testing.TB) *store.Store {
	t.Helper()
	return openStoreAt(t, filepath.Join(t.TempDir(), "aios.db"))
}

func openStoreAt(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.Options{NoSync: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// hashEmbedder is a deterministic test double of the inference layer's
// embedder: a hashed bag of the identifier tokens of a text, in dim
// dimensions. Texts sharing identifiers get similar vectors.
type hashEmbedder struct {
	dim   int
	calls atomic.Int64
	texts atomic.Int64
	fail  atomic.Bool
	// block, when set, holds every call until it is closed.
	mu    sync.Mutex
	block chan struct{}
}

var errEmbedderDown = errors.New("test embedder: model unavailable")

func (e *hashEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.calls.Add(1)
	e.mu.Lock()
	block := e.block
	e.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if e.fail.Load() {
		return nil, errEmbedderDown
	}
	e.texts.Add(int64(len(texts)))
	out := make([][]float32, len(texts))
	var tok tokenizer
	for i, text := range texts {
		v := make([]float32, e.dim)
		tok.each(text, func(b []byte) {
			h := fnv.New32a()
			h.Write(b)
			x := h.Sum32()
			if x&(1<<31) != 0 {
				v[int(x%uint32(e.dim))] -= 1
			} else {
				v[int(x%uint32(e.dim))] += 1
			}
		})
		zero := true
		for _, x := range v {
			zero = zero && x == 0
		}
		if zero {
			v[0] = 1
		}
		out[i] = v
	}
	return out, nil
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func testContext() context.Context { return context.Background() }
