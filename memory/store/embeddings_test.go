package store

import (
	"math"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestEmbeddingsRoundTrip(t *testing.T) {
	s, path := openTemp(t, Options{NoSync: true})
	cs := fileChunks("a.go", 10, 1)
	if err := s.ReplaceFileChunks("a.go", cs); err != nil {
		t.Fatal(err)
	}
	vecs := vecsFor(cs, 384, 7)
	vecs[3][0] = -0.0
	vecs[4][1] = math.SmallestNonzeroFloat32
	vecs[5][2] = math.MaxFloat32
	if err := s.PutEmbeddings("minilm", ids(cs), vecs); err != nil {
		t.Fatal(err)
	}
	if dim, ok, err := s.EmbeddingDim("minilm"); dim != 384 || !ok || err != nil {
		t.Fatalf("EmbeddingDim = %d, %v, %v", dim, ok, err)
	}
	check := func(s *Store) {
		got := embeddingsOf(t, s, "minilm")
		if len(got) != len(cs) {
			t.Fatalf("%d vectors, want %d", len(got), len(cs))
		}
		for i, c := range cs {
			if !reflect.DeepEqual(got[c.ID], vecs[i]) {
				t.Fatalf("vector %s differs", c.ID)
			}
		}
	}
	check(s)
	// Retained vectors stay valid (each is the caller's).
	var kept [][]float32
	_ = s.Embeddings("minilm", func(_ string, v []float32) error { kept = append(kept, v); return nil })
	if !reflect.DeepEqual(kept[9], vecs[9]) || cap(kept[0]) != 384 {
		t.Fatal("retained vectors were overwritten or share capacity")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	check(s2)
	if got := embeddingsOf(t, s2, "unknown-model"); len(got) != 0 {
		t.Fatalf("unknown model has %d vectors", len(got))
	}
}

func TestStaleVectorNeverReturned(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	cs := fileChunks("a.go", 3, 1)
	if err := s.ReplaceFileChunks("a.go", cs); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEmbeddings("m", ids(cs), vecsFor(cs, 4, 1)); err != nil {
		t.Fatal(err)
	}
	// Plant a vector stamped with another hash, as a writer that raced a
	// text change would have left it (bypassing the API).
	err := s.DB().Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bEmbeddings).Put(joinKey("m", cs[1].ID), encodeVector("old-hash", []float32{1, 2, 3, 4}))
	})
	if err != nil {
		t.Fatal(err)
	}
	got := embeddingsOf(t, s, "m")
	if _, ok := got[cs[1].ID]; ok || len(got) != 2 {
		t.Fatalf("stale vector returned: %v", keys(got))
	}
	missing, err := s.MissingEmbeddings("m")
	if err != nil || !reflect.DeepEqual(ids(missing), []string{cs[1].ID}) {
		t.Fatalf("MissingEmbeddings = %v, %v", ids(missing), err)
	}
	wantErr(t, s.Check(), ErrCorrupt) // Check reports the stale vector
}

func TestPutChunkEmbeddingsSkipsChangedChunks(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	if err := s.ReplaceFileChunks("a.go", fileChunks("a.go", 3, 1)); err != nil {
		t.Fatal(err)
	}
	todo, err := s.MissingEmbeddings("m")
	if err != nil || len(todo) != 3 {
		t.Fatalf("MissingEmbeddings = %d, %v", len(todo), err)
	}
	// While the vectors are computed, the file changes: chunk 1 is edited
	// and chunk 2 removed.
	next := fileChunks("a.go", 2, 2)
	next[0] = todo[0]
	if err := s.ReplaceFileChunks("a.go", next); err != nil {
		t.Fatal(err)
	}
	n, err := s.PutChunkEmbeddings("m", todo, vecsFor(todo, 4, 1))
	if err != nil || n != 1 {
		t.Fatalf("PutChunkEmbeddings stored %d, %v; want 1", n, err)
	}
	if got := embeddingsOf(t, s, "m"); !reflect.DeepEqual(keys(got), []string{todo[0].ID}) {
		t.Fatalf("vectors %v", keys(got))
	}
	missing, _ := s.MissingEmbeddings("m")
	if !reflect.DeepEqual(ids(missing), []string{next[1].ID}) || missing[0].Text != next[1].Text {
		t.Fatalf("missing %v", ids(missing))
	}
	mustCheck(t, s)
}

