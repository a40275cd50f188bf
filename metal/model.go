package metal

import (
	"fmt"
	"log/slog"
	"sync"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// ModelOptions configures Open. The zero value of each field selects its
// documented default; Open validates the rest.
type ModelOptions struct {
	// Path of the GGUF model file (required).
	Path string
	// Library says where the llama.cpp libraries are (cmd/aios passes
	// $AIOS_LLAMA_LIB as Library.Dir).
	Library LibraryOptions
	// ContextSize is the context window of each request in tokens (prompt
	// plus output). Default: the model's trained context, at most 4096.
	// llama.cpp rounds it up to a multiple of 256; ContextSize() reports
	// the window in force.
	ContextSize int
	// Threads computes single-token steps; ThreadsBatch computes steps
	// of several tokens (prompts, several slots at once), as in llama.cpp.
	// Default: one per physical core (ThreadsBatch: Threads). See
	// ThreadPolicy for how they adapt to a busy machine.
	Threads, ThreadsBatch int
	// ThreadPolicy: ThreadsAdaptive (default) or ThreadsFixed.
	ThreadPolicy ThreadPolicy
	// BatchSize is the most tokens one llama_decode evaluates (the
	// prompt is evaluated in chunks of this size) and the longest text
	// Embed accepts. Default 512; at least Slots.
	BatchSize int
	// Embeddings enables Embed (pooled per the model's pooling type, mean
	// when it has none).
	Embeddings bool
	// TruncateEmbeddings makes Embed keep the first BatchSize tokens of a
	// longer text (as Ollama's /api/embed does by default) instead of
	// failing with ErrContextOverflow.
	TruncateEmbeddings bool
	// Slots is the number of requests generated concurrently (llama.cpp
	// sequences of the one context). Default 2.
	Slots int
	// QueueDepth is the number of requests that may wait for a slot;
	// beyond Slots+QueueDepth, Generate and Embed fail with ErrBusy.
	// Default 8; negative: no queue.
	QueueDepth int
	// Logger receives metal's and llama.cpp's logs. Nil: discarded.
	Logger *slog.Logger
}

// ModelInfo describes an open model.
type ModelInfo struct {
	Path            string
	Architecture    string
	Name            string
	Description     string // llama_model_desc, e.g. "llama ?B all F32"
	Params          uint64
	SizeBytes       uint64
	TrainedContext  int
	ContextSize     int // per request
	EmbeddingLength int
	Layers          int
	VocabSize       int
	ChatTemplate    string // "" when the model has none (see Generate)
	Slots           int
	QueueDepth      int
	Threads         int
	ThreadsBatch    int
	ThreadPolicy    ThreadPolicy
	BatchSize       int
	Embeddings      bool
	PoolingType     string // for Embeddings: mean, cls, last, rank
	GGUF            *GGUFInfo
	Library         LibraryInfo
}

// Model is an open model, safe for concurrent use. Close it when done.
type Model struct {
	opts ModelOptions
	info ModelInfo
	log  *slog.Logger

	// life guards the native model and vocabulary against Close: calls
	// that use them hold the read side; Close takes the write side.
	life   sync.RWMutex
	lmodel llama.Model
	vocab  llama.Vocab
	eng    *engine

	// mu guards the fields below it.
	mu       sync.Mutex
	closed   bool
	inflight int    // admitted requests (running or queued), <= Slots+QueueDepth
	incoming []*job // submitted, not yet taken by the engine
	adapter  adapterCfg
	adapters []*Adapter

	// testHookDecode, set only by tests before any request, runs on the
	// engine goroutine just before a decode that can be aborted.
	testHookDecode func(promptTokens int)
}

func (o *ModelOptions) normalize(g *GGUFInfo) error {
	if o.Slots == 0 {
		o.Slots = 2
	}
	if o.Slots < 1 || o.Slots > 64 {
		return fmt.Errorf("%w: Slots is %d, want 1 to 64", ErrBadRequest, o.Slots)
	}
	switch {
	case o.QueueDepth == 0:
		o.QueueDepth = 8
	case o.QueueDepth < 0:
		o.QueueDepth = 0
	}
	if o.BatchSize == 0 {
		o.BatchSize = 512
	}
	if o.BatchSize < o.Slots {
		return fmt.Errorf("%w: BatchSize is %d, want at least Slots (%d): every step carries one token per slot", ErrBadRequest, o.BatchSize, o.Slots)
	}
	if o.Threads == 0 {
		o.Threads = int(llama.Threads())
	}
	if o.ThreadsBatch == 0 {
		o.ThreadsBatch = o.Threads
	}
	if o.Threads < 1 || o.ThreadsBatch < 1 || o.Threads > 512 || o.ThreadsBatch > 512 {
		return fmt.Errorf("%w: Threads %d and ThreadsBatch %d must be 1 to 512", ErrBadRequest, o.Threads, o.ThreadsBatch)
	}
	if o.ThreadPolicy != ThreadsAdaptive && o.ThreadPolicy != ThreadsFixed {
		return fmt.Errorf("%w: unknown ThreadPolicy %d", ErrBadRequest, o.ThreadPolicy)
	}
	if o.ContextSize == 0 {
		o.ContextSize = 4096
		if g.ContextLength > 0 && g.ContextLength < 4096 {
			o.ContextSize = int(g.ContextLength)
		}
	}
	if o.ContextSize < 8 || o.ContextSize > 1<<20 {
		return fmt.Errorf("%w: ContextSize is %d, want 8 to %d", ErrBadRequest, o.ContextSize, 1<<20)
	}
	return nil
}

// Open loads the model at opts.Path (after ValidateGGUF) and starts its
// engine. It loads the llama.cpp libraries first if needed.
func Open(opts ModelOptions) (*Model, error) {
	if opts.Logger != nil {
		setLogSink(opts.Logger)
	}
	g, err := checkModelFile(opts.Path)
	if err != nil {
		return nil, err
	}
	if err := opts.normalize(g); err != nil {
		return nil, err
	}
	libInfo, err := Load(opts.Library)
	if err != nil {
		return nil, err
	}
	m := &Model{opts: opts, log: opts.Logger}
	if m.log == nil {
		m.log = discard
	}
	mp := llama.ModelDefaultParams()
	lm, err := llama.ModelLoadFromFile(opts.Path, mp)
	if err != nil {
		return nil, fmt.Errorf("%w: llama.cpp could not load %s (its log, at debug level, says why): %v", ErrInvalidModel, opts.Path, err)
	}
	m.lmodel, m.vocab = lm, llama.ModelGetVocab(lm)
	m.info = ModelInfo{
		Path: opts.Path, Architecture: g.Architecture, Name: g.Name,
		Description: llama.ModelDesc(lm), Params: llama.ModelNParams(lm), SizeBytes: llama.ModelSize(lm),
		TrainedContext: int(llama.ModelNCtxTrain(lm)), EmbeddingLength: int(llama.ModelNEmbd(lm)),
		Layers: int(llama.ModelNLayer(lm)), VocabSize: int(llama.VocabNTokens(m.vocab)),
		ChatTemplate: llama.ModelChatTemplate(lm, ""),
		Slots:        opts.Slots, QueueDepth: opts.QueueDepth, Threads: opts.Threads, ThreadsBatch: opts.ThreadsBatch,
		ThreadPolicy: opts.ThreadPolicy, BatchSize: opts.BatchSize, Embeddings: opts.Embeddings,
		GGUF: g, Library: libInfo,
	}
	eng, err := newEngine(m)
	if err != nil {
		llama.ModelFree(lm)
		return nil, err
	}
	m.eng = eng
	m.info.ContextSize = eng.nCtxSeq
	m.info.PoolingType = eng.poolingName()
	go eng.run()
	m.log.Info("model open", "path", opts.Path, "arch", g.Architecture, "params", m.info.Params,
		"context", m.info.ContextSize, "slots", opts.Slots, "threads", opts.Threads, "threadsBatch", opts.ThreadsBatch)
	return m, nil
}

// Info describes the model.
func (m *Model) Info() ModelInfo { return m.info }

// ContextSize is the context window of one request, in tokens.
func (m *Model) ContextSize() int { return m.info.ContextSize }

// TrainedContext is the context length the model was trained with.
func (m *Model) TrainedContext() int { return m.info.TrainedContext }

// Close stops the engine and frees the model. Requests in flight fail with
// ErrClosed; a long prompt evaluation is aborted. Close waits for the
// engine to stop and is safe to call more than once.
func (m *Model) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()
	m.eng.stop()
	m.life.Lock()
	llama.ModelFree(m.lmodel)
	m.lmodel, m.vocab = 0, 0
	m.life.Unlock()
	m.log.Info("model closed", "path", m.opts.Path)
	return nil
}

// acquire takes the read side of life for a call that uses the native
// model; it fails once the model is closed.
func (m *Model) acquire() error {
	m.life.RLock()
	if m.lmodel == 0 {
		m.life.RUnlock()
		return ErrClosed
	}
	return nil
}

func (m *Model) release() { m.life.RUnlock() }

// admit reserves a place for a request, or fails with ErrBusy or ErrClosed.
func (m *Model) admit() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if limit := m.opts.Slots + m.opts.QueueDepth; m.inflight >= limit {
		return fmt.Errorf("%w: %d running or queued (%d slots, queue %d)", ErrBusy, m.inflight, m.opts.Slots, m.opts.QueueDepth)
	}
	m.inflight++
	return nil
}

// leave gives back the place taken by admit.
func (m *Model) leave() {
	m.mu.Lock()
	m.inflight--
	m.mu.Unlock()
}

// submit hands an admitted job to the engine.
func (m *Model) submit(j *job) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	j.adapter = m.adapter
	m.incoming = append(m.incoming, j)
	m.mu.Unlock()
	m.eng.wakeup()
	return nil
}

// takeIncoming returns the jobs submitted since the last call.
func (m *Model) takeIncoming() []*job {
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.incoming
	m.incoming = nil
	return in
}
