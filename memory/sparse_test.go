package memory

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func assertHits(t *testing.T, label string, got, want []Hit, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d hits %v, want %d %v", label, len(got), got, len(want), want)
	}
	for i := range want {
		if got[i].ID != want[i].ID || math.Abs(got[i].Score-want[i].Score) > tol {
			t.Fatalf("%s: hit %d = %+v, want %+v (all: %v)", label, i, got[i], want[i], got)
		}
	}
}

// TestSparseBM25HandComputed checks scores against values computed by hand
// with k1 = 1.2, b = 0.75 and idf = ln(1 + (N - df + 0.5)/(df + 0.5)).
func TestSparseBM25HandComputed(t *testing.T) {
	s := NewSparse()
	s.Replace("f1", []SparseDoc{{ID: "d1", Text: "apple banana apple"}, {ID: "d2", Text: "banana cherry"}})
	s.Replace("f2", []SparseDoc{{ID: "d3", Text: "cherry cherry cherry date"}})
	tests := []struct {
		query string
		want  []Hit
	}{
		{"apple", []Hit{{"d1", 1.3486402228911236}}},
		{"banana", []Hit{{"d2", 0.5442147286003255}, {"d1", 0.47000362924573563}}},
		{"cherry date", []Hit{{"d3", 1.552468398877398}, {"d2", 0.5442147286003255}}},
		{"banana cherry banana", []Hit{{"d2", 1.088429457200651}, {"d3", 0.6893386562270789}, {"d1", 0.47000362924573563}}},
		{"the missing", nil},
		{"", nil},
	}
	for _, tt := range tests {
		assertHits(t, tt.query, s.Search(tt.query, 10), tt.want, 1e-12)
	}
	assertHits(t, "k=1", s.Search("banana", 1), []Hit{{"d2", 0.5442147286003255}}, 1e-12)
	if got := s.Search("banana", 0); got != nil {
		t.Fatalf("k=0: %v", got)
	}
}

// TestSparseFieldBoosts: a symbol token counts 3 times, a path token twice.
func TestSparseFieldBoosts(t *testing.T) {
	s := NewSparse()
	s.Replace("a", []SparseDoc{{ID: "e1", Text: "apple", Symbol: "Banana"}})
	s.Replace("b", []SparseDoc{{ID: "e2", Text: "banana banana", Path: "x/cherry"}})
	// N = 2, |e1| = 1+3 = 4, |e2| = 2+2 = 4, avgdl = 4; idf(banana) = ln(1.2).
	idf := 0.1823215567939546
	assertHits(t, "banana", s.Search("banana", 5), []Hit{{"e1", idf * 3 * 2.2 / 4.2}, {"e2", idf * 2 * 2.2 / 3.2}}, 1e-12)
	// cherry only in e2's path: tf 2, df 1, idf = ln(1 + 1.5/1.5) = ln 2.
	assertHits(t, "cherry", s.Search("cherry", 5), []Hit{{"e2", math.Ln2 * 2 * 2.2 / 3.2}}, 1e-12)
}

func TestSparseTiesByID(t *testing.T) {
	s := NewSparse()
	s.Replace("g", []SparseDoc{{ID: "b", Text: "same words"}, {ID: "a", Text: "same words"}, {ID: "c", Text: "same words"}})
	got := s.Search("words", 2)
	if len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Fatalf("ties: %v", got)
	}
}

// TestSparseIncrementalEqualsRebuild replaces and removes groups at random,
// through several purges, and compares every query with a fresh index built
// from the final documents.
func TestSparseIncrementalEqualsRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"parseURL", "HTTPServer", "read_file", "writeAll", "cache", "index", "token", "graph",
		"rank", "vector", "store", "chunk", "query", "retrieve", "embed", "fusion", "alpha", "beta"}
	doc := func(id string) SparseDoc {
		var b strings.Builder
		for range 3 + rng.IntN(30) {
			b.WriteString(vocab[rng.IntN(len(vocab))])
			b.WriteByte(' ')
		}
		return SparseDoc{ID: id, Text: b.String(), Symbol: vocab[rng.IntN(len(vocab))], Path: "pkg/" + vocab[rng.IntN(len(vocab))] + ".go"}
	}
	inc := NewSparse()
	state := map[string][]SparseDoc{}
	for op := range 3000 {
		g := fmt.Sprintf("file%d", rng.IntN(40))
		if rng.IntN(5) == 0 {
			inc.Remove(g)
			delete(state, g)
			continue
		}
		var docs []SparseDoc
		for i := range rng.IntN(6) {
			docs = append(docs, doc(fmt.Sprintf("%s#%d-%d", g, op, i)))
		}
		inc.Replace(g, docs)
		state[g] = docs
	}
	fresh := NewSparse()
	n := 0
	for g, docs := range state {
		fresh.Replace(g, docs)
		n += len(docs)
	}
	if inc.Len() != n || fresh.Len() != n {
		t.Fatalf("Len: incremental %d, fresh %d, want %d", inc.Len(), fresh.Len(), n)
	}
	for _, q := range append(vocab, "parse url server", "cache index token graph", "pkg") {
		assertHits(t, q, inc.Search(q, 50), fresh.Search(q, 50), 1e-9)
	}
	inc.mu.Lock()
	inc.purge()
	inc.mu.Unlock()
	for _, q := range vocab {
		assertHits(t, "after purge "+q, inc.Search(q, 50), fresh.Search(q, 50), 1e-9)
	}
}
