package agents

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Tier is an agent's place in the three-tier taxonomy.
type Tier uint8

// The three tiers.
const (
	Macro Tier = iota + 1 // kernel agents: Interface, Planner, Executor, Critic, Memory
	Meso                  // capability agents: Diagnose, QuickFix, ...
	Micro                 // one per resource, spawned lazily, reaped when idle
)

func (t Tier) String() string {
	switch t {
	case Macro:
		return "macro"
	case Meso:
		return "meso"
	case Micro:
		return "micro"
	}
	return fmt.Sprintf("tier(%d)", uint8(t))
}

// Capability names something an agent can do for a plan step.
type Capability string

// CapabilitySpec declares a capability's inputs and output so that plans
// can be checked before they run.
type CapabilitySpec struct {
	Name     Capability
	Requires []string // named inputs a step needs (from the request or from predecessor steps)
	Optional []string // named inputs the step uses when present
	Provides string   // the name under which the step's output is available to its successors
	// Retryable reports whether a failure of this capability may be retried.
	Retryable bool
}

// Agent handles the messages addressed to it. It returns the reply (built
// with msg.NewReply), nil for no reply, or an error, which the Bus turns
// into a failure reply.
type Agent interface {
	HandleMessage(ctx context.Context, msg *Message) (*Message, error)
}

// AgentFunc adapts a function to Agent.
type AgentFunc func(ctx context.Context, msg *Message) (*Message, error)

// HandleMessage calls f.
func (f AgentFunc) HandleMessage(ctx context.Context, msg *Message) (*Message, error) {
	return f(ctx, msg)
}

// Info describes a registered agent.
type Info struct {
	ID           ID
	Tier         Tier
	Capabilities []Capability
	Kind         string // micro agents: the kind of resource agent
	Resource     string // micro agents: the resource they own
}

// MicroFactory builds the micro agent of one resource.
type MicroFactory func(resource string) (Agent, error)

// Registry errors.
var (
	ErrUnknownAgent = errors.New("unknown agent")
	ErrDuplicate    = errors.New("already registered")
	ErrBadID        = errors.New("malformed agent id")
)

const microShards = 64

// Registry holds every agent of a node: macro and meso agents registered by
// name with their capabilities, and micro agents per kind and resource,
// spawned on first use and reaped when idle. Lookups take a read lock on one
// of 64 shards; an idle micro agent costs a map slot, a small entry and
// whatever its factory allocated, with no goroutine and no key material.
type Registry struct {
	keys *Keyring
	now  func() time.Time
	seed maphash.Seed

	gen atomic.Uint64 // counts registrations, so that compiled plans can be cached

	mu    sync.RWMutex // guards the fields below
	named map[ID]*namedEntry
	caps  map[Capability]CapabilitySpec
	kinds map[string]*microKind
}

type namedEntry struct {
	info  Info
	agent Agent
	keys  *KeyPair
}

type microKind struct {
	name    string
	factory MicroFactory
	shards  [microShards]microShard
}

type microShard struct {
	mu sync.RWMutex // guards m
	m  map[string]*microEntry
}

type microEntry struct {
	agent    Agent
	lastUsed atomic.Int64 // Unix nanoseconds
	inflight atomic.Int32
	keys     atomic.Pointer[KeyPair]
}

// NewRegistry returns an empty registry whose agents' keys come from keys.
func NewRegistry(keys *Keyring) *Registry {
	return &Registry{
		keys:  keys,
		now:   time.Now,
		seed:  maphash.MakeSeed(),
		named: make(map[ID]*namedEntry),
		caps:  make(map[Capability]CapabilitySpec),
		kinds: make(map[string]*microKind),
	}
}

