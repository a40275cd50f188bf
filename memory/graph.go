package memory

import (
	"fmt"
	"sync"
)

// Edge kinds of the knowledge graph.
const (
	EdgeDefines     = "defines"      // file → symbol, type → member
	EdgeReferences  = "references"   // file or symbol → symbol
	EdgeCalls       = "calls"        // symbol → symbol
	EdgeImports     = "imports"      // file → file or package directory
	EdgeTestsOf     = "tests-of"     // test file or test → file, symbol
	EdgeChangesWith = "changes-with" // file → file, weighted by co-change counts
	EdgeContains    = "contains"     // package directory → file
)

// Node ID prefixes: "file:<path>", "sym:<path>#<Container.Name>",
// "dir:<directory>" (a package directory; "dir:." for the root).
const (
	filePrefix = "file:"
	symPrefix  = "sym:"
	dirPrefix  = "dir:"
)

// FileNode returns the node ID of the file at path.
func FileNode(path string) string { return filePrefix + path }

// SymbolNode returns the node ID of the symbol qualified (Container.Name)
// declared in the file at path.
func SymbolNode(path, qualified string) string { return symPrefix + path + "#" + qualified }

// DirNode returns the node ID of a package directory.
func DirNode(dir string) string { return dirPrefix + dir }

type edgeKind uint8

const (
	kindDefines edgeKind = iota
	kindReferences
	kindCalls
	kindImports
	kindTestsOf
	kindChangesWith
	kindContains
	numKinds
)

var kindNames = [numKinds]string{EdgeDefines, EdgeReferences, EdgeCalls, EdgeImports, EdgeTestsOf, EdgeChangesWith, EdgeContains}

func parseKind(s string) (edgeKind, bool) {
	for k, name := range kindNames {
		if name == s {
			return edgeKind(k), true
		}
	}
	return 0, false
}

// DefaultEdgeWeights are the walk weights of each edge kind in PageRank.
var DefaultEdgeWeights = map[string]float64{
	EdgeDefines:     1.0,
	EdgeCalls:       1.0,
	EdgeReferences:  0.6,
	EdgeTestsOf:     0.7,
	EdgeImports:     0.5,
	EdgeChangesWith: 0.5,
	EdgeContains:    0.3,
}

// GraphOptions tune the walk of PageRank over the graph.
type GraphOptions struct {
	// Weights multiplies the raw weight of each edge kind (missing kinds:
	// DefaultEdgeWeights).
	Weights map[string]float64
	// Reverse multiplies the weight of walking an edge backwards (from a
	// symbol to its callers, from a file to its importers). Default 0.5.
	// Changes-with edges are symmetric and always walk at full weight.
	Reverse float64
	// MaxAmbiguity is the largest number of same-named definitions an
	// unqualified reference is linked to (each with weight 1/n); a name
	// defined more often is too common to say anything. Default 10.
	MaxAmbiguity int
}

// Graph is the knowledge graph of the code: files, symbols and package
// directories joined by typed, weighted edges. Files are set and removed
// one at a time; cross-file edges (references resolved by name, imports,
// tests-of, changes-with) are resolved lazily before the next query, and
// only for the files whose resolution can have changed. It is safe for
// concurrent use.
type Graph struct {
	walk     [numKinds]float64 // walk weight per kind
	reverse  float64
	maxAmbig int

	mu      sync.RWMutex
	ids     map[string]uint32
	nodes   []node
	syms    []symInfo
	adj     [][]half
	wsum    []float64
	files   map[string]*fileState
	names   map[string][]uint32 // symbol name → live symbol nodes
	dirName map[string][]uint32 // directory NUL name → live symbol nodes
	members map[string][]uint32 // Container.Name → live symbol nodes
	suffix  map[string][]uint32 // path suffix → live file nodes
	dirs    map[string][]uint32 // directory → live file nodes
	pkgs    map[string][]uint32 // Package → live file nodes
	deps    map[depKey][]uint32 // dependency key → file nodes that depend on it
	changed map[depKey]struct{} // dependency keys changed since the last resolve
	dirty   map[uint32]struct{} // file nodes to resolve again

	pool sync.Pool // *pprScratch
}

