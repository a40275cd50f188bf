package memory

import (
	"cmp"
	"fmt"
	"slices"
)

// Neighbor is a node reached from another by a breadth-first walk.
type Neighbor struct {
	NodeScore         // the node (Score is 0)
	Depth     int     // edges from the start
	Kind      string  // kind of the edge it was first reached by
	Reverse   bool    // that edge was walked backwards (it points at the previous node)
	Weight    float64 // walk weight of that edge
}

// Neighbors returns the nodes within depth edges of node, walking edges of
// the given kinds (all kinds when none) in both directions, nearest first
// (then by ID). The start node is not included.
func (g *Graph) Neighbors(node string, depth int, kinds ...string) ([]Neighbor, error) {
	if depth < 1 {
		return nil, fmt.Errorf("%w: neighbours at depth %d; want at least 1", ErrInvalidQuery, depth)
	}
	var allowed [numKinds]bool
	for _, k := range kinds {
		kind, ok := parseKind(k)
		if !ok {
			return nil, fmt.Errorf("%w: unknown edge kind %q (want one of %v)", ErrInvalidQuery, k, kindNames)
		}
		allowed[kind] = true
	}
	if len(kinds) == 0 {
		for k := range allowed {
			allowed[k] = true
		}
	}
	g.resolve()
	g.mu.RLock()
	defer g.mu.RUnlock()
	start, ok := g.ids[node]
	if !ok || !g.nodes[start].alive {
		return nil, fmt.Errorf("%w: %q", ErrUnknownNode, node)
	}
	seen := map[uint32]bool{start: true}
	frontier := []uint32{start}
	var out []Neighbor
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		var next []uint32
		level := len(out)
		for _, u := range frontier {
			for _, h := range g.adj[u] {
				if !allowed[h.kind] || seen[h.to] || !g.nodes[h.to].alive {
					continue
				}
				seen[h.to] = true
				next = append(next, h.to)
				out = append(out, Neighbor{NodeScore: g.nodeScore(h.to, 0), Depth: d,
					Kind: kindNames[h.kind], Reverse: h.rev, Weight: float64(h.w)})
			}
		}
		slices.SortFunc(out[level:], func(a, b Neighbor) int { return cmp.Compare(a.ID, b.ID) })
		frontier = next
	}
	return out, nil
}

// SymbolNodes returns the IDs of the live symbols named name (a plain
// Name, or Container.Name), sorted.
func (g *Graph) SymbolNodes(name string) []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.symbolNodes(name)
}

func (g *Graph) symbolNodes(name string) []string {
	container, plain := "", name
	if i := lastDot(name); i > 0 {
		container, plain = name[:i], name[i+1:]
	}
	var out []string
	for _, n := range g.names[plain] {
		if container == "" || g.syms[g.nodes[n].sym].Container == container {
			out = append(out, g.nodes[n].id)
		}
	}
	slices.Sort(out)
	return out
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}
