package memory

import (
	"slices"
	"strings"
	"testing"
)

func openFixture(t testing.TB, opts Options) *Memory {
	t.Helper()
	if opts.Store == nil {
		opts.Store = openTestStore(t)
	}
	m, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	indexFixture(t, m)
	return m
}

func retrieve(t testing.TB, m *Memory, q Query) *Result {
	t.Helper()
	r, err := m.Retrieve(t.Context(), q)
	if err != nil {
		t.Fatalf("Retrieve(%+v): %v", q, err)
	}
	return r
}

func TestRetrieveSparseAndGraph(t *testing.T) {
	m := openFixture(t, Options{})
	tests := []struct {
		name        string
		q           Query
		first       string
		retrievers  []string
		wantFactors map[string]float64 // on the first item
	}{
		{"prose", Query{Text: "how is the URL parsed"}, "server/http.go#parseURL",
			[]string{RetrieverSparse}, nil},
		{"identifier only", Query{Identifiers: []string{"VerifyToken"}}, "auth/token.go#VerifyToken",
			[]string{RetrieverSparse, RetrieverGraph}, map[string]float64{"identifier": FactorIdentifier}},
		{"open file", Query{Text: "check the token before serving", OpenFile: "cmd/app/main.go"}, "auth/token.go#VerifyToken",
			[]string{RetrieverSparse, RetrieverGraph}, nil},
		{"camel case in prose", Query{Text: "where do we call camel_to_snake"}, "py/utils/strings.py#camel_to_snake",
			[]string{RetrieverSparse, RetrieverGraph}, map[string]float64{"identifier": FactorIdentifier}},
		{"open file only", Query{OpenFile: "server/http_test.go"}, "server/http.go#parseURL",
			[]string{RetrieverGraph}, map[string]float64{"proximity": FactorSameDir}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := retrieve(t, m, tt.q)
			if ids := itemIDs(r); len(ids) == 0 || ids[0] != tt.first {
				t.Fatalf("items %q, want %s first", ids, tt.first)
			}
			if !slices.Equal(r.Retrievers, tt.retrievers) {
				t.Errorf("retrievers %v, want %v (notes %q)", r.Retrievers, tt.retrievers, r.Notes)
			}
			if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.HasPrefix(n, "dense: off") }) {
				t.Errorf("notes %q should say dense is off", r.Notes)
			}
			for k, v := range tt.wantFactors {
				if got := r.Items[0].Scores.Factors[k]; got != v {
					t.Errorf("factor %s = %v, want %v (%v)", k, got, v, r.Items[0].Scores.Factors)
				}
			}
			if len(r.Items) > DefaultK || r.Tokens > DefaultTokenBudget || r.Tokens != EstimateTokens(r.Packed) {
				t.Errorf("%d items, %d tokens", len(r.Items), r.Tokens)
			}
			first := r.Items[0]
			if !strings.Contains(r.Packed, first.Text) || first.Scores.Fused <= 0 || first.Scores.Rerank <= 0 {
				t.Errorf("first item not packed or unscored: %+v", first.Scores)
			}
			for _, name := range r.Retrievers {
				if _, ok := first.Scores.Ranks[name]; !ok && name != RetrieverGraph {
					t.Errorf("first item has no %s rank: %v", name, first.Scores.Ranks)
				}
			}
		})
	}
}

func TestRetrieveTestFiles(t *testing.T) {
	m := openFixture(t, Options{})
	rank := func(r *Result, id string) int {
		return slices.Index(itemIDs(r), id)
	}
	r := retrieve(t, m, Query{Text: "parse url", K: 10})
	impl, test := rank(r, "server/http.go#parseURL"), rank(r, "server/http_test.go#TestParseURL")
	if impl < 0 || test < 0 || impl > test {
		t.Fatalf("implementation should outrank its test: %q", itemIDs(r))
	}
	if f := r.Items[test].Scores.Factors["test"]; f != FactorTest {
		t.Errorf("test factor %v, want %v", f, FactorTest)
	}
	r = retrieve(t, m, Query{Text: "tests for parse url", K: 10})
	if test := rank(r, "server/http_test.go#TestParseURL"); test < 0 || r.Items[test].Scores.Factors["test"] != 0 {
		t.Errorf("a query about tests must not penalise them: %q", itemIDs(r))
	}
}

