package repoindex

// Subscribe registers fn to receive every non-empty Changes, in the order
// the updates were applied, on the updating goroutine, after the index
// reflects them. fn must not modify the Changes, and must not call
// Refresh, UpdateFiles or UpdateBuffer synchronously (hand the work to
// another goroutine); it may read the index. cancel stops delivery and
// may be called more than once.
func (ix *Index) Subscribe(fn func(*Changes)) (cancel func()) {
	ix.mu.Lock()
	id := ix.nextSub
	ix.nextSub++
	ix.subs[id] = fn
	ix.mu.Unlock()
	return func() {
		ix.mu.Lock()
		delete(ix.subs, id)
		ix.mu.Unlock()
	}
}

// publishLocked releases ix.mu (held for writing) and delivers ch to the
// subscribers. The caller holds bufMu, which keeps deliveries in the
// order of the updates.
func (ix *Index) publishLocked(ch *Changes) {
	if ch.Empty() {
		ix.mu.Unlock()
		return
	}
	subs := make([]func(*Changes), 0, len(ix.subs))
	for _, fn := range ix.subs {
		subs = append(subs, fn)
	}
	ix.mu.Unlock()
	for _, fn := range subs {
		fn(ch)
	}
}
