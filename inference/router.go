package inference

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Policy is a routing policy.
type Policy string

// The routing policies.
const (
	// LocalFirst prefers in-process backends whose context window fits
	// the request; private requests never leave the machine.
	LocalFirst Policy = "local-first"
	// Latency picks the lowest estimated latency among healthy backends.
	Latency Policy = "latency"
	// Quality picks the highest configured quality tier.
	Quality Policy = "quality"
	// Cost picks the cheapest backend, within the request's token budget.
	Cost Policy = "cost"
)

// ParsePolicy returns the policy named s ("" is LocalFirst).
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(s); p {
	case "":
		return LocalFirst, nil
	case LocalFirst, Latency, Quality, Cost:
		return p, nil
	}
	return "", fmt.Errorf("unknown routing policy %q (want local-first, latency, quality or cost)", s)
}

// Router errors.
var (
	ErrCircuitOpen = errors.New("circuit open")
	ErrBudget      = errors.New("request exceeds its token budget")
	ErrNoBackend   = errors.New("no backend can serve the request")
)

// Route is a backend in the router's fallback chain, with what the
// policies need to know about it.
type Route struct {
	Backend Backend
	// Local backends run on this machine (private requests may use them).
	Local bool
	// Quality tier: higher is better.
	Quality int
	// Cost in any currency per 1,000 tokens.
	CostPer1KInput, CostPer1KOutput float64
}

