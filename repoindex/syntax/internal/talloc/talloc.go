// Package talloc is a counting C allocator for tests: installed as
// tree-sitter's allocator, it tells how many allocations are live, so
// that tests can prove that every parser, tree and cursor is freed.
package talloc

// #include <stdlib.h>
import "C"

import (
	"sync"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// Counter counts live allocations made through it. Memory allocated
// before it was installed is freed normally and not counted.
type Counter struct {
	mu   sync.Mutex // guards live
	live map[unsafe.Pointer]struct{}
}

// Install makes a new Counter tree-sitter's allocator. Call the returned
// function to restore the default allocator.
func Install() (*Counter, func()) {
	c := &Counter{live: map[unsafe.Pointer]struct{}{}}
	ts.SetAllocator(c.malloc, c.calloc, c.realloc, c.free)
	return c, func() { ts.SetAllocator(nil, nil, nil, nil) }
}

// Live returns the number of allocations not yet freed.
func (c *Counter) Live() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.live)
}

func (c *Counter) track(p unsafe.Pointer) unsafe.Pointer {
	if p != nil {
		c.mu.Lock()
		c.live[p] = struct{}{}
		c.mu.Unlock()
	}
	return p
}

func (c *Counter) untrack(p unsafe.Pointer) {
	c.mu.Lock()
	delete(c.live, p)
	c.mu.Unlock()
}

func (c *Counter) malloc(size uint) unsafe.Pointer {
	return c.track(C.malloc(C.size_t(size)))
}

func (c *Counter) calloc(num, size uint) unsafe.Pointer {
	return c.track(C.calloc(C.size_t(num), C.size_t(size)))
}

func (c *Counter) realloc(p unsafe.Pointer, size uint) unsafe.Pointer {
	c.mu.Lock()
	_, counted := c.live[p]
	c.mu.Unlock()
	q := C.realloc(p, C.size_t(size))
	if q == nil {
		return nil // p is still allocated
	}
	if p == nil || counted {
		c.untrack(p)
		return c.track(q)
	}
	return q // allocated before the counter: stays uncounted
}

func (c *Counter) free(p unsafe.Pointer) {
	if p == nil {
		return
	}
	c.untrack(p)
	C.free(p)
}
