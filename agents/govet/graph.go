package govet

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// node is what the engine remembers about one package variant from the
// last load that saw it: enough to compute its cache key without running
// the go command. Nodes are immutable once stored; a later load replaces
// them.
type node struct {
	id        string
	dir       string
	goMod     string // go.mod of the package's module, "" if none
	test      bool   // the variant compiles _test.go files
	mutable   bool   // files may change: hash them (not GOROOT or module cache)
	cacheable bool   // results may be cached (not ad hoc, has a directory)
	listErrs  bool   // go list could not resolve it (nothing that cache keys cover)
	imports   []string
}

// memoEntry records which root package variants contain a file, valid while
// the file's directory (names and contents, tests included) is unchanged.
type memoEntry struct {
	dirSum hashSum
	ids    []string
}

// adHocID is the ID go/packages gives packages made of named files.
const adHocID = "command-line-arguments"

// newNode describes p.
func (e *Engine) newNode(p *packages.Package) *node {
	n := &node{id: p.ID, dir: packageDir(p)}
	if m := p.Module; m != nil {
		n.goMod = m.GoMod
		if m.Replace != nil && m.Replace.GoMod != "" {
			n.goMod = m.Replace.GoMod
		}
	}
	for _, f := range p.GoFiles {
		if strings.HasSuffix(f, "_test.go") {
			n.test = true
			break
		}
	}
	n.mutable = n.dir == "" || e.isMutableDir(n.dir)
	n.cacheable = n.dir != "" && p.ID != adHocID && !strings.HasPrefix(p.ID, adHocID+" ")
	n.listErrs = hasListErrors(p)
	for _, imp := range p.Imports {
		n.imports = append(n.imports, imp.ID)
	}
	sort.Strings(n.imports)
	return n
}

func hasListErrors(p *packages.Package) bool {
	return slices.ContainsFunc(p.Errors, func(err packages.Error) bool {
		return err.Kind == packages.ListError || err.Kind == packages.UnknownError
	})
}

// packageDir returns the directory of p's source files.
func packageDir(p *packages.Package) string {
	if p.Dir != "" {
		return p.Dir
	}
	for _, list := range [][]string{p.GoFiles, p.OtherFiles, p.IgnoredFiles} {
		if len(list) > 0 {
			return filepath.Dir(list[0])
		}
	}
	return ""
}

// updateGraph records every package reachable from roots.
func (e *Engine) updateGraph(roots []*packages.Package) {
	var fresh []*node
	packages.Visit(roots, nil, func(p *packages.Package) {
		fresh = append(fresh, e.newNode(p))
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, n := range fresh {
		e.nodes[n.id] = n
	}
}

// closure returns id's node and all nodes it transitively imports, sorted
// by ID. ok is false if id is not cacheable, part of its graph is unknown,
// or a package in it has go list errors (a missing package or module may
// appear without any change that keys cover).
func (e *Engine) closure(id string) (out []*node, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	root := e.nodes[id]
	if root == nil || !root.cacheable {
		return nil, false
	}
	seen := map[string]bool{id: true}
	queue := []*node{root}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n.listErrs {
			return nil, false
		}
		out = append(out, n)
		for _, imp := range n.imports {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			dep := e.nodes[imp]
			if dep == nil {
				return nil, false
			}
			queue = append(queue, dep)
		}
	}
	slices.SortFunc(out, func(a, b *node) int { return strings.Compare(a.id, b.id) })
	return out, true
}

// memoLookup returns the root variants that contained file when its
// directory last had the hash dirSum.
func (e *Engine) memoLookup(file string, dirSum hashSum) ([]string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.memo[file]
	if !ok || m.dirSum != dirSum {
		return nil, false
	}
	return m.ids, true
}

func (e *Engine) memoStore(file string, dirSum hashSum, ids []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.memo[file] = memoEntry{dirSum: dirSum, ids: slices.Clone(ids)}
}

// isMutableDir reports whether files under dir may change, i.e. dir lies
// outside the module cache and (unless Dir itself is inside GOROOT) outside
// GOROOT.
func (e *Engine) isMutableDir(dir string) bool {
	for _, root := range e.immutableRoots {
		if within(dir, root) {
			return false
		}
	}
	return true
}

// within reports whether path is root or lies beneath it.
func within(path, root string) bool {
	if root == "" {
		return false
	}
	return path == root || strings.HasPrefix(path, root+string(filepath.Separator))
}
