package metal

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// engine owns the llama.cpp context of a Model. One goroutine, locked to
// its OS thread (ggml's thread 0 for every decode), runs it; nothing else
// touches the context. Each step it takes new jobs, drops cancelled ones,
// gives waiting jobs free slots, and decodes one batch holding the next
// token of every generating slot plus prompt chunks of starting slots.
//
// One context with a sequence per slot, rather than a context per slot,
// keeps all compute in one ggml thread pool: separate contexts decoding at
// once would put 2x the threads on the cores and starve ggml's spinning
// barriers (see ThreadPolicy), and concurrent slots share each step's
// weight reads.
type engine struct {
	m       *Model
	lctx    llama.Context
	mem     llama.Memory
	batch   llama.Batch
	nBatch  int
	nCtxSeq int
	slots   []*slot
	pending []*job // admitted, waiting for a slot (generation) or a turn (embeddings)
	gov     *governor
	applied adapterCfg // adapters set on lctx

	embSeq  llama.SeqId // sequence used by Embed, -1 without Embeddings
	pooling llama.PoolingType
	nEmbd   int

	pool llama.Threadpool // persistent ggml thread pool, 0 if none

	abortHandle uintptr
	members     []*slot // slots in the batch being decoded (read by shouldAbort)
	embedJob    *job    // embedding job being decoded

	step    uint64
	pieceBf []byte

	callMu sync.Mutex
	calls  []engineCall // functions to run on the engine goroutine

	wake chan struct{} // capacity 1
	quit chan struct{}
	done chan struct{}
}

