package agents

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

// capture is a transport that records what a Bus sends and can replay or
// alter it before it reaches the receiving Bus.
type capture struct {
	deliver DeliverFunc
	tamper  func(*Message)
	last    *Message
}

func (c *capture) Serve(d DeliverFunc) error { c.deliver = d; return nil }
func (c *capture) Close() error              { return nil }
func (c *capture) Send(ctx context.Context, m *Message, oneway bool) (*Message, error) {
	cp := *m
	c.last = &cp
	if c.tamper != nil {
		c.tamper(m)
	}
	return c.deliver(ctx, m)
}

type testKernel struct {
	reg   *Registry
	bus   *Bus
	tr    *capture
	clock *clock
	calls atomic.Int64
}

func newTestKernel(t *testing.T) *testKernel {
	t.Helper()
	keys, err := NewKeyring(nil)
	if err != nil {
		t.Fatal(err)
	}
	k := &testKernel{reg: NewRegistry(keys), tr: &capture{}, clock: &clock{}}
	k.clock.t.Store(time.Now().UnixNano())
	k.reg.now = k.clock.now
	echo := AgentFunc(func(ctx context.Context, m *Message) (*Message, error) {
		k.calls.Add(1)
		return m.NewReply(Inform, append([]byte("echo:"), m.Content...)), nil
	})
	for _, a := range []struct {
		id   ID
		tier Tier
	}{{"macro/executor", Macro}, {"meso/echo", Meso}, {"meso/other", Meso}} {
		if err := k.reg.Register(a.id, a.tier, echo, CapabilitySpec{Name: Capability(a.id[5:]), Provides: "out"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.reg.RegisterMicroKind("file", func(res string) (Agent, error) { return echo, nil }); err != nil {
		t.Fatal(err)
	}
	k.bus, err = NewBus(BusOptions{Registry: k.reg, Transport: k.tr, Now: k.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (k *testKernel) port(t *testing.T, id ID) *Port {
	t.Helper()
	p, err := k.bus.Port(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRequestReplyIsSignedAndVerified(t *testing.T) {
	k := newTestKernel(t)
	p := k.port(t, "macro/executor")
	reply, err := p.Request(context.Background(), "meso/echo", "conv1", "test", []byte("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if string(reply.Content) != "echo:hi" || reply.Performative != Inform || reply.Sender != "meso/echo" || reply.InReplyTo != k.tr.last.ReplyWith {
		t.Fatalf("unexpected reply %v %q", reply, reply.Content)
	}
	if len(reply.Signature) == 0 || len(k.tr.last.Signature) == 0 {
		t.Fatal("messages were not signed")
	}
	st := k.bus.Stats()
	if st.Sent != 1 || st.Delivered != 1 || st.Replies != 1 || st.Rejected() != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestRejections(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(*Message)
		want   error
		count  func(Stats) uint64
	}{
		{"unsigned", func(m *Message) { m.Signature = nil }, ErrUnsigned, func(s Stats) uint64 { return s.Unsigned }},
		{"tampered content", func(m *Message) { m.Content = []byte("HI") }, ErrBadSignature, func(s Stats) uint64 { return s.BadSignature }},
		{"tampered receiver", func(m *Message) { m.Receiver = "meso/other" }, ErrBadSignature, func(s Stats) uint64 { return s.BadSignature }},
		{"tampered ontology", func(m *Message) { m.Ontology = "evil" }, ErrBadSignature, func(s Stats) uint64 { return s.BadSignature }},
		{"tampered signature", func(m *Message) { m.Signature = append([]byte(nil), m.Signature...); m.Signature[3] ^= 1 }, ErrBadSignature, func(s Stats) uint64 { return s.BadSignature }},
		{"forged sender", func(m *Message) { m.Sender = "meso/other" }, ErrBadSignature, func(s Stats) uint64 { return s.BadSignature }},
		{"unknown sender", func(m *Message) { m.Sender = "meso/ghost" }, ErrUnknownSender, func(s Stats) uint64 { return s.UnknownSender }},
		{"expired", func(m *Message) { m.ExpiresAt = m.IssuedAt - 1 }, ErrExpired, func(s Stats) uint64 { return s.Expired }},
		{"malformed", func(m *Message) { m.ID = "" }, ErrMalformed, func(s Stats) uint64 { return s.Malformed }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newTestKernel(t)
			k.tr.tamper = tt.tamper
			_, err := k.port(t, "macro/executor").Request(context.Background(), "meso/echo", "c", "test", []byte("hi"))
			if !errors.Is(err, ErrRejected) || !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if k.calls.Load() != 0 {
				t.Fatal("a rejected message reached its receiver")
			}
			if got := tt.count(k.bus.Stats()); got != 1 {
				t.Fatalf("counter = %d, want 1 (stats %+v)", got, k.bus.Stats())
			}
		})
	}
}

func TestReplayRejected(t *testing.T) {
	k := newTestKernel(t)
	if _, err := k.port(t, "macro/executor").Request(context.Background(), "meso/echo", "c", "test", []byte("once")); err != nil {
		t.Fatal(err)
	}
	replay := *k.tr.last
	_, err := k.tr.deliver(context.Background(), &replay)
	if !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay: err = %v", err)
	}
	if k.calls.Load() != 1 || k.bus.Stats().Replayed != 1 {
		t.Fatalf("calls=%d stats=%+v", k.calls.Load(), k.bus.Stats())
	}
}

func TestExpiredAfterTTL(t *testing.T) {
	k := newTestKernel(t)
	p := k.port(t, "macro/executor")
	k.tr.tamper = func(m *Message) { k.clock.advance(31 * time.Second) }
	_, err := p.Request(context.Background(), "meso/echo", "c", "test", nil)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("err = %v", err)
	}
}

func TestMacroCannotAddressMicro(t *testing.T) {
	k := newTestKernel(t)
	micro, err := k.reg.Micro("file", "/w/a.go")
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.port(t, "macro/executor").Request(context.Background(), micro, "c", "test", nil)
	if !errors.Is(err, ErrTierViolation) {
		t.Fatalf("macro→micro: err = %v", err)
	}
	// A meso agent aggregates its micro agents.
	reply, err := k.port(t, "meso/echo").Request(context.Background(), micro, "c", "test", []byte("x"))
	if err != nil || string(reply.Content) != "echo:x" {
		t.Fatalf("meso→micro: %v %v", reply, err)
	}
	if k.bus.Stats().TierViolations != 1 {
		t.Fatalf("stats %+v", k.bus.Stats())
	}
}

func TestFailureReplyBecomesReplyError(t *testing.T) {
	keys, _ := NewKeyring(nil)
	reg := NewRegistry(keys)
	_ = reg.Register("macro/executor", Macro, AgentFunc(func(context.Context, *Message) (*Message, error) { return nil, nil }))
	_ = reg.Register("meso/broken", Meso, AgentFunc(func(context.Context, *Message) (*Message, error) {
		return nil, errors.New("disk on fire")
	}))
	bus, err := NewBus(BusOptions{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	p, _ := bus.Port("macro/executor")
	reply, err := p.Request(context.Background(), "meso/broken", "c", "test", nil)
	var re *ReplyError
	if !errors.As(err, &re) || re.Performative != Failure || re.Reason != "disk on fire" || reply == nil {
		t.Fatalf("err = %v", err)
	}
}

func TestCancelMessageCancelsConversation(t *testing.T) {
	keys, _ := NewKeyring(nil)
	reg := NewRegistry(keys)
	started := make(chan struct{})
	_ = reg.Register("macro/executor", Macro, AgentFunc(func(context.Context, *Message) (*Message, error) { return nil, nil }))
	_ = reg.Register("meso/slow", Meso, AgentFunc(func(ctx context.Context, m *Message) (*Message, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}))
	bus, err := NewBus(BusOptions{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	p, _ := bus.Port("macro/executor")
	done := make(chan error, 1)
	go func() {
		_, err := p.Request(context.Background(), "meso/slow", "task-7", "test", nil)
		done <- err
	}()
	<-started
	if err := p.Post(context.Background(), &Message{Performative: Cancel, Receiver: "meso/slow", ConversationID: "task-7"}); err != nil {
		t.Fatal(err)
	}
	var re *ReplyError
	if err := <-done; !errors.As(err, &re) || re.Performative != Failure {
		t.Fatalf("err = %v", err)
	}
}

func TestPerformativeNames(t *testing.T) {
	for p := Request; p <= QueryRef; p++ {
		q, err := ParsePerformative(p.String())
		if err != nil || q != p {
			t.Fatalf("%v: %v %v", p, q, err)
		}
	}
	if _, err := ParsePerformative("shout"); err == nil {
		t.Fatal("unknown performative accepted")
	}
}

// BenchmarkRequestReply is one signed request and its signed reply through
// the in-process transport: two Ed25519 signatures and two verifications.
func BenchmarkRequestReply(b *testing.B) {
	keys, _ := NewKeyring(nil)
	reg := NewRegistry(keys)
	_ = reg.Register("macro/executor", Macro, AgentFunc(func(context.Context, *Message) (*Message, error) { return nil, nil }))
	_ = reg.Register("meso/nop", Meso, AgentFunc(func(_ context.Context, m *Message) (*Message, error) {
		return m.NewReply(Inform, nil), nil
	}))
	bus, err := NewBus(BusOptions{Registry: reg})
	if err != nil {
		b.Fatal(err)
	}
	p, _ := bus.Port("macro/executor")
	content := []byte(`{"task":"t1","step":"diagnose","inputs":{"document":{"path":"/w/a.go","version":3}}}`)
	ctx := context.Background()
	for b.Loop() {
		if _, err := p.Request(ctx, "meso/nop", "c", OntologyStep, content); err != nil {
			b.Fatal(err)
		}
	}
}
