package repoindex

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aios-dev/aios/repoindex/repoindextest"
)

// The benchmarks index a copy of GOROOT/src and GOROOT/test committed to
// a git repository (about 15,000 files). Building it takes a while, so it
// is kept between runs in $AIOS_BENCH_TREE or, when that is unset, in
// <user cache dir>/aios/repoindex-bench/goroot-<go version>; delete the
// directory to rebuild it. The warm store used by the reopen and update
// benchmarks is kept next to it (store.db).

func benchDir(b *testing.B) string { return repoindextest.Dir(b) }

func benchTree(b *testing.B) string { return repoindextest.GOROOTTree(b) }

// warmStore returns a store holding a complete index of the tree.
func warmStore(b *testing.B, root string) string {
	b.Helper()
	store := filepath.Join(benchDir(b), "store.db")
	ix, err := Open(Options{Root: root, StorePath: store, ExcludesFile: "-"})
	must(b, err)
	_, err = ix.Refresh(context.Background())
	must(b, err)
	must(b, ix.Close())
	return store
}

// heapPeak samples the Go heap until stop is called.
func heapPeak() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// nonce makes every benchmark edit a blob the kept store has never seen.
var nonce = time.Now().UnixNano()

// editSeq numbers benchmark edits across runs (-count) in one process.
var editSeq atomic.Int64

// BenchmarkColdIndex: Open on an empty store and a first Refresh that
// hashes and parses every file.
func BenchmarkColdIndex(b *testing.B) {
	root := benchTree(b)
	var files int
	var rss int64
	var heap uint64
	for b.Loop() {
		b.StopTimer()
		store := filepath.Join(b.TempDir(), "store.db")
		runtime.GC()
		repoindextest.PeakRSS(true)
		stop := heapPeak()
		b.StartTimer()
		ix, err := Open(Options{Root: root, StorePath: store, ExcludesFile: "-"})
		must(b, err)
		ch, err := ix.Refresh(context.Background())
		must(b, err)
		b.StopTimer()
		heap = max(heap, stop())
		rss = max(rss, repoindextest.PeakRSS(false))
		files = len(ix.Files())
		st := ix.Stats()
		b.Logf("cold: %d files, %d parsed, walk %v, total %v, store %d MB", files, ch.Parsed, st.LastRefresh.Walk, st.LastRefresh.Total, st.StoreBytes>>20)
		must(b, ix.Close())
		b.StartTimer()
	}
	b.ReportMetric(float64(files)/(b.Elapsed().Seconds()/float64(b.N)), "files/s")
	b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
}

// BenchmarkReopen: Open over a complete store and a Refresh that finds
// nothing changed.
func BenchmarkReopen(b *testing.B) {
	root := benchTree(b)
	store := warmStore(b, root)
	for b.Loop() {
		ix, err := Open(Options{Root: root, StorePath: store, ExcludesFile: "-"})
		must(b, err)
		ch, err := ix.Refresh(context.Background())
		must(b, err)
		if ch.Parsed != 0 {
			b.Fatalf("reopen parsed %d files", ch.Parsed)
		}
		must(b, ix.Close())
	}
}