type nodeKind uint8

const (
	nodeFile nodeKind = iota
	nodeSym
	nodeDir
)

type node struct {
	id    string
	key   uint64 // FNV-1a of id: a numbering-independent order for adjacency
	path  string // file: its path; symbol: its file; directory: the directory
	sym   int32  // index into syms; -1 for files and directories
	kind  nodeKind
	alive bool
}

type symInfo struct {
	SymbolFact
	qual string
}

// half is one end of an edge, stored in the adjacency of the other end.
type half struct {
	to   uint32
	w    float32 // walk weight
	kind edgeKind
	rev  bool
}

// ownedEdge is an edge a file's facts produce; it is removed with them.
type ownedEdge struct {
	from, to uint32
	raw      float32
	kind     edgeKind
}

type fileState struct {
	facts    FileFacts
	node     uint32
	syms     []uint32
	deps     []depKey
	provides []provEntry
	edges    []ownedEdge
}

// NewGraph returns an empty graph.
func NewGraph(opts GraphOptions) (*Graph, error) {
	g := &Graph{
		reverse:  opts.Reverse,
		maxAmbig: opts.MaxAmbiguity,
		ids:      make(map[string]uint32),
		files:    make(map[string]*fileState),
		names:    make(map[string][]uint32),
		dirName:  make(map[string][]uint32),
		members:  make(map[string][]uint32),
		changed:  make(map[depKey]struct{}),
		suffix:   make(map[string][]uint32),
		dirs:     make(map[string][]uint32),
		pkgs:     make(map[string][]uint32),
		deps:     make(map[depKey][]uint32),
		dirty:    make(map[uint32]struct{}),
	}
	if g.reverse == 0 {
		g.reverse = 0.5
	}
	if g.maxAmbig == 0 {
		g.maxAmbig = 10
	}
	if g.reverse < 0 || g.reverse > 1 || g.maxAmbig < 0 {
		return nil, fmt.Errorf("%w: reverse weight %v, max ambiguity %d", ErrInvalidOptions, opts.Reverse, opts.MaxAmbiguity)
	}
	for k, name := range kindNames {
		g.walk[k] = DefaultEdgeWeights[name]
	}
	for name, w := range opts.Weights {
		k, ok := parseKind(name)
		if !ok || w < 0 || w != w {
			return nil, fmt.Errorf("%w: edge weight %q = %v", ErrInvalidOptions, name, w)
		}
		g.walk[k] = w
	}
	return g, nil
}

// Len returns the number of live nodes and of edges.
func (g *Graph) Len() (nodes, edges int) {
	g.resolve()
	g.mu.RLock()
	defer g.mu.RUnlock()
	for i := range g.nodes {
		if g.nodes[i].alive {
			nodes++
		}
	}
	for _, fs := range g.files {
		edges += len(fs.edges)
	}
	return nodes, edges
}

// Has reports whether id is a live node.
func (g *Graph) Has(id string) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	i, ok := g.ids[id]
	return ok && g.nodes[i].alive
}

// intern returns the node for id, creating it.
func (g *Graph) intern(id string, kind nodeKind, p string) uint32 {
	if i, ok := g.ids[id]; ok {
		return i
	}
	i := uint32(len(g.nodes))
	g.ids[id] = i
	g.nodes = append(g.nodes, node{id: id, key: fnv64(id), path: p, sym: -1, kind: kind})
	g.adj = append(g.adj, nil)
	g.wsum = append(g.wsum, 0)
	return i
}

func cloneFacts(f FileFacts) FileFacts {
	f.Symbols = append([]SymbolFact(nil), f.Symbols...)
	f.Refs = append([]RefFact(nil), f.Refs...)
	f.Imports = append([]string(nil), f.Imports...)
	f.CoChanged = append([]CoChange(nil), f.CoChanged...)
	return f
}

// facts returns a copy of the facts the graph holds for path.
func (g *Graph) facts(p string) (FileFacts, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	fs, ok := g.files[p]
	if !ok {
		return FileFacts{}, false
	}
	return cloneFacts(fs.facts), true
}
