package critic

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// patchedView answers questions about the workspace as the patch would
// leave it, reading the disk and the patch; it writes nothing.
type patchedView struct {
	byAbs map[string]*change
}

func newPatchedView(changes []*change) *patchedView {
	v := &patchedView{byAbs: make(map[string]*change, len(changes))}
	for _, c := range changes {
		v.byAbs[c.abs] = c
	}
	return v
}

func (v *patchedView) read(abs string) ([]byte, error) {
	if c, ok := v.byAbs[abs]; ok {
		if c.delete {
			return nil, fs.ErrNotExist
		}
		return c.new, nil
	}
	return os.ReadFile(abs)
}

func (v *patchedView) exists(abs string) bool {
	if c, ok := v.byAbs[abs]; ok {
		return !c.delete
	}
	fi, err := os.Stat(abs)
	return err == nil && fi.Mode().IsRegular()
}

// files lists the regular files of dir after the patch.
func (v *patchedView) files(dir string) []string {
	var names []string
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if e.Type().IsRegular() || e.Type()&fs.ModeSymlink != 0 {
				names = append(names, e.Name())
			}
		}
	}
	for abs, c := range v.byAbs {
		if filepath.Dir(abs) != dir {
			continue
		}
		name := filepath.Base(abs)
		has := slices.Contains(names, name)
		switch {
		case c.delete && has:
			names = slices.DeleteFunc(names, func(n string) bool { return n == name })
		case !c.delete && !has:
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// goSource reports whether the go command considers name a Go file.
func goSource(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".")
}

// hasGo reports whether dir holds, after the patch, Go files other than
// tests, and test files.
func (v *patchedView) hasGo(dir string) (nonTest, tests bool) {
	for _, n := range v.files(dir) {
		if goSource(n) {
			if strings.HasSuffix(n, "_test.go") {
				tests = true
			} else {
				nonTest = true
			}
		}
	}
	return nonTest, tests
}

// goModule is one Go module the patch affects.
type goModule struct {
	root        string   // host directory holding go.mod
	path        string   // module path
	pkgs        []string // host directories of affected packages (existing after the patch)
	compilePkgs []string // pkgs with non-test Go files
	gone        []string // host directories whose package the patch deletes
	testPkgs    []string // pkgs with test files
	buildPkgs   []string // compilePkgs and their importers in the module
	modChanged  bool     // go.mod or go.sum changed
}

// rel returns the go command pattern for the package in dir.
func (m *goModule) pattern(dir string) string {
	rel, _ := filepath.Rel(m.root, dir)
	if rel == "." {
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}

func (m *goModule) importPath(dir string) string {
	rel, _ := filepath.Rel(m.root, dir)
	if rel == "." {
		return m.path
	}
	return m.path + "/" + filepath.ToSlash(rel)
}

// goModules groups the patch's Go-relevant changes by module. Files outside
// any module, and non-Go files outside any package, affect no module;
// orphans lists the Go files among them.
func (c *Critic) goModules(v *patchedView, changes []*change) (modules []*goModule, orphans []string) {
	mods := make(map[string]*goModule)
	var order []string
	for _, ch := range changes {
		root := moduleRoot(v, filepath.Dir(ch.abs))
		if root == "" {
			if strings.HasSuffix(ch.rel, ".go") {
				orphans = append(orphans, ch.rel)
			}
			continue
		}
		m := mods[root]
		if m == nil {
			m = &goModule{root: root, path: modulePath(v, root)}
			mods[root] = m
			order = append(order, root)
		}
		base := filepath.Base(ch.abs)
		if filepath.Dir(ch.abs) == root && (base == "go.mod" || base == "go.sum") {
			m.modChanged = true
			continue
		}
		dir := packageDir(v, root, ch)
		if dir == "" {
			continue
		}
		if nonTest, tests := v.hasGo(dir); nonTest || tests {
			if !slices.Contains(m.pkgs, dir) {
				m.pkgs = append(m.pkgs, dir)
				if nonTest {
					m.compilePkgs = append(m.compilePkgs, dir)
				}
				if tests {
					m.testPkgs = append(m.testPkgs, dir)
				}
			}
		} else if !slices.Contains(m.gone, dir) {
			m.gone = append(m.gone, dir)
		}
	}
	for _, root := range order {
		m := mods[root]
		slices.Sort(m.pkgs)
		slices.Sort(m.compilePkgs)
		slices.Sort(m.testPkgs)
		m.buildPkgs = append(slices.Clone(m.compilePkgs), c.importers(v, m)...)
		if len(m.pkgs) > 0 || len(m.gone) > 0 || m.modChanged {
			modules = append(modules, m)
		}
	}
	return modules, orphans
}

// moduleRoot finds the directory of the go.mod governing dir (after the
// patch), or "".
func moduleRoot(v *patchedView, dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if v.exists(filepath.Join(d, "go.mod")) {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// modulePath reads the module directive of root's go.mod.
func modulePath(v *patchedView, root string) string {
	data, err := v.read(filepath.Join(root, "go.mod"))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" {
			if p, err := strconv.Unquote(f[1]); err == nil {
				return p
			}
			return f[1]
		}
	}
	return ""
}

// packageDir returns the directory of the package a change belongs to: its
// own directory for a Go file; for another file (testdata, embedded
// assets), the nearest enclosing directory with Go files, starting above
// any testdata directory. "" when there is none in the module.
func packageDir(v *patchedView, root string, ch *change) string {
	dir := filepath.Dir(ch.abs)
	if strings.HasSuffix(ch.abs, ".go") {
		return dir
	}
	rel, _ := filepath.Rel(root, dir)
	if elems := strings.Split(filepath.ToSlash(rel), "/"); slices.Contains(elems, "testdata") {
		i := slices.Index(elems, "testdata")
		dir = filepath.Join(append([]string{root}, elems[:i]...)...)
	}
	for d := dir; within(root, d); d = filepath.Dir(d) {
		if nonTest, tests := v.hasGo(d); nonTest || tests {
			return d
		}
		if d == root {
			break
		}
	}
	return ""
}

// importMemo caches one file's imports under its size and modification time.
type importMemo struct {
	size    int64
	mtime   time.Time
	imports []string
}

// importCache is the Critic's memo of parsed import clauses.
type importCache struct {
	mu    sync.Mutex
	files map[string]importMemo // guarded by mu
}

// importers returns the directories of the module's packages that import an
// affected package, directly or not (test files aside): their build is
// checked too, since a changed API breaks them. Build constraints are
// ignored, which errs on the side of building more.
func (c *Critic) importers(v *patchedView, m *goModule) []string {
	graph := make(map[string][]string) // import path -> directories importing it
	fset := token.NewFileSet()
	var visit func(dir string, top bool)
	visit = func(dir string, top bool) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		if !top && v.exists(filepath.Join(dir, "go.mod")) {
			return // a nested module
		}
		for _, name := range v.files(dir) {
			if !goSource(name) || strings.HasSuffix(name, "_test.go") {
				continue
			}
			for _, imp := range c.fileImports(v, fset, filepath.Join(dir, name)) {
				if strings.HasPrefix(imp, m.path) && !slices.Contains(graph[imp], dir) {
					graph[imp] = append(graph[imp], dir)
				}
			}
		}
		for _, e := range ents {
			n := e.Name()
			if e.IsDir() && n != "testdata" && n != "vendor" && n != "node_modules" && !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, "_") {
				visit(filepath.Join(dir, n), false)
			}
		}
	}
	visit(m.root, true)
	seen := make(map[string]bool)
	var queue []string
	for _, d := range append(slices.Clone(m.pkgs), m.gone...) {
		seen[d] = true
		queue = append(queue, d)
	}
	var out []string
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		for _, imp := range graph[m.importPath(d)] {
			if !seen[imp] {
				seen[imp] = true
				queue = append(queue, imp)
				out = append(out, imp)
			}
		}
	}
	slices.Sort(out)
	return out
}

// fileImports returns the import paths of a Go file, from the patch or
// from the memo when the file on disk did not change.
func (c *Critic) fileImports(v *patchedView, fset *token.FileSet, abs string) []string {
	parse := func(src []byte) []string {
		f, err := parser.ParseFile(fset, abs, src, parser.ImportsOnly)
		if err != nil && f == nil {
			return nil
		}
		var imps []string
		for _, s := range f.Imports {
			if p, err := strconv.Unquote(s.Path.Value); err == nil {
				imps = append(imps, p)
			}
		}
		return imps
	}
	if ch, ok := v.byAbs[abs]; ok {
		return parse(ch.new)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil
	}
	c.imports.mu.Lock()
	memo, ok := c.imports.files[abs]
	c.imports.mu.Unlock()
	if ok && memo.size == fi.Size() && memo.mtime.Equal(fi.ModTime()) {
		return memo.imports
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil
	}
	imps := parse(src)
	c.imports.mu.Lock()
	c.imports.files[abs] = importMemo{size: fi.Size(), mtime: fi.ModTime(), imports: imps}
	c.imports.mu.Unlock()
	return imps
}