func newEngine(m *Model) (*engine, error) {
	o := m.opts
	nSeq := o.Slots
	e := &engine{m: m, embSeq: -1, nBatch: o.BatchSize, pieceBf: make([]byte, 256),
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	cp := llama.ContextDefaultParams()
	if o.Embeddings {
		e.embSeq = llama.SeqId(o.Slots)
		nSeq++
		e.pooling = poolingOf(m.info.GGUF)
		cp.PoolingType = e.pooling
	}
	cp.NCtx = uint32(o.ContextSize * nSeq)
	cp.NSeqMax = uint32(nSeq)
	cp.NBatch = uint32(o.BatchSize)
	cp.NUbatch = uint32(o.BatchSize)
	cp.NThreads = int32(o.Threads)
	cp.NThreadsBatch = int32(o.ThreadsBatch)
	cp.KVUnified = 0 // one KV stream per sequence: each request gets the whole window
	cp.NoPerf = 1
	lctx, err := llama.InitFromModel(m.lmodel, cp)
	if err != nil {
		return nil, fmt.Errorf("%w: llama.cpp could not create a context of %d x %d tokens for %s: %v",
			ErrInvalidModel, nSeq, o.ContextSize, o.Path, err)
	}
	e.lctx = lctx
	e.mem, _ = llama.GetMemory(lctx)
	e.nCtxSeq = int(llama.NCtxSeq(lctx))
	e.nEmbd = int(llama.ModelNEmbd(m.lmodel))
	e.batch = llama.BatchInit(int32(o.BatchSize), 0, 1)
	for i := 0; i < o.Slots; i++ {
		e.slots = append(e.slots, &slot{seq: llama.SeqId(i), logitIdx: -1})
	}
	e.gov = newGovernor(o.ThreadPolicy, o.Threads, o.ThreadsBatch)
	e.gov.onSwitch = func(threads int, starved bool, probe, usual float64) {
		m.log.Debug("thread policy: generation switches threads", "threads", threads, "starved", starved,
			"probeStep", time.Duration(probe*float64(time.Second)), "otherStep", time.Duration(usual*float64(time.Second)))
	}
	e.abortHandle = registerAborter(e.shouldAbort)
	return e, nil
}

// poolingOf reads the model's pooling type; none or unknown becomes mean.
func poolingOf(g *GGUFInfo) llama.PoolingType {
	for _, kv := range g.Metadata {
		if kv.Key == g.Architecture+".pooling_type" {
			if v, ok := kv.Value.(uint32); ok && v >= 1 && v <= 4 {
				return llama.PoolingType(v)
			}
		}
	}
	return llama.PoolingTypeMean
}

func (e *engine) poolingName() string {
	if e.embSeq < 0 {
		return ""
	}
	return [...]string{"none", "mean", "cls", "last", "rank"}[e.pooling]
}

func (e *engine) wakeup() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// stop ends the engine and waits for it: jobs in flight fail with
// ErrClosed, the context is freed.
func (e *engine) stop() {
	close(e.quit)
	<-e.done
}

func (e *engine) quitting() bool {
	select {
	case <-e.quit:
		return true
	default:
		return false
	}
}

// shouldAbort is ggml's abort callback (on this engine's goroutine, inside
// llama_decode): stop when the model closes or every job in the batch is
// cancelled.
func (e *engine) shouldAbort() bool {
	if e.quitting() {
		return true
	}
	if e.embedJob != nil {
		return e.embedJob.cancelled.Load()
	}
	for _, s := range e.members {
		if s.j != nil && !s.j.cancelled.Load() {
			return false
		}
	}
	return true
}

func (e *engine) run() {
	// Every decode runs on this one OS thread, ggml's thread 0. Unlock
	// before the goroutine ends: a locked goroutine that ends takes its
	// thread with it, and a thread that ran llama.cpp exiting under
	// runtime/cgo crashed the process at thread exit in about 1 run in 5.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer e.shutdown()
	e.attachPool()
	e.warmup()
	for !e.quitting() {
		e.runCalls()
		e.intake()
		e.reap()
		e.schedule()
		if e.quitting() {
			return
		}
		if !e.busy() {
			select {
			case <-e.wake:
			case <-e.quit:
			}
			continue
		}
		e.decodeStep()
	}
}

// intake moves submitted jobs to pending and drops cancelled ones.
func (e *engine) intake() {
	e.pending = append(e.pending, e.m.takeIncoming()...)
	kept := e.pending[:0]
	for _, j := range e.pending {
		if j.cancelled.Load() {
			j.finish(GenerateResult{}, nil, errCancelled)
			continue
		}
		kept = append(kept, j)
	}
	clear(e.pending[len(kept):])
	e.pending = kept
}

// reap frees the slots of cancelled jobs.
func (e *engine) reap() {
	for _, s := range e.slots {
		if s.j != nil && s.j.cancelled.Load() {
			e.release(s, errCancelled)
		}
	}
}

// schedule starts waiting jobs: embeddings run at once, generation jobs
// take free slots in arrival order.
func (e *engine) schedule() {
	kept := e.pending[:0]
	for _, j := range e.pending {
		if e.quitting() {
			kept = append(kept, j)
			continue
		}
		if j.embed {
			e.runEmbed(j)
			continue
		}
		if s := e.pickSlot(j); s != nil {
			e.start(s, j)
			continue
		}
		kept = append(kept, j)
	}
	clear(e.pending[len(kept):])
	e.pending = kept
}

func (e *engine) busy() bool {
	for _, s := range e.slots {
		if s.j != nil {
			return true
		}
	}
	return false
}

// decodeStep builds and decodes one batch and samples for every slot that
// produced logits.
func (e *engine) decodeStep() {
	e.step++
	group := e.pickGroup()
	e.applyAdapters(group)
	_ = e.batch.Clear()
	e.members = e.members[:0]
	promptTokens := 0
	for _, s := range e.slots {
		if s.j == nil || s.j.adapter != group || !s.hasNext {
			continue
		}
		s.logitIdx = e.batch.NTokens
		_ = e.batch.Add(s.next, llama.Pos(len(s.cache)), []llama.SeqId{s.seq}, true)
		s.inBatch = []llama.Token{s.next}
		s.lastStep = e.step
		e.members = append(e.members, s)
	}
	for _, s := range e.slots {
		budget := e.nBatch - int(e.batch.NTokens)
		if budget == 0 {
			break
		}
		if s.j == nil || s.j.adapter != group || s.hasNext {
			continue
		}
		from := len(s.cache)
		n := min(budget, len(s.prompt)-from)
		s.logitIdx = -1
		for k := 0; k < n; k++ {
			last := from+k == len(s.prompt)-1
			if last {
				s.logitIdx = e.batch.NTokens
			}
			_ = e.batch.Add(s.prompt[from+k], llama.Pos(from+k), []llama.SeqId{s.seq}, last)
		}
		s.inBatch = s.prompt[from : from+n]
		s.lastStep = e.step
		promptTokens += n
		e.members = append(e.members, s)
	}
	if len(e.members) == 0 {
		return
	}

	n := int(e.batch.NTokens)
	arm, gen, batch := e.gov.threads(n)
	llama.SetNThreads(e.lctx, int32(gen), int32(batch))
	armed := promptTokens >= abortMinTokens
	if armed {
		armAbort(e.lctx, e.abortHandle)
		if h := e.m.testHookDecode; h != nil {
			h(promptTokens)
		}
	}
	t0 := time.Now()
	ret, _ := llama.Decode(e.lctx, e.batch)
	d := time.Since(t0)
	if armed {
		disarmAbort(e.lctx)
	}
	members := e.members
	e.members = nil
	if ret != 0 {
		e.decodeFailed(members, ret)
		return
	}
	e.gov.observe(arm, n, d)
	now := time.Now()
	for _, s := range members {
		s.cache = append(s.cache, s.inBatch...)
		s.inBatch = nil
		if s.logitIdx < 0 {
			continue
		}
		e.sample(s, now)
	}
	e.members = members[:0]
}

// abortMinTokens: batches with at least this many prompt tokens may be
// aborted mid-way (the abort callback costs a call into Go per graph node;
// a single-token step is short enough to finish).
const abortMinTokens = 32

// decodeFailed rolls the KV cache of the batch's slots back to what they
// held before it. An abort (ret 2) is expected after a cancellation or
// Close; anything else fails the slots' jobs.
func (e *engine) decodeFailed(members []*slot, ret int32) {
	for _, s := range members {
		_, _ = llama.MemorySeqRm(e.mem, s.seq, llama.Pos(len(s.cache)), -1)
		s.inBatch = nil
		if ret == 2 {
			continue // aborted: reap or shutdown frees the slots
		}
		e.release(s, fmt.Errorf("%w (code %d) on a batch of %d tokens", errDecode, ret, e.batch.NTokens))
	}
}

// sample picks the next token of s from the logits at s.logitIdx and hands
// the text on.
func (e *engine) sample(s *slot, now time.Time) {
	j := s.j
	tok := llama.SamplerSample(s.smpl, e.lctx, s.logitIdx)
	s.logitIdx = -1
	if s.nOut == 0 {
		s.tFirst = now
	}
	s.tLast = now
	if !j.ignoreEOS && llama.VocabIsEOG(e.m.vocab, tok) {
		e.emit(s, s.filter.flush())
		e.complete(s, FinishStop)
		return
	}
	s.nOut++
	text, stopped := s.filter.push(e.piece(tok))
	e.emit(s, text)
	if stopped {
		e.complete(s, FinishStop)
		return
	}
	if s.nOut >= j.maxTokens {
		e.emit(s, s.filter.flush())
		e.complete(s, FinishLength)
		return
	}
	s.next, s.hasNext = tok, true
}

func (e *engine) emit(s *slot, text string) {
	if text == "" {
		return
	}
	s.text.WriteString(text)
	s.j.post(text)
}

// piece returns the bytes of a token (special tokens render as nothing).
func (e *engine) piece(tok llama.Token) []byte {
	n := llama.TokenToPiece(e.m.vocab, tok, e.pieceBf, 0, false)
	if n < 0 {
		e.pieceBf = make([]byte, -n)
		n = llama.TokenToPiece(e.m.vocab, tok, e.pieceBf, 0, false)
	}
	if n <= 0 {
		return nil
	}
	return e.pieceBf[:n]
}

// shutdown fails every job with ErrClosed and frees the native state.
func (e *engine) shutdown() {
	for _, s := range e.slots {
		if s.j != nil {
			e.release(s, ErrClosed)
		}
	}
	for _, j := range append(e.pending, e.m.takeIncoming()...) {
		j.finish(GenerateResult{}, nil, ErrClosed)
	}
	e.pending = nil
	unregisterAborter(e.abortHandle)
	_ = llama.BatchFree(e.batch)
	_ = llama.Free(e.lctx)
	e.lctx = 0
	if e.pool != 0 {
		llama.ThreadpoolFree(e.pool)
		e.pool = 0
	}
	close(e.done)
}

// warmup runs one token through the model, so that the first request does
// not pay for llama.cpp's first-use allocations, and lets the thread
// governor measure both thread counts.
func (e *engine) warmup() {
	bos := llama.VocabBOS(e.m.vocab)
	if bos < 0 {
		bos = 0
	}
	for i := 0; i < 5 && !e.quitting(); i++ {
		_ = e.batch.Clear()
		_ = e.batch.Add(bos, 0, []llama.SeqId{0}, true)
		arm, gen, batch := e.gov.threads(1)
		if i > 0 && e.gov.adaptive {
			arm = i % 2
			gen, batch = e.gov.gen[arm], e.gov.batch[arm]
		}
		llama.SetNThreads(e.lctx, int32(gen), int32(batch))
		t0 := time.Now()
		ret, _ := llama.Decode(e.lctx, e.batch)
		d := time.Since(t0)
		_, _ = llama.MemorySeqRm(e.mem, 0, -1, -1)
		if ret != 0 {
			return
		}
		if i > 0 {
			e.gov.record(arm, 1, d)
		}
	}
	e.gov.settle(1)
}

type engineCall struct {
	fn   func()
	done chan struct{}
}

// call runs fn on the engine goroutine, between steps, and waits for it.
// It fails with ErrClosed if the engine stops first.
func (e *engine) call(fn func()) error {
	c := engineCall{fn: fn, done: make(chan struct{})}
	e.callMu.Lock()
	e.calls = append(e.calls, c)
	e.callMu.Unlock()
	e.wakeup()
	select {
	case <-c.done:
		return nil
	case <-e.done:
		return ErrClosed
	}
}

func (e *engine) runCalls() {
	e.callMu.Lock()
	calls := e.calls
	e.calls = nil
	e.callMu.Unlock()
	for _, c := range calls {
		c.fn()
		close(c.done)
	}
}

// poolPoll is the poll level of the engine's ggml thread pool: how long
// (in units of 128K pause instructions) its workers spin for the next graph
// before they sleep on a condition variable. 0: they sleep at once. On
// stories260k (2 threads, tokens of 0.15 ms) poll 0 generated 5,300-6,400
// tok/s and used no CPU when idle; poll 50 (llama.cpp's default)
// 5,300-5,800 tok/s and burned 180 ms of CPU after every request.
const poolPoll = 0

// attachPool gives the context a persistent ggml thread pool. Without one,
// llama.cpp creates the worker threads for every graph (every token): that
// costs a thread start per token, and the kernel places each new worker
// afresh, sometimes on the core of thread 0, where the spinning barrier
// then stalls until the load balancer moves it (see metal/THREADS.md).
func (e *engine) attachPool() {
	n := max(e.m.opts.Threads, e.m.opts.ThreadsBatch)
	if n < 2 {
		return
	}
	p := llama.ThreadpoolParamsDefault(int32(n))
	p.Poll = uint32(poolPoll)
	pool, err := llama.ThreadpoolNew(&p)
	if err != nil {
		e.m.log.Warn("no persistent ggml thread pool; llama.cpp will make one per graph", "err", err)
		return
	}
	e.pool = pool
	llama.AttachThreadpool(e.lctx, uintptr(pool), uintptr(pool))
}
