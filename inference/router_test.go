package inference

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// scripted is a Backend whose answers the test scripts.
type scripted struct {
	id        string
	ctxTokens int
	latency   time.Duration
	down      bool
	mu        sync.Mutex
	errs      []error // returned by successive calls (nil: succeed)
	calls     int
	streamErr error // fail after emitting one chunk
}

func (s *scripted) Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error) {
	s.mu.Lock()
	s.calls++
	var err error
	if len(s.errs) > 0 {
		err, s.errs = s.errs[0], s.errs[1:]
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := emit(Chunk{Text: "from " + s.id}); err != nil {
		return nil, err
	}
	if s.streamErr != nil {
		return nil, s.streamErr
	}
	return &Result{Text: "from " + s.id, FinishReason: FinishStop, PromptTokens: 3, OutputTokens: 2, Backend: s.id}, nil
}
func (s *scripted) Embed(context.Context, []string) ([][]float32, error) {
	return nil, fmt.Errorf("%s: %w", s.id, ErrNotSupported)
}
func (s *scripted) MaxContextTokens() int                   { return s.ctxTokens }
func (s *scripted) EstimatedLatency(*Request) time.Duration { return s.latency }
func (s *scripted) IsAvailable() bool                       { return !s.down }
func (s *scripted) BackendID() string                       { return s.id }
func (s *scripted) HealthCheck(context.Context) error {
	if s.down {
		return ErrTransport
	}
	return nil
}

func generate(t *testing.T, r *Router, req *Request) (string, error) {
	t.Helper()
	var out strings.Builder
	res, err := r.Generate(context.Background(), req, func(c Chunk) error { out.WriteString(c.Text); return nil })
	if err != nil {
		return out.String(), err
	}
	if res.Text != out.String() {
		t.Fatalf("result %q, streamed %q", res.Text, out.String())
	}
	return res.Backend, nil
}

func newRouter(t *testing.T, policy Policy, routes ...Route) *Router {
	t.Helper()
	r, err := NewRouter(RouterOptions{Routes: routes, Policy: policy, Meter: NewMeter()})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPolicies(t *testing.T) {
	local := &scripted{id: "local", ctxTokens: 64, latency: 200 * time.Millisecond}
	fast := &scripted{id: "fast", ctxTokens: 100000, latency: 50 * time.Millisecond}
	smart := &scripted{id: "smart", ctxTokens: 100000, latency: 900 * time.Millisecond}
	routes := []Route{
		{Backend: fast, Quality: 2, CostPer1KInput: 0.5, CostPer1KOutput: 1.5},
		{Backend: smart, Quality: 5, CostPer1KInput: 3, CostPer1KOutput: 15},
		{Backend: local, Local: true, Quality: 1},
	}
	short := &Request{Prompt: "hi", MaxTokens: 8}
	long := &Request{Prompt: strings.Repeat("word ", 200), MaxTokens: 8} // ~250 tokens: beyond local's 64
	tests := []struct {
		policy Policy
		req    *Request
		want   string
	}{
		{LocalFirst, short, "local"},
		{LocalFirst, long, "fast"}, // does not fit locally: first remote in chain order
		{LocalFirst, &Request{Prompt: strings.Repeat("word ", 200), MaxTokens: 8, Private: true}, "local"}, // private: never leaves
		{Latency, short, "fast"},
		{Quality, short, "smart"},
		{Cost, short, "local"}, // free
	}
	for _, tt := range tests {
		r := newRouter(t, tt.policy, routes...)
		got, err := generate(t, r, tt.req)
		if err != nil || got != tt.want {
			t.Errorf("%s %q…: got %s, %v; want %s", tt.policy, tt.req.Prompt[:2], got, err, tt.want)
		}
	}
	// Latency skips unhealthy backends.
	fast.down = true
	if got, _ := generate(t, newRouter(t, Latency, routes...), short); got != "local" {
		t.Errorf("latency with fast down: %s", got)
	}
	fast.down = false
	// Private with no local backend is refused, not sent away.
	r := newRouter(t, Quality, routes[:2]...)
	if _, err := generate(t, r, &Request{Prompt: "secret", Private: true}); !errors.Is(err, ErrNoBackend) {
		t.Errorf("private without local: %v", err)
	}
}

func TestCostBudget(t *testing.T) {
	var seen int
	cheap := &scripted{id: "cheap", ctxTokens: 10000}
	r := newRouter(t, Cost, Route{Backend: &budgetSpy{scripted: cheap, maxTokens: &seen}, CostPer1KOutput: 1})
	if _, err := generate(t, r, &Request{Prompt: strings.Repeat("x", 400), MaxTokens: 500, TokenBudget: 150}); err != nil {
		t.Fatal(err)
	}
	if seen != 50 { // budget 150 - ~100 prompt tokens
		t.Fatalf("max tokens sent %d, want 50", seen)
	}
	if _, err := generate(t, r, &Request{Prompt: strings.Repeat("x", 800), TokenBudget: 100}); !errors.Is(err, ErrBudget) {
		t.Fatalf("over budget: %v", err)
	}
}

type budgetSpy struct {
	*scripted
	maxTokens *int
}

func (b *budgetSpy) Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error) {
	*b.maxTokens = req.MaxTokens
	return b.scripted.Generate(ctx, req, emit)
}

func TestFallbackOnEachFailureKind(t *testing.T) {
	for _, kind := range []error{ErrTransport, ErrTimeout, ErrContextOverflow, ErrModelUnavailable, ErrBusy} {
		t.Run(ErrorKind(kind), func(t *testing.T) {
			var logs bytes.Buffer
			a := &scripted{id: "a", ctxTokens: 1000, errs: []error{fmt.Errorf("boom: %w", kind)}}
			b := &scripted{id: "b", ctxTokens: 1000}
			meter := NewMeter()
			r, _ := NewRouter(RouterOptions{Routes: []Route{{Backend: a, Local: true}, {Backend: b}}, Meter: meter,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			got, err := generate(t, r, &Request{Prompt: "x"})
			if err != nil || got != "b" {
				t.Fatalf("got %s, %v", got, err)
			}
			if !strings.Contains(logs.String(), "inference fallback") || !strings.Contains(logs.String(), "reason="+ErrorKind(kind)) {
				t.Fatalf("fallback not logged with its reason: %s", logs.String())
			}
			snap := meter.Snapshot()
			if len(snap) != 2 || snap[0].Errors != 1 || snap[0].ErrorsByKind[ErrorKind(kind)] != 1 || snap[1].TokensOut != 2 {
				t.Fatalf("meter %+v", snap)
			}
		})
	}
	// Other errors do not fall back.
	for _, kind := range []error{ErrBadRequest, ErrUnauthorized, context.Canceled} {
		a := &scripted{id: "a", ctxTokens: 1000, errs: []error{kind}}
		b := &scripted{id: "b", ctxTokens: 1000}
		r := newRouter(t, LocalFirst, Route{Backend: a, Local: true}, Route{Backend: b})
		if _, err := generate(t, r, &Request{Prompt: "x"}); !errors.Is(err, kind) || b.calls != 0 {
			t.Errorf("%v: err %v, fallback calls %d", kind, err, b.calls)
		}
	}
	// A failure after streaming began is not retried elsewhere.
	a := &scripted{id: "a", ctxTokens: 1000, streamErr: ErrTransport}
	b := &scripted{id: "b", ctxTokens: 1000}
	r := newRouter(t, LocalFirst, Route{Backend: a, Local: true}, Route{Backend: b})
	if _, err := generate(t, r, &Request{Prompt: "x"}); !errors.Is(err, ErrTransport) || b.calls != 0 {
		t.Errorf("mid-stream failure: %v, fallback calls %d", err, b.calls)
	}
	// Every backend failing: one error naming each.
	a = &scripted{id: "a", ctxTokens: 1000, errs: []error{ErrTransport}}
	b = &scripted{id: "b", ctxTokens: 1000, errs: []error{ErrTimeout}}
	r = newRouter(t, LocalFirst, Route{Backend: a, Local: true}, Route{Backend: b})
	_, err := generate(t, r, &Request{Prompt: "x"})
	if !errors.Is(err, ErrNoBackend) || !strings.Contains(err.Error(), "a:") || !strings.Contains(err.Error(), "b:") {
		t.Errorf("all failing: %v", err)
	}
}

func TestCircuitBreaker(t *testing.T) {
	now := time.Unix(1000, 0)
	a := &scripted{id: "a", ctxTokens: 1000, errs: []error{ErrTransport, ErrTransport, ErrTransport, ErrTransport}}
	b := &scripted{id: "b", ctxTokens: 1000}
	r, _ := NewRouter(RouterOptions{Routes: []Route{{Backend: a, Local: true}, {Backend: b}}, BreakerFailures: 2,
		BreakerCooldown: time.Minute, Now: func() time.Time { return now }})
	for range 2 {
		if got, _ := generate(t, r, &Request{Prompt: "x"}); got != "b" {
			t.Fatalf("fallback got %s", got)
		}
	}
	if st := r.Breakers()["a"]; st != BreakerOpen {
		t.Fatalf("after 2 failures: %s", st)
	}
	calls := a.calls
	if got, _ := generate(t, r, &Request{Prompt: "x"}); got != "b" || a.calls != calls {
		t.Fatalf("open circuit still called a (%d calls)", a.calls-calls)
	}
	now = now.Add(2 * time.Minute)
	if st := r.Breakers()["a"]; st != BreakerHalfOpen {
		t.Fatalf("after cooldown: %s", st)
	}
	// The trial fails: open again.
	if got, _ := generate(t, r, &Request{Prompt: "x"}); got != "b" || a.calls != calls+1 {
		t.Fatalf("half-open trial: %s, calls %d", got, a.calls-calls)
	}
	if st := r.Breakers()["a"]; st != BreakerOpen {
		t.Fatalf("after a failed trial: %s", st)
	}
	// Next trial succeeds (scripted errors exhausted... one left): fail it, then succeed.
	now = now.Add(2 * time.Minute)
	generate(t, r, &Request{Prompt: "x"})
	now = now.Add(2 * time.Minute)
	if got, _ := generate(t, r, &Request{Prompt: "x"}); got != "a" {
		t.Fatalf("successful trial went to %s", got)
	}
	if st := r.Breakers()["a"]; st != BreakerClosed {
		t.Fatalf("after a successful trial: %s", st)
	}
}

func TestRouterValidation(t *testing.T) {
	if _, err := NewRouter(RouterOptions{}); !errors.Is(err, ErrNoBackend) {
		t.Errorf("no routes: %v", err)
	}
	a := &scripted{id: "a"}
	if _, err := NewRouter(RouterOptions{Routes: []Route{{Backend: a}, {Backend: a}}}); err == nil {
		t.Error("duplicate backend accepted")
	}
	if _, err := NewRouter(RouterOptions{Routes: []Route{{Backend: a}}, Policy: "fastest"}); err == nil {
		t.Error("unknown policy accepted")
	}
	if _, err := ParsePolicy("quality"); err != nil {
		t.Error(err)
	}
}
