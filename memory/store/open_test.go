package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestOpenCreatesAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deep", "er", FileName)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.SchemaVersion() != CurrentSchema || s.Path() != path || s.ReadOnly() {
		t.Fatalf("schema %d path %s ro %v", s.SchemaVersion(), s.Path(), s.ReadOnly())
	}
	if err := s.ReplaceFileChunks("a.go", fileChunks("a.go", 2, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ownerPath(path)); err != nil {
		t.Fatalf("no owner record: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := os.Stat(ownerPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("owner record left after Close: %v", err)
	}
	_, err = s.ChunkCount()
	wantErr(t, err, ErrClosed)
	wantErr(t, s.SetMeta("k", "v"), ErrClosed)

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.ChunkCount(); n != 2 || err != nil {
		t.Fatalf("after reopen ChunkCount = %d, %v", n, err)
	}
	mustCheck(t, s)
}

func TestOpenInvalidOptions(t *testing.T) {
	_, err := Open("", Options{})
	wantErr(t, err, ErrInvalidInput)
	_, err = Open(filepath.Join(t.TempDir(), FileName), Options{Timeout: -1})
	wantErr(t, err, ErrInvalidInput)
	_, err = Open(t.TempDir(), Options{})
	wantErr(t, err, ErrInvalidInput) // a directory
	_, err = Open(filepath.Join(t.TempDir(), "missing.db"), Options{ReadOnly: true})
	wantErr(t, err, os.ErrNotExist)
}

// validStore writes a store with some data and returns its bytes.
func validStore(t *testing.T) []byte {
	t.Helper()
	s, path := openTemp(t, Options{NoSync: true})
	for i := 0; i < 40; i++ {
		p := "f" + strconv.Itoa(i) + ".go"
		cs := fileChunks(p, 20, 1)
		if err := s.ReplaceFileChunks(p, cs); err != nil {
			t.Fatal(err)
		}
		if err := s.PutEmbeddings("m", ids(cs), vecsFor(cs, 64, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenRefusesBadFiles(t *testing.T) {
	good := validStore(t)
	if len(good) < 64<<10 {
		t.Fatalf("fixture store is only %d bytes", len(good))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	zeroMetas := append([]byte(nil), good...)
	clear(zeroMetas[:2*4096])
	tests := []struct {
		name    string
		content []byte
		want    error
	}{
		{"text file", []byte("hello, world\n"), ErrNotStore},
		{"100 garbage bytes", garbage(100), ErrNotStore},
		{"64 KiB garbage", garbage(64 << 10), ErrNotStore},
		{"sqlite header", append([]byte("SQLite format 3\x00"), garbage(8192)...), ErrNotStore},
		{"truncated to 100 bytes", good[:100], ErrCorrupt},
		{"truncated to one page", good[:4096], ErrCorrupt},
		{"truncated to two pages", good[:8192], ErrCorrupt},
		{"truncated to half", good[:len(good)/2], ErrCorrupt},
		{"truncated by one byte", good[:len(good)-1], ErrCorrupt},
		{"meta pages zeroed", zeroMetas, ErrNotStore},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			before := sha256.Sum256(tc.content)
			for _, ro := range []bool{false, true} {
				s, err := Open(path, Options{ReadOnly: ro})
				if err == nil {
					s.Close()
					t.Fatalf("Open (read-only %v) accepted the file", ro)
				}
				wantErr(t, err, tc.want)
				t.Logf("read-only %v: %v", ro, err)
			}
			after, _ := os.ReadFile(path)
			if sha256.Sum256(after) != before {
				t.Fatal("Open modified the refused file")
			}
		})
	}
}

// TestDamagedPagesNeverPanic overwrites data pages (the meta pages stay
// valid) and expects clear errors from Open, the API or Check — never a
// panic.
func TestDamagedPagesNeverPanic(t *testing.T) {
	good := validStore(t)
	const page = 4096
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		bad := append([]byte(nil), good...)
		// Damage a run of pages after the meta pages.
		first := 2 + rng.IntN(len(bad)/page-3)
		for p := first; p < len(bad)/page && p < first+4; p++ {
			for i := p * page; i < (p+1)*page; i++ {
				bad[i] = byte(rng.Uint32())
			}
		}
		path := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(path, Options{NoSync: true})
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotStore) {
				t.Fatalf("seed %d: Open: %v", seed, err)
			}
			t.Logf("seed %d, pages %d-%d: Open: %v", seed, first, first+3, err)
			continue
		}
		var errs []error
		errs = append(errs, s.ForEachChunk(func(ChunkRecord) error { return nil }))
		errs = append(errs, s.Embeddings("m", func(string, []float32) error { return nil }))
		_, err = s.MissingEmbeddings("m")
		errs = append(errs, err)
		errs = append(errs, s.Check())
		if errs[3] == nil {
			t.Errorf("seed %d: Check found nothing wrong after damaging pages %d-%d", seed, first, first+3)
		}
		t.Logf("seed %d, pages %d-%d: %v", seed, first, first+3, errs)
		for _, e := range errs {
			if e != nil && !errors.Is(e, ErrCorrupt) {
				t.Errorf("seed %d: error without ErrCorrupt: %v", seed, e)
			}
		}
		_ = s.Close()
	}
}

func TestOpenSchemaChecks(t *testing.T) {
	tests := []struct {
		name  string
		setup func(tx *bolt.Tx) error
		want  error
	}{
		{"newer schema", func(tx *bolt.Tx) error {
			return tx.Bucket(bMeta).Put(keySchema, []byte(strconv.Itoa(CurrentSchema+1)))
		}, ErrSchemaTooNew},
		{"garbage schema", func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keySchema, []byte("two")) }, ErrCorrupt},
		{"no schema key", func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(keySchema) }, ErrCorrupt},
		{"meta bucket gone", func(tx *bolt.Tx) error { return tx.DeleteBucket(bMeta) }, ErrCorrupt},
		{"chunk bucket gone", func(tx *bolt.Tx) error { return tx.DeleteBucket(bChunks) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, path := openTemp(t, Options{NoSync: true})
			if err := s.DB().Update(tc.setup); err != nil {
				t.Fatal(err)
			}
			_ = s.Close()
			before, _ := os.ReadFile(path)
			s2, err := Open(path, Options{})
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				// A missing bucket is reported by use and by Check.
				_, err = s2.FileChunks("a.go")
				wantErr(t, err, ErrCorrupt)
				wantErr(t, s2.Check(), ErrCorrupt)
				s2.Close()
				return
			}
			if err == nil {
				s2.Close()
				t.Fatal("Open accepted the store")
			}
			wantErr(t, err, tc.want)
			t.Log(err)
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Fatal("refused store was modified")
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	dir := t.TempDir()
	// A bbolt file that only another package used has no memory schema.
	foreign := filepath.Join(dir, "foreign.db")
	db, err := bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	_, err = Open(foreign, Options{ReadOnly: true})
	wantErr(t, err, ErrNoSchema)

	path := filepath.Join(dir, FileName)
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.ReplaceFileChunks("a.go", fileChunks("a.go", 2, 1)); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()

	r1, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := Open(path, Options{ReadOnly: true, Timeout: 200e6})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	defer r2.Close()
	if n, err := r2.ChunkCount(); n != 2 || err != nil {
		t.Fatalf("reader ChunkCount = %d, %v", n, err)
	}
	wantErr(t, r1.SetMeta("k", "v"), ErrReadOnly)
	wantErr(t, r1.ReplaceFileChunks("a.go", nil), ErrReadOnly)
	wantErr(t, r1.AddFeedback(Feedback{}), ErrReadOnly)
	mustCheck(t, r1)
	// A writer waits for the readers and gives up with ErrLocked.
	_, err = Open(path, Options{Timeout: 100e6})
	wantErr(t, err, ErrLocked)
}

func TestSharedFileKeepsOtherBuckets(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("repoindex/blobs"))
		if err != nil {
			return err
		}
		return b.Put([]byte("abc"), []byte("parsed"))
	})
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.ReplaceFileChunks("a.go", fileChunks("a.go", 1, 1)); err != nil {
		t.Fatal(err)
	}
	// The other package keeps using the same *bbolt.DB.
	err = s.DB().Update(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("repoindex/blobs")).Get([]byte("abc")); string(v) != "parsed" {
			t.Errorf("repoindex value = %q", v)
		}
		b, err := tx.CreateBucketIfNotExists([]byte("repoindex/files"))
		if err != nil {
			return err
		}
		return b.Put([]byte("a.go"), []byte("x"))
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Buckets["repoindex/blobs"]; ok || st.Chunks != 1 {
		t.Fatalf("Stats = %+v", st)
	}
	mustCheck(t, s)
}
