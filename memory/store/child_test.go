package store

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// childEnv switches the test binary into a helper process:
// "crash:<path>" writes batches until it is killed, "hold:<path>" holds the
// store open until its stdin closes.
const childEnv = "AIOS_STORE_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	os.Exit(m.Run())
}

func runChild(mode string) int {
	kind, path, ok := strings.Cut(mode, ":")
	if !ok {
		fmt.Fprintln(os.Stderr, "bad child mode", mode)
		return 2
	}
	s, err := Open(path, Options{Timeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 1
	}
	switch kind {
	case "hold":
		fmt.Println("ready")
		_, _ = io.Copy(io.Discard, os.Stdin)
		if err := s.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "child close:", err)
			return 1
		}
		return 0
	case "crash":
		last, err := lastBatch(s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 1
		}
		w := bufio.NewWriter(os.Stdout)
		for b := last + 1; b < last+1_000_000; b++ {
			if err := writeBatch(s, b); err != nil {
				fmt.Fprintln(os.Stderr, "child batch:", err)
				return 1
			}
			fmt.Fprintf(w, "committed %d\n", b)
			_ = w.Flush()
		}
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown child mode", kind)
	return 2
}

func lastBatch(s *Store) (int, error) {
	v, ok, err := s.GetMeta("crash/last")
	if err != nil || !ok {
		return -1, err
	}
	return strconv.Atoi(v)
}

// Crash batches: batch b writes batch/<b>.go (20 chunks with vectors),
// rewrites shared.go (5 chunks with vectors), adds feedback fb-<b> and a task
// event, deletes batch/<b-10>.go when b%3 == 0 (b ≥ 10), and sets the
// marker crash/last = b — all in one transaction.
const (
	crashModel   = "crash"
	crashDim     = 32
	batchChunks  = 20
	sharedChunks = 5
)

func batchPath(b int) string { return fmt.Sprintf("batch/%06d.go", b) }

func crashChunks(path string, n, b int) []ChunkRecord {
	cs := make([]ChunkRecord, n)
	for i := range cs {
		text := fmt.Sprintf("// batch %d chunk %d of %s\nfunc B%d_%d() {}\n", b, i, path, b, i)
		cs[i] = ChunkRecord{ID: fmt.Sprintf("%s#%d", path, i), Path: path, Lang: "go", Kind: "function",
			StartLine: 2 * i, EndLine: 2*i + 1, StartByte: 64 * i, EndByte: 64*i + len(text), Text: text}
	}
	return cs
}

func crashVecs(b, n int) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		out[i] = testVec(b*100+i, crashDim)
	}
	return out
}

func batchDeleted(b, last int) bool { return b%3 == 2 && b+10 <= last }

func writeBatch(s *Store, b int) error {
	return s.Update(func(tx *Tx) error {
		p := batchPath(b)
		cs := crashChunks(p, batchChunks, b)
		if err := tx.ReplaceFileChunks(p, cs); err != nil {
			return err
		}
		if err := tx.PutEmbeddings(crashModel, ids(cs), crashVecs(b, batchChunks)); err != nil {
			return err
		}
		sh := crashChunks("shared.go", sharedChunks, b)
		if err := tx.ReplaceFileChunks("shared.go", sh); err != nil {
			return err
		}
		if err := tx.PutEmbeddings(crashModel, ids(sh), crashVecs(b+500000, sharedChunks)); err != nil {
			return err
		}
		if err := tx.AddFeedback(Feedback{ID: fmt.Sprintf("fb-%d", b), Query: "batch " + strconv.Itoa(b),
			Action: "quickfix", Accepted: b%2 == 0, Files: []string{p}}); err != nil {
			return err
		}
		if err := tx.AddTaskEvent(TaskEvent{TaskID: "crash", Kind: "batch", Detail: strconv.Itoa(b)}); err != nil {
			return err
		}
		if b >= 10 && b%3 == 0 {
			if err := tx.DeleteFile(batchPath(b - 10)); err != nil {
				return err
			}
		}
		return tx.SetMeta("crash/last", strconv.Itoa(b))
	})
}

// verifyBatches checks that the store holds exactly batches 0..last, each
// complete, and nothing of batch last+1.
func verifyBatches(t *testing.T, s *Store, last int) {
	t.Helper()
	chunks := map[string]ChunkRecord{}
	if err := s.ForEachChunk(func(c ChunkRecord) error { chunks[c.ID] = c; return nil }); err != nil {
		t.Fatal(err)
	}
	vecs := embeddingsOf(t, s, crashModel)
	want := 0
	expect := func(cs []ChunkRecord, vs [][]float32) {
		for i, c := range cs {
			got, ok := chunks[c.ID]
			if !ok || got.Text != c.Text {
				t.Fatalf("last=%d: chunk %s missing or wrong (%q)", last, c.ID, got.Text)
			}
			if v := vecs[c.ID]; len(v) != crashDim || v[0] != vs[i][0] || v[crashDim-1] != vs[i][crashDim-1] {
				t.Fatalf("last=%d: vector of %s missing or wrong", last, c.ID)
			}
		}
		want += len(cs)
	}
	for b := 0; b <= last; b++ {
		if batchDeleted(b, last) {
			continue
		}
		expect(crashChunks(batchPath(b), batchChunks, b), crashVecs(b, batchChunks))
	}
	if last >= 0 {
		expect(crashChunks("shared.go", sharedChunks, last), crashVecs(last+500000, sharedChunks))
	}
	if len(chunks) != want || len(vecs) != want {
		t.Fatalf("last=%d: %d chunks and %d vectors, want %d (a partial batch is visible)", last, len(chunks), len(vecs), want)
	}
	fb := map[string]bool{}
	_ = s.ForEachFeedback(func(f Feedback) error { fb[f.ID] = true; return nil })
	if len(fb) != last+1 {
		t.Fatalf("last=%d: %d feedback records", last, len(fb))
	}
	for b := 0; b <= last; b++ {
		if !fb[fmt.Sprintf("fb-%d", b)] {
			t.Fatalf("last=%d: feedback fb-%d missing", last, b)
		}
	}
	evs, err := s.TaskEvents("crash")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != last+1 {
		t.Fatalf("last=%d: %d task events", last, len(evs))
	}
	for i, ev := range evs {
		if ev.Detail != strconv.Itoa(i) {
			t.Fatalf("task event %d is %q", i, ev.Detail)
		}
	}
}