func TestPutEmbeddingsInvalid(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	cs := fileChunks("a.go", 2, 1)
	if err := s.ReplaceFileChunks("a.go", cs); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEmbeddings("m", ids(cs[:1]), [][]float32{{1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	tests := []struct {
		name  string
		model string
		ids   []string
		vecs  [][]float32
		want  error
	}{
		{"unknown chunk", "m", []string{cs[1].ID, "ghost"}, [][]float32{{1, 2, 3}, {1, 2, 3}}, ErrUnknownChunk},
		{"length mismatch", "m", ids(cs), [][]float32{{1, 2, 3}}, ErrInvalidInput},
		{"NaN", "m", ids(cs[1:]), [][]float32{{1, nan, 3}}, ErrInvalidInput},
		{"Inf", "m", ids(cs[1:]), [][]float32{{inf, 2, 3}}, ErrInvalidInput},
		{"empty vector", "m2", ids(cs[1:]), [][]float32{{}}, ErrInvalidInput},
		{"dims differ in batch", "m2", ids(cs), [][]float32{{1, 2}, {1, 2, 3}}, ErrDimensionMismatch},
		{"dim differs from model", "m", ids(cs[1:]), [][]float32{{1, 2}}, ErrDimensionMismatch},
		{"empty model", "", ids(cs[1:]), [][]float32{{1}}, ErrInvalidInput},
		{"NUL in model", "m\x00", ids(cs[1:]), [][]float32{{1}}, ErrInvalidInput},
		{"too many dims", "m3", ids(cs[1:]), [][]float32{make([]float32, MaxVectorDim+1)}, ErrInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.PutEmbeddings(tc.model, tc.ids, tc.vecs), tc.want)
			// Nothing of the failed batch was written.
			if got := embeddingsOf(t, s, "m"); len(got) != 1 {
				t.Fatalf("vectors after failed put: %v", keys(got))
			}
			if _, ok, _ := s.EmbeddingDim("m2"); ok {
				t.Fatal("failed put registered model m2")
			}
		})
	}
}

func TestModels(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	cs := fileChunks("a.go", 4, 1)
	if err := s.ReplaceFileChunks("a.go", cs); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEmbeddings("small", ids(cs), vecsFor(cs, 8, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEmbeddings("large", ids(cs[:2]), vecsFor(cs[:2], 16, 2)); err != nil {
		t.Fatal(err)
	}
	missing, _ := s.MissingEmbeddings("large")
	if !reflect.DeepEqual(ids(missing), ids(cs[2:])) {
		t.Fatalf("missing for large: %v", ids(missing))
	}
	if missing, _ := s.MissingEmbeddings("never-used"); len(missing) != 4 {
		t.Fatalf("an unused model misses %d chunks, want 4", len(missing))
	}
	if err := s.DropModel("small"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.EmbeddingDim("small"); ok {
		t.Fatal("dropped model still has a dimension")
	}
	if got := embeddingsOf(t, s, "small"); len(got) != 0 {
		t.Fatalf("dropped model has %d vectors", len(got))
	}
	// A dropped model may come back with another dimension.
	if err := s.PutEmbeddings("small", ids(cs[:1]), [][]float32{{1, 2}}); err != nil {
		t.Fatal(err)
	}
	if got := embeddingsOf(t, s, "large"); len(got) != 2 {
		t.Fatalf("large has %d vectors, want 2", len(got))
	}
	mustCheck(t, s)
}

func TestScanEmbeddingsReusesBuffer(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	cs := fileChunks("a.go", 5, 1)
	if err := s.ReplaceFileChunks("a.go", cs); err != nil {
		t.Fatal(err)
	}
	vecs := vecsFor(cs, 16, 3)
	if err := s.PutEmbeddings("m", ids(cs), vecs); err != nil {
		t.Fatal(err)
	}
	want := embeddingsOf(t, s, "m")
	got := map[string][]float32{}
	var bufs []*float32
	err := s.ScanEmbeddings("m", func(id string, v []float32) error {
		got[id] = append([]float32(nil), v...)
		bufs = append(bufs, &v[0])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("ScanEmbeddings and Embeddings disagree")
	}
	if bufs[0] != bufs[len(bufs)-1] {
		t.Fatal("ScanEmbeddings allocated a vector per call")
	}
}
