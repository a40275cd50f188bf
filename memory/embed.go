package memory

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Embedding runs in the background so that IndexFile never waits for a
// model. The queue is a set of pending chunk IDs, bounded by the number of
// chunks indexed (re-indexing a file replaces its pending chunks rather
// than adding to them), drained by one worker in batches. A failed batch
// goes back to the set and is retried after a backoff (1 s doubling to
// 5 min); the chunks stay searchable by the sparse and graph retrievers.
// At start the worker adds the chunks the store holds without a current
// vector (indexed while the embedder was failing or absent).
const (
	embedBackoffMin = time.Second
	embedBackoffMax = 5 * time.Minute
)

type pendingChunk struct {
	path, hash string
}

type embedQueue struct {
	m          *Memory
	batch      int
	backoffMin time.Duration // embedBackoffMin; tests shorten it

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{}

	mu       sync.Mutex
	pending  map[string]pendingChunk    // chunk ID → where and what
	byPath   map[string]map[string]bool // path → its pending chunk IDs
	busy     bool                       // a batch is being embedded, or the start-up scan runs
	lastErr  error                      // the last attempt's failure; nil after a success
	failures int                        // consecutive failures
	retryAt  time.Time                  // no attempt before
	changed  chan struct{}              // closed and replaced on every state change
}

func newEmbedQueue(m *Memory, batch int) *embedQueue {
	ctx, cancel := context.WithCancel(context.Background())
	q := &embedQueue{
		m: m, batch: batch, backoffMin: embedBackoffMin, ctx: ctx, cancel: cancel,
		done:    make(chan struct{}),
		wake:    make(chan struct{}, 1),
		pending: map[string]pendingChunk{},
		byPath:  map[string]map[string]bool{},
		changed: make(chan struct{}),
		busy:    true, // until the start-up scan is done
	}
	go q.run()
	return q
}

// notify wakes Flush callers. Called with q.mu held.
func (q *embedQueue) notify() {
	close(q.changed)
	q.changed = make(chan struct{})
}

func (q *embedQueue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *embedQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// add queues chunks for embedding.
func (q *embedQueue) add(chunks []*chunkMeta) {
	if len(chunks) == 0 {
		return
	}
	q.mu.Lock()
	for _, c := range chunks {
		q.put(c.id, pendingChunk{path: c.path, hash: c.hash})
	}
	q.notify()
	q.mu.Unlock()
	q.poke()
}

// forget drops chunks that no longer need a vector.
func (q *embedQueue) forget(ids []string) {
	if len(ids) == 0 {
		return
	}
	q.mu.Lock()
	for _, id := range ids {
		q.del(id)
	}
	q.notify()
	q.mu.Unlock()
}

// flush waits for an empty queue, a failed attempt or the end of ctx.
func (q *embedQueue) flush(ctx context.Context) error {
	q.mu.Lock()
	seen := q.failures
	for {
		switch {
		case len(q.pending) == 0 && !q.busy:
			q.mu.Unlock()
			return nil
		case q.lastErr != nil && !q.busy && (q.failures > seen || !q.retryAt.IsZero()):
			err := q.lastErr
			q.mu.Unlock()
			return fmt.Errorf("memory: flush: %d chunks still without a vector: %w", q.len(), err)
		}
		ch := q.changed
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-q.done:
			return fmt.Errorf("memory: flush: %w", ErrClosed)
		case <-ch:
		}
		q.mu.Lock()
	}
}

// stop ends the worker and waits for it.
func (q *embedQueue) stop() {
	q.cancel()
	<-q.done
}

func (q *embedQueue) run() {
	defer close(q.done)
	q.scanMissing()
	var timer *time.Timer
	for {
		q.mu.Lock()
		wait := time.Until(q.retryAt)
		q.mu.Unlock()
		if wait > 0 {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			select {
			case <-q.ctx.Done():
				return
			case <-timer.C:
			}
		}
		if !q.drain() {
			select {
			case <-q.ctx.Done():
				return
			case <-q.wake:
			}
		}
	}
}

// scanMissing queues the stored chunks without a current vector.
func (q *embedQueue) scanMissing() {
	missing, err := q.m.st.MissingEmbeddings(q.m.model)
	q.mu.Lock()
	defer q.mu.Unlock()
	q.busy = false
	defer q.notify()
	if err != nil {
		q.m.log.Warn("memory: listing chunks without vectors", "model", q.m.model, "err", err)
		return
	}
	for i := range missing {
		if _, ok := q.pending[missing[i].ID]; !ok {
			q.put(missing[i].ID, pendingChunk{path: missing[i].Path, hash: missing[i].Hash})
		}
	}
	if len(missing) > 0 {
		q.m.log.Info("memory: embedding chunks without vectors", "model", q.m.model, "chunks", len(missing))
	}
}

// drain embeds batches until the queue is empty (true) or an attempt
// fails or the queue stops (false: wait for a wake or the retry time).
func (q *embedQueue) drain() bool {
	for {
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.mu.Unlock()
			return false
		}
		batch := q.take()
		q.busy = true
		q.mu.Unlock()

		err := q.embed(batch)

		q.mu.Lock()
		q.busy = false
		if err != nil {
			for id, p := range batch {
				if _, ok := q.pending[id]; !ok {
					q.put(id, p)
				}
			}
			if errors.Is(err, context.Canceled) && q.ctx.Err() != nil {
				q.notify()
				q.mu.Unlock()
				return false
			}
			q.failures++
			q.lastErr = err
			backoff := min(embedBackoffMax, q.backoffMin<<min(q.failures-1, 20))
			q.retryAt = time.Now().Add(backoff)
			q.m.log.Warn("memory: embedding failed; chunks stay indexed sparsely", "chunks", len(batch),
				"retry_in", backoff, "err", err)
			q.notify()
			q.mu.Unlock()
			return true // run waits for retryAt
		}
		q.failures, q.lastErr, q.retryAt = 0, nil, time.Time{}
		q.notify()
		q.mu.Unlock()
	}
}

// put and del keep pending and byPath in step. Called with q.mu held.
func (q *embedQueue) put(id string, p pendingChunk) {
	if old, ok := q.pending[id]; ok && old.path != p.path {
		q.del(id)
	}
	q.pending[id] = p
	ids := q.byPath[p.path]
	if ids == nil {
		ids = map[string]bool{}
		q.byPath[p.path] = ids
	}
	ids[id] = true
}

func (q *embedQueue) del(id string) {
	p, ok := q.pending[id]
	if !ok {
		return
	}
	delete(q.pending, id)
	if ids := q.byPath[p.path]; ids != nil {
		delete(ids, id)
		if len(ids) == 0 {
			delete(q.byPath, p.path)
		}
	}
}

// take removes up to q.batch pending chunks, whole files first, so that
// each file's chunks are read from the store once. Called with q.mu held.
func (q *embedQueue) take() map[string]pendingChunk {
	out := make(map[string]pendingChunk, min(q.batch, len(q.pending)))
	for _, ids := range q.byPath {
		for id := range ids {
			if len(out) == q.batch {
				return out
			}
			out[id] = q.pending[id]
			q.del(id)
		}
	}
	return out
}
