package syntax

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// errLoad reports a grammar that tree-sitter rejects or that could not be
// copied into C memory.
var errLoad = errors.New("syntax: load grammar")

// parserPool keeps up to cap(idle) idle workers (parsers with their
// buffers) of one language. Workers beyond that are closed when returned,
// so the C memory held by idle workers is bounded.
type parserPool struct {
	lang    *cLang
	idle    chan *worker
	created atomic.Int64 // workers made, for tests
}

func newParserPool(lang *cLang, size int) *parserPool {
	return &parserPool{lang: lang, idle: make(chan *worker, size)}
}

func (pl *parserPool) get() (*worker, error) {
	select {
	case w := <-pl.idle:
		return w, nil
	default:
	}
	if pl.lang == nil {
		return nil, fmt.Errorf("%w: out of memory", errLoad)
	}
	w := newWorker(pl.lang)
	if w == nil {
		return nil, fmt.Errorf("%w: tree-sitter rejects its version", errLoad)
	}
	pl.created.Add(1)
	return w, nil
}

// put returns w, whose last tree is no longer used, to the pool.
func (pl *parserPool) put(w *worker) {
	w.trim()
	select {
	case pl.idle <- w:
	default:
		w.close()
	}
}

// drain closes every idle worker (tests use it to check that nothing else
// holds C memory).
func (pl *parserPool) drain() {
	for {
		select {
		case w := <-pl.idle:
			w.close()
		default:
			return
		}
	}
}
