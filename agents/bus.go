package agents

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Rejection reasons. A message rejected by a Bus never reaches its receiver;
// the sender gets an error wrapping ErrRejected and one of these.
var (
	ErrRejected      = errors.New("message rejected")
	ErrUnsigned      = errors.New("unsigned")
	ErrBadSignature  = errors.New("bad signature")
	ErrExpired       = errors.New("expired")
	ErrReplayed      = errors.New("replayed")
	ErrUnknownSender = errors.New("unknown sender")
	ErrTierViolation = errors.New("macro agents may not address micro agents")
	ErrMalformed     = errors.New("malformed envelope")
)

// BusOptions configure a Bus. They are validated by NewBus.
type BusOptions struct {
	Registry  *Registry // required
	Transport Transport // nil: a new InProc
	// TTL bounds how long a message stays valid (default 30s).
	TTL time.Duration
	// MaxSkew is how far in the future IssuedAt may lie (default 5s).
	MaxSkew time.Duration
	Logger  *slog.Logger
	// Now is the clock (default time.Now); tests inject one.
	Now func() time.Time
}

// Stats counts what a Bus did. Every rejection is counted under its reason.
type Stats struct {
	Sent, Delivered, Replies                                            uint64
	Unsigned, BadSignature, Expired, Replayed, UnknownSender, Malformed uint64
	TierViolations                                                      uint64
}

// Rejected returns the total number of rejected messages.
func (s Stats) Rejected() uint64 {
	return s.Unsigned + s.BadSignature + s.Expired + s.Replayed + s.UnknownSender + s.Malformed + s.TierViolations
}

// Bus signs, carries and verifies messages between agents. It is safe for
// concurrent use.
type Bus struct {
	reg    *Registry
	tr     Transport
	ttl    time.Duration
	skew   time.Duration
	log    *slog.Logger
	now    func() time.Time
	prefix string
	seq    atomic.Uint64
	replay replayCache

	sent, delivered, replies                                            atomic.Uint64
	unsigned, badSig, expired, replayed, unknownSender, malformed, tier atomic.Uint64

	mu       sync.Mutex // guards inflight
	inflight map[convKey]map[uint64]context.CancelFunc
}

type convKey struct {
	receiver ID
	conv     string
}

