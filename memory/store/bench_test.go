package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// benchText is code-like chunk text of about n bytes.
func benchText(file, i, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// Handle%d_%d serves one request of kind %d.\nfunc (s *Server) Handle%d_%d(ctx context.Context, req *Request) (*Response, error) {\n", file, i, i, file, i)
	for b.Len() < n {
		fmt.Fprintf(&b, "\tif err := s.step%d(ctx, req); err != nil {\n\t\treturn nil, fmt.Errorf(\"step %d: %%w\", err)\n\t}\n", b.Len(), i)
	}
	b.WriteString("}\n")
	return b.String()
}

func benchFile(file, n, version int) (string, []ChunkRecord) {
	path := fmt.Sprintf("internal/pkg%03d/file%05d.go", file%300, file)
	cs := make([]ChunkRecord, n)
	for i := range cs {
		text := benchText(file, i+version, 600)
		cs[i] = ChunkRecord{ID: fmt.Sprintf("%s#%d", path, i), Path: path, Lang: "go", Kind: "method",
			Symbol: fmt.Sprintf("Server.Handle%d_%d", file, i), StartLine: i * 25, EndLine: i*25 + 24,
			StartByte: i * 700, EndByte: i*700 + len(text), Text: text}
	}
	return path, cs
}

// fillStore writes files × 20 chunks and, with dim > 0, one vector each.
func fillStore(b *testing.B, s *Store, files, dim int) {
	b.Helper()
	const perTx = 250
	for start := 0; start < files; start += perTx {
		err := s.Update(func(tx *Tx) error {
			for f := start; f < start+perTx && f < files; f++ {
				path, cs := benchFile(f, 20, 0)
				if err := tx.ReplaceFileChunks(path, cs); err != nil {
					return err
				}
				if dim > 0 {
					vecs := make([][]float32, len(cs))
					for i := range vecs {
						vecs[i] = testVec(f*20+i, dim)
					}
					if err := tx.PutEmbeddings("minilm", ids(cs), vecs); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplaceFileChunks replaces one typical file (20 chunks of about
// 700 bytes, with stored 384-dimensional vectors to invalidate) in a store
// of 1,000 files: "all" changes every chunk, "one" changes one chunk (an
// edit inside one function). "sync" includes the fsync of each commit.
func BenchmarkReplaceFileChunks(b *testing.B) {
	for _, sync := range []bool{true, false} {
		name := map[bool]string{true: "sync", false: "nosync"}[sync]
		s, _ := openTemp(b, Options{NoSync: !sync})
		fillStore(b, s, 1000, 384)
		path, v0 := benchFile(7, 20, 0)
		_, v1 := benchFile(7, 20, 1)
		edited := append([]ChunkRecord(nil), v0...)
		edited[9].Text += "// edited\n"
		for _, tc := range []struct {
			name     string
			versions [][]ChunkRecord
		}{{"all", [][]ChunkRecord{v1, v0}}, {"one", [][]ChunkRecord{edited, v0}}} {
			b.Run(name+"/"+tc.name, func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if err := s.ReplaceFileChunks(path, tc.versions[i%2]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkLoad100k is the cold-start read: every chunk record (100,000,
// about 700 bytes of text each) and every 384-dimensional vector (100,000)
// decoded from an open store whose file is in the page cache.
func BenchmarkLoad100k(b *testing.B) {
	const files, dim = 5000, 384
	path := filepath.Join(b.TempDir(), FileName)
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	fillStore(b, s, files, dim)
	st, _ := s.Stats()
	_ = s.Close()
	b.Logf("fixture: %d chunks, %d vectors, file %d MB", st.Chunks, st.Embeddings["minilm"], st.FileSize>>20)

	load := func(b *testing.B, s *Store) {
		n, v := 0, 0
		if err := s.ForEachChunk(func(ChunkRecord) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if err := s.Embeddings("minilm", func(string, []float32) error { v++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != files*20 || v != files*20 {
			b.Fatalf("loaded %d chunks and %d vectors", n, v)
		}
	}
	b.Run("open+chunks+vectors", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := Open(path, Options{})
			if err != nil {
				b.Fatal(err)
			}
			load(b, s)
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	s, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.Run("chunks", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.ForEachChunk(func(ChunkRecord) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("vectors", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Embeddings("minilm", func(string, []float32) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("vectors-scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.ScanEmbeddings("minilm", func(string, []float32) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("missing", func(b *testing.B) {
		for b.Loop() {
			if m, err := s.MissingEmbeddings("minilm"); err != nil || len(m) != 0 {
				b.Fatal(len(m), err)
			}
		}
	})
}

// BenchmarkAddFeedback appends one feedback record; "sync" includes fsync.
func BenchmarkAddFeedback(b *testing.B) {
	for _, sync := range []bool{true, false} {
		name := map[bool]string{true: "sync", false: "nosync"}[sync]
		b.Run(name, func(b *testing.B) {
			s, _ := openTemp(b, Options{NoSync: !sync})
			f := Feedback{Query: "why does Serve leak goroutines", Action: "ai-fix", Accepted: true,
				Detail: "closed the listener on shutdown", Files: []string{"server.go", "server_test.go"}, TaskID: "t-1"}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				f.ID = fmt.Sprintf("fb-%d", i)
				i++
				if err := s.AddFeedback(f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
