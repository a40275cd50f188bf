package store

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"
)

// openTemp opens a fresh store in a temporary directory and closes it when
// the test ends.
func openTemp(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ws", FileName)
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

// fileChunks builds n chunks of path whose text depends on version.
func fileChunks(path string, n, version int) []ChunkRecord {
	out := make([]ChunkRecord, n)
	for i := range out {
		text := fmt.Sprintf("func F%d_%d() {\n\treturn %q\n}\n", i, version, path)
		out[i] = ChunkRecord{
			ID: fmt.Sprintf("%s#%d", path, i), Path: path, Lang: "go", Kind: "function",
			Symbol: fmt.Sprintf("F%d", i), StartLine: i * 4, EndLine: i*4 + 3,
			StartByte: i * 100, EndByte: i*100 + len(text), Text: text,
		}
	}
	return out
}

// testVec is a deterministic vector for seed.
func testVec(seed, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(math.Sin(float64(seed*dim+i) * 0.37))
	}
	return v
}

func ids(cs []ChunkRecord) []string {
	out := make([]string, len(cs))
	for i := range cs {
		out[i] = cs[i].ID
	}
	return out
}

func vecsFor(cs []ChunkRecord, dim, salt int) [][]float32 {
	out := make([][]float32, len(cs))
	for i := range cs {
		out[i] = testVec(salt*1000+i, dim)
	}
	return out
}

// embeddingsOf collects a model's vectors by ID.
func embeddingsOf(t testing.TB, s *Store, model string) map[string][]float32 {
	t.Helper()
	got := map[string][]float32{}
	if err := s.Embeddings(model, func(id string, v []float32) error { got[id] = v; return nil }); err != nil {
		t.Fatalf("Embeddings: %v", err)
	}
	return got
}

func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

func mustCheck(t testing.TB, s *Store) {
	t.Helper()
	if err := s.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
}