// NewBus returns a Bus over opts.Transport and installs its receive path.
func NewBus(opts BusOptions) (*Bus, error) {
	if opts.Registry == nil {
		return nil, errors.New("bus: a Registry is required")
	}
	if opts.TTL < 0 || opts.MaxSkew < 0 {
		return nil, errors.New("bus: TTL and MaxSkew must not be negative")
	}
	b := &Bus{
		reg:      opts.Registry,
		tr:       opts.Transport,
		ttl:      opts.TTL,
		skew:     opts.MaxSkew,
		log:      opts.Logger,
		now:      opts.Now,
		inflight: make(map[convKey]map[uint64]context.CancelFunc),
	}
	if b.tr == nil {
		b.tr = NewInProc()
	}
	if b.ttl == 0 {
		b.ttl = 30 * time.Second
	}
	if b.skew == 0 {
		b.skew = 5 * time.Second
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.now == nil {
		b.now = time.Now
	}
	var p [6]byte
	if _, err := rand.Read(p[:]); err != nil {
		return nil, fmt.Errorf("bus: %w", err)
	}
	b.prefix = hex.EncodeToString(p[:]) + "-"
	b.replay.init()
	if err := b.tr.Serve(b.deliver); err != nil {
		return nil, fmt.Errorf("bus: %w", err)
	}
	return b, nil
}

// Close closes the transport.
func (b *Bus) Close() error { return b.tr.Close() }

// Registry returns the registry the Bus resolves agents in.
func (b *Bus) Registry() *Registry { return b.reg }

// Stats returns a snapshot of the counters.
func (b *Bus) Stats() Stats {
	return Stats{
		Sent: b.sent.Load(), Delivered: b.delivered.Load(), Replies: b.replies.Load(),
		Unsigned: b.unsigned.Load(), BadSignature: b.badSig.Load(), Expired: b.expired.Load(),
		Replayed: b.replayed.Load(), UnknownSender: b.unknownSender.Load(), Malformed: b.malformed.Load(),
		TierViolations: b.tier.Load(),
	}
}

func (b *Bus) nextID() string {
	return b.prefix + strconv.FormatUint(b.seq.Add(1), 36)
}

// Port is an agent's handle on the Bus: everything sent through it is
// signed with that agent's key and carries its ID as sender.
type Port struct {
	bus *Bus
	id  ID
}

// Port returns the sending handle of agent id, which must be registered
// (micro agents are spawned if needed).
func (b *Bus) Port(id ID) (*Port, error) {
	if _, err := b.reg.resolve(id, true); err != nil {
		return nil, err
	}
	return &Port{bus: b, id: id}, nil
}

// ID returns the agent the port belongs to.
func (p *Port) ID() ID { return p.id }

// ReplyError is returned by Request when the receiver answered with
// failure, refuse or not-understood.
type ReplyError struct {
	From         ID
	Performative Performative
	Reason       string
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("%s answered %s: %s", e.From, e.Performative, e.Reason)
}

// Request sends a request in conversation conv to agent to and waits for
// its reply. A failure, refuse or not-understood reply is returned as a
// *ReplyError; the reply message is returned with it.
func (p *Port) Request(ctx context.Context, to ID, conv, ontology string, content []byte) (*Message, error) {
	return p.Send(ctx, &Message{Performative: Request, Receiver: to, ConversationID: conv, Ontology: ontology, Content: content})
}

// Send fills in msg's ID, sender and validity window, signs it, carries it
// to msg.Receiver and returns the verified reply. For a performative that
// takes no reply (inform, cancel, ...), Send returns nil, nil once the
// receiver has handled the message.
func (p *Port) Send(ctx context.Context, msg *Message) (*Message, error) {
	b := p.bus
	if err := p.stamp(ctx, msg); err != nil {
		return nil, err
	}
	if err := b.checkTiers(p.id, msg.Receiver); err != nil {
		return nil, err
	}
	b.sent.Add(1)
	reply, err := b.tr.Send(ctx, msg, false)
	if err != nil {
		return nil, err
	}
	if !expectsReply(msg.Performative) {
		return nil, nil
	}
	if reply == nil {
		return nil, fmt.Errorf("%s: no reply from %s", msg.Ontology, msg.Receiver)
	}
	if err := b.verify(reply); err != nil {
		return nil, fmt.Errorf("reply from %s: %w", msg.Receiver, err)
	}
	if reply.InReplyTo != msg.ReplyWith || reply.Sender != msg.Receiver || reply.Receiver != p.id {
		b.malformed.Add(1)
		return nil, fmt.Errorf("reply from %s does not answer %s: %w: %w", reply.Sender, msg.ID, ErrRejected, ErrMalformed)
	}
	b.replies.Add(1)
	switch reply.Performative {
	case Failure, Refuse, NotUnderstood:
		return reply, &ReplyError{From: reply.Sender, Performative: reply.Performative, Reason: string(reply.Content)}
	}
	return reply, nil
}

// Post sends msg one way: it returns once the message is handed to the
// transport. Use it for inform and cancel.
func (p *Port) Post(ctx context.Context, msg *Message) error {
	if err := p.stamp(ctx, msg); err != nil {
		return err
	}
	if err := p.bus.checkTiers(p.id, msg.Receiver); err != nil {
		return err
	}
	p.bus.sent.Add(1)
	_, err := p.bus.tr.Send(ctx, msg, true)
	return err
}

func (p *Port) stamp(ctx context.Context, msg *Message) error {
	b := p.bus
	if !msg.Performative.Valid() || msg.Receiver == "" {
		return fmt.Errorf("send %v to %q: %w", msg.Performative, msg.Receiver, ErrMalformed)
	}
	r, err := b.reg.resolve(p.id, false)
	if err != nil {
		return fmt.Errorf("sender %s: %w", p.id, err)
	}
	now := b.now()
	msg.ID = b.nextID()
	msg.Sender = p.id
	if msg.ReplyWith == "" {
		msg.ReplyWith = msg.ID
	}
	msg.IssuedAt = now.UnixNano()
	exp := now.Add(b.ttl)
	if d, ok := ctx.Deadline(); ok && d.Before(exp) {
		exp = d
	}
	msg.ExpiresAt = exp.UnixNano()
	r.keys.Sign(msg)
	return nil
}

func (b *Bus) checkTiers(from, to ID) error {
	if _, _, toMicro := ParseMicroID(to); !toMicro {
		return nil
	}
	if info, ok := b.reg.Lookup(from); ok && info.Tier == Macro {
		b.tier.Add(1)
		return fmt.Errorf("%s → %s: %w: %w", from, to, ErrRejected, ErrTierViolation)
	}
	return nil
}

// verify checks msg's signature, validity window and freshness, counting
// every rejection.
func (b *Bus) verify(msg *Message) error {
	reject := func(c *atomic.Uint64, reason error) error {
		c.Add(1)
		b.log.Warn("rejected message", "reason", reason, "msg", msg.String())
		return fmt.Errorf("%s from %s: %w: %w", msg.ID, msg.Sender, ErrRejected, reason)
	}
	if msg.ID == "" || msg.Sender == "" || !msg.Performative.Valid() {
		return reject(&b.malformed, ErrMalformed)
	}
	if len(msg.Signature) == 0 {
		return reject(&b.unsigned, ErrUnsigned)
	}
	now := b.now().UnixNano()
	if msg.ExpiresAt < now || msg.IssuedAt > now+int64(b.skew) || msg.ExpiresAt-msg.IssuedAt > int64(b.ttl+b.skew) {
		return reject(&b.expired, ErrExpired)
	}
	sender, err := b.reg.resolve(msg.Sender, false)
	if err != nil {
		return reject(&b.unknownSender, ErrUnknownSender)
	}
	if !sender.keys.Verify(msg) {
		return reject(&b.badSig, ErrBadSignature)
	}
	if !b.replay.add(msg.Sender, msg.ID, msg.ExpiresAt, now) {
		return reject(&b.replayed, ErrReplayed)
	}
	return nil
}

// deliver is the Bus's receive path, installed in the Transport.
func (b *Bus) deliver(ctx context.Context, msg *Message) (*Message, error) {
	if err := b.verify(msg); err != nil {
		return nil, err
	}
	if err := b.checkTiers(msg.Sender, msg.Receiver); err != nil {
		return nil, err
	}
	recv, err := b.reg.resolve(msg.Receiver, true)
	if err != nil {
		return nil, fmt.Errorf("deliver %s: %w", msg.ID, err)
	}
	b.delivered.Add(1)
	key := convKey{msg.Receiver, msg.ConversationID}
	if msg.Performative == Cancel {
		b.cancelConversation(key)
		return nil, nil
	}
	if recv.micro != nil {
		recv.micro.inflight.Add(1)
		defer func() {
			recv.micro.lastUsed.Store(b.now().UnixNano())
			recv.micro.inflight.Add(-1)
		}()
	}
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	slot := b.track(key, cancel)
	defer b.untrack(key, slot)

	reply, herr := recv.agent.HandleMessage(hctx, msg)
	if !expectsReply(msg.Performative) {
		if herr != nil {
			b.log.Warn("agent failed on one-way message", "agent", msg.Receiver, "msg", msg.String(), "err", herr)
		}
		return nil, nil // no reply travels for one-way performatives
	}
	switch {
	case herr != nil:
		reply = msg.NewReply(Failure, []byte(herr.Error()))
	case reply == nil:
		reply = msg.NewReply(Agree, nil)
	}
	// The reply always comes from the receiver and answers msg.
	reply.Sender, reply.Receiver = msg.Receiver, msg.Sender
	reply.InReplyTo, reply.ConversationID = msg.ReplyWith, msg.ConversationID
	now := b.now()
	reply.ID = b.nextID()
	reply.IssuedAt = now.UnixNano()
	reply.ExpiresAt = now.Add(b.ttl).UnixNano()
	recv.keys.Sign(reply)
	return reply, nil
}

func (b *Bus) track(key convKey, cancel context.CancelFunc) uint64 {
	slot := b.seq.Add(1)
	b.mu.Lock()
	m := b.inflight[key]
	if m == nil {
		m = make(map[uint64]context.CancelFunc, 1)
		b.inflight[key] = m
	}
	m[slot] = cancel
	b.mu.Unlock()
	return slot
}

func (b *Bus) untrack(key convKey, slot uint64) {
	b.mu.Lock()
	if m := b.inflight[key]; m != nil {
		delete(m, slot)
		if len(m) == 0 {
			delete(b.inflight, key)
		}
	}
	b.mu.Unlock()
}

func (b *Bus) cancelConversation(key convKey) {
	b.mu.Lock()
	m := b.inflight[key]
	cancels := make([]context.CancelFunc, 0, len(m))
	for _, c := range m {
		cancels = append(cancels, c)
	}
	b.mu.Unlock()
	for _, c := range cancels {
		c()
	}
}

// replayCache remembers (sender, message ID) pairs until the message
// expires, so a message can be delivered only once.
type replayCache struct {
	shards [16]replayShard
}

type replayShard struct {
	mu     sync.Mutex // guards seen and adds
	seen   map[string]int64
	adds   int
	pruned int64
}

func (c *replayCache) init() {
	for i := range c.shards {
		c.shards[i].seen = make(map[string]int64)
	}
}

// add records the pair and reports whether it was new.
func (c *replayCache) add(sender ID, id string, expires, now int64) bool {
	key := string(sender) + "\x00" + id
	s := &c.shards[fnv32(key)%uint32(len(c.shards))]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.seen[key]; dup {
		return false
	}
	s.seen[key] = expires
	s.adds++
	if s.adds >= 4096 && now-s.pruned > int64(time.Second) {
		for k, exp := range s.seen {
			if exp < now {
				delete(s.seen, k)
			}
		}
		s.adds, s.pruned = 0, now
	}
	return true
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// expectsReply reports whether a message with performative p is answered.
func expectsReply(p Performative) bool {
	return p == Request || p == QueryRef || p == Propose
}
