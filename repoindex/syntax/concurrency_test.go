package syntax

import (
	"reflect"
	"sync"
	"testing"
)

// TestConcurrentParse parses the samples from many goroutines at once
// (run with -race) and checks every result against a sequential parse.
func TestConcurrentParse(t *testing.T) {
	files := append([]struct{ path, src string }(nil), samples...)
	files = append(files,
		struct{ path, src string }{"big.go", bigGoFunc(300)},
		struct{ path, src string }{"notes.txt", prose(20_000)},
	)
	opts := Options{MaxChunkBytes: 500, MinChunkBytes: 100}
	want := make([]*File, len(files))
	for i, f := range files {
		want[i] = mustParse(t, f.path, f.src, opts)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 3 * len(files) {
				k := (g + i) % len(files)
				got, err := Parse(files[k].path, []byte(files[k].src), opts)
				if err != nil {
					t.Errorf("%s: %v", files[k].path, err)
					return
				}
				if !reflect.DeepEqual(got, want[k]) {
					t.Errorf("%s: concurrent result differs from the sequential one", files[k].path)
					return
				}
			}
		})
	}
	wg.Wait()
}