// RouterOptions configure a Router.
type RouterOptions struct {
	// Routes is the fallback chain, in order. Required.
	Routes []Route
	Policy Policy
	Meter  *Meter
	Logger *slog.Logger
	// BreakerFailures consecutive fallback-class failures open a
	// backend's circuit (default 3).
	BreakerFailures int
	// BreakerCooldown is how long an open circuit stays open before one
	// trial request is let through (default 30s).
	BreakerCooldown time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Router sends each request to a backend chosen by policy and falls back
// along the chain when a backend fails in a way another can fix. It is
// itself a Backend.
type Router struct {
	opts     RouterOptions
	breakers []*breaker
}

// NewRouter validates opts and returns a Router.
func NewRouter(opts RouterOptions) (*Router, error) {
	if len(opts.Routes) == 0 {
		return nil, fmt.Errorf("router: %w: no backends configured", ErrNoBackend)
	}
	seen := make(map[string]bool)
	for i, r := range opts.Routes {
		if r.Backend == nil {
			return nil, fmt.Errorf("router: route %d has no backend", i)
		}
		id := r.Backend.BackendID()
		if seen[id] {
			return nil, fmt.Errorf("router: backend %q configured twice", id)
		}
		seen[id] = true
	}
	if opts.Policy == "" {
		opts.Policy = LocalFirst
	}
	if _, err := ParsePolicy(string(opts.Policy)); err != nil {
		return nil, err
	}
	if opts.BreakerFailures <= 0 {
		opts.BreakerFailures = 3
	}
	if opts.BreakerCooldown <= 0 {
		opts.BreakerCooldown = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Router{opts: opts}
	for range opts.Routes {
		r.breakers = append(r.breakers, &breaker{})
	}
	return r, nil
}

// Policy returns the router's policy.
func (r *Router) Policy() Policy { return r.opts.Policy }

// Routes returns the fallback chain.
func (r *Router) Routes() []Route { return slices.Clone(r.opts.Routes) }

// EstimateTokens is the router's rough token count of text (about four
// bytes per token); it needs no tokenizer.
func EstimateTokens(text string) int { return (len(text) + 3) / 4 }

func promptTokens(req *Request) int {
	n := EstimateTokens(req.Prompt)
	for _, m := range req.Messages {
		n += EstimateTokens(m.Content) + 4
	}
	return n
}

const defaultMaxTokens = 256

func wantTokens(req *Request) int {
	if req.MaxTokens > 0 {
		return req.MaxTokens
	}
	return defaultMaxTokens
}

// order returns the route indexes to try for req: the policy's choice
// first, then the rest of the fallback chain in configured order.
func (r *Router) order(req *Request) ([]int, error) {
	var cands []int
	for i, rt := range r.opts.Routes {
		if req.Private && !rt.Local {
			continue // private requests never leave the machine
		}
		cands = append(cands, i)
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w: the request is private and no local backend is configured", ErrNoBackend)
	}
	need := promptTokens(req) + wantTokens(req)
	rank := func(less func(a, b int) int) {
		slices.SortStableFunc(cands, less)
	}
	switch r.opts.Policy {
	case LocalFirst:
		fits := func(i int) bool { return r.opts.Routes[i].Backend.MaxContextTokens() >= need }
		score := func(i int) int {
			rt := r.opts.Routes[i]
			switch {
			case rt.Local && fits(i):
				return 0
			case !rt.Local:
				return 1
			}
			return 2 // local but too small: last resort
		}
		rank(func(a, b int) int { return score(a) - score(b) })
	case Latency:
		rank(func(a, b int) int {
			ha, hb := r.healthy(a), r.healthy(b)
			if ha != hb {
				if ha {
					return -1
				}
				return 1
			}
			return int(r.opts.Routes[a].Backend.EstimatedLatency(req) - r.opts.Routes[b].Backend.EstimatedLatency(req))
		})
	case Quality:
		rank(func(a, b int) int { return r.opts.Routes[b].Quality - r.opts.Routes[a].Quality })
	case Cost:
		if req.TokenBudget > 0 && promptTokens(req) >= req.TokenBudget {
			return nil, fmt.Errorf("%w: the prompt alone is about %d tokens, the budget %d", ErrBudget, promptTokens(req), req.TokenBudget)
		}
		cost := func(i int) float64 {
			rt := r.opts.Routes[i]
			return float64(promptTokens(req))*rt.CostPer1KInput/1000 + float64(wantTokens(req))*rt.CostPer1KOutput/1000
		}
		rank(func(a, b int) int {
			switch ca, cb := cost(a), cost(b); {
			case ca < cb:
				return -1
			case ca > cb:
				return 1
			}
			return 0
		})
	}
	return cands, nil
}

func (r *Router) healthy(i int) bool {
	return r.opts.Routes[i].Backend.IsAvailable() && r.breakers[i].allow(r.opts.Now(), r.opts.BreakerCooldown, false)
}

// fallsBack reports whether err is a failure another backend may not have.
func fallsBack(err error) bool {
	return errors.Is(err, ErrTransport) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrContextOverflow) ||
		errors.Is(err, ErrModelUnavailable) || errors.Is(err, ErrBusy)
}

// Generate implements Backend: it tries the backends in policy order and
// falls back while nothing has been streamed yet.
func (r *Router) Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error) {
	order, err := r.order(req)
	if err != nil {
		return nil, err
	}
	if r.opts.Policy == Cost && req.TokenBudget > 0 {
		budgeted := *req
		if max := req.TokenBudget - promptTokens(req); budgeted.MaxTokens == 0 || budgeted.MaxTokens > max {
			budgeted.MaxTokens = max
		}
		req = &budgeted
	}
	var errs []error
	for n, i := range order {
		rt := r.opts.Routes[i]
		id := rt.Backend.BackendID()
		br := r.breakers[i]
		if !br.allow(r.opts.Now(), r.opts.BreakerCooldown, true) {
			errs = append(errs, fmt.Errorf("%s: %w", id, ErrCircuitOpen))
			continue
		}
		if !rt.Backend.IsAvailable() {
			br.release()
			errs = append(errs, fmt.Errorf("%s: %w: not available", id, ErrTransport))
			continue
		}
		streamed := false
		start := r.opts.Now()
		res, err := rt.Backend.Generate(ctx, req, func(c Chunk) error {
			streamed = true
			return emit(c)
		})
		r.opts.Meter.Record(id, res, r.opts.Now().Sub(start), err)
		if err == nil {
			br.success()
			return res, nil
		}
		if ctx.Err() != nil || !fallsBack(err) {
			br.release()
			return nil, err
		}
		if errors.Is(err, ErrContextOverflow) {
			br.release() // the request was too big, the backend is healthy
		} else {
			br.failure(r.opts.Now(), r.opts.BreakerFailures)
		}
		if streamed {
			return nil, fmt.Errorf("%s failed after streaming began; not falling back: %w", id, err)
		}
		errs = append(errs, fmt.Errorf("%s: %w", id, err))
		if n+1 < len(order) {
			r.opts.Logger.Warn("inference fallback", "from", id, "to", r.opts.Routes[order[n+1]].Backend.BackendID(),
				"reason", ErrorKind(err), "err", err)
		}
	}
	return nil, fmt.Errorf("%w: %w", ErrNoBackend, errors.Join(errs...))
}

