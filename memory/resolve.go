package memory

import (
	"cmp"
	"slices"
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
	order := make([]uint32, 0, len(g.dirty))
	for f := range g.dirty {
		order = append(order, f)
	}
	slices.Sort(order)
	touched := map[uint32]struct{}{}
	for _, f := range order {
		fs := g.files[g.nodes[f].path]
		if fs == nil || fs.node != f {
			continue
		}
		g.removeEdges(fs.edges, touched)
		fs.edges = g.fileEdges(fs)
		g.addEdges(fs.edges, touched)
	}
	g.canonical(touched)
	clear(g.dirty)
}

// canonical sorts the adjacency of the touched nodes (by a hash of the
// neighbour's ID, not its number, which depends on indexing order) and
// sums their walk weights afresh, so that the same edges always give the
// same walk, bit for bit, in this session and after a reopen.
func (g *Graph) canonical(touched map[uint32]struct{}) {
	for u := range touched {
		hs := g.adj[u]
		slices.SortFunc(hs, func(a, b half) int {
			return cmp.Or(g.cmpNodes(a.to, b.to), cmp.Compare(a.kind, b.kind), cmpBool(a.rev, b.rev))
		})
		sum := 0.0
		for _, h := range hs {
			sum += float64(h.w)
		}
		g.wsum[u] = sum
	}
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
