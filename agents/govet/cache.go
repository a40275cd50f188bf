package govet

import (
	"container/list"
	"errors"
)

// pkgResult is the cached outcome of analysing one package variant.
// It is immutable once stored.
type pkgResult struct {
	id       string
	findings []Finding
}

// lru is a least-recently-used map from cache keys to results. It is not
// safe for concurrent use; Engine.mu guards it.
type lru struct {
	max   int
	order *list.List // front = most recently used; values are *lruEntry
	items map[cacheKey]*list.Element
}

type lruEntry struct {
	key cacheKey
	res *pkgResult
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: make(map[cacheKey]*list.Element)}
}

func (c *lru) get(k cacheKey) (*pkgResult, bool) {
	el, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).res, true
}

func (c *lru) put(k cacheKey, res *pkgResult) {
	if el, ok := c.items[k]; ok {
		el.Value.(*lruEntry).res = res
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&lruEntry{key: k, res: res})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry).key)
	}
}

func (c *lru) len() int { return c.order.Len() }

// flight is an analysis in progress for one cache key. The owner completes
// it exactly once; waiters block on done and then read res and err.
type flight struct {
	done chan struct{}
	res  *pkgResult
	err  error
}

// errStale completes a flight whose owner found, after loading, that the
// package's key had changed; waiters retry with fresh keys.
var errStale = errors.New("govet: package changed during analysis")

type claimState int

const (
	claimHit  claimState = iota // result is in the cache
	claimOwn                    // caller must analyse and complete the flight
	claimWait                   // another request is analysing; wait on the flight
)

// claim looks k up in the cache and the in-flight table. On claimOwn it
// registers a new flight that the caller must complete.
func (e *Engine) claim(k cacheKey) (claimState, *pkgResult, *flight) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if res, ok := e.cache.get(k); ok {
		return claimHit, res, nil
	}
	if f, ok := e.flights[k]; ok {
		return claimWait, nil, f
	}
	f := &flight{done: make(chan struct{})}
	e.flights[k] = f
	return claimOwn, nil, f
}

// complete ends the flight for k, caching res on success.
func (e *Engine) complete(k cacheKey, f *flight, res *pkgResult, err error) {
	e.mu.Lock()
	if e.flights[k] == f {
		delete(e.flights, k)
	}
	if err == nil {
		e.cache.put(k, res)
	}
	e.mu.Unlock()
	f.res, f.err = res, err
	close(f.done)
}

// CacheLen returns the number of cached package results.
func (e *Engine) CacheLen() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cache.len()
}