// Embed implements Backend: the first route that embeds.
func (r *Router) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	var errs []error
	for i, rt := range r.opts.Routes {
		if !rt.Backend.IsAvailable() || !r.breakers[i].allow(r.opts.Now(), r.opts.BreakerCooldown, false) {
			continue
		}
		start := r.opts.Now()
		v, err := rt.Backend.Embed(ctx, texts)
		r.opts.Meter.RecordEmbed(rt.Backend.BackendID(), len(texts), r.opts.Now().Sub(start), err)
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		errs = append(errs, fmt.Errorf("%s: %w", rt.Backend.BackendID(), err))
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("%w for embeddings", ErrNoBackend)
	}
	return nil, fmt.Errorf("%w: %w", ErrNotSupported, errors.Join(errs...))
}

// MaxContextTokens implements Backend: the largest window of the chain.
func (r *Router) MaxContextTokens() int {
	m := 0
	for _, rt := range r.opts.Routes {
		m = max(m, rt.Backend.MaxContextTokens())
	}
	return m
}

// EstimatedLatency implements Backend: that of the backend the policy
// would pick first.
func (r *Router) EstimatedLatency(req *Request) time.Duration {
	order, err := r.order(req)
	if err != nil || len(order) == 0 {
		return 0
	}
	return r.opts.Routes[order[0]].Backend.EstimatedLatency(req)
}

// IsAvailable implements Backend: some backend is.
func (r *Router) IsAvailable() bool {
	for i := range r.opts.Routes {
		if r.healthy(i) {
			return true
		}
	}
	return false
}

// BackendID implements Backend.
func (r *Router) BackendID() string { return "router:" + string(r.opts.Policy) }

// HealthCheck implements Backend: it checks every backend and fails only
// when none is healthy.
func (r *Router) HealthCheck(ctx context.Context) error {
	var errs []error
	for _, rt := range r.opts.Routes {
		if err := rt.Backend.HealthCheck(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", rt.Backend.BackendID(), err))
		}
	}
	if len(errs) == len(r.opts.Routes) {
		return errors.Join(errs...)
	}
	return nil
}

// BreakerState names a circuit breaker state.
type BreakerState string

// Circuit breaker states.
const (
	BreakerClosed   BreakerState = "closed"
	BreakerOpen     BreakerState = "open"
	BreakerHalfOpen BreakerState = "half-open"
)

// Breakers returns each backend's circuit state, by backend ID.
func (r *Router) Breakers() map[string]BreakerState {
	out := make(map[string]BreakerState, len(r.breakers))
	for i, b := range r.breakers {
		out[r.opts.Routes[i].Backend.BackendID()] = b.state(r.opts.Now(), r.opts.BreakerCooldown)
	}
	return out
}

// breaker is a circuit breaker: closed until `failures` consecutive
// failures, then open for a cooldown, then half-open: one trial request,
// which closes it on success and opens it again on failure.
type breaker struct {
	mu       sync.Mutex // guards the fields below
	fails    int
	openedAt time.Time
	open     bool
	trial    bool // a half-open trial is in flight
}

// allow reports whether a request may go to the backend; with take set, a
// half-open breaker hands out its single trial.
func (b *breaker) allow(now time.Time, cooldown time.Duration, take bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return true
	}
	if now.Sub(b.openedAt) < cooldown || b.trial {
		return false
	}
	if take {
		b.trial = true
	}
	return true
}

func (b *breaker) state(now time.Time, cooldown time.Duration) BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case !b.open:
		return BreakerClosed
	case now.Sub(b.openedAt) >= cooldown:
		return BreakerHalfOpen
	}
	return BreakerOpen
}

func (b *breaker) success() {
	b.mu.Lock()
	b.fails, b.open, b.trial = 0, false, false
	b.mu.Unlock()
}

// release ends a request that neither proved nor disproved the backend.
func (b *breaker) release() {
	b.mu.Lock()
	b.trial = false
	b.mu.Unlock()
}

func (b *breaker) failure(now time.Time, threshold int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fails++
	if b.trial || b.fails >= threshold {
		b.open, b.openedAt, b.trial = true, now, false
	}
}
