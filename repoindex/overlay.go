package repoindex

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Buffer is one open document.
type Buffer struct {
	Path    string
	Version int32
	Content []byte // never modified once stored
}

// DiskVersion is the version reported for content read from disk.
const DiskVersion int32 = -1

// ErrNotAbsolute is returned for a path that is not absolute and clean.
var ErrNotAbsolute = errors.New("path must be absolute and clean")

// Overlay is the set of open buffers, safe for concurrent use.
type Overlay struct {
	mu    sync.RWMutex // guards files and gen
	files map[string]Buffer
	gen   uint64
}

// NewOverlay returns an empty overlay.
func NewOverlay() *Overlay {
	return &Overlay{files: make(map[string]Buffer)}
}

func checkPath(path string) error {
	if !filepath.IsAbs(path) || filepath.Clean(path) != path {
		return fmt.Errorf("%q: %w", path, ErrNotAbsolute)
	}
	return nil
}

// Set stores content as the buffer of path at version. The overlay keeps
// content; the caller must not modify it afterwards.
func (o *Overlay) Set(path string, version int32, content []byte) error {
	if err := checkPath(path); err != nil {
		return err
	}
	o.mu.Lock()
	o.files[path] = Buffer{Path: path, Version: version, Content: content}
	o.gen++
	o.mu.Unlock()
	return nil
}

// Delete forgets the buffer of path; the file on disk is the truth again.
func (o *Overlay) Delete(path string) {
	o.mu.Lock()
	if _, ok := o.files[path]; ok {
		delete(o.files, path)
		o.gen++
	}
	o.mu.Unlock()
}

// Get returns the buffer of path.
func (o *Overlay) Get(path string) (Buffer, bool) {
	o.mu.RLock()
	b, ok := o.files[path]
	o.mu.RUnlock()
	return b, ok
}

// Generation counts the changes made to the overlay.
func (o *Overlay) Generation() uint64 {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.gen
}

// Snapshot returns the content of every open buffer by path. The map is
// the caller's; the contents are shared and must not be modified.
func (o *Overlay) Snapshot() map[string][]byte {
	o.mu.RLock()
	defer o.mu.RUnlock()
	out := make(map[string][]byte, len(o.files))
	for p, b := range o.files {
		out[p] = b.Content
	}
	return out
}

// SnapshotVersions returns, taken at one instant, the content and the
// version of every open buffer by path.
func (o *Overlay) SnapshotVersions() (map[string][]byte, map[string]int32) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	content := make(map[string][]byte, len(o.files))
	versions := make(map[string]int32, len(o.files))
	for p, b := range o.files {
		content[p], versions[p] = b.Content, b.Version
	}
	return content, versions
}

// Paths returns the paths of the open buffers.
func (o *Overlay) Paths() []string {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return slices.Sorted(maps.Keys(o.files))
}

// ReadFile returns the content of path: the open buffer and its version
// when there is one, otherwise the file on disk with DiskVersion.
func (o *Overlay) ReadFile(path string) ([]byte, int32, error) {
	if err := checkPath(path); err != nil {
		return nil, 0, err
	}
	if b, ok := o.Get(path); ok {
		return b.Content, b.Version, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	return data, DiskVersion, nil
}
