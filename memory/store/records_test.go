package store

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReplaceFileEdges(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	a := []Edge{
		{From: "file:a.go", To: "sym:a.go#Serve", Kind: EdgeDefines, Weight: 1},
		{From: "sym:a.go#Serve", To: "sym:b.go#Handle", Kind: EdgeCalls, Weight: 0.5},
		{From: "file:a.go", To: "file:b.go", Kind: EdgeChangesWith, Weight: 3},
	}
	b := []Edge{{From: "file:b_test.go", To: "file:b.go", Kind: EdgeTestsOf, Weight: 1}}
	if err := s.ReplaceFileEdges("a.go", a); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceFileEdges("b_test.go", b); err != nil {
		t.Fatal(err)
	}
	got, err := s.FileEdges("a.go")
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("FileEdges = %+v, %v", got, err)
	}
	type owned struct {
		path string
		e    Edge
	}
	var all []owned
	if err := s.ForEachEdge(func(p string, e Edge) error { all = append(all, owned{p, e}); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || all[0].path != "a.go" || all[3].path != "b_test.go" || all[3].e != b[0] {
		t.Fatalf("ForEachEdge = %+v", all)
	}
	// Replace shrinks: no stale edge survives.
	if err := s.ReplaceFileEdges("a.go", a[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FileEdges("a.go"); !reflect.DeepEqual(got, a[:1]) {
		t.Fatalf("after replace: %+v", got)
	}
	for _, tc := range []struct {
		name string
		e    Edge
	}{
		{"unknown kind", Edge{From: "x", To: "y", Kind: "likes"}},
		{"empty from", Edge{To: "y", Kind: EdgeCalls}},
		{"NaN weight", Edge{From: "x", To: "y", Kind: EdgeCalls, Weight: math.NaN()}},
		{"Inf weight", Edge{From: "x", To: "y", Kind: EdgeCalls, Weight: math.Inf(-1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.ReplaceFileEdges("a.go", []Edge{a[1], tc.e}), ErrInvalidInput)
			if got, _ := s.FileEdges("a.go"); !reflect.DeepEqual(got, a[:1]) {
				t.Fatalf("failed replace changed edges: %+v", got)
			}
		})
	}
	if len(EdgeKinds()) != 6 {
		t.Fatalf("EdgeKinds = %v", EdgeKinds())
	}
}

func TestFeedback(t *testing.T) {
	s, path := openTemp(t, Options{NoSync: true})
	t0 := time.Date(2025, 11, 25, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	in := []Feedback{
		{ID: "f1", Time: t0, Query: "nil map write", Action: "quickfix", Accepted: true, Detail: "init map", Files: []string{"a.go", "b.go"}, TaskID: "t1"},
		{ID: "f2", Time: t0.Add(time.Minute), Query: "unused var", Action: "ai-fix", Accepted: false},
		{Query: "no id, no time", Action: "quickfix"},
	}
	before := time.Now()
	for _, f := range in {
		if err := s.AddFeedback(f); err != nil {
			t.Fatal(err)
		}
	}
	// Re-adding f1 replaces it in place.
	upd := in[0]
	upd.Accepted = false
	upd.Detail = "reverted"
	if err := s.AddFeedback(upd); err != nil {
		t.Fatal(err)
	}
	read := func(s *Store) []Feedback {
		var out []Feedback
		if err := s.ForEachFeedback(func(f Feedback) error { out = append(out, f); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := read(s)
	if len(got) != 3 {
		t.Fatalf("%d records, want 3", len(got))
	}
	if got[0].ID != "f1" || got[0].Accepted || got[0].Detail != "reverted" || !got[0].Time.Equal(t0) ||
		!reflect.DeepEqual(got[0].Files, upd.Files) || got[0].TaskID != "t1" || got[0].Query != upd.Query {
		t.Fatalf("record 0 = %+v", got[0])
	}
	if got[1].ID != "f2" || got[1].Files != nil || got[1].Action != "ai-fix" {
		t.Fatalf("record 1 = %+v", got[1])
	}
	if len(got[2].ID) != 24 || got[2].Time.Before(before.Add(-time.Second)) || got[2].Time.Location() != time.UTC {
		t.Fatalf("record 2 got no ID or time: %+v", got[2])
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if again := read(s2); !reflect.DeepEqual(again, got) {
		t.Fatalf("after reopen %+v, want %+v", again, got)
	}
	for _, bad := range []Feedback{
		{ID: "x", Time: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "x\x00"},
		{ID: "x", Query: strings.Repeat("q", MaxTextBytes+1)},
		{ID: "x", Files: make([]string, maxFeedbackFiles+1)},
	} {
		wantErr(t, s2.AddFeedback(bad), ErrInvalidInput)
	}
	if n := len(read(s2)); n != 3 {
		t.Fatalf("%d records after rejected adds", n)
	}
}

func TestTaskEvents(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	t0 := time.Unix(1700000000, 5).UTC()
	add := []TaskEvent{
		{TaskID: "t1", Time: t0, Kind: "planned", Detail: "3 steps"},
		{TaskID: "t10", Time: t0, Kind: "planned"},
		{TaskID: "t1", Time: t0.Add(time.Second), Kind: "step", Detail: "lint"},
		{TaskID: "t1", Time: t0.Add(-time.Hour), Kind: "done"}, // out-of-order time: insertion order wins
	}
	for _, e := range add {
		if err := s.AddTaskEvent(e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.TaskEvents("t1")
	if err != nil {
		t.Fatal(err)
	}
	want := []TaskEvent{add[0], add[2], add[3]}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("TaskEvents(t1) = %+v\nwant %+v", got, want)
	}
	if got, _ := s.TaskEvents("t10"); len(got) != 1 {
		t.Fatalf("TaskEvents(t10) = %+v", got)
	}
	if got, _ := s.TaskEvents("t"); len(got) != 0 {
		t.Fatalf("prefix task t sees %d events", len(got))
	}
	if err := s.AddTaskEvent(TaskEvent{TaskID: "t2", Kind: "started"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.TaskEvents("t2"); len(got) != 1 || got[0].Time.IsZero() {
		t.Fatalf("zero time not filled: %+v", got)
	}
	wantErr(t, s.AddTaskEvent(TaskEvent{Kind: "x"}), ErrInvalidInput)
	_, err = s.TaskEvents("")
	wantErr(t, err, ErrInvalidInput)
}

func TestMeta(t *testing.T) {
	s, path := openTemp(t, Options{NoSync: true})
	if _, ok, err := s.GetMeta("embed.model"); ok || err != nil {
		t.Fatalf("GetMeta of unset key = %v, %v", ok, err)
	}
	for k, v := range map[string]string{"embed.model": "minilm", "schema": "999", "empty": ""} {
		if err := s.SetMeta(k, v); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.GetMeta(k); got != v || !ok || err != nil {
			t.Fatalf("GetMeta(%q) = %q, %v, %v", k, got, ok, err)
		}
	}
	if err := s.DeleteMeta("embed.model"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.GetMeta("embed.model"); ok {
		t.Fatal("deleted key still set")
	}
	wantErr(t, s.SetMeta("", "x"), ErrInvalidInput)
	_ = s.Close()
	// A user key named "schema" does not touch the schema version.
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.SchemaVersion() != CurrentSchema {
		t.Fatalf("schema %d", s2.SchemaVersion())
	}
}

func TestStats(t *testing.T) {
	s, path := openTemp(t, Options{NoSync: true})
	for _, p := range []string{"a.go", "b.go"} {
		cs := fileChunks(p, 3, 1)
		if err := s.ReplaceFileChunks(p, cs); err != nil {
			t.Fatal(err)
		}
		if err := s.PutEmbeddings("m", ids(cs), vecsFor(cs, 5, 1)); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.ReplaceFileEdges("a.go", []Edge{{From: "a", To: "b", Kind: EdgeImports}})
	_ = s.AddFeedback(Feedback{ID: "f"})
	_ = s.AddTaskEvent(TaskEvent{TaskID: "t"})
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Path != path || st.FileSize <= 0 || st.SchemaVersion != CurrentSchema || st.Chunks != 6 || st.Files != 2 ||
		st.Embeddings["m"] != 6 || st.Dims["m"] != 5 || st.Edges != 1 || st.Feedback != 1 || st.TaskEvents != 1 ||
		st.Buckets["memory/chunks"] != 6 || len(st.Buckets) != len(currentBuckets()) {
		t.Fatalf("Stats = %+v", st)
	}
}

func TestUpdateIsAtomic(t *testing.T) {
	s, _ := openTemp(t, Options{NoSync: true})
	abort := errors.New("abort")
	err := s.Update(func(tx *Tx) error {
		if err := tx.ReplaceFileChunks("a.go", fileChunks("a.go", 2, 1)); err != nil {
			return err
		}
		if err := tx.AddFeedback(Feedback{ID: "f"}); err != nil {
			return err
		}
		if err := tx.SetMeta("k", "v"); err != nil {
			return err
		}
		if n, err := tx.ChunkCount(); err != nil || n != 2 {
			t.Errorf("inside the transaction ChunkCount = %d, %v", n, err)
		}
		return abort
	})
	if !errors.Is(err, abort) {
		t.Fatalf("Update = %v", err)
	}
	st, _ := s.Stats()
	if st.Chunks != 0 || st.Feedback != 0 {
		t.Fatalf("rolled-back writes visible: %+v", st)
	}
	if _, ok, _ := s.GetMeta("k"); ok {
		t.Fatal("rolled-back meta visible")
	}
	// Writes inside View fail.
	err = s.View(func(tx *Tx) error { return tx.SetMeta("k", "v") })
	wantErr(t, err, ErrReadOnly)
	err = s.View(func(tx *Tx) error { return tx.ReplaceFileChunks("a.go", nil) })
	wantErr(t, err, ErrReadOnly)
}
