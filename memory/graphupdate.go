package memory

import (
	"cmp"
	"path"
	"slices"
)

// Incremental resolution. Each file's facts declare what its edges depend
// on (dependency keys, see dependencies) and what its presence provides
// (provides). Setting or removing a file records the keys whose providers
// changed; the next resolve re-resolves exactly the files depending on
// them. Keys:
//
//	dn:DIR NUL NAME   symbols named NAME in directory DIR
//	kn:PKG NUL NAME   symbols named NAME in files of package PKG
//	q:CONTAINER.NAME  members NAME of CONTAINER
//	n:NAME            the global set of symbols named NAME, while it has
//	                  at most MaxAmbiguity members (beyond that an
//	                  unqualified reference resolves to nothing anyway)
//	na:NAME           any symbol named NAME (Python and JavaScript module
//	                  qualifiers, test names outside Go)
//	p:PATH            a file at PATH, or whose path ends with /PATH
//	d:DIR             a file in directory DIR
//	k:PKG             a file of package PKG
//
// Keys are 64-bit FNV-1a hashes of their text (a collision only makes
// resolve redo a file it did not need to). A provided entry also carries a
// detail (the symbol it comes from), so that a second symbol providing the
// same key counts as a change.

// depKey is the hash of a dependency key.
type depKey uint64

// keyOf hashes kind, a, NUL, b.
func keyOf(kind, a, b string) depKey {
	h := uint64(14695981039346656037)
	for _, s := range [...]string{kind, a, "\x00", b} {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
	}
	return depKey(h)
}

// provEntry is one provided key with its detail.
type provEntry struct {
	key    depKey
	detail uint64
}

// SetFile replaces what the graph knows about facts.Path.
func (g *Graph) SetFile(facts FileFacts) error {
	if err := facts.validate(); err != nil {
		return err
	}
	facts = cloneFacts(facts)
	g.mu.Lock()
	defer g.mu.Unlock()
	old := g.files[facts.Path]
	var oldProvides []provEntry
	var before map[string]int
	if old != nil {
		oldProvides = old.provides
		before = g.nameCounts(old.facts.Symbols, facts.Symbols)
		g.unlink(old)
	} else {
		before = g.nameCounts(nil, facts.Symbols)
	}
	fs := &fileState{facts: facts}
	fs.node = g.intern(FileNode(facts.Path), nodeFile, facts.Path)
	g.nodes[fs.node].alive = true
	if old != nil {
		fs.edges = old.edges // removed by the next resolve
	}
	dir := path.Dir(facts.Path)
	seen := make(map[uint32]bool, len(facts.Symbols))
	for _, s := range facts.Symbols {
		q := s.Qualified()
		n := g.intern(SymbolNode(facts.Path, q), nodeSym, facts.Path)
		if seen[n] {
			continue
		}
		seen[n] = true
		nd := &g.nodes[n]
		if nd.sym < 0 {
			nd.sym = int32(len(g.syms))
			g.syms = append(g.syms, symInfo{})
		}
		g.syms[nd.sym] = symInfo{SymbolFact: s, qual: q}
		nd.alive = true
		fs.syms = append(fs.syms, n)
		g.names[s.Name] = append(g.names[s.Name], n)
		g.dirName[dir+"\x00"+s.Name] = append(g.dirName[dir+"\x00"+s.Name], n)
		if s.Container != "" {
			g.members[q] = append(g.members[q], n)
		}
	}
	for _, sfx := range pathSuffixes(facts.Path) {
		g.suffix[sfx] = append(g.suffix[sfx], fs.node)
	}
	g.dirs[dir] = append(g.dirs[dir], fs.node)
	if facts.Package != "" {
		g.pkgs[facts.Package] = append(g.pkgs[facts.Package], fs.node)
	}
	d := g.intern(DirNode(dir), nodeDir, dir)
	g.nodes[d].alive = true
	fs.deps = dependencies(facts)
	for _, key := range fs.deps {
		g.deps[key] = append(g.deps[key], fs.node)
	}
	fs.provides = provides(facts)
	g.files[facts.Path] = fs
	g.dirty[fs.node] = struct{}{}
	g.recordChanges(oldProvides, fs.provides)
	g.recordGlobal(before)
	return nil
}

// RemoveFile forgets the file at p; unknown paths are ignored.
func (g *Graph) RemoveFile(p string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fs := g.files[p]
	if fs == nil {
		return
	}
	before := g.nameCounts(fs.facts.Symbols, nil)
	g.unlink(fs)
	touched := map[uint32]struct{}{}
	g.removeEdges(fs.edges, touched)
	g.canonical(touched)
	fs.edges = nil
	g.nodes[fs.node].alive = false
	delete(g.files, p)
	delete(g.dirty, fs.node)
	g.recordChanges(fs.provides, nil)
	g.recordGlobal(before)
}

