package memory

import (
	"errors"
	"math"
	"testing"
)

// densePPR is the textbook personalised PageRank over the graph's walk
// weights: a dense transition matrix and power iteration to 1e-14.
func densePPR(t *testing.T, g *Graph, seeds map[string]float64, alpha float64) map[string]float64 {
	t.Helper()
	g.resolve()
	g.mu.RLock()
	defer g.mu.RUnlock()
	n := len(g.nodes)
	P := make([][]float64, n) // P[u][v]: probability of u → v
	for u := range P {
		P[u] = make([]float64, n)
		total := 0.0
		for _, h := range g.adj[u] {
			total += float64(h.w)
		}
		for _, h := range g.adj[u] {
			P[u][h.to] += float64(h.w) / total
		}
	}
	s := make([]float64, n)
	sum := 0.0
	for _, w := range seeds {
		sum += w
	}
	for id, w := range seeds {
		s[g.ids[id]] = w / sum
	}
	x := append([]float64(nil), s...)
	for range 10000 {
		next := make([]float64, n)
		dangling := 0.0
		for u := range n {
			if len(g.adj[u]) == 0 {
				dangling += x[u]
				continue
			}
			for v := range n {
				next[v] += alpha * x[u] * P[u][v]
			}
		}
		diff := 0.0
		for v := range n {
			next[v] += (1 - alpha + alpha*dangling) * s[v]
			diff += math.Abs(next[v] - x[v])
		}
		x = next
		if diff < 1e-14 {
			break
		}
	}
	out := map[string]float64{}
	for v, xv := range x {
		if xv > 0 {
			out[g.nodes[v].id] = xv
		}
	}
	return out
}

