package syntax

/*
#include "flatten.h"
*/
import "C"

import (
	"bytes"
	"context"
	"sync"
)

// DefaultTrees is the number of trees NewTrees(0) keeps.
const DefaultTrees = 16

// Trees keeps the syntax trees of files that are parsed again and again
// (an editor's open buffers, one keystroke after another), so that the
// next Parse of the same path re-parses only what changed: tree-sitter
// reuses the unchanged parts of the old tree. The result is the same File
// a fresh parse gives.
//
// Trees holds C memory: Close it. It is safe for concurrent use; two
// parses of the same path at once simply do not share a tree.
type Trees struct {
	mu     sync.Mutex
	max    int
	tick   uint64
	kept   map[string]*keptTree
	closed bool
}

// keptTree is the tree of one path and the content it was parsed from.
type keptTree struct {
	lang Lang
	tree *C.TSTree
	src  []byte
	used uint64
}

// NewTrees returns a cache of at most max trees (0: DefaultTrees); the
// least recently used is dropped first.
func NewTrees(max int) *Trees {
	if max <= 0 {
		max = DefaultTrees
	}
	return &Trees{max: max, kept: make(map[string]*keptTree)}
}

// Parse is ParseContext for the file at path, starting from the tree kept
// for path when there is one, and keeping the new tree for the next call.
func (t *Trees) Parse(ctx context.Context, path string, content []byte, opts Options) (*File, error) {
	f, _, err := parseFileWith(ctx, path, content, opts, t)
	return f, err
}

// Forget drops the tree kept for path (a closed buffer).
func (t *Trees) Forget(path string) {
	t.mu.Lock()
	k := t.kept[path]
	delete(t.kept, path)
	t.mu.Unlock()
	k.free()
}

// Len returns the number of trees kept.
func (t *Trees) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.kept)
}

// Close frees every tree. Later Parses work but keep nothing.
func (t *Trees) Close() {
	t.mu.Lock()
	kept := t.kept
	t.kept, t.closed = map[string]*keptTree{}, true
	t.mu.Unlock()
	for _, k := range kept {
		k.free()
	}
}

func (k *keptTree) free() {
	if k != nil && k.tree != nil {
		C.ts_tree_delete(k.tree)
		k.tree = nil
	}
}

// take removes the tree kept for path and returns it edited to match
// content, or nil when there is none for lang.
func (t *Trees) take(path string, lang Lang, content []byte) *C.TSTree {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	k := t.kept[path]
	delete(t.kept, path)
	t.mu.Unlock()
	if k == nil {
		return nil
	}
	if k.lang != lang || uint64(len(content)) > 1<<32-1 {
		k.free()
		return nil
	}
	if e, changed := inputEdit(k.src, content); changed {
		C.ts_tree_edit(k.tree, &e)
	}
	tree := k.tree
	k.tree = nil
	return tree
}

// keep stores tree, parsed from content, as path's, dropping the least
// recently used tree when full.
func (t *Trees) keep(path string, lang Lang, tree *C.TSTree, content []byte) {
	k := &keptTree{lang: lang, tree: tree, src: bytes.Clone(content)}
	var drop []*keptTree
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		k.free()
		return
	}
	t.tick++
	k.used = t.tick
	drop = append(drop, t.kept[path])
	t.kept[path] = k
	for len(t.kept) > t.max {
		var oldest string
		for p, v := range t.kept {
			if oldest == "" || v.used < t.kept[oldest].used {
				oldest = p
			}
		}
		drop = append(drop, t.kept[oldest])
		delete(t.kept, oldest)
	}
	t.mu.Unlock()
	for _, d := range drop {
		d.free()
	}
}

// inputEdit describes the change from old to new as the one edit
// tree-sitter needs: the bytes between their common prefix and common
// suffix were replaced. changed is false when they are equal.
func inputEdit(old, new []byte) (e C.TSInputEdit, changed bool) {
	n := min(len(old), len(new))
	p := commonPrefix(old[:n], new[:n])
	if p == len(old) && p == len(new) {
		return e, false
	}
	s := commonSuffix(old[p:], new[p:])
	oldEnd, newEnd := len(old)-s, len(new)-s
	e.start_byte = C.uint32_t(p)
	e.old_end_byte = C.uint32_t(oldEnd)
	e.new_end_byte = C.uint32_t(newEnd)
	e.start_point = pointAt(old, p)
	e.old_end_point = pointAt(old, oldEnd)
	e.new_end_point = pointAt(new, newEnd)
	return e, true
}

// commonPrefix returns the length of the common prefix of a and b, which
// have the same length.
func commonPrefix(a, b []byte) int {
	i := 0
	for ; i+8 <= len(a); i += 8 {
		if string(a[i:i+8]) != string(b[i:i+8]) {
			break
		}
	}
	for ; i < len(a) && a[i] == b[i]; i++ {
	}
	return i
}

// commonSuffix returns the length of the common suffix of a and b.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		if string(a[len(a)-i-8:len(a)-i]) != string(b[len(b)-i-8:len(b)-i]) {
			break
		}
	}
	for ; i < n && a[len(a)-1-i] == b[len(b)-1-i]; i++ {
	}
	return i
}

// pointAt is tree-sitter's point (row, byte column) of offset off in src.
func pointAt(src []byte, off int) C.TSPoint {
	head := src[:off]
	row := bytes.Count(head, []byte{'\n'})
	col := off - (bytes.LastIndexByte(head, '\n') + 1)
	return C.TSPoint{row: C.uint32_t(row), column: C.uint32_t(col)}
}
