package memory

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aios-dev/aios/memory/store"
	bolt "go.etcd.io/bbolt"
)

var stateQueries = []Query{
	{Text: "how is the URL parsed"},
	{Text: "evict entries from the cache", K: 8},
	{Identifiers: []string{"VerifyToken"}, OpenFile: "cmd/app/main.go"},
	{Text: "tests for parse url", OpenFile: "server/http.go", K: 10},
}

// memoryState renders everything observable about m, for comparisons
// across a reopen.
func memoryState(t *testing.T, m *Memory) string {
	t.Helper()
	<-m.GraphReady()
	var b strings.Builder
	m.mu.RLock()
	ids := make([]string, 0, len(m.chunks))
	for id := range m.chunks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "chunk %+v\n", *m.chunks[id])
	}
	for _, p := range slices.Sorted(mapsKeys(m.files)) {
		for _, c := range m.files[p] {
			fmt.Fprintf(&b, "file %s %s\n", p, c.id)
		}
	}
	m.mu.RUnlock()
	for _, q := range []string{"parse url", "cache", "token", "server http go", "slugify text"} {
		fmt.Fprintf(&b, "sparse %q %v\n", q, m.sparse.Search(q, 20))
	}
	for _, e := range edgeList(t, m.graph) {
		fmt.Fprintf(&b, "edge %s\n", e)
	}
	for _, q := range stateQueries {
		r := retrieve(t, m, q)
		fmt.Fprintf(&b, "retrieve %+v: %v %q %d\n", q, r.Retrievers, r.Notes, r.Tokens)
		for _, it := range r.Items {
			fmt.Fprintf(&b, "  %s %+v\n", it.ID, it.Scores)
		}
		b.WriteString(r.Packed)
	}
	st := m.Stats()
	fmt.Fprintf(&b, "stats files=%d chunks=%d vectors=%d nodes=%d edges=%d feedback=%d\n",
		st.Files, st.Chunks, st.Vectors, st.Nodes, st.Edges, st.Feedback)
	return b.String()
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func diffState(t *testing.T, label, a, b string) {
	t.Helper()
	if a == b {
		return
	}
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			t.Fatalf("%s: state differs at line %d:\nbefore: %s\nafter:  %s", label, i+1, x, y)
		}
	}
}

// TestReopenEquality closes memory and the store, reopens both and checks
// that everything observable is the same, loaded from the snapshot and
// without embedding anything again.
func TestReopenEquality(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aios.db")
	st := openStoreAt(t, path)
	emb := &hashEmbedder{dim: 64}
	m, err := Open(Options{Store: st, Embedder: emb, EmbedModel: "hash-64"})
	if err != nil {
		t.Fatal(err)
	}
	indexFixture(t, m)
	if err := m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := m.RecordFeedback(t.Context(), Feedback{Query: "evict entries", Accepted: true, Files: []string{"cache/lru.go"}}); err != nil {
		t.Fatal(err)
	}
	before := memoryState(t, m)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	embedded := emb.texts.Load()

	st2 := openStoreAt(t, path)
	m2, err := Open(Options{Store: st2, Embedder: emb, EmbedModel: "hash-64"})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if !m2.Stats().SnapshotCurrent {
		t.Error("reopen did not load the snapshot")
	}
	if err := m2.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := emb.texts.Load(); got != embedded {
		t.Errorf("reopen embedded %d texts again", got-embedded)
	}
	diffState(t, "reopen", before, memoryState(t, m2))

	// Changes after a load from the snapshot (the sparse index builds its
	// forward index on the first removal) match a rebuild from the store.
	if err := m2.RemoveFile(t.Context(), "web/src/api.ts"); err != nil {
		t.Fatal(err)
	}
	in := fixtureInputs()[2] // cache/lru.go, with new text in one chunk
	in.Chunks[3].Text = "// evict drops entries until the cache fits.\nfunc (c *LRU) evict() {\n\tfor c.order.Len() > c.size {\n\t\tc.order.Remove(c.order.Back())\n\t}\n}\n"
	if err := m2.IndexFile(t.Context(), in.Facts, in.Chunks); err != nil {
		t.Fatal(err)
	}
	if err := m2.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	changed := memoryState(t, m2)
	m3, err := Open(Options{Store: st2, Embedder: emb, EmbedModel: "hash-64"})
	if err != nil {
		t.Fatal(err)
	}
	defer m3.Close()
	if m3.Stats().SnapshotCurrent {
		t.Fatal("the snapshot survived a change")
	}
	if err := m3.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	diffState(t, "changes after a snapshot load", changed, memoryState(t, m3))
}

// TestReopenAfterCrash: without Close there is no snapshot, and Open
// rebuilds the same state from the store.
func TestReopenAfterCrash(t *testing.T) {
	st := openTestStore(t)
	m, err := Open(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	indexFixture(t, m)
	before := memoryState(t, m)
	// m "crashes": it is never closed. A second memory opens the store.
	m2, err := Open(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if m2.Stats().SnapshotCurrent {
		t.Fatal("a snapshot exists although memory never closed")
	}
	diffState(t, "rebuild", before, memoryState(t, m2))

	// A snapshot, then a change: the change invalidates the snapshot, and a
	// crash after it still reopens with the change.
	if err := m2.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if err := m2.RemoveFile(t.Context(), "web/src/api.ts"); err != nil {
		t.Fatal(err)
	}
	after := memoryState(t, m2)
	m3, err := Open(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if m3.Stats().SnapshotCurrent {
		t.Fatal("the snapshot survived a change")
	}
	diffState(t, "after a change", after, memoryState(t, m3))
	if strings.Contains(after, "web/src/api.ts") {
		t.Error("the removed file is still there")
	}
}

// TestCorruptSnapshot: a damaged snapshot is ignored and the index rebuilt.
func TestCorruptSnapshot(t *testing.T) {
	st := openTestStore(t)
	m, err := Open(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	indexFixture(t, m)
	before := memoryState(t, m)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	damages := map[string]func([]byte) []byte{
		"flipped byte": func(b []byte) []byte { b[len(b)/2] ^= 0xff; return b },
		"truncated":    func(b []byte) []byte { return b[:len(b)/3] },
		"bad magic":    func(b []byte) []byte { return append([]byte("XXXXXXXX"), b[8:]...) },
		"garbage":      func([]byte) []byte { return []byte("not a snapshot") },
	}
	for _, key := range [][]byte{keySnapshot, keyGraph} {
		for name, damage := range damages {
			name := string(key) + " " + name
			t.Run(name, func(t *testing.T) { testDamagedSnapshot(t, st, key, damage, before) })
		}
	}
}

// testDamagedSnapshot writes a fresh snapshot, damages one of its keys and
// checks that Open ignores it and rebuilds the same state.
func testDamagedSnapshot(t *testing.T, st *store.Store, key []byte, damage func([]byte) []byte, before string) {
	m, err := Open(Options{Store: st}) // from the last snapshot, or writes a fresh one on Close
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	err = st.DB().Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSnapshot)
		v := append([]byte(nil), b.Get(key)...)
		return b.Put(key, damage(v))
	})
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Open(Options{Store: st})
	if err != nil {
		t.Fatalf("Open with a damaged snapshot: %v", err)
	}
	defer m2.Close()
	<-m2.GraphReady()
	if m2.Stats().SnapshotCurrent {
		t.Error("a damaged snapshot was used")
	}
	diffState(t, t.Name(), before, memoryState(t, m2))
}
