package agents

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// DeliverFunc is a node's receive path: it verifies msg, hands it to its
// receiver and returns the signed reply (nil when there is none).
type DeliverFunc func(ctx context.Context, msg *Message) (*Message, error)

// Transport carries messages between the Buses of the nodes that host the
// agents. The Bus signs and verifies; a Transport only moves envelopes, so
// agents never see which one is in use.
type Transport interface {
	// Serve installs the local node's receive path. It is called once, by
	// NewBus.
	Serve(deliver DeliverFunc) error
	// Send carries msg to the node hosting msg.Receiver and returns the
	// receiver's reply. With oneway set, Send returns once msg is handed
	// off and the reply, if any, is dropped.
	Send(ctx context.Context, msg *Message, oneway bool) (*Message, error)
	// Close releases the transport; later Sends fail with ErrClosed.
	Close() error
}

// ErrClosed is returned by a closed Transport or Bus.
var ErrClosed = errors.New("bus closed")

// InProc is the in-process Transport: Send calls the receive path on the
// caller's goroutine (one-way messages on a new goroutine) and passes the
// *Message itself, so content of any size moves without a copy.
type InProc struct {
	mu      sync.RWMutex // guards the fields below
	deliver DeliverFunc
	closed  bool
	wg      sync.WaitGroup // one-way deliveries in flight
}

// NewInProc returns an in-process transport.
func NewInProc() *InProc { return &InProc{} }

// Serve implements Transport.
func (t *InProc) Serve(deliver DeliverFunc) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.deliver != nil {
		return fmt.Errorf("inproc transport: already serving")
	}
	t.deliver = deliver
	return nil
}

// Send implements Transport.
func (t *InProc) Send(ctx context.Context, msg *Message, oneway bool) (*Message, error) {
	t.mu.RLock()
	deliver, closed := t.deliver, t.closed
	if oneway && !closed {
		t.wg.Add(1)
	}
	t.mu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	if deliver == nil {
		return nil, fmt.Errorf("inproc transport: no receiver installed")
	}
	if oneway {
		go func() {
			defer t.wg.Done()
			_, _ = deliver(context.WithoutCancel(ctx), msg)
		}()
		return nil, nil
	}
	return deliver(ctx, msg)
}

// Close implements Transport. It waits for one-way deliveries in flight.
func (t *InProc) Close() error {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	t.wg.Wait()
	return nil
}