// unlink removes fs from the lookup tables and kills its symbols (those
// set again come back alive).
func (g *Graph) unlink(fs *fileState) {
	dir := path.Dir(fs.facts.Path)
	drop := func(m map[string][]uint32, key string, id uint32) {
		if m[key] = removeID(m[key], id); len(m[key]) == 0 {
			delete(m, key)
		}
	}
	dropKey := func(key depKey) {
		if g.deps[key] = removeID(g.deps[key], fs.node); len(g.deps[key]) == 0 {
			delete(g.deps, key)
		}
	}
	for _, n := range fs.syms {
		g.nodes[n].alive = false
		info := &g.syms[g.nodes[n].sym]
		drop(g.names, info.Name, n)
		drop(g.dirName, dir+"\x00"+info.Name, n)
		if info.Container != "" {
			drop(g.members, info.qual, n)
		}
	}
	for _, sfx := range pathSuffixes(fs.facts.Path) {
		drop(g.suffix, sfx, fs.node)
	}
	drop(g.dirs, dir, fs.node)
	if _, ok := g.dirs[dir]; !ok {
		g.nodes[g.ids[DirNode(dir)]].alive = false
	}
	if p := fs.facts.Package; p != "" {
		drop(g.pkgs, p, fs.node)
	}
	for _, key := range fs.deps {
		dropKey(key)
	}
}

// nameCounts returns, for every name declared in a or b, how many symbols
// carry it now.
func (g *Graph) nameCounts(a, b []SymbolFact) map[string]int {
	out := make(map[string]int, len(a)+len(b))
	for _, s := range a {
		out[s.Name] = len(g.names[s.Name])
	}
	for _, s := range b {
		out[s.Name] = len(g.names[s.Name])
	}
	return out
}

// recordGlobal records "n:" for each name whose global set changed (its
// "na:" key changed) while small enough to resolve unqualified references.
// Called after recordChanges.
func (g *Graph) recordGlobal(before map[string]int) {
	for name, n := range before {
		if _, ok := g.changed[keyOf("na:", name, "")]; !ok {
			continue
		}
		if n <= g.maxAmbig || len(g.names[name]) <= g.maxAmbig {
			g.changed[keyOf("n:", name, "")] = struct{}{}
		}
	}
}

// recordChanges records every key provided by only one of old and new
// (both sorted).
func (g *Graph) recordChanges(old, new []provEntry) {
	i, j := 0, 0
	for i < len(old) || j < len(new) {
		switch {
		case j == len(new) || i < len(old) && cmpProv(old[i], new[j]) < 0:
			g.changed[old[i].key] = struct{}{}
			i++
		case i == len(old) || cmpProv(new[j], old[i]) < 0:
			g.changed[new[j].key] = struct{}{}
			j++
		default:
			i++
			j++
		}
	}
}

func cmpProv(a, b provEntry) int {
	switch {
	case a.key != b.key:
		return cmp.Compare(a.key, b.key)
	}
	return cmp.Compare(a.detail, b.detail)
}

// markDirty turns the recorded key changes into dirty files. Called with
// g.mu held for writing.
func (g *Graph) markDirty() {
	for k := range g.changed {
		for _, f := range g.deps[k] {
			g.dirty[f] = struct{}{}
		}
	}
	clear(g.changed)
}

// provides returns the keys a file's presence affects, sorted.
func provides(f FileFacts) []provEntry {
	dir := path.Dir(f.Path)
	out := make([]provEntry, 0, 3*len(f.Symbols)+8)
	for _, s := range f.Symbols {
		q := s.Qualified()
		d := fnv64(q)
		out = append(out, provEntry{keyOf("dn:", dir, s.Name), d}, provEntry{keyOf("na:", s.Name, ""), d})
		if f.Package != "" {
			out = append(out, provEntry{keyOf("kn:", f.Package, s.Name), d})
		}
		if s.Container != "" {
			out = append(out, provEntry{keyOf("q:", q, ""), 0})
		}
	}
	for _, sfx := range pathSuffixes(f.Path) {
		out = append(out, provEntry{keyOf("p:", sfx, ""), 0})
	}
	out = append(out, provEntry{keyOf("d:", dir, ""), 0})
	if f.Package != "" {
		out = append(out, provEntry{keyOf("k:", f.Package, ""), 0})
	}
	slices.SortFunc(out, cmpProv)
	return slices.CompactFunc(out, func(a, b provEntry) bool { return a == b })
}

// pathSuffixes returns p and each of its suffixes that starts after a
// slash: a/b/c.go, b/c.go, c.go.
func pathSuffixes(p string) []string {
	out := []string{p}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[i+1:])
		}
	}
	return out
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func removeID(ids []uint32, id uint32) []uint32 {
	for i, x := range ids {
		if x == id {
			ids[i] = ids[len(ids)-1]
			return ids[:len(ids)-1]
		}
	}
	return ids
}