func smallGraph(t testing.TB) *Graph {
	t.Helper()
	g, err := NewGraph(GraphOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range smallFacts() {
		if err := g.SetFile(f); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

func scoresOf(ns []NodeScore) map[string]float64 {
	out := map[string]float64{}
	for _, n := range ns {
		out[n.ID] = n.Score
	}
	return out
}

func TestPageRankMatchesDense(t *testing.T) {
	g := smallGraph(t)
	for _, seeds := range []map[string]float64{
		{"file:p/a.go": 1},
		{"sym:q/b.go#Save": 2, "file:web/api.ts": 1},
		{"dir:tests": 1},
	} {
		want := densePPR(t, g, seeds, 0.85)
		power, err := g.PageRank(seeds, PageRankOptions{Tol: 1e-12, MaxIter: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got := scoresOf(power)
		total, l1 := 0.0, 0.0
		for id, w := range want {
			l1 += math.Abs(got[id] - w)
			total += got[id]
		}
		if l1 > 1e-9 || math.Abs(total-1) > 1e-9 || len(got) != len(want) {
			t.Errorf("power iteration, seeds %v: L1 error %g, total %g, %d nodes (want %d)", seeds, l1, total, len(got), len(want))
		}

		// Forward push: the L1 error is at most the residual left behind.
		g.mu.RLock()
		s, _ := g.seedVector(seeds)
		sc := g.pprScratch()
		g.push(sc, s, PageRankOptions{Damping: 0.85, Tol: 1e-7})
		residual := sc.residual()
		pushed := scoresOf(g.topNodes(sc, 0))
		g.pool.Put(sc)
		g.mu.RUnlock()
		l1 = 0
		for id, w := range want {
			l1 += math.Abs(pushed[id] - w)
		}
		if l1 > residual+1e-12 || residual > 1e-4 {
			t.Errorf("push, seeds %v: L1 error %g exceeds residual %g", seeds, l1, residual)
		}
	}
}

// TestPageRankTwoNodes checks the closed form of a two-node walk.
func TestPageRankTwoNodes(t *testing.T) {
	g, _ := NewGraph(GraphOptions{Weights: map[string]float64{EdgeContains: 0}})
	// One file defining one symbol: file ↔ symbol (defines forward 1,
	// backward 0.5; each node has a single way out, so the weights cancel).
	if err := g.SetFile(FileFacts{Path: "a.go", Symbols: []SymbolFact{{Name: "F"}}}); err != nil {
		t.Fatal(err)
	}
	ns, err := g.PageRank(map[string]float64{"file:a.go": 1}, PageRankOptions{Tol: 1e-13, MaxIter: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// x_a = 0.15 + 0.85 x_f, x_f = 0.85 x_a → x_a = 0.15 / (1 - 0.85²).
	a := 0.15 / (1 - 0.85*0.85)
	got := scoresOf(ns)
	if math.Abs(got["file:a.go"]-a) > 1e-10 || math.Abs(got["sym:a.go#F"]-0.85*a) > 1e-10 {
		t.Errorf("two nodes: %v, want file %v, symbol %v", got, a, 0.85*a)
	}
}

// TestPageRankPersonalisation: moving the seed moves the rank.
func TestPageRankPersonalisation(t *testing.T) {
	g := smallGraph(t)
	near := func(seed string) map[string]float64 {
		ns, err := g.PageRank(map[string]float64{seed: 1}, PageRankOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return scoresOf(ns)
	}
	py, ts := near("file:pkg/util.py"), near("file:web/api.ts")
	if !(py["sym:pkg/util.py#slugify"] > ts["sym:pkg/util.py#slugify"]) || !(ts["sym:web/api.ts#fetchUser"] > py["sym:web/api.ts#fetchUser"]) {
		t.Errorf("personalisation: slugify %v (python seed) vs %v; fetchUser %v (ts seed) vs %v",
			py["sym:pkg/util.py#slugify"], ts["sym:pkg/util.py#slugify"], ts["sym:web/api.ts#fetchUser"], py["sym:web/api.ts#fetchUser"])
	}
	// Mass only reaches what is connected to the seed.
	if py["sym:web/api.ts#fetchUser"] != 0 {
		t.Errorf("mass leaked into a disconnected component: %v", py["sym:web/api.ts#fetchUser"])
	}
	go1 := near("sym:p/a.go#Server.Serve")
	if !(go1["sym:q/b.go#Load"] > go1["sym:q/b.go#Save"]) || !(go1["sym:q/b.go#Save"] > 0) {
		t.Errorf("rank should decay with distance: Load %v, Save %v", go1["sym:q/b.go#Load"], go1["sym:q/b.go#Save"])
	}
}

func TestPageRankErrors(t *testing.T) {
	g := smallGraph(t)
	for _, tt := range []struct {
		seeds map[string]float64
		opts  PageRankOptions
		want  error
	}{
		{map[string]float64{"file:missing.go": 1}, PageRankOptions{}, ErrUnknownNode},
		{map[string]float64{"file:p/a.go": -1}, PageRankOptions{}, ErrInvalidQuery},
		{map[string]float64{"file:p/a.go": math.NaN()}, PageRankOptions{}, ErrInvalidQuery},
		{map[string]float64{"file:p/a.go": 0}, PageRankOptions{}, ErrInvalidQuery},
		{nil, PageRankOptions{}, ErrInvalidQuery},
		{map[string]float64{"file:p/a.go": 1}, PageRankOptions{Damping: 1}, ErrInvalidQuery},
		{map[string]float64{"file:p/a.go": 1}, PageRankOptions{Tol: -1}, ErrInvalidQuery},
	} {
		if _, err := g.PageRank(tt.seeds, tt.opts); !errors.Is(err, tt.want) {
			t.Errorf("PageRank(%v, %+v) = %v, want %v", tt.seeds, tt.opts, err, tt.want)
		}
	}
}

func TestRepoMap(t *testing.T) {
	g := smallGraph(t)
	syms, err := g.RepoMap(map[string]float64{"file:p/a_test.go": 1}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(syms) == 0 || syms[0].Path != "p/a.go" {
		t.Fatalf("repo map from the test file should start in the file under test: %+v", syms)
	}
	for _, s := range syms {
		if s.Path == "p/a_test.go" {
			t.Errorf("the seed file's own symbol %s is in the map", s.ID)
		}
	}
	text := FormatRepoMap(syms)
	if want := "p/a.go:\n  3: type Server struct\n"; len(text) < len(want) || text[:len(want)] != want {
		t.Errorf("FormatRepoMap starts %q, want %q", text, want)
	}
	// A small budget keeps the best symbols and respects the budget.
	for _, budget := range []int{1, 12, 20, 40} {
		small, err := g.RepoMap(map[string]float64{"file:p/a_test.go": 1}, budget)
		if err != nil {
			t.Fatal(err)
		}
		if got := EstimateTokens(FormatRepoMap(small)); got > budget {
			t.Errorf("budget %d: map takes %d tokens", budget, got)
		}
		if len(small) > 0 && small[0].ID != syms[0].ID {
			t.Errorf("budget %d: first symbol %s, want %s", budget, small[0].ID, syms[0].ID)
		}
	}
	if _, err := g.RepoMap(map[string]float64{"file:p/a.go": 1}, 0); !errors.Is(err, ErrInvalidBudget) {
		t.Errorf("budget 0: %v", err)
	}
}
