package repoindex

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/aios-dev/aios/repoindex/syntax"
)

func smallRepo(t *testing.T) string {
	t.Helper()
	root := newRepo(t)
	writeFile(t, root, "a.go", goSrc)
	writeFile(t, root, "b.py", "def f():\n    return g()\n")
	writeFile(t, root, "c.md", "# title\n")
	gitRun(t, root, "add", ".")
	commitAt(t, root, time.Now(), "init")
	return root
}

// A store shared with other components: the index touches only its own
// buckets, and the caller's DB stays open after Close.
func TestSharedDB(t *testing.T) {
	root := smallRepo(t)
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "ws.db"), 0o600, nil)
	must(t, err)
	defer db.Close()
	must(t, db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte("memory/notes"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}))
	ix, err := Open(Options{Root: root, DB: db, ExcludesFile: "-"})
	must(t, err)
	refresh(t, ix)
	must(t, ix.Close())
	must(t, db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket([]byte("memory/notes")).Get([]byte("k")); string(v) != "v" {
			t.Errorf("foreign bucket changed: %q", v)
		}
		return tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
			if n := string(name); n != "memory/notes" && !strings.HasPrefix(n, "repoindex/") {
				t.Errorf("unexpected bucket %q", n)
			}
			return nil
		})
	}))
}

func TestStoreMigrationAndCorruption(t *testing.T) {
	root := smallRepo(t)
	store := filepath.Join(t.TempDir(), "store.db")
	ix := openIndexAt(t, root, store)
	refresh(t, ix)
	want := ix.Files()
	wantSyntax, err := ix.Syntax("a.go")
	must(t, err)
	must(t, ix.Close())

	edit := func(fn func(tx *bbolt.Tx) error) {
		t.Helper()
		db, err := bbolt.Open(store, 0o600, nil)
		must(t, err)
		must(t, db.Update(fn))
		must(t, db.Close())
	}
	reopen := func(opts ...openOpt) (*Index, *logBuffer, *Changes) {
		t.Helper()
		logs := &logBuffer{}
		ix := openIndexAt(t, root, store, append(opts, func(o *Options) { o.Logger = logs.logger() })...)
		return ix, logs, refresh(t, ix)
	}

	tests := []struct {
		name       string
		damage     func(tx *bbolt.Tx) error
		opts       []openOpt
		log        string
		wantParsed int
	}{
		{"other schema: rebuilt", func(tx *bbolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(metaSchema, []byte("repoindex-0"))
		}, nil, "store schema changed", 3},
		{"corrupt file records: re-hashed, not re-parsed", func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucketFiles)
			must(t, b.Put([]byte("a.go"), []byte{recordVersion, 9, 9}))
			return b.Put([]byte("b.py"), []byte("garbage"))
		}, nil, "corrupt file record", 0},
		{"missing blob behind a record: re-parsed", func(tx *bbolt.Tx) error {
			return tx.Bucket(bucketBlobs).Delete(keyFor("a.go", hashBlob([]byte(goSrc))).bytes())
		}, nil, "file record without its blob", 1},
		{"other syntax options: everything recomputed", func(tx *bbolt.Tx) error { return nil },
			[]openOpt{func(o *Options) { o.Syntax = syntax.Options{MaxChunkBytes: 500} }}, "syntax format or options changed", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			edit(tc.damage)
			ix, logs, ch := reopen(tc.opts...)
			if !strings.Contains(logs.String(), tc.log) {
				t.Errorf("log lacks %q:\n%s", tc.log, logs)
			}
			if ch.Parsed != tc.wantParsed {
				t.Errorf("parsed %d, want %d", ch.Parsed, tc.wantParsed)
			}
			if got := ix.Files(); !reflect.DeepEqual(got, want) {
				t.Errorf("listing after recovery:\n%s", diffListings(got, want))
			}
			must(t, ix.Close())
		})
	}

	// A corrupt syntax record is recomputed when read, not misread.
	ix2 := openIndexAt(t, root, store)
	refresh(t, ix2)
	must(t, ix2.Close())
	edit(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketBlobs).Put(keyFor("a.go", hashBlob([]byte(goSrc))).bytes(), []byte{blobParsed, codecVersion, 200})
	})
	ix3, logs, _ := reopen()
	got, err := ix3.Syntax("a.go")
	if err != nil || !reflect.DeepEqual(got, wantSyntax) {
		t.Errorf("Syntax after corrupting its record: %v", err)
	}
	if !strings.Contains(logs.String(), "stored syntax unreadable") {
		t.Errorf("no log of the recovery:\n%s", logs)
	}
}

func TestCodecRoundTripAndCorruptInput(t *testing.T) {
	c, err := newSyntaxCodec()
	must(t, err)
	f, err := syntax.Parse("x.go", []byte(goSrc+"\nimport \"fmt\"\ntype T struct{ A int }\nfunc (t *T) M() { fmt.Println(t.A) }\n"), syntax.Options{})
	must(t, err)
	enc := c.encode(nil, f)
	got, err := c.decode(enc)
	if err != nil || !reflect.DeepEqual(got, f) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, f)
	}
	// Every truncation and every single-byte flip decodes or fails with
	// ErrCorrupt, never panics.
	for i := range enc {
		if _, err := c.decode(enc[:i]); err == nil || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated at %d: %v", i, err)
		}
		b := append([]byte(nil), enc...)
		b[i] ^= 0xff
		if _, err := c.decode(b); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("flip at %d: %v", i, err)
		}
	}
}

func FuzzDecodeSyntaxRecord(f *testing.F) {
	c, err := newSyntaxCodec()
	if err != nil {
		f.Fatal(err)
	}
	pf, err := syntax.Parse("x.go", []byte(goSrc), syntax.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(c.encode(nil, pf))
	f.Add([]byte{codecVersion, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := c.decode(b); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error not ErrCorrupt: %v", err)
		}
		_, _ = decodeDiskEntry(b)
		_, _ = decodeCommits(b)
		_, _ = decodeCoRecord(b)
	})
}