// BenchmarkChangeDetection compares a full Refresh with nothing changed
// against `git status --porcelain` on the same tree; the ratio of the two
// ns/op is the figure of merit (aim: at most 2).
func BenchmarkChangeDetection(b *testing.B) {
	root := benchTree(b)
	store := warmStore(b, root)
	ix, err := Open(Options{Root: root, StorePath: store, ExcludesFile: "-"})
	must(b, err)
	defer ix.Close()
	_, err = ix.Refresh(context.Background())
	must(b, err)
	b.Run("repoindex", func(b *testing.B) {
		for b.Loop() {
			ch, err := ix.Refresh(context.Background())
			must(b, err)
			if !ch.Empty() {
				b.Fatalf("changes on a quiet tree: %+v", ch)
			}
		}
	})
	b.Run("git-status", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command("git", "status", "--porcelain")
			cmd.Dir = root
			cmd.Env = gitEnv(os.TempDir())
			out, err := cmd.Output()
			must(b, err)
			if len(out) != 0 {
				b.Fatalf("git status reports changes:\n%s", out)
			}
		}
	})
	// Both, alternating, so that a busy machine slows both alike; ns/op is
	// the pair, the ratio is repoindex over git.
	b.Run("ratio", func(b *testing.B) {
		var ours, theirs time.Duration
		for b.Loop() {
			t0 := time.Now()
			_, err := ix.Refresh(context.Background())
			must(b, err)
			t1 := time.Now()
			cmd := exec.Command("git", "status", "--porcelain")
			cmd.Dir = root
			cmd.Env = gitEnv(os.TempDir())
			_, err = cmd.Output()
			must(b, err)
			ours, theirs = ours+t1.Sub(t0), theirs+time.Since(t1)
		}
		b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "repoindex-ms")
		b.ReportMetric(float64(theirs.Milliseconds())/float64(b.N), "git-ms")
		b.ReportMetric(float64(ours)/float64(theirs), "ratio")
	})
	b.Run("repoindex-one-edit", func(b *testing.B) {
		p := filepath.Join(root, "src", "strings", "strings.go")
		orig, err := os.ReadFile(p)
		must(b, err)
		defer func() {
			must(b, os.WriteFile(p, orig, 0o644))
			_, _ = ix.Refresh(context.Background())
		}()
		i := 0
		for b.Loop() {
			i++
			must(b, os.WriteFile(p, fmt.Appendf(slices.Clip(orig), "\n// edit %d %d\n", nonce, editSeq.Add(1)), 0o644))
			ch, err := ix.Refresh(context.Background())
			must(b, err)
			if len(ch.Modified) != 1 {
				b.Fatalf("one edit: %+v", ch)
			}
		}
	})
}

// BenchmarkUpdateBuffer: one keystroke-sized edit of an open file, through
// the Overlay and UpdateBuffer (hash, parse, swap).
func BenchmarkUpdateBuffer(b *testing.B) {
	root := benchTree(b)
	store := warmStore(b, root)
	ov := NewOverlay()
	ix, err := Open(Options{Root: root, StorePath: store, ExcludesFile: "-", Overlay: ov})
	must(b, err)
	defer ix.Close()
	_, err = ix.Refresh(context.Background())
	must(b, err)
	for _, name := range []string{"src/strings/reader.go", "src/strings/strings.go", "src/net/http/server.go"} {
		p := filepath.Join(root, filepath.FromSlash(name))
		orig, err := os.ReadFile(p)
		must(b, err)
		b.Run(filepath.Base(name), func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				must(b, ov.Set(p, int32(i), fmt.Appendf(slices.Clip(orig), "\n// edit %d %d\n", nonce, editSeq.Add(1))))
				ch, err := ix.UpdateBuffer(context.Background(), p)
				must(b, err)
				if ch.Parsed != 1 {
					b.Fatalf("edit not parsed: %+v", ch)
				}
			}
			b.ReportMetric(float64(len(orig))/1024, "file-KB")
		})
		ov.Delete(p)
		_, err = ix.UpdateBuffer(context.Background(), p)
		must(b, err)
	}
}

// BenchmarkUpdateFilesOneEdit: didSave of one edited file.
func BenchmarkUpdateFilesOneEdit(b *testing.B) {
	root := benchTree(b)
	store := warmStore(b, root)
	ix, err := Open(Options{Root: root, StorePath: store, ExcludesFile: "-"})
	must(b, err)
	defer ix.Close()
	_, err = ix.Refresh(context.Background())
	must(b, err)
	p := filepath.Join(root, "src", "strings", "strings.go")
	orig, err := os.ReadFile(p)
	must(b, err)
	defer func() {
		must(b, os.WriteFile(p, orig, 0o644))
		_, _ = ix.Refresh(context.Background())
	}()
	i := 0
	for b.Loop() {
		i++
		must(b, os.WriteFile(p, fmt.Appendf(slices.Clip(orig), "\n// edit %d %d\n", nonce, editSeq.Add(1)), 0o644))
		ch, err := ix.UpdateFiles(context.Background(), []string{p})
		must(b, err)
		if len(ch.Modified) != 1 {
			b.Fatalf("one edit: %+v", ch)
		}
	}
}
