package govet

import (
	"bytes"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/tools/go/gcexportdata"
)

// maxUniverses bounds the number of decoded dependency sets kept.
const maxUniverses = 4

// exportFile identifies one export data file. The go command stores export
// data in its cache under a name derived from the content, so an unchanged
// (path, size, mtime) means unchanged content.
type exportFile struct {
	path  string
	size  int64
	mtime int64 // UnixNano
}

func statExportFile(path string) (exportFile, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return exportFile{}, err
	}
	return exportFile{path: path, size: fi.Size(), mtime: fi.ModTime().UnixNano()}, nil
}

// exportCache remembers, across requests, where the export data of
// dependency packages is (so that an edit of a root package runs no go
// command for its unchanged dependencies) and the packages decoded from it
// (so that their export data is not read again). It has its own lock, never
// held together with Engine.mu or Engine.runsMu.
type exportCache struct {
	mu        sync.Mutex
	files     map[string]exportEntry // by package ID
	universes []*universe            // most recently used first

	// Counters for tests and logs.
	queries atomic.Int64 // go list -export runs
	decodes atomic.Int64 // universes decoded
}

// exportEntry is the export data file of one package variant, valid while
// the package's export key (see directLoad.exportKey) is unchanged and the
// file still has the recorded size and mtime.
type exportEntry struct {
	key  hashSum
	file exportFile
}

func newExportCache() *exportCache {
	return &exportCache{files: make(map[string]exportEntry)}
}

// lookup returns the export file of package id recorded under key, if the
// file is still there unchanged.
func (c *exportCache) lookup(id string, key hashSum) (exportFile, bool) {
	c.mu.Lock()
	ent, ok := c.files[id]
	c.mu.Unlock()
	if !ok || ent.key != key {
		return exportFile{}, false
	}
	cur, err := statExportFile(ent.file.path)
	if err != nil || cur != ent.file {
		// Trimmed from the go command's cache, or rewritten.
		c.mu.Lock()
		if c.files[id] == ent {
			delete(c.files, id)
		}
		c.mu.Unlock()
		return exportFile{}, false
	}
	return ent.file, true
}

func (c *exportCache) store(id string, key hashSum, f exportFile) {
	c.mu.Lock()
	c.files[id] = exportEntry{key: key, file: f}
	c.mu.Unlock()
}

// universe is a set of packages decoded together from export data into one
// import map: the complete packages decoded from files, and the incomplete
// ones their export data refers to. A universe is immutable once ready and
// may be shared by concurrent requests (go/types allows imported packages
// to be used by concurrent type checks).
type universe struct {
	files  map[string]exportFile // by package path: the files decoded
	pkgs   map[string]*types.Package
	errs   map[string]error // by package path: files that could not be decoded
	tfiles []*token.File    // position information of the decoded packages
	ready  chan struct{}
}

// satisfies reports whether u holds exactly the given export files.
func (u *universe) satisfies(need map[string]exportFile) bool {
	for path, f := range need {
		if g, ok := u.files[path]; !ok || g != f {
			return false
		}
	}
	return true
}

// universeFor returns a universe holding the packages of need (package
// path -> export file), decoding them if no cached universe has all of them
// from the same files. Concurrent callers needing the same files share one
// decoding.
func (c *exportCache) universeFor(need map[string]exportFile) (u *universe, decoded bool) {
	if len(need) == 0 {
		u := &universe{files: need, pkgs: map[string]*types.Package{}, errs: map[string]error{}, ready: make(chan struct{})}
		close(u.ready)
		return u, false
	}
	c.mu.Lock()
	for i, cand := range c.universes {
		if cand.satisfies(need) {
			copy(c.universes[1:i+1], c.universes[:i])
			c.universes[0] = cand
			c.mu.Unlock()
			<-cand.ready
			return cand, false
		}
	}
	u = &universe{
		files: need,
		pkgs:  make(map[string]*types.Package),
		errs:  make(map[string]error),
		ready: make(chan struct{}),
	}
	c.universes = slices.Insert(c.universes, 0, u)
	if len(c.universes) > maxUniverses {
		c.universes = c.universes[:maxUniverses]
	}
	c.mu.Unlock()
	c.decodes.Add(1)
	u.decode()
	close(u.ready)
	if len(u.errs) > 0 {
		// Do not keep a failure (which may be transient) for later
		// requests.
		c.mu.Lock()
		if i := slices.Index(c.universes, u); i >= 0 {
			c.universes = slices.Delete(c.universes, i, i+1)
		}
		c.mu.Unlock()
	}
	return u, true
}

// decode reads the export files of u into u.pkgs.
func (u *universe) decode() {
	fset := token.NewFileSet()
	paths := make([]string, 0, len(u.files))
	for path := range u.files {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		if p := u.pkgs[path]; p != nil && p.Complete() {
			continue
		}
		if err := readExportFile(fset, u.pkgs, path, u.files[path].path); err != nil {
			u.errs[path] = err
		}
	}
	fset.Iterate(func(f *token.File) bool {
		u.tfiles = append(u.tfiles, f)
		return true
	})
}

// readExportFile decodes the export data of package path from file into
// imports, as go/packages does.
func readExportFile(fset *token.FileSet, imports map[string]*types.Package, path, file string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reading %s: internal error: %v", file, r)
		}
	}()
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	r, err := gcexportdata.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("reading %s: %v", file, err)
	}
	if _, err := gcexportdata.Read(r, fset, imports, path); err != nil {
		return fmt.Errorf("reading %s: %v", file, err)
	}
	return nil
}

// pkg returns the decoded package path, or the error that prevented
// decoding it.
func (u *universe) pkg(path string) (*types.Package, error) {
	if err := u.errs[path]; err != nil {
		return nil, err
	}
	if _, ok := u.files[path]; !ok {
		return nil, fmt.Errorf("no export data for %s", path)
	}
	p := u.pkgs[path]
	if p == nil || !p.Complete() {
		return nil, fmt.Errorf("export data for %s is incomplete", path)
	}
	return p, nil
}
