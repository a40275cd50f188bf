package memory

import (
	"encoding/binary"
	"fmt"
	"math"
	"path"
	"slices"
)

// The graph snapshot holds the resolved graph, so that a reopen does not
// resolve every reference again. Layout (inside frame):
//
//	uvarint length of the string section, the string section, the
//	adjacency section
//	string section: live nodes (ID, kind, path; for symbols name,
//	container, kind, signature, doc, lines); files (path, lang, package,
//	node, symbol nodes)
//	adjacency section (little-endian): per node its degree (uint32), then
//	per half-edge the other node (uint32), the walk weight (float32) and
//	the kind (byte; bit 7: walked backwards)
//
// The file facts (references, imports, co-changes) are not in it: they are
// attached from the store afterwards, and needed only to resolve a file
// again when it or what it depends on changes.
const (
	graphMagic   = "AIOSMGRF"
	graphVersion = 1
)

// encode returns the graph snapshot payload.
func (g *Graph) encode() []byte {
	g.resolve()
	g.mu.RLock()
	defer g.mu.RUnlock()
	renum := make([]int64, len(g.nodes))
	var live []uint32
	for i := range g.nodes {
		renum[i] = -1
		if g.nodes[i].alive {
			renum[i] = int64(len(live))
			live = append(live, uint32(i))
		}
	}
	e := enc{b: make([]byte, 0, 64*len(live))}
	e.uvarint(uint64(len(live)))
	for _, n := range live {
		nd := &g.nodes[n]
		e.str(nd.id)
		e.uvarint(uint64(nd.kind))
		e.str(nd.path)
		if nd.kind == nodeSym {
			s := &g.syms[nd.sym]
			e.str(s.Name)
			e.str(s.Container)
			e.str(s.Kind)
			e.str(s.Signature)
			e.str(s.Doc)
			e.int(s.StartLine)
			e.int(s.EndLine)
		}
	}
	paths := make([]string, 0, len(g.files))
	for p := range g.files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	e.uvarint(uint64(len(paths)))
	for _, p := range paths {
		fs := g.files[p]
		e.str(p)
		e.str(fs.facts.Lang)
		e.str(fs.facts.Package)
		e.uvarint(uint64(renum[fs.node]))
		e.uvarint(uint64(len(fs.syms)))
		for _, s := range fs.syms {
			e.uvarint(uint64(renum[s]))
		}
	}
	var adj []byte
	for _, n := range live {
		deg := 0
		for _, h := range g.adj[n] {
			if renum[h.to] >= 0 {
				deg++
			}
		}
		adj = binary.LittleEndian.AppendUint32(adj, uint32(deg))
		for _, h := range g.adj[n] {
			if renum[h.to] < 0 {
				continue
			}
			adj = binary.LittleEndian.AppendUint32(adj, uint32(renum[h.to]))
			adj = binary.LittleEndian.AppendUint32(adj, math.Float32bits(h.w))
			k := byte(h.kind)
			if h.rev {
				k |= 0x80
			}
			adj = append(adj, k)
		}
	}
	out := binary.AppendUvarint(make([]byte, 0, len(e.b)+len(adj)+binary.MaxVarintLen64), uint64(len(e.b)))
	out = append(out, e.b...)
	return append(out, adj...)
}

