package memory

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// resolve brings the edges of every dirty file up to date.
func (g *Graph) resolve() {
	g.mu.RLock()
	n := len(g.dirty) + len(g.changed)
	g.mu.RUnlock()
	if n == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.markDirty()
	if len(g.dirty) == 0 {
		return
	}
	var todo []*fileState
	for f := range g.dirty {
		if fs := g.files[g.nodes[f].path]; fs != nil && fs.node == f {
			todo = append(todo, fs)
		}
	}
	slices.SortFunc(todo, func(a, b *fileState) int { return cmp.Compare(a.node, b.node) })
	// fileEdges only reads the graph: compute every file's edges side by
	// side, then swap them in, in order.
	edges := make([][]ownedEdge, len(todo))
	parallel(len(todo), func(i int) { edges[i] = g.fileEdges(todo[i]) })
	touched := map[uint32]struct{}{}
	for i, fs := range todo {
		g.removeEdges(fs.edges, touched)
		fs.edges = edges[i]
		g.addEdges(fs.edges, touched)
	}
	g.canonical(touched)
	clear(g.dirty)
}

// parallel calls fn(0..n-1) on up to GOMAXPROCS goroutines, each taking
// the next index; small n runs inline.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/64)
	if workers < 2 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// canonical sorts the adjacency of the touched nodes (by a hash of the
// neighbour's ID, not its number, which depends on indexing order) and
// sums their walk weights afresh, so that the same edges always give the
// same walk, bit for bit, in this session and after a reopen.
func (g *Graph) canonical(touched map[uint32]struct{}) {
	nodes := make([]uint32, 0, len(touched))
	for u := range touched {
		nodes = append(nodes, u)
	}
	// Each node's adjacency and sum are its own: sort them side by side.
	parallel(len(nodes), func(i int) {
		u := nodes[i]
		hs := g.adj[u]
		slices.SortFunc(hs, func(a, b half) int {
			return cmp.Or(g.cmpNodes(a.to, b.to), cmp.Compare(a.kind, b.kind), cmpBool(a.rev, b.rev))
		})
		sum := 0.0
		for _, h := range hs {
			sum += float64(h.w)
		}
		g.wsum[u] = sum
	})
}

// cmpNodes orders nodes by ID hash, then ID.
func (g *Graph) cmpNodes(a, b uint32) int {
	if c := cmp.Compare(g.nodes[a].key, g.nodes[b].key); c != 0 || a == b {
		return c
	}
	return cmp.Compare(g.nodes[a].id, g.nodes[b].id)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func (g *Graph) addEdges(edges []ownedEdge, touched map[uint32]struct{}) {
	for _, e := range edges {
		w := e.raw * float32(g.walk[e.kind])
		if w <= 0 {
			continue
		}
		rw := w
		if e.kind != kindChangesWith {
			rw = w * float32(g.reverse)
		}
		g.adj[e.from] = append(g.adj[e.from], half{to: e.to, w: w, kind: e.kind})
		touched[e.from] = struct{}{}
		if rw > 0 {
			g.adj[e.to] = append(g.adj[e.to], half{to: e.from, w: rw, kind: e.kind, rev: true})
			touched[e.to] = struct{}{}
		}
	}
}

func (g *Graph) removeEdges(edges []ownedEdge, touched map[uint32]struct{}) {
	for _, e := range edges {
		g.removeHalf(e.from, e.to, e.kind, false)
		g.removeHalf(e.to, e.from, e.kind, true)
		touched[e.from] = struct{}{}
		touched[e.to] = struct{}{}
	}
}

func (g *Graph) removeHalf(at, to uint32, kind edgeKind, rev bool) {
	hs := g.adj[at]
	for i, h := range hs {
		if h.to == to && h.kind == kind && h.rev == rev {
			hs[i] = hs[len(hs)-1]
			g.adj[at] = hs[:len(hs)-1]
			return
		}
	}
}
