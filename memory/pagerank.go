package memory

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// PageRankOptions tune Graph.PageRank. Zero values take the defaults.
type PageRankOptions struct {
	// Damping is the probability of following an edge rather than jumping
	// back to the seeds. Default 0.85.
	Damping float64
	// Tol stops the computation. Power iteration stops once the L1 change
	// of an iteration is below Tol (default 1e-6); Push stops once no
	// node's residual exceeds Tol times its degree (default 1e-6).
	Tol float64
	// MaxIter bounds power iteration. Default 100.
	MaxIter int
	// Push computes the ranks by forward push (Andersen, Chung and Lang,
	// 2006): local work proportional to the mass that moves rather than to
	// the size of the graph, with an L1 error at most the residual left.
	// Retrieval and RepoMap use it.
	Push bool
	// Limit returns only the best Limit nodes; 0 returns every node with a
	// positive score.
	Limit int
}

func (o PageRankOptions) withDefaults() (PageRankOptions, error) {
	if o.Damping == 0 {
		o.Damping = 0.85
	}
	if o.Tol == 0 {
		o.Tol = 1e-6
	}
	if o.MaxIter == 0 {
		o.MaxIter = 100
	}
	if !(o.Damping > 0 && o.Damping < 1) || !(o.Tol > 0) || o.MaxIter < 0 || o.Limit < 0 {
		return o, fmt.Errorf("%w: PageRank damping %v, tolerance %v, max iterations %d, limit %d",
			ErrInvalidQuery, o.Damping, o.Tol, o.MaxIter, o.Limit)
	}
	return o, nil
}

// NodeScore is a node ranked by PageRank.
type NodeScore struct {
	ID     string
	Kind   string // "file", "symbol" or "dir"
	Path   string // the file's path, the symbol's file, the directory
	Symbol string // a symbol's qualified name (Container.Name)
	Score  float64
}

// PageRank ranks the graph's nodes by personalised PageRank: a walk that
// follows edges with probability Damping (choosing among a node's edges by
// walk weight: raw weight × kind weight, × Reverse against the edge) and
// otherwise jumps back to a seed, chosen by seed weight. A node without
// edges jumps to the seeds. Scores sum to 1 (up to the tolerance).
func (g *Graph) PageRank(seeds map[string]float64, opts PageRankOptions) ([]NodeScore, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	g.resolve()
	g.mu.RLock()
	defer g.mu.RUnlock()
	s, err := g.seedVector(seeds)
	if err != nil {
		return nil, err
	}
	sc := g.pprScratch()
	defer g.pool.Put(sc)
	if opts.Push {
		g.push(sc, s, opts)
	} else {
		g.power(sc, s, opts)
	}
	return g.topNodes(sc, opts.Limit), nil
}

type seed struct {
	n uint32
	w float64
}

// seedVector validates and normalises seeds. Called with g.mu held.
func (g *Graph) seedVector(seeds map[string]float64) ([]seed, error) {
	var out []seed
	total := 0.0
	for id, w := range seeds {
		n, ok := g.ids[id]
		if !ok || !g.nodes[n].alive {
			return nil, fmt.Errorf("%w: seed %q", ErrUnknownNode, id)
		}
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("%w: seed %q has weight %v", ErrInvalidQuery, id, w)
		}
		if w > 0 {
			out = append(out, seed{n, w})
			total += w
		}
	}
	if total == 0 {
		return nil, fmt.Errorf("%w: no seed with a positive weight", ErrInvalidQuery)
	}
	for i := range out {
		out[i].w /= total
	}
	slices.SortFunc(out, func(a, b seed) int { return g.cmpNodes(a.n, b.n) })
	return out, nil
}

// pprScratch is the working space of one PageRank computation.
type pprScratch struct {
	x, next []float64
	touched []uint32
	mark    []bool
	queue   []uint32
}

func (g *Graph) pprScratch() *pprScratch {
	sc, _ := g.pool.Get().(*pprScratch)
	if sc == nil {
		sc = &pprScratch{}
	}
	n := len(g.nodes)
	if len(sc.x) < n {
		sc.x = make([]float64, n)
		sc.next = make([]float64, n)
		sc.mark = make([]bool, n)
	}
	sc.touched = sc.touched[:0]
	return sc
}

