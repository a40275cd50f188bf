package store

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestReplaceFileChunksRoundTrip(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	a := fileChunks("pkg/a.go", 3, 1)
	b := fileChunks("pkg/b.go", 2, 1)
	// Give them out of order: FileChunks sorts by StartByte.
	if err := s.ReplaceFileChunks("pkg/a.go", []ChunkRecord{a[2], a[0], a[1]}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceFileChunks("pkg/b.go", b); err != nil {
		t.Fatal(err)
	}
	got, err := s.FileChunks("pkg/a.go")
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		a[i].Hash = HashText(a[i].Text)
	}
	if !reflect.DeepEqual(got, a) {
		t.Fatalf("FileChunks = %+v\nwant %+v", got, a)
	}
	if n, err := s.ChunkCount(); err != nil || n != 5 {
		t.Fatalf("ChunkCount = %d, %v; want 5", n, err)
	}
	rec, ok, err := s.Chunk(b[1].ID)
	if err != nil || !ok || rec.Text != b[1].Text || rec.Path != "pkg/b.go" {
		t.Fatalf("Chunk(%q) = %+v, %v, %v", b[1].ID, rec, ok, err)
	}
	if _, ok, err := s.Chunk("nope"); ok || err != nil {
		t.Fatalf("Chunk(nope) = %v, %v", ok, err)
	}
	// Empty path field is filled; a caller's own hash is kept.
	c := ChunkRecord{ID: "c1", Text: "x", Hash: "git:abc", EndByte: 1}
	if err := s.ReplaceFileChunks("c.txt", []ChunkRecord{c}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FileChunks("c.txt")
	if len(got) != 1 || got[0].Path != "c.txt" || got[0].Hash != "git:abc" {
		t.Fatalf("FileChunks(c.txt) = %+v", got)
	}
	if got, _ := s.FileChunks("unknown.go"); len(got) != 0 {
		t.Fatalf("unknown file has %d chunks", len(got))
	}
	mustCheck(t, s)
}

func TestReplaceFileChunksReplacesAndCleansVectors(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	const model = "m"
	v1 := fileChunks("a.go", 3, 1)
	if err := s.ReplaceFileChunks("a.go", v1); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEmbeddings(model, ids(v1), vecsFor(v1, 8, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEmbeddings("other", ids(v1), vecsFor(v1, 4, 2)); err != nil {
		t.Fatal(err)
	}
	// New version: chunk 0 unchanged, chunk 1 changed, chunk 2 gone, chunk 3 new.
	v2 := fileChunks("a.go", 4, 2)
	v2[0] = v1[0]
	v2 = append(v2[:2], v2[3])
	if err := s.ReplaceFileChunks("a.go", v2); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{model, "other"} {
		got := embeddingsOf(t, s, m)
		if len(got) != 1 || got[v1[0].ID] == nil {
			t.Fatalf("%s vectors after replace: %v; want only %s", m, keys(got), v1[0].ID)
		}
	}
	missing, err := s.MissingEmbeddings(model)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{v2[1].ID, v2[2].ID}; !reflect.DeepEqual(ids(missing), want) {
		t.Fatalf("missing = %v, want %v", ids(missing), want)
	}
	if _, ok, _ := s.Chunk(v1[2].ID); ok {
		t.Fatalf("removed chunk %s still indexed", v1[2].ID)
	}
	// Replacing with nothing deletes the file's chunks.
	if err := s.ReplaceFileChunks("a.go", nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.ChunkCount(); n != 0 {
		t.Fatalf("ChunkCount = %d after emptying", n)
	}
	if got := embeddingsOf(t, s, model); len(got) != 0 {
		t.Fatalf("vectors left: %v", keys(got))
	}
	mustCheck(t, s)
}

func TestReplaceFileChunksInvalid(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	base := fileChunks("a.go", 2, 1)
	if err := s.ReplaceFileChunks("a.go", base); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceFileChunks("b.go", fileChunks("b.go", 1, 1)); err != nil {
		t.Fatal(err)
	}
	mod := func(f func(c []ChunkRecord) []ChunkRecord) []ChunkRecord {
		c := fileChunks("a.go", 2, 9)
		return f(c)
	}
	tests := []struct {
		name   string
		path   string
		chunks []ChunkRecord
		want   error
	}{
		{"empty path", "", nil, ErrInvalidInput},
		{"NUL in path", "a\x00.go", nil, ErrInvalidInput},
		{"empty ID", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[0].ID = ""; return c }), ErrInvalidInput},
		{"NUL in ID", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[0].ID = "x\x00"; return c }), ErrInvalidInput},
		{"duplicate ID", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[1].ID = c[0].ID; return c }), ErrInvalidInput},
		{"other path", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[0].Path = "z.go"; return c }), ErrInvalidInput},
		{"negative line", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[0].StartLine = -1; return c }), ErrInvalidInput},
		{"end before start", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[0].EndByte = c[0].StartByte - 1; return c }), ErrInvalidInput},
		{"huge offset", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[0].EndByte = 1 << 40; return c }), ErrInvalidInput},
		{"text too large", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[0].Text = strings.Repeat("x", MaxTextBytes+1); return c }), ErrInvalidInput},
		{"ID of another file", "a.go", mod(func(c []ChunkRecord) []ChunkRecord { c[1].ID = "b.go#0"; return c }), ErrChunkIDConflict},
		{"path too long", strings.Repeat("p", 40000), nil, ErrInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.ReplaceFileChunks(tc.path, tc.chunks)
			wantErr(t, err, tc.want)
			got, err := s.FileChunks("a.go")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Text != base[0].Text {
				t.Fatalf("a failed replace changed a.go: %+v", got)
			}
		})
	}
	mustCheck(t, s)
}

