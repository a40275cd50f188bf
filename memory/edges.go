package memory

import (
	"cmp"
	"math"
	"path"
	"slices"
)

// edgeKey identifies an edge while a file's edges are aggregated.
type edgeKey struct {
	from, to uint32
	kind     edgeKind
}

// fileEdges computes the edges owned by fs from its facts and the rest of
// the graph.
func (g *Graph) fileEdges(fs *fileState) []ownedEdge {
	f := &fs.facts
	agg := make(map[edgeKey]float32, len(fs.syms)+len(f.Refs)/2)
	add := func(from, to uint32, kind edgeKind, w float32) {
		if from != to && w > 0 && g.nodes[to].alive {
			agg[edgeKey{from, to, kind}] += w
		}
	}
	dir := path.Dir(f.Path)
	add(g.ids[DirNode(dir)], fs.node, kindContains, 1)

	local := make(map[string]uint32, len(fs.syms))
	for _, n := range fs.syms {
		local[g.syms[g.nodes[n].sym].qual] = n
	}
	for _, n := range fs.syms {
		add(fs.node, n, kindDefines, 1)
		if c := g.syms[g.nodes[n].sym].Container; c != "" {
			if owner, ok := local[c]; ok {
				add(owner, n, kindDefines, 1)
			}
		}
	}

	quals := map[string][]uint32{}
	for _, imp := range f.Imports {
		targets := g.importTargets(fs, imp)
		for _, t := range targets {
			add(fs.node, t, kindImports, 1/float32(len(targets)))
		}
		if len(targets) > 0 {
			for _, q := range importName(f.Lang, imp) {
				quals[q] = append(quals[q], targets...)
			}
		}
	}

	var tested map[uint32]bool // files under test
	isTest := IsTestFile(f.Path)
	if isTest {
		tested = g.testedFiles(fs)
		for t := range tested {
			add(fs.node, t, kindTestsOf, 1)
		}
	}

	type refKey struct {
		from    uint32
		name, q string
		call    bool
	}
	counts := make(map[refKey]int, len(f.Refs))
	for _, r := range f.Refs {
		from := fs.node
		if r.From != "" {
			if n, ok := local[r.From]; ok {
				from = n
			}
		}
		counts[refKey{from, r.Name, r.Qualifier, r.Call}]++
	}
	for k, c := range counts {
		targets := g.refTargets(fs, k.name, k.q, quals)
		if len(targets) == 0 {
			continue
		}
		kind := kindReferences
		if k.call && k.from != fs.node {
			kind = kindCalls
		}
		w := float32(math.Sqrt(float64(c))) / float32(len(targets))
		for _, t := range targets {
			add(k.from, t, kind, w)
			if isTest && g.inTested(t, tested) {
				add(fs.node, t, kindTestsOf, 1)
			}
		}
	}
	if isTest {
		g.testedSymbolEdges(fs, tested, add)
	}

	for _, c := range f.CoChanged {
		if other, ok := g.files[c.Path]; ok && c.Count > 0 {
			add(fs.node, other.node, kindChangesWith, float32(math.Log2(1+float64(c.Count))))
		}
	}

	edges := make([]ownedEdge, 0, len(agg))
	for k, w := range agg {
		edges = append(edges, ownedEdge{from: k.from, to: k.to, kind: k.kind, raw: w})
	}
	slices.SortFunc(edges, func(a, b ownedEdge) int {
		return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to), cmp.Compare(a.kind, b.kind))
	})
	return edges
}