// decode fills an empty graph from a snapshot payload. On error the graph
// is left empty.
func (g *Graph) decode(payload []byte) error {
	bad := func(what string, args ...any) error {
		return fmt.Errorf("%w: graph: %s", ErrCorruptSnapshot, fmt.Sprintf(what, args...))
	}
	n0, k := binary.Uvarint(payload)
	if k <= 0 || n0 > uint64(len(payload)-k) {
		return bad("bad section length")
	}
	d := sdec{s: string(payload[k : k+int(n0)])}
	adj := payload[k+int(n0):]

	fresh, _ := NewGraph(GraphOptions{})
	fresh.walk, fresh.reverse, fresh.maxAmbig = g.walk, g.reverse, g.maxAmbig
	nn := d.count(3)
	fresh.nodes = make([]node, nn)
	fresh.adj = make([][]half, nn)
	fresh.wsum = make([]float64, nn)
	fresh.ids = make(map[string]uint32, nn)
	for i := 0; i < nn && d.err == nil; i++ {
		nd := node{id: d.str(), kind: nodeKind(d.uvarint()), sym: -1, alive: true}
		nd.path = d.str()
		nd.key = fnv64(nd.id)
		if nd.kind > nodeDir {
			return bad("node %q has kind %d", nd.id, nd.kind)
		}
		if nd.kind == nodeSym {
			s := SymbolFact{Name: d.str(), Container: d.str(), Kind: d.str(), Signature: d.str(), Doc: d.str()}
			s.StartLine, s.EndLine = d.int(), d.int()
			nd.sym = int32(len(fresh.syms))
			fresh.syms = append(fresh.syms, symInfo{SymbolFact: s, qual: s.Qualified()})
		}
		if _, dup := fresh.ids[nd.id]; dup {
			return bad("node %q twice", nd.id)
		}
		fresh.ids[nd.id] = uint32(i)
		fresh.nodes[i] = nd
	}
	nf := d.count(4)
	for i := 0; i < nf && d.err == nil; i++ {
		p, lang, pkg := d.str(), d.str(), d.str()
		fn := d.uvarint()
		if fn >= uint64(nn) || fresh.nodes[fn].kind != nodeFile {
			return bad("file %q names node %d", p, fn)
		}
		fs := &fileState{facts: FileFacts{Path: p, Lang: lang, Package: pkg}, node: uint32(fn)}
		dir := path.Dir(p)
		for range d.count(1) {
			sn := d.uvarint()
			if sn >= uint64(nn) || fresh.nodes[sn].kind != nodeSym {
				return bad("file %q names symbol node %d", p, sn)
			}
			fs.syms = append(fs.syms, uint32(sn))
			info := &fresh.syms[fresh.nodes[sn].sym]
			fresh.names[info.Name] = append(fresh.names[info.Name], uint32(sn))
			fresh.dirName[dir+"\x00"+info.Name] = append(fresh.dirName[dir+"\x00"+info.Name], uint32(sn))
			if info.Container != "" {
				fresh.members[info.qual] = append(fresh.members[info.qual], uint32(sn))
			}
		}
		for _, sfx := range pathSuffixes(p) {
			fresh.suffix[sfx] = append(fresh.suffix[sfx], fs.node)
		}
		fresh.dirs[dir] = append(fresh.dirs[dir], fs.node)
		if pkg != "" {
			fresh.pkgs[pkg] = append(fresh.pkgs[pkg], fs.node)
		}
		if _, dup := fresh.files[p]; dup {
			return bad("file %q twice", p)
		}
		fresh.files[p] = fs
	}
	if d.err != nil || d.i != len(d.s) {
		return bad("string section: %v", cmpErr(d.err, errShort))
	}
	if err := fresh.decodeAdjacency(adj); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ids, g.nodes, g.syms, g.adj, g.wsum = fresh.ids, fresh.nodes, fresh.syms, fresh.adj, fresh.wsum
	g.files, g.names, g.dirName, g.members = fresh.files, fresh.names, fresh.dirName, fresh.members
	g.suffix, g.dirs, g.pkgs = fresh.suffix, fresh.dirs, fresh.pkgs
	return nil
}

// decodeAdjacency reads the adjacency section into g and gives each file
// back the edges it owns (the forward half-edges from its nodes; a
// directory's contains edge belongs to the file it points at).
func (g *Graph) decodeAdjacency(p []byte) error {
	bad := func(what string) error { return fmt.Errorf("%w: graph adjacency: %s", ErrCorruptSnapshot, what) }
	nn := uint32(len(g.nodes))
	// One slab for every node's half-edges: count first.
	total, off := 0, 0
	for range g.nodes {
		if len(p) < off+4 {
			return bad("truncated")
		}
		deg := int(binary.LittleEndian.Uint32(p[off:]))
		if deg > (len(p)-off-4)/9 {
			return bad("degree beyond the data")
		}
		total += deg
		off += 4 + 9*deg
	}
	if off != len(p) {
		return bad("trailing bytes")
	}
	slab := make([]half, total)
	byPath := make(map[string]*fileState, len(g.files))
	for _, fs := range g.files {
		byPath[fs.facts.Path] = fs
	}
	off = 0
	for u := range g.nodes {
		deg := int(binary.LittleEndian.Uint32(p[off:]))
		off += 4
		hs := slab[:deg:deg]
		slab = slab[deg:]
		sum := 0.0
		for i := range hs {
			to := binary.LittleEndian.Uint32(p[off:])
			w := math.Float32frombits(binary.LittleEndian.Uint32(p[off+4:]))
			k := p[off+8]
			off += 9
			kind := edgeKind(k & 0x7f)
			if to >= nn || kind >= numKinds || !(w > 0) {
				return bad("bad half-edge")
			}
			hs[i] = half{to: to, w: w, kind: kind, rev: k&0x80 != 0}
			sum += float64(w)
			if hs[i].rev {
				continue
			}
			owner := g.nodes[u].path
			if g.nodes[u].kind == nodeDir {
				owner = g.nodes[to].path
			}
			fs := byPath[owner]
			if fs == nil || g.walk[kind] <= 0 {
				return bad("an edge without an owning file")
			}
			fs.edges = append(fs.edges, ownedEdge{from: uint32(u), to: to, kind: kind, raw: w / float32(g.walk[kind])})
		}
		g.adj[u] = hs
		g.wsum[u] = sum
	}
	return nil
}

// attachFacts gives a file loaded from a graph snapshot its facts back:
// what it depends on and provides, for later changes. A file the snapshot
// does not know is set as new.
func (g *Graph) attachFacts(f FileFacts) error {
	if err := f.validate(); err != nil {
		return err
	}
	g.mu.Lock()
	fs := g.files[f.Path]
	if fs == nil || fs.deps != nil || fs.provides != nil {
		g.mu.Unlock()
		return g.SetFile(f)
	}
	defer g.mu.Unlock()
	fs.facts = cloneFacts(f)
	fs.deps = dependencies(f)
	for _, key := range fs.deps {
		g.deps[key] = append(g.deps[key], fs.node)
	}
	fs.provides = provides(f)
	return nil
}