func TestChunkTextIsBinarySafe(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	texts := []string{"", "\x00\x01\xff\xfe", "invalid \xc3\x28 utf8", strings.Repeat("large ", 200000)}
	var cs []ChunkRecord
	for i, txt := range texts {
		cs = append(cs, ChunkRecord{ID: string(rune('a' + i)), Text: txt, Lang: "text", EndByte: len(txt)})
	}
	if err := s.ReplaceFileChunks("bin.dat", cs); err != nil {
		t.Fatal(err)
	}
	got, err := s.FileChunks("bin.dat")
	if err != nil {
		t.Fatal(err)
	}
	for i := range texts {
		if got[i].Text != texts[i] || got[i].Hash != HashText(texts[i]) {
			t.Fatalf("chunk %d text or hash did not round-trip", i)
		}
	}
}

func TestDeleteFile(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	a, b := fileChunks("a.go", 3, 1), fileChunks("a.go.bak", 2, 1)
	for _, f := range []struct {
		path string
		cs   []ChunkRecord
	}{{"a.go", a}, {"a.go.bak", b}} {
		if err := s.ReplaceFileChunks(f.path, f.cs); err != nil {
			t.Fatal(err)
		}
		if err := s.PutEmbeddings("m", ids(f.cs), vecsFor(f.cs, 4, 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceFileEdges(f.path, []Edge{{From: "file:" + f.path, To: "sym:x", Kind: EdgeDefines, Weight: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteFile("a.go"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FileChunks("a.go"); len(got) != 0 {
		t.Fatalf("a.go still has %d chunks", len(got))
	}
	if got, _ := s.FileChunks("a.go.bak"); len(got) != 2 {
		t.Fatalf("a.go.bak has %d chunks, want 2", len(got))
	}
	if got := embeddingsOf(t, s, "m"); !reflect.DeepEqual(keys(got), ids(b)) {
		t.Fatalf("vectors %v, want %v", keys(got), ids(b))
	}
	var paths []string
	_ = s.ForEachEdge(func(p string, _ Edge) error { paths = append(paths, p); return nil })
	if !reflect.DeepEqual(paths, []string{"a.go.bak"}) {
		t.Fatalf("edges of %v left", paths)
	}
	if err := s.DeleteFile("never-indexed.go"); err != nil {
		t.Fatalf("DeleteFile of an unknown path: %v", err)
	}
	wantErr(t, s.DeleteFile(""), ErrInvalidInput)
	mustCheck(t, s)
}

func TestForEachChunk(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	for _, p := range []string{"b.go", "a/z.go", "a.go"} {
		if err := s.ReplaceFileChunks(p, fileChunks(p, 2, 1)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := s.ForEachChunk(func(c ChunkRecord) error { got = append(got, c.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []string{"a.go#0", "a.go#1", "a/z.go#0", "a/z.go#1", "b.go#0", "b.go#1"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	stop := errors.New("stop")
	n := 0
	err := s.ForEachChunk(func(ChunkRecord) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("ForEachChunk returned %v after %d calls; want stop after 1", err, n)
	}
}

func TestCallbackPanicPropagates(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	if err := s.ReplaceFileChunks("a.go", fileChunks("a.go", 1, 1)); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v, want the callback's own panic", r)
		}
		// The store is still usable.
		if n, err := s.ChunkCount(); err != nil || n != 1 {
			t.Fatalf("after panic: %d, %v", n, err)
		}
	}()
	_ = s.ForEachChunk(func(ChunkRecord) error { panic("boom") })
	t.Fatal("no panic")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
