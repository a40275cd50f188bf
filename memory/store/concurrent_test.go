package store

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentReadersSeeWholeFiles runs readers against a writer that
// keeps replacing a file's chunks and vectors: every reader snapshot holds
// one version of the file, complete, with the matching vectors.
func TestConcurrentReadersSeeWholeFiles(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	const n, rounds = 20, 150
	version := func(v int) []ChunkRecord {
		cs := fileChunks("hot.go", n, v)
		for i := range cs {
			cs[i].Text = fmt.Sprintf("v%d|%s", v, cs[i].Text)
		}
		return cs
	}
	write := func(v int) error {
		return s.Update(func(tx *Tx) error {
			cs := version(v)
			if err := tx.ReplaceFileChunks("hot.go", cs); err != nil {
				return err
			}
			vecs := make([][]float32, n)
			for i := range vecs {
				vecs[i] = []float32{float32(v), float32(i)}
			}
			return tx.PutEmbeddings("m", ids(cs), vecs)
		})
	}
	if err := write(0); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 4)
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				err := s.View(func(tx *Tx) error {
					cs, err := tx.FileChunks("hot.go")
					if err != nil {
						return err
					}
					if len(cs) != n {
						return fmt.Errorf("snapshot has %d chunks", len(cs))
					}
					v, _, _ := strings.Cut(cs[0].Text, "|")
					for _, c := range cs {
						if !strings.HasPrefix(c.Text, v+"|") {
							return fmt.Errorf("snapshot mixes %s and %q", v, c.Text[:4])
						}
					}
					seen := 0
					err = tx.Embeddings("m", func(id string, vec []float32) error {
						if fmt.Sprintf("v%d", int(vec[0])) != v {
							return fmt.Errorf("vector of %s is from v%d, chunks are %s", id, int(vec[0]), v)
						}
						seen++
						return nil
					})
					if err == nil && seen != n {
						err = fmt.Errorf("snapshot has %d vectors", seen)
					}
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for v := 1; v <= rounds; v++ {
		if err := write(v); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	mustCheck(t, s)
}
