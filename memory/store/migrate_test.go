package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// v1Writer produces a schema-1 store the way the first release wrote it:
// JSON chunk records without an ID index, bare float32 vectors without the
// chunk hash or a models bucket. Edges, feedback, task events and metadata
// had today's encoding.
type v1Writer struct {
	tx *bolt.Tx
}

func writeV1(t *testing.T, path string, fn func(w v1Writer) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bMeta, bChunks, bEmbeddings, bEdges, bFeedback, bFeedbackIDs, bTasks} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bMeta).Put([]byte("schema"), []byte("1")); err != nil {
			return err
		}
		return fn(v1Writer{tx})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (w v1Writer) chunk(c ChunkRecord) error {
	b, err := json.Marshal(map[string]any{
		"id": c.ID, "path": c.Path, "lang": c.Lang, "kind": c.Kind, "symbol": c.Symbol,
		"startLine": c.StartLine, "endLine": c.EndLine, "startByte": c.StartByte, "endByte": c.EndByte,
		"text": c.Text, "hash": c.Hash,
	})
	if err != nil {
		return err
	}
	return w.tx.Bucket(bChunks).Put([]byte(c.Path+"\x00"+c.ID), append([]byte{1}, b...))
}

func (w v1Writer) vector(model, id string, v []float32) error {
	b := []byte{1}
	for _, f := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return w.tx.Bucket(bEmbeddings).Put([]byte(model+"\x00"+id), b)
}

// logRecorder counts log messages.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Message)
	return nil
}
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }
func (r *logRecorder) count(msg string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs {
		if m == msg {
			n++
		}
	}
	return n
}

