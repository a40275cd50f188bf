package syntax

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// readChunk bounds the slice handed to tree-sitter per read callback;
// go-tree-sitter copies each slice into C memory.
const readChunk = 64 << 10

// pooledParser is a tree-sitter parser with its cancellation flag. The flag
// is Go memory that the C parser reads while parsing, so it stays pinned
// for the parser's life.
type pooledParser struct {
	p      *ts.Parser
	flag   *uintptr
	pinner runtime.Pinner
}

func (pp *pooledParser) close() {
	pp.p.SetCancellationFlag(nil)
	pp.p.Close()
	pp.pinner.Unpin()
}

// parse parses content, stopping early when ctx is done. It returns nil
// and the context's error after a cancellation, and nil and ErrParse when
// tree-sitter gives no tree for another reason. The parser is reset and
// reusable afterwards in every case.
func (pp *pooledParser) parse(ctx context.Context, content []byte) (*ts.Tree, error) {
	var stop func() bool
	done := make(chan struct{})
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() {
			atomic.StoreUintptr(pp.flag, 1)
			close(done)
		})
	}
	tree := pp.p.ParseWith(func(off int, _ ts.Point) []byte {
		if off >= len(content) {
			return nil
		}
		return content[off:min(len(content), off+readChunk)]
	}, nil)
	if stop != nil && !stop() {
		<-done // the flag was set (or is being set): wait, then clear it
	}
	atomic.StoreUintptr(pp.flag, 0)
	if tree != nil {
		return tree, nil
	}
	pp.p.Reset() // a halted parse would otherwise resume on the next call
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("syntax: parse: %w", err)
	}
	return nil, ErrParse
}

// parserPool keeps up to cap(idle) idle parsers of one language. Parsers
// beyond that are closed when returned, so the C memory held by idle
// parsers is bounded.
type parserPool struct {
	lang    *ts.Language
	idle    chan *pooledParser
	created atomic.Int64 // parsers made, for tests
}

func newParserPool(lang *ts.Language, size int) *parserPool {
	return &parserPool{lang: lang, idle: make(chan *pooledParser, size)}
}

func (pl *parserPool) get() (*pooledParser, error) {
	select {
	case pp := <-pl.idle:
		return pp, nil
	default:
	}
	p := ts.NewParser()
	if err := p.SetLanguage(pl.lang); err != nil {
		p.Close()
		return nil, fmt.Errorf("syntax: load grammar: %w", err)
	}
	pp := &pooledParser{p: p, flag: new(uintptr)}
	pp.pinner.Pin(pp.flag)
	p.SetCancellationFlag(pp.flag)
	pl.created.Add(1)
	return pp, nil
}

func (pl *parserPool) put(pp *pooledParser) {
	select {
	case pl.idle <- pp:
	default:
		pp.close()
	}
}

// drain closes every idle parser (tests use it to check that nothing else
// holds C memory).
func (pl *parserPool) drain() {
	for {
		select {
		case pp := <-pl.idle:
			pp.close()
		default:
			return
		}
	}
}
