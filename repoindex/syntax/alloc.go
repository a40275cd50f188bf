package syntax

/*
#include "tsapi.h"

static void syntax_use_libc_allocator(void) { ts_set_allocator(NULL, NULL, NULL, NULL); }
*/
import "C"

import "sync"

var libcAllocator sync.Once

// useLibcAllocator makes tree-sitter allocate with the C library directly.
// go-tree-sitter routes every allocation of the C library through a Go
// callback that calls malloc or free; the callbacks made parsing
// net/http/server.go about 1.5 times slower. Memory stays compatible
// either way: both allocators are the C library's malloc and free. It runs
// once, before the first parser is made; a later ts.SetAllocator call
// (tests count allocations that way) takes precedence.
func useLibcAllocator() {
	libcAllocator.Do(setLibcAllocator)
}

func setLibcAllocator() { C.syntax_use_libc_allocator() }
