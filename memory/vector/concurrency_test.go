package vector

import (
	"io"
	"math/rand/v2"
	"sync"
	"testing"
)

// Many readers search, count and export while one writer upserts, replaces
// and deletes. Run with -race; readers check every answer's shape.
func TestConcurrentReadersAndWriter(t *testing.T) {
	const dim, base, k, readers = 32, 2000, 10, 4
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			s := filled(t, kind.make, dim, base, 14)
			if f, ok := s.(*Flat); ok {
				f.partRows = 100 // parallel scans under the race detector
			}
			done := make(chan struct{})
			var wg sync.WaitGroup
			errs := make(chan string, readers)
			for i := range readers {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(15, uint64(i)))
					for n := 0; ; n++ {
						select {
						case <-done:
							return
						default:
						}
						hits, err := s.Search(randomVecs(r, 1, dim)[0], k)
						if err != nil || len(hits) != k {
							errs <- "search failed or short"
							return
						}
						for j := 1; j < len(hits); j++ {
							if hits[j-1].Score < hits[j].Score {
								errs <- "hits out of order"
								return
							}
						}
						if l := s.Len(); l < base {
							errs <- "Len below the base content"
							return
						}
						if i == 0 && n%20 == 0 {
							if err := s.Export(io.Discard); err != nil {
								errs <- "export: " + err.Error()
								return
							}
						}
					}
				})
			}
			r := rand.New(rand.NewPCG(16, 16))
			for step := range 150 {
				ids := make([]string, 10)
				for i := range ids {
					ids[i] = "w" + idOf(r.IntN(100))
				}
				if step%3 == 2 {
					if err := s.Delete(ids...); err != nil {
						t.Error(err)
					}
					continue
				}
				if err := s.Upsert(ids, randomVecs(r, len(ids), dim)); err != nil {
					t.Error(err)
				}
			}
			close(done)
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		})
	}
}
