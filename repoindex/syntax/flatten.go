package syntax

/*
#include "flatten.h"
*/
import "C"

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"unsafe"
)

// node is one visible syntax node as the C walk records it (syntax_node in
// flatten.h, whose layout it mirrors).
type node struct {
	start, end uint32 // byte offsets
	next       uint32 // the index just after the node's subtree
	childCount uint32 // ts_node_child_count
	namedCount uint32 // ts_node_named_child_count
	query      uint32 // the index of its first query result, or noQuery
	kind       uint16 // ts_node_symbol
	field      uint16 // the field id a tree cursor reports, relative to the parent
	flags      uint8
	_          [3]uint8
}

// node flags.
const (
	flagNamed    = C.SYNTAX_NAMED
	flagMissing  = C.SYNTAX_MISSING
	flagHasError = C.SYNTAX_HAS_ERROR
)

// Query results other than node indexes.
const (
	noQuery         = math.MaxUint32
	queryNull       = C.SYNTAX_NULL
	queryUnresolved = C.SYNTAX_UNRESOLVED
)

// cNodeLayout returns sizeof(syntax_node) and the offsets of its fields in
// the order of node's, for TestNodeLayout.
func cNodeLayout() [10]uint32 {
	var out [10]uint32
	C.syntax_node_layout((*C.uint32_t)(unsafe.Pointer(&out[0])))
	return out
}

// flatTree is a parsed file: its visible nodes in pre-order (nodes[0] is
// the root) and the answers to their queries. Both live in the C memory
// of the worker that parsed the file and are valid until its next parse.
type flatTree struct {
	nodes   []node
	results []int32
	// unresolved counts query answers that the walk did not meet: zero
	// unless tree-sitter returned a node the cursor never visits.
	unresolved int
}

// cLang is a language with its query table in C memory (syntax_lang).
type cLang = C.syntax_lang

// worker is a tree-sitter parser with the C buffers of its last parse.
// The cancellation flag lives in that C memory too.
type worker struct {
	w    *C.syntax_worker
	lang *cLang
}

func (w *worker) close() { C.syntax_worker_free(w.w) }

// cancelFlag is the parser's cancellation flag.
func (w *worker) cancelFlag() *uintptr {
	return (*uintptr)(unsafe.Pointer(&w.w.cancel))
}

// parse parses content and, when flatten is set, records its tree, stopping
// early when ctx is done. It returns the context's error after a
// cancellation and ErrParse when tree-sitter gives no tree for another
// reason or memory runs out. The worker is reusable afterwards in every
// case; the tree is valid until its next parse.
func (w *worker) parse(ctx context.Context, content []byte, flatten bool) (flatTree, error) {
	t, _, err := w.parseTree(ctx, content, flatten, nil, false)
	return t, err
}

// parseTree is parse starting from old (a tree of an earlier version of
// content, edited to match it; parseTree takes it) and, when keep, also
// returns the new tree, which the caller must delete.
func (w *worker) parseTree(ctx context.Context, content []byte, flatten bool, old *C.TSTree, keep bool) (flatTree, *C.TSTree, error) {
	if uint64(len(content)) > math.MaxUint32 {
		if old != nil {
			C.ts_tree_delete(old)
		}
		return flatTree{}, nil, fmt.Errorf("%w: %d bytes", ErrParse, len(content))
	}
	var stop func() bool
	var done chan struct{}
	if ctx.Done() != nil {
		done = make(chan struct{})
		flag := w.cancelFlag()
		stop = context.AfterFunc(ctx, func() {
			atomic.StoreUintptr(flag, 1)
			close(done)
		})
	}
	var src *C.char
	if len(content) > 0 {
		src = (*C.char)(unsafe.Pointer(&content[0]))
	}
	rc := C.syntax_parse(w.w, w.lang, src, C.uint32_t(len(content)), C.bool(flatten), old, C.bool(keep))
	if stop != nil && !stop() {
		<-done // the flag was set (or is being set): wait, then clear it
	}
	atomic.StoreUintptr(w.cancelFlag(), 0)
	switch rc {
	case C.SYNTAX_OK:
	case C.SYNTAX_NO_TREE:
		if err := ctx.Err(); err != nil {
			return flatTree{}, nil, fmt.Errorf("syntax: parse: %w", err)
		}
		return flatTree{}, nil, ErrParse
	default:
		return flatTree{}, nil, fmt.Errorf("%w: out of memory", ErrParse)
	}
	kept := w.w.kept
	w.w.kept = nil
	t := flatTree{unresolved: int(w.w.unresolved)}
	if n := int(w.w.n); n > 0 {
		t.nodes = unsafe.Slice((*node)(unsafe.Pointer(w.w.nodes)), n)
	}
	if n := int(w.w.nresults); n > 0 {
		t.results = unsafe.Slice((*int32)(unsafe.Pointer(w.w.results)), n)
	}
	return t, kept, nil
}

// Buffers above these sizes (in elements: 2 MB and 128 kB) are freed when
// a worker returns to its pool.
const (
	trimNodes   = C.SYNTAX_TRIM_NODES
	trimResults = C.SYNTAX_TRIM_RESULTS
)

// trim frees the worker's buffers when the last parse made them large, so
// that idle workers hold little memory.
func (w *worker) trim() {
	if w.w.cap > trimNodes || w.w.results_cap > trimResults {
		C.syntax_worker_trim(w.w)
	}
}

// newCLang copies a language and its query table (see queryTable) into C
// memory, which lives as long as the program (one per grammar); nil when
// memory runs out.
func newCLang(language unsafe.Pointer, q queryTable) *cLang {
	codes := q.codes
	if len(codes) == 0 {
		codes = []uint16{0}
	}
	return C.syntax_lang_new((*C.TSLanguage)(language), C.uint32_t(len(q.at)-2),
		(*C.uint32_t)(unsafe.Pointer(&q.at[0])), (*C.uint16_t)(unsafe.Pointer(&codes[0])))
}

// newWorker makes a parser for lang; nil when tree-sitter rejects the
// language (an ABI version it does not support).
func newWorker(lang *cLang) *worker {
	w := C.syntax_worker_new(lang)
	if w == nil {
		return nil
	}
	return &worker{w: w, lang: lang}
}