// Register adds a macro or meso agent under id, offering the given
// capabilities. A capability offered by several agents must be declared
// with the same spec.
func (r *Registry) Register(id ID, tier Tier, agent Agent, caps ...CapabilitySpec) error {
	if tier != Macro && tier != Meso {
		return fmt.Errorf("register %s: tier %s is registered with RegisterMicroKind", id, tier)
	}
	if id == "" || strings.HasPrefix(string(id), "micro/") || agent == nil {
		return fmt.Errorf("register %q: %w", id, ErrBadID)
	}
	kp, err := r.keys.Derive(id)
	if err != nil {
		return err
	}
	if err := kp.Expand(); err != nil {
		return fmt.Errorf("register %s: %w", id, err)
	}
	info := Info{ID: id, Tier: tier}
	for _, c := range caps {
		info.Capabilities = append(info.Capabilities, c.Name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.named[id]; ok {
		return fmt.Errorf("register %s: %w", id, ErrDuplicate)
	}
	for _, c := range caps {
		if old, ok := r.caps[c.Name]; ok && !sameSpec(old, c) {
			return fmt.Errorf("register %s: capability %s declared differently by another agent", id, c.Name)
		}
	}
	for _, c := range caps {
		r.caps[c.Name] = c
	}
	r.named[id] = &namedEntry{info: info, agent: agent, keys: kp}
	r.gen.Add(1)
	return nil
}

// Generation changes whenever an agent or capability is registered.
func (r *Registry) Generation() uint64 { return r.gen.Load() }

func sameSpec(a, b CapabilitySpec) bool {
	return a.Name == b.Name && a.Provides == b.Provides && a.Retryable == b.Retryable &&
		slices.Equal(a.Requires, b.Requires) && slices.Equal(a.Optional, b.Optional)
}

// RegisterMicroKind declares a kind of micro agent (for example "file") and
// the factory that spawns one for a resource.
func (r *Registry) RegisterMicroKind(kind string, factory MicroFactory) error {
	if kind == "" || strings.Contains(kind, "/") || factory == nil {
		return fmt.Errorf("register micro kind %q: %w", kind, ErrBadID)
	}
	k := &microKind{name: kind, factory: factory}
	for i := range k.shards {
		k.shards[i].m = make(map[string]*microEntry)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.kinds[kind]; ok {
		return fmt.Errorf("register micro kind %s: %w", kind, ErrDuplicate)
	}
	r.kinds[kind] = k
	return nil
}

// MicroID returns the ID of the micro agent of kind for resource.
func MicroID(kind, resource string) ID {
	return ID("micro/" + kind + "/" + resource)
}

// ParseMicroID splits a micro agent ID into its kind and resource.
func ParseMicroID(id ID) (kind, resource string, ok bool) {
	rest, ok := strings.CutPrefix(string(id), "micro/")
	if !ok {
		return "", "", false
	}
	kind, resource, ok = strings.Cut(rest, "/")
	if !ok || kind == "" || resource == "" {
		return "", "", false
	}
	return kind, resource, true
}

// Micro returns the ID of the micro agent of kind for resource, spawning it
// if it does not exist yet.
func (r *Registry) Micro(kind, resource string) (ID, error) {
	if _, err := r.micro(kind, resource, true); err != nil {
		return "", err
	}
	return MicroID(kind, resource), nil
}

func (r *Registry) kind(name string) *microKind {
	r.mu.RLock()
	k := r.kinds[name]
	r.mu.RUnlock()
	return k
}

func (r *Registry) shard(k *microKind, resource string) *microShard {
	return &k.shards[maphash.String(r.seed, resource)%microShards]
}

func (r *Registry) micro(kind, resource string, spawn bool) (*microEntry, error) {
	if resource == "" {
		return nil, fmt.Errorf("micro agent of kind %s: empty resource: %w", kind, ErrBadID)
	}
	k := r.kind(kind)
	if k == nil {
		return nil, fmt.Errorf("micro agent kind %q: %w", kind, ErrUnknownAgent)
	}
	s := r.shard(k, resource)
	s.mu.RLock()
	e := s.m[resource]
	s.mu.RUnlock()
	if e != nil {
		e.lastUsed.Store(r.now().UnixNano())
		return e, nil
	}
	if !spawn {
		return nil, fmt.Errorf("%s: %w", MicroID(kind, resource), ErrUnknownAgent)
	}
	agent, err := k.factory(resource)
	if err != nil {
		return nil, fmt.Errorf("spawning %s: %w", MicroID(kind, resource), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.m[resource]; old != nil { // lost a spawn race
		old.lastUsed.Store(r.now().UnixNano())
		return old, nil
	}
	e = &microEntry{agent: agent}
	e.lastUsed.Store(r.now().UnixNano())
	s.m[resource] = e
	return e, nil
}

// Lookup returns the description of agent id. A micro agent is not spawned.
func (r *Registry) Lookup(id ID) (Info, bool) {
	if kind, res, ok := ParseMicroID(id); ok {
		if _, err := r.micro(kind, res, false); err != nil {
			return Info{}, false
		}
		return Info{ID: id, Tier: Micro, Kind: kind, Resource: res}, true
	}
	r.mu.RLock()
	e := r.named[id]
	r.mu.RUnlock()
	if e == nil {
		return Info{}, false
	}
	return e.info, true
}

// ByCapability returns the macro and meso agents offering c, sorted by ID.
func (r *Registry) ByCapability(c Capability) []Info {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Info
	for _, e := range r.named {
		if slices.Contains(e.info.Capabilities, c) {
			out = append(out, e.info)
		}
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out
}

// Capability returns the spec of capability c.
func (r *Registry) Capability(c Capability) (CapabilitySpec, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.caps[c]
	return s, ok
}

// ByResource returns the IDs of the live micro agents (of any kind) that own
// resource, sorted.
func (r *Registry) ByResource(resource string) []ID {
	r.mu.RLock()
	kinds := make([]*microKind, 0, len(r.kinds))
	for _, k := range r.kinds {
		kinds = append(kinds, k)
	}
	r.mu.RUnlock()
	var out []ID
	for _, k := range kinds {
		s := r.shard(k, resource)
		s.mu.RLock()
		_, ok := s.m[resource]
		s.mu.RUnlock()
		if ok {
			out = append(out, MicroID(k.name, resource))
		}
	}
	slices.Sort(out)
	return out
}

// Counts returns how many agents each tier has.
func (r *Registry) Counts() (macro, meso, micro int) {
	r.mu.RLock()
	for _, e := range r.named {
		if e.info.Tier == Macro {
			macro++
		} else {
			meso++
		}
	}
	kinds := make([]*microKind, 0, len(r.kinds))
	for _, k := range r.kinds {
		kinds = append(kinds, k)
	}
	r.mu.RUnlock()
	for _, k := range kinds {
		for i := range k.shards {
			s := &k.shards[i]
			s.mu.RLock()
			micro += len(s.m)
			s.mu.RUnlock()
		}
	}
	return macro, meso, micro
}

// Reap removes the micro agents that have been idle for at least idle and
// are not handling a message, and returns how many it removed.
func (r *Registry) Reap(idle time.Duration) int {
	cutoff := r.now().Add(-idle).UnixNano()
	r.mu.RLock()
	kinds := make([]*microKind, 0, len(r.kinds))
	for _, k := range r.kinds {
		kinds = append(kinds, k)
	}
	r.mu.RUnlock()
	n := 0
	for _, k := range kinds {
		for i := range k.shards {
			s := &k.shards[i]
			s.mu.Lock()
			for res, e := range s.m {
				if e.inflight.Load() == 0 && e.lastUsed.Load() <= cutoff {
					delete(s.m, res)
					n++
				}
			}
			s.mu.Unlock()
		}
	}
	return n
}

// resolved is what the Bus needs to deliver to, or verify a message from, an
// agent.
type resolved struct {
	tier  Tier
	agent Agent
	keys  *KeyPair
	micro *microEntry
}

// resolve finds agent id, spawning a micro agent when spawn is set, and
// materialises its key pair.
func (r *Registry) resolve(id ID, spawn bool) (resolved, error) {
	if kind, res, ok := ParseMicroID(id); ok {
		e, err := r.micro(kind, res, spawn)
		if err != nil {
			return resolved{}, err
		}
		kp := e.keys.Load()
		if kp == nil {
			if kp, err = r.keys.Derive(id); err != nil {
				return resolved{}, err
			}
			if !e.keys.CompareAndSwap(nil, kp) {
				kp = e.keys.Load()
			}
		}
		return resolved{tier: Micro, agent: e.agent, keys: kp, micro: e}, nil
	}
	if strings.HasPrefix(string(id), "micro/") {
		return resolved{}, fmt.Errorf("%q: %w", id, ErrBadID)
	}
	r.mu.RLock()
	e := r.named[id]
	r.mu.RUnlock()
	if e == nil {
		return resolved{}, fmt.Errorf("%s: %w", id, ErrUnknownAgent)
	}
	return resolved{tier: e.info.Tier, agent: e.agent, keys: e.keys}, nil
}

// Reaper removes idle micro agents every interval until ctx is done.
func (r *Registry) Reaper(ctx context.Context, interval, idle time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.Reap(idle)
		}
	}
}