func TestMigrateV1ToV2(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	// 1,500 files × 2 chunks: more than one rewrite batch.
	var all []ChunkRecord
	for i := 0; i < 1500; i++ {
		all = append(all, fileChunks(fmt.Sprintf("pkg%d/f.go", i), 2, 1)...)
	}
	for i := range all {
		if i%2 == 0 {
			all[i].Hash = HashText(all[i].Text) // schema 1 sometimes stored the hash, sometimes not
		}
	}
	dup := ChunkRecord{ID: all[0].ID, Path: "zzz/copy.go", Text: "copy", EndByte: 4}
	edges := []Edge{{From: "file:pkg0/f.go", To: "file:pkg1/f.go", Kind: EdgeImports, Weight: 1}}
	fb := Feedback{ID: "f1", Query: "q", Action: "quickfix", Accepted: true, Files: []string{"pkg0/f.go"}}
	writeV1(t, path, func(w v1Writer) error {
		for _, c := range all {
			if err := w.chunk(c); err != nil {
				return err
			}
			if err := w.vector("m", c.ID, testVec(len(c.ID), 8)); err != nil {
				return err
			}
		}
		if err := w.chunk(dup); err != nil { // schema 1 did not enforce unique IDs
			return err
		}
		if err := w.vector("m", all[1].ID, testVec(1, 8)); err != nil {
			return err
		}
		if err := w.vector("m", "gone.go#0", testVec(2, 8)); err != nil { // orphan
			return err
		}
		if err := w.vector("other", all[3].ID, testVec(3, 4)); err != nil {
			return err
		}
		if err := w.vector("other", all[5].ID, testVec(3, 6)); err != nil { // wrong dimension for "other"
			return err
		}
		if err := w.tx.Bucket(bEdges).Put(append(prefixKey("pkg0/f.go"), 0, 0, 0, 0), encodeEdge(&edges[0])); err != nil {
			return err
		}
		if err := w.tx.Bucket(bFeedback).Put(binary.BigEndian.AppendUint64(nil, 1), encodeFeedback(&fb)); err != nil {
			return err
		}
		if err := w.tx.Bucket(bFeedbackIDs).Put([]byte("f1"), binary.BigEndian.AppendUint64(nil, 1)); err != nil {
			return err
		}
		return w.tx.Bucket(bMeta).Put([]byte("u:embed.model"), []byte("m"))
	})

	// A read-only open cannot migrate and leaves the file alone.
	before, _ := os.ReadFile(path)
	_, err := Open(path, Options{ReadOnly: true})
	wantErr(t, err, ErrNeedsMigration)
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("read-only open changed a schema-1 file")
	}

	logs := &logRecorder{}
	s, err := Open(path, Options{Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	if s.SchemaVersion() != 2 || logs.count("store migrated") != 1 {
		t.Fatalf("schema %d, %d migrations logged", s.SchemaVersion(), logs.count("store migrated"))
	}
	mustCheck(t, s)
	for _, c := range all[:6] {
		got, err := s.FileChunks(c.Path)
		if err != nil {
			t.Fatal(err)
		}
		want := fileChunks(c.Path, 2, 1)
		for i := range want {
			want[i].Hash = HashText(want[i].Text)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("migrated %s = %+v\nwant %+v", c.Path, got, want)
		}
	}
	if n, _ := s.ChunkCount(); n != len(all) {
		t.Fatalf("ChunkCount = %d, want %d (the duplicate ID dropped)", n, len(all))
	}
	if got, _ := s.FileChunks("zzz/copy.go"); len(got) != 0 {
		t.Fatalf("duplicate-ID chunk kept: %+v", got)
	}
	vecs := embeddingsOf(t, s, "m")
	if len(vecs) != len(all)-1 { // the duplicated ID's vector cannot be attributed
		t.Fatalf("%d vectors for m, want %d", len(vecs), len(all)-1)
	}
	if _, ok := vecs[all[0].ID]; ok {
		t.Fatal("vector of the duplicated ID survived")
	}
	if !reflect.DeepEqual(vecs[all[1].ID], testVec(1, 8)) || !reflect.DeepEqual(vecs[all[2].ID], testVec(len(all[2].ID), 8)) {
		t.Fatal("migrated vector values differ")
	}
	if other := embeddingsOf(t, s, "other"); len(other) != 1 || other[all[3].ID] == nil {
		t.Fatalf("other = %v", keys(other))
	}
	if dim, _, _ := s.EmbeddingDim("other"); dim != 4 {
		t.Fatalf("dimension of other = %d", dim)
	}
	// Untouched buckets kept their records.
	if got, _ := s.FileEdges("pkg0/f.go"); !reflect.DeepEqual(got, edges) {
		t.Fatalf("edges %+v", got)
	}
	var fbs []Feedback
	_ = s.ForEachFeedback(func(f Feedback) error { fbs = append(fbs, f); return nil })
	if len(fbs) != 1 || fbs[0].ID != "f1" || !fbs[0].Accepted {
		t.Fatalf("feedback %+v", fbs)
	}
	if v, _, _ := s.GetMeta("embed.model"); v != "m" {
		t.Fatalf("meta embed.model = %q", v)
	}
	// Records are now binary.
	_ = s.DB().View(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bChunks).Cursor().First()
		if v[0] != recChunk {
			t.Errorf("chunk %q still has record version %d", k, v[0])
		}
		return nil
	})
	// The new index works: an ID conflict is now refused.
	wantErr(t, s.ReplaceFileChunks("zzz/copy.go", []ChunkRecord{dup}), ErrChunkIDConflict)
	_ = s.Close()

	s, err = Open(path, Options{Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if logs.count("store migrated") != 1 {
		t.Fatal("reopening migrated again")
	}
}

func TestMigrationFailureRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	writeV1(t, path, func(w v1Writer) error {
		for _, c := range fileChunks("a.go", 3, 1) {
			if err := w.chunk(c); err != nil {
				return err
			}
		}
		return w.tx.Bucket(bChunks).Put([]byte("b.go\x00b#0"), []byte("\x01{not json"))
	})
	_, err := Open(path, Options{})
	wantErr(t, err, ErrCorrupt)
	t.Log(err)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_ = db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bMeta).Get(keySchema); string(v) != "1" {
			t.Errorf("schema after a failed migration = %q, want 1", v)
		}
		if tx.Bucket(bChunkIDs) != nil {
			t.Error("failed migration left the ID index behind")
		}
		if _, v := tx.Bucket(bChunks).Cursor().First(); v[0] != recChunkJSON {
			t.Error("failed migration rewrote chunks")
		}
		return nil
	})
}

func TestMigrationRegistry(t *testing.T) {
	reg := registry()
	for i, m := range reg {
		if m.from != i+1 || m.apply == nil || m.name == "" {
			t.Fatalf("migration %d: %+v", i, m)
		}
	}
	if last := reg[len(reg)-1].from + 1; last != CurrentSchema {
		t.Fatalf("migrations end at %d, CurrentSchema is %d", last, CurrentSchema)
	}
	if _, ok := migrationFrom(CurrentSchema); ok {
		t.Fatal("a migration from the current schema exists")
	}
}