func TestRetrieveBudgetAndK(t *testing.T) {
	m := openFixture(t, Options{})
	for _, tt := range []struct{ k, budget int }{{1, 2048}, {3, 60}, {5, 30}, {8, 4000}} {
		r := retrieve(t, m, Query{Text: "parse url token cache evict", K: tt.k, TokenBudget: tt.budget})
		if len(r.Items) > tt.k || r.Tokens > tt.budget {
			t.Errorf("K %d budget %d: %d items, %d tokens", tt.k, tt.budget, len(r.Items), r.Tokens)
		}
		perFile := map[string]int{}
		for _, it := range r.Items {
			if perFile[it.Path]++; perFile[it.Path] > DefaultMaxPerFile {
				t.Errorf("K %d: more than %d chunks of %s", tt.k, DefaultMaxPerFile, it.Path)
			}
		}
	}
}

func TestRetrieveWithEmbedder(t *testing.T) {
	emb := &hashEmbedder{dim: 64}
	m := openFixture(t, Options{Embedder: emb, EmbedModel: "hash-64"})
	if err := m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	st := m.Stats()
	if st.Vectors != st.Chunks || st.PendingEmbeds != 0 || st.Chunks != 15 {
		t.Fatalf("stats after Flush: %+v", st)
	}
	// Prose only: no code-like word seeds the graph.
	r := retrieve(t, m, Query{Text: "evict entries from the cache"})
	if !slices.Equal(r.Retrievers, []string{RetrieverSparse, RetrieverDense}) {
		t.Fatalf("retrievers %v, notes %q", r.Retrievers, r.Notes)
	}
	dense := 0
	for _, it := range r.Items {
		if it.Scores.Dense != 0 {
			dense++
			if _, ok := it.Scores.Ranks[RetrieverDense]; !ok {
				t.Errorf("item %s has a dense score but no dense rank", it.ID)
			}
		}
	}
	if dense == 0 {
		t.Errorf("no item has a dense score: %+v", r.Items)
	}
	if ids := itemIDs(r); !strings.HasSuffix(ids[0], "evict") {
		t.Errorf("items %q: an evict method should come first", ids)
	}
	// Re-indexing a file with the same text embeds nothing again.
	before := emb.texts.Load()
	indexFixture(t, m)
	if err := m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := emb.texts.Load(); got != before {
		t.Errorf("re-indexing unchanged chunks embedded %d texts", got-before)
	}
}

func TestRetrieveOnlyRequestedRetrievers(t *testing.T) {
	m := openFixture(t, Options{})
	q := Query{Text: "check the token before serving", OpenFile: "cmd/app/main.go"}
	for _, only := range [][]string{{RetrieverSparse}, {RetrieverGraph}} {
		q.Retrievers = only
		r := retrieve(t, m, q)
		if !slices.Equal(r.Retrievers, only) {
			t.Errorf("Retrievers %v ran %v (notes %q)", only, r.Retrievers, r.Notes)
		}
		for _, it := range r.Items {
			for name := range it.Scores.Ranks {
				if name != only[0] {
					t.Errorf("Retrievers %v: item %s ranked by %s", only, it.ID, name)
				}
			}
		}
	}
	q.Retrievers = []string{"bm25"}
	if _, err := m.Retrieve(t.Context(), q); err == nil || !strings.Contains(err.Error(), `unknown retriever "bm25"`) {
		t.Errorf("unknown retriever: err %v", err)
	}
}

func TestCodeLikeSeeds(t *testing.T) {
	text := "Close releases the Cache. It calls io.Closer and parse_url with MaxAge2; see LRU. Done"
	for word, want := range map[string]bool{
		"Close": false, // starts the sentence
		"Cache": true, "io.Closer": true, "parse_url": true, "MaxAge2": true, "LRU": true,
		"releases": false, "Done": false, "It": false,
	} {
		if got := codeLike(text, word); got != want {
			t.Errorf("codeLike(%q) = %v, want %v", word, got, want)
		}
	}
	q := Query{Text: text, Identifiers: []string{"evict"}}
	got := seedIdentifiers(&q, identifiers(&q))
	want := []string{"evict", "Cache", "io.Closer", "Closer", "parse_url", "MaxAge2", "LRU"}
	if !slices.Equal(got, want) {
		t.Errorf("seeds %q, want %q", got, want)
	}
}