// power runs power iteration; the result is left in sc.x with every
// nonzero node in sc.touched.
func (g *Graph) power(sc *pprScratch, s []seed, o PageRankOptions) {
	n := len(g.nodes)
	x, next := sc.x[:n], sc.next[:n]
	clear(x)
	for _, e := range s {
		x[e.n] = e.w
	}
	alpha := o.Damping
	for range o.MaxIter {
		clear(next)
		dangling := 0.0
		for u, xu := range x {
			if xu == 0 {
				continue
			}
			if g.wsum[u] <= 0 {
				dangling += xu
				continue
			}
			f := alpha * xu / g.wsum[u]
			for _, h := range g.adj[u] {
				next[h.to] += f * float64(h.w)
			}
		}
		jump := 1 - alpha + alpha*dangling
		for _, e := range s {
			next[e.n] += jump * e.w
		}
		diff := 0.0
		for v := range next {
			diff += math.Abs(next[v] - x[v])
		}
		x, next = next, x
		if diff < o.Tol {
			break
		}
	}
	clear(next)
	sc.x, sc.next = x, next
	for v, xv := range x {
		if xv > 0 {
			sc.touched = append(sc.touched, uint32(v))
		}
	}
}

// push runs forward push: sc.x holds the estimate and sc.next the
// residual; every node either has touched is in sc.touched. Both
// arrays are cleared again by topNodes.
func (g *Graph) push(sc *pprScratch, s []seed, o PageRankOptions) {
	p, r := sc.x, sc.next
	alpha := o.Damping
	touch := func(v uint32) {
		if !sc.mark[v] {
			sc.mark[v] = true
			sc.touched = append(sc.touched, v)
		}
	}
	over := func(v uint32) bool { return r[v] > o.Tol*float64(max(1, len(g.adj[v]))) }
	queue := sc.queue[:0]
	for _, e := range s {
		r[e.n] += e.w
		touch(e.n)
		queue = append(queue, e.n)
	}
	for head := 0; head < len(queue); head++ {
		u := queue[head]
		ru := r[u]
		if !over(u) {
			continue
		}
		r[u] = 0
		p[u] += (1 - alpha) * ru
		if g.wsum[u] <= 0 {
			for _, e := range s {
				was := over(e.n)
				r[e.n] += alpha * ru * e.w
				if !was && over(e.n) {
					queue = append(queue, e.n)
				}
			}
			continue
		}
		f := alpha * ru / g.wsum[u]
		for _, h := range g.adj[u] {
			v := h.to
			was := over(v)
			r[v] += f * float64(h.w)
			touch(v)
			if !was && over(v) {
				queue = append(queue, v)
			}
		}
		if head > 1<<16 && head*2 > len(queue) {
			queue = append(queue[:0], queue[head+1:]...)
			head = -1
		}
	}
	sc.queue = queue[:0]
}

// residual returns the mass push left unpropagated (for tests).
func (sc *pprScratch) residual() float64 {
	t := 0.0
	for _, v := range sc.touched {
		t += sc.next[v]
	}
	return t
}

// topNodes returns the scored nodes of sc, best first, and clears sc.
func (g *Graph) topNodes(sc *pprScratch, limit int) []NodeScore {
	type scored struct {
		n uint32
		s float64
	}
	all := make([]scored, 0, len(sc.touched))
	for _, v := range sc.touched {
		if s := sc.x[v]; s > 0 && g.nodes[v].alive {
			all = append(all, scored{v, s})
		}
		sc.x[v], sc.next[v], sc.mark[v] = 0, 0, false
	}
	slices.SortFunc(all, func(a, b scored) int {
		if a.s != b.s {
			return cmp.Compare(b.s, a.s)
		}
		return cmp.Compare(g.nodes[a.n].id, g.nodes[b.n].id)
	})
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	out := make([]NodeScore, len(all))
	for i, a := range all {
		out[i] = g.nodeScore(a.n, a.s)
	}
	return out
}

func (g *Graph) nodeScore(n uint32, score float64) NodeScore {
	nd := &g.nodes[n]
	ns := NodeScore{ID: nd.id, Path: nd.path, Score: score}
	switch nd.kind {
	case nodeFile:
		ns.Kind = "file"
	case nodeDir:
		ns.Kind = "dir"
	case nodeSym:
		ns.Kind = "symbol"
		ns.Symbol = g.syms[nd.sym].qual
	}
	return ns
}
