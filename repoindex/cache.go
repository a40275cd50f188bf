package repoindex

import (
	"container/list"
	"sync"
)

// recordCache keeps the syntax records (blobs bucket values) of recent
// buffer contents in memory: a buffer's blob changes with every edit, so
// its syntax is not written to the store; when the same content reaches
// the disk, the record is stored from here without parsing again.
type recordCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List // front: most recent
	items map[synKey]*list.Element
}

type cacheItem struct {
	key synKey
	rec []byte
}

func newRecordCache(max int) *recordCache {
	return &recordCache{max: max, ll: list.New(), items: map[synKey]*list.Element{}}
}

func (c *recordCache) get(b synKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[b]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*cacheItem).rec, true
	}
	return nil, false
}

func (c *recordCache) put(b synKey, rec []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[b]; ok {
		c.ll.MoveToFront(el)
		return
	}
	c.items[b] = c.ll.PushFront(&cacheItem{key: b, rec: rec})
	for c.ll.Len() > c.max {
		el := c.ll.Back()
		c.ll.Remove(el)
		delete(c.items, el.Value.(*cacheItem).key)
	}
}
