package memory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestIndexBadInput(t *testing.T) {
	m := openFixture(t, Options{})
	ctx := t.Context()
	ok := Chunk{Path: "x.go", StartLine: 1, EndLine: 2, Text: "package x\n"}
	taken := m.files["server/http.go"][0].id
	with := func(f func(*Chunk)) []Chunk { c := ok; f(&c); return []Chunk{c} }
	tests := []struct {
		name   string
		facts  FileFacts
		chunks []Chunk
		want   error
	}{
		{"binary text", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.Text = "ELF\x00\x01\x02" }), ErrNotText},
		{"invalid utf-8", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.Text = "bad \xff\xfe" }), ErrNotText},
		{"huge chunk", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.Text = strings.Repeat("a", MaxChunkBytes+1) }), ErrTooLarge},
		{"too many chunks", FileFacts{Path: "x.go"}, make([]Chunk, MaxChunksPerFile+1), ErrTooLarge},
		{"other path", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.Path = "y.go" }), ErrInvalidChunk},
		{"lines backwards", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.StartLine, c.EndLine = 9, 3 }), ErrInvalidChunk},
		{"line zero", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.StartLine = 0 }), ErrInvalidChunk},
		{"negative bytes", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.StartByte = -4 }), ErrInvalidChunk},
		{"duplicate IDs", FileFacts{Path: "x.go"}, []Chunk{{ID: "a", Path: "x.go", StartLine: 1, EndLine: 1}, {ID: "a", Path: "x.go", StartLine: 2, EndLine: 2}}, ErrInvalidChunk},
		{"NUL in ID", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.ID = "a\x00b" }), ErrInvalidChunk},
		{"ID of another file", FileFacts{Path: "x.go"}, with(func(c *Chunk) { c.ID = taken }), ErrInvalidChunk},
		{"empty path", FileFacts{}, nil, ErrInvalidFacts},
		{"absolute path", FileFacts{Path: "/etc/passwd"}, nil, ErrInvalidFacts},
		{"escaping path", FileFacts{Path: "../x.go"}, nil, ErrInvalidFacts},
		{"nameless symbol", FileFacts{Path: "x.go", Symbols: []SymbolFact{{}}}, nil, ErrInvalidFacts},
	}
	before := memoryState(t, m)
	for _, tt := range tests {
		if err := m.IndexFile(ctx, tt.facts, tt.chunks); !errors.Is(err, tt.want) {
			t.Errorf("%s: IndexFile = %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := m.IndexFiles(ctx, []FileInput{{Facts: FileFacts{Path: "x.go"}}, {Facts: FileFacts{Path: "x.go"}}}); !errors.Is(err, ErrInvalidFacts) {
		t.Errorf("a path twice in one batch: %v", err)
	}
	diffState(t, "after refused input", before, memoryState(t, m))

	for _, q := range []Query{{}, {Text: "   "}, {Text: "x", K: -1}, {Text: "x", TokenBudget: -5}, {Text: "x", MaxPerFile: -1}} {
		if _, err := m.Retrieve(ctx, q); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("Retrieve(%+v) = %v, want ErrInvalidQuery", q, err)
		}
	}
	// Queries that find nothing are not errors.
	for _, q := range []Query{{Text: "zzzz qqqq"}, {OpenFile: "not/indexed.go"}, {Text: "ünïcödé 😀"}} {
		r, err := m.Retrieve(ctx, q)
		if err != nil || len(r.Items) != 0 || r.Packed != "" {
			t.Errorf("Retrieve(%+v) = %+v, %v; want nothing", q, r, err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := m.IndexFile(cancelled, FileFacts{Path: "x.go"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("IndexFile with a cancelled context: %v", err)
	}
	if err := m.RemoveFile(ctx, "../etc"); !errors.Is(err, ErrInvalidFacts) {
		t.Errorf("RemoveFile(../etc): %v", err)
	}
	if err := m.RemoveFile(ctx, "never/indexed.go"); err != nil {
		t.Errorf("RemoveFile of an unknown path: %v", err)
	}
}

func TestOpenOptions(t *testing.T) {
	st := openTestStore(t)
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"no store", Options{}},
		{"embedder without model", Options{Store: st, Embedder: &hashEmbedder{dim: 4}}},
		{"model without embedder", Options{Store: st, EmbedModel: "m"}},
		{"negative batch", Options{Store: st, Embedder: &hashEmbedder{dim: 4}, EmbedModel: "m", EmbedBatch: -1}},
		{"bad graph weight", Options{Store: st, Graph: GraphOptions{Weights: map[string]float64{EdgeCalls: -1}}}},
	} {
		if _, err := Open(tt.opts); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: Open = %v, want ErrInvalidOptions", tt.name, err)
		}
	}
}

func TestClosed(t *testing.T) {
	m := openFixture(t, Options{Embedder: &hashEmbedder{dim: 8}, EmbedModel: "h"})
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for name, err := range map[string]error{
		"Close":     m.Close(),
		"IndexFile": m.IndexFile(ctx, FileFacts{Path: "a.go"}, nil),
		"Remove":    m.RemoveFile(ctx, "a.go"),
		"Flush":     m.Flush(ctx),
		"Snapshot":  m.Snapshot(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	if _, err := m.Retrieve(ctx, Query{Text: "x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Retrieve after Close: %v", err)
	}
	if _, err := m.RecordFeedback(ctx, Feedback{Query: "x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("RecordFeedback after Close: %v", err)
	}
}

// TestRemoveFile: a removed file is gone from every retriever and the store.
func TestRemoveFile(t *testing.T) {
	m := openFixture(t, Options{Embedder: &hashEmbedder{dim: 32}, EmbedModel: "h"})
	if err := m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := m.RemoveFile(t.Context(), "auth/token.go"); err != nil {
		t.Fatal(err)
	}
	r := retrieve(t, m, Query{Text: "verify the bearer token", Identifiers: []string{"VerifyToken"}, K: 10})
	for _, it := range r.Items {
		if it.Path == "auth/token.go" {
			t.Errorf("removed file retrieved: %s", it.ID)
		}
	}
	if recs, err := m.st.FileChunks("auth/token.go"); err != nil || len(recs) != 0 {
		t.Errorf("store still holds %d chunks (%v)", len(recs), err)
	}
	if s := m.Stats(); s.Vectors != 13 || s.Chunks != 13 || m.graph.Has("file:auth/token.go") {
		t.Errorf("after remove: %+v", s)
	}
}

// TestConcurrentUse indexes, removes and retrieves from several goroutines
// (run with -race).
func TestConcurrentUse(t *testing.T) {
	m := openFixture(t, Options{Embedder: &hashEmbedder{dim: 16}, EmbedModel: "h", EmbedBatch: 2})
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 3 {
		wg.Go(func() {
			for i := range 20 {
				p := fmt.Sprintf("gen/w%d/f%d.go", w, i%4)
				text := fmt.Sprintf("func Gen%d_%d() { parseURL(%q); VerifyToken(x) }\n", w, i, p)
				facts := FileFacts{Path: p, Lang: "go", Symbols: []SymbolFact{{Name: fmt.Sprintf("Gen%d_%d", w, i)}},
					Refs: []RefFact{{Name: "parseURL", Call: true}, {Name: "VerifyToken", Call: true}}}
				if err := m.IndexFile(ctx, facts, []Chunk{{Path: p, Lang: "go", Symbol: facts.Symbols[0].Name, StartLine: 1, EndLine: 1, Text: text}}); err != nil {
					errs <- err
					return
				}
				if i%5 == 4 {
					if err := m.RemoveFile(ctx, p); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	for range 3 {
		wg.Go(func() {
			for range 20 {
				if _, err := m.Retrieve(ctx, Query{Text: "parse url token", OpenFile: "cmd/app/main.go", K: 8}); err != nil {
					errs <- err
					return
				}
				m.SimilarFeedback("url", 3)
				if _, err := m.Graph().Neighbors("file:server/http.go", 2); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 10 {
			if _, err := m.RecordFeedback(ctx, Feedback{Query: fmt.Sprintf("fix %d", i), Accepted: i%2 == 0, Files: []string{"server/http.go"}}); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if s := m.Stats(); s.Vectors != s.Chunks || s.Feedback != 10 {
		t.Errorf("after concurrent use: %+v", s)
	}
}
