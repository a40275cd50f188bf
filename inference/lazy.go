package inference

import (
	"context"
	"sync"
	"time"
)

// Lazy is a Backend over an Engine that is built on first use, so that a
// session that never asks for a model never loads one. It is safe for
// concurrent use.
type Lazy struct {
	build func() (*Engine, error)
	meter *Meter

	mu     sync.Mutex // guards the fields below
	engine *Engine
	err    error
	closed bool
}

// NewLazy returns a Lazy backend; build runs once, on first use, and should
// record into meter.
func NewLazy(meter *Meter, build func() (*Engine, error)) *Lazy {
	return &Lazy{build: build, meter: meter}
}

// Engine builds the engine if needed and returns it.
func (l *Lazy) Engine() (*Engine, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrModelUnavailable
	}
	if l.engine == nil && l.err == nil {
		l.engine, l.err = l.build()
	}
	return l.engine, l.err
}

// Built reports whether the engine has been built (successfully or not).
func (l *Lazy) Built() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.engine != nil || l.err != nil
}

// Meter returns the meter the engine records into.
func (l *Lazy) Meter() *Meter { return l.meter }

// Close releases the engine, if it was built.
func (l *Lazy) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.engine != nil {
		return l.engine.Close()
	}
	return nil
}

// Generate implements Backend.
func (l *Lazy) Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error) {
	e, err := l.Engine()
	if err != nil {
		return nil, err
	}
	return e.Router.Generate(ctx, req, emit)
}

// Embed implements Backend, through the configured embedding backend.
func (l *Lazy) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e, err := l.Engine()
	if err != nil {
		return nil, err
	}
	if e.Embedder == nil {
		return nil, ErrNotSupported
	}
	start := time.Now()
	v, err := e.Embedder.Embed(ctx, texts)
	l.meter.RecordEmbed(e.Embedder.BackendID(), len(texts), time.Since(start), err)
	return v, err
}

// MaxContextTokens implements Backend (0 when the engine cannot start).
func (l *Lazy) MaxContextTokens() int {
	e, err := l.Engine()
	if err != nil {
		return 0
	}
	return e.Router.MaxContextTokens()
}

// EstimatedLatency implements Backend.
func (l *Lazy) EstimatedLatency(req *Request) time.Duration {
	e, err := l.Engine()
	if err != nil {
		return 0
	}
	return e.Router.EstimatedLatency(req)
}

// IsAvailable implements Backend: true until the engine is known to be
// unable to start.
func (l *Lazy) IsAvailable() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || l.err != nil {
		return false
	}
	return l.engine == nil || l.engine.Router.IsAvailable()
}

// BackendID implements Backend.
func (l *Lazy) BackendID() string { return "lazy" }

// HealthCheck implements Backend.
func (l *Lazy) HealthCheck(ctx context.Context) error {
	e, err := l.Engine()
	if err != nil {
		return err
	}
	return e.Router.HealthCheck(ctx)
}