// importTargets resolves one import of fs to file or directory nodes.
func (g *Graph) importTargets(fs *fileState, imp string) []uint32 {
	exact, suffixes, pkgs, dirs := importCandidates(fs.facts.Path, fs.facts.Lang, imp)
	for _, p := range exact {
		if other, ok := g.files[p]; ok && other != fs {
			return []uint32{other.node}
		}
	}
	for _, s := range suffixes {
		if files := g.suffix[s]; len(files) > 0 && len(files) <= g.maxAmbig {
			return slices.Clone(files)
		}
	}
	var out []uint32
	for _, p := range pkgs {
		for _, f := range g.pkgs[p] {
			if d := g.ids[DirNode(path.Dir(g.nodes[f].path))]; !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, d := range dirs { // longest suffix first
		if len(g.dirs[d]) > 0 {
			return []uint32{g.ids[DirNode(d)]}
		}
	}
	return nil
}

// refTargets resolves a reference to symbol nodes: through the import or
// the container its qualifier names, else in the same file, the same
// directory, or anywhere when the name is defined at most MaxAmbiguity
// times.
func (g *Graph) refTargets(fs *fileState, name, qualifier string, quals map[string][]uint32) []uint32 {
	dir := path.Dir(fs.facts.Path)
	if qualifier != "" {
		if targets, ok := quals[qualifier]; ok {
			var out []uint32
			for _, t := range targets {
				tn := &g.nodes[t]
				switch tn.kind {
				case nodeDir:
					out = append(out, g.dirName[tn.path+"\x00"+name]...)
				case nodeFile:
					for _, n := range g.dirName[path.Dir(tn.path)+"\x00"+name] {
						if g.nodes[n].path == tn.path {
							out = append(out, n)
						}
					}
				}
			}
			return out // an imported name not found here is external
		}
		if members := g.members[qualifier+"."+name]; len(members) > 0 {
			return g.closest(fs, dir, members)
		}
	}
	var inFile, inDir []uint32
	for _, n := range g.dirName[dir+"\x00"+name] {
		if g.nodes[n].path == fs.facts.Path {
			inFile = append(inFile, n)
		} else {
			inDir = append(inDir, n)
		}
	}
	switch {
	case len(inFile) > 0:
		return inFile
	case len(inDir) > 0:
		return inDir
	}
	if all := g.names[name]; len(all) <= g.maxAmbig {
		return slices.Clone(all)
	}
	return nil
}

// closest keeps the candidates in fs, else those in its directory, else
// all of them when they are at most MaxAmbiguity.
func (g *Graph) closest(fs *fileState, dir string, cands []uint32) []uint32 {
	var inFile, inDir []uint32
	for _, n := range cands {
		p := g.nodes[n].path
		if p == fs.facts.Path {
			inFile = append(inFile, n)
		} else if path.Dir(p) == dir {
			inDir = append(inDir, n)
		}
	}
	switch {
	case len(inFile) > 0:
		return inFile
	case len(inDir) > 0:
		return inDir
	case len(cands) <= g.maxAmbig:
		return slices.Clone(cands)
	}
	return nil
}

// testedFiles returns the file (or, for Go, package directory) nodes the
// test file fs tests.
func (g *Graph) testedFiles(fs *fileState) map[uint32]bool {
	exact, suffixes, pkgDir := testTargets(fs.facts.Path)
	out := map[uint32]bool{}
	for _, p := range exact {
		if other, ok := g.files[p]; ok && other != fs {
			out[other.node] = true
			return out
		}
	}
	best, bestLen := []uint32(nil), -1
	for _, s := range suffixes {
		for _, f := range g.suffix[s] {
			if IsTestFile(g.nodes[f].path) {
				continue
			}
			l := commonPrefixLen(path.Dir(fs.facts.Path), path.Dir(g.nodes[f].path))
			switch {
			case l > bestLen:
				best, bestLen = []uint32{f}, l
			case l == bestLen:
				best = append(best, f)
			}
		}
	}
	if len(best) > 0 && len(best) <= g.maxAmbig {
		for _, f := range best {
			out[f] = true
		}
		return out
	}
	if pkgDir {
		if d, ok := g.ids[DirNode(path.Dir(fs.facts.Path))]; ok && g.nodes[d].alive {
			out[d] = true
		}
	}
	return out
}

// testedSymbolEdges links each test function of fs to the symbols its
// name points at in the files (or package directory) under test.
func (g *Graph) testedSymbolEdges(fs *fileState, tested map[uint32]bool, add func(from, to uint32, kind edgeKind, w float32)) {
	var dirs []string // directories of the tested files and packages
	for t := range tested {
		d := g.nodes[t].path
		if g.nodes[t].kind == nodeFile {
			d = path.Dir(d)
		}
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs)
	for _, s := range fs.syms {
		info := g.syms[g.nodes[s].sym]
		for _, t := range testedSymbols(info.Name) {
			for _, d := range dirs {
				for _, n := range g.dirName[d+"\x00"+t[1]] {
					if g.inTested(n, tested) && g.syms[g.nodes[n].sym].Container == t[0] {
						add(s, n, kindTestsOf, 1)
					}
				}
			}
		}
	}
}

// inTested reports whether the symbol n lives in a tested file or
// package directory.
func (g *Graph) inTested(n uint32, tested map[uint32]bool) bool {
	p := g.nodes[n].path
	if IsTestFile(p) {
		return false
	}
	if tested[g.ids[FileNode(p)]] {
		return true
	}
	d, ok := g.ids[DirNode(path.Dir(p))]
	return ok && tested[d]
}

// commonPrefixLen counts the leading path elements a and b share.
func commonPrefixLen(a, b string) int {
	n := 0
	for a != "" && b != "" {
		ea, ra, _ := cut(a)
		eb, rb, _ := cut(b)
		if ea != eb {
			break
		}
		n++
		a, b = ra, rb
	}
	return n
}

func cut(p string) (string, string, bool) {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			return p[:i], p[i+1:], true
		}
	}
	return p, "", false
}
