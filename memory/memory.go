package memory

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/aios-dev/aios/memory/store"
	"github.com/aios-dev/aios/memory/vector"
)

// Embedder turns texts into vectors, one per text, all of one dimension.
// The inference layer satisfies it; memory declares what it needs.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Options configure Open. They are read once; Open keeps its own copy.
type Options struct {
	// Store is the workspace's persistent store (required). Memory does not
	// close it.
	Store *store.Store
	// Vector holds the chunk vectors. nil: a vector.Flat with Quantization,
	// created with the dimension of the first vectors.
	Vector vector.Store
	// Quantization of the default vector store; nil means
	// vector.Recommended().
	Quantization *vector.Quantization
	// Embedder embeds chunks and queries; nil turns dense retrieval off.
	Embedder Embedder
	// EmbedModel keys the stored vectors (required with an Embedder): a
	// different model never sees another model's vectors.
	EmbedModel string
	// EmbedBatch is the number of texts per Embed call. Default 32.
	EmbedBatch int
	// Graph tunes the knowledge graph's walk.
	Graph GraphOptions
	// Logger receives what memory does; nil discards it.
	Logger *slog.Logger
}

// Memory ties aios's memory layers together: it indexes files into the
// store, the sparse index, the knowledge graph and the vector store, and
// retrieves context from them. It is safe for concurrent use.
type Memory struct {
	log      *slog.Logger
	st       *store.Store
	embedder Embedder
	model    string
	quant    vector.Quantization
	sparse   *Sparse
	graph    *Graph
	feedback *feedbackIndex
	queue    *embedQueue // nil without an Embedder

	// writeMu serialises the writers: IndexFiles, RemoveFile, Snapshot and
	// Close. It is taken before mu.
	writeMu sync.Mutex
	// snapValid reports that the stored snapshot matches memory's state;
	// written with writeMu held.
	snapValid atomic.Bool

	mu     sync.RWMutex
	chunks map[string]*chunkMeta   // chunk ID → chunk
	files  map[string][]*chunkMeta // path → its chunks, in order
	vec    vector.Store            // nil until vectors exist
	closed bool

	graphReady    chan struct{} // closed once the graph is loaded (see loadGraph)
	loaded        chan struct{} // closed once loadGraph is done and writers may run
	graphComplete atomic.Bool   // the loader finished: the graph can be saved
}

// Open returns the memory of the workspace whose store is opts.Store,
// loading its indexes from the store: from the snapshot Close wrote when
// it is current, otherwise by rebuilding them from the stored chunks and
// facts. Chunks without a current vector are embedded in the background.
func Open(opts Options) (*Memory, error) {
	switch {
	case opts.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrInvalidOptions)
	case opts.Embedder != nil && opts.EmbedModel == "":
		return nil, fmt.Errorf("%w: an Embedder needs an EmbedModel to key its vectors", ErrInvalidOptions)
	case opts.Embedder == nil && opts.EmbedModel != "":
		return nil, fmt.Errorf("%w: EmbedModel %q without an Embedder", ErrInvalidOptions, opts.EmbedModel)
	case opts.EmbedBatch < 0:
		return nil, fmt.Errorf("%w: EmbedBatch %d", ErrInvalidOptions, opts.EmbedBatch)
	}
	g, err := NewGraph(opts.Graph)
	if err != nil {
		return nil, err
	}
	m := &Memory{
		log:      opts.Logger,
		st:       opts.Store,
		embedder: opts.Embedder,
		model:    opts.EmbedModel,
		quant:    quantization(opts.Quantization),
		sparse:   NewSparse(),
		graph:    g,
		feedback: newFeedbackIndex(),
		chunks:   map[string]*chunkMeta{},
		files:    map[string][]*chunkMeta{},
		vec:      opts.Vector,

		graphReady: make(chan struct{}),
		loaded:     make(chan struct{}),
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if err := m.load(); err != nil {
		return nil, err
	}
	if m.embedder != nil {
		batch := opts.EmbedBatch
		if batch == 0 {
			batch = 32
		}
		m.queue = newEmbedQueue(m, batch)
	}
	return m, nil
}

// Graph returns the knowledge graph, for Neighbors, PageRank and RepoMap.
// After Open it fills in the background; GraphReady tells when it is done.
func (m *Memory) Graph() *Graph { return m.graph }

// GraphReady returns a channel closed once the knowledge graph has been
// loaded from the store after Open.
func (m *Memory) GraphReady() <-chan struct{} { return m.graphReady }

func (m *Memory) graphLoaded() bool {
	select {
	case <-m.graphReady:
		return true
	default:
		return false
	}
}

// Sparse returns the sparse index over the chunks.
func (m *Memory) Sparse() *Sparse { return m.sparse }

// Len returns the number of chunks indexed.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.chunks)
}

// Stats describes what memory holds.
type Stats struct {
	Files, Chunks   int
	Vectors         int // chunk vectors in the vector store
	PendingEmbeds   int // chunks waiting for a vector
	Nodes, Edges    int // of the knowledge graph
	Feedback        int
	SnapshotCurrent bool // the stored snapshot matches memory (a reopen will be fast)
}

// Stats returns counts of what memory holds.
func (m *Memory) Stats() Stats {
	var s Stats
	s.SnapshotCurrent = m.snapValid.Load()
	m.mu.RLock()
	s.Files, s.Chunks = len(m.files), len(m.chunks)
	if m.vec != nil {
		s.Vectors = m.vec.Len()
	}
	m.mu.RUnlock()
	if m.queue != nil {
		s.PendingEmbeds = m.queue.len()
	}
	s.Nodes, s.Edges = m.graph.Len()
	s.Feedback = m.feedback.len()
	return s
}

// Flush waits until the background work is done: the knowledge graph is
// loaded (and its facts attached, so that writers no longer wait) and every chunk indexed so far has its vector. It returns early
// when an embedding attempt fails (the error wraps ErrEmbedding; the
// chunks stay queued and are retried later) or ctx ends.
func (m *Memory) Flush(ctx context.Context) error {
	if err := m.checkOpen(); err != nil {
		return err
	}
	select {
	case <-m.loaded:
	case <-ctx.Done():
		return ctx.Err()
	}
	if m.queue == nil {
		return nil
	}
	return m.queue.flush(ctx)
}

// Close stops background embedding and writes the index snapshot that
// makes the next Open fast. It does not close the store. Later calls
// return ErrClosed.
func (m *Memory) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return fmt.Errorf("memory: close: %w", ErrClosed)
	}
	m.closed = true
	m.mu.Unlock()
	if m.queue != nil {
		m.queue.stop()
	}
	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	if m.snapValid.Load() || m.st.ReadOnly() || !m.graphComplete.Load() {
		return nil // current already, impossible, or the graph is incomplete
	}
	if err := m.writeSnapshot(); err != nil {
		return fmt.Errorf("memory: close: %w", err)
	}
	return nil
}

func (m *Memory) checkOpen() error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return ErrClosed
	}
	return nil
}

func quantization(q *vector.Quantization) vector.Quantization {
	if q == nil {
		return vector.Recommended()
	}
	return *q
}
