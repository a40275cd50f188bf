package inference

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"
)

// Meter counts, in one place, what every backend did: requests, tokens in
// and out, latency and errors by kind. It is safe for concurrent use.
type Meter struct {
	mu       sync.Mutex // guards backends
	backends map[string]*BackendStats
}

// BackendStats are one backend's counters.
type BackendStats struct {
	Backend      string          `json:"backend"`
	Requests     int             `json:"requests"`
	Errors       int             `json:"errors"`
	ErrorsByKind map[string]int  `json:"errorsByKind,omitempty"`
	TokensIn     int             `json:"tokensIn"`
	TokensOut    int             `json:"tokensOut"`
	Embedded     int             `json:"embedded"` // texts embedded
	Latency      LatencySummary  `json:"latency"`
	LastError    string          `json:"lastError,omitempty"`
	LastUsed     time.Time       `json:"lastUsed"`
	latencies    []time.Duration // ring of recent latencies for percentiles
	next         int
}

// LatencySummary summarises recent request latencies.
type LatencySummary struct {
	Count  int           `json:"count"`
	Min    time.Duration `json:"minNs"`
	Median time.Duration `json:"medianNs"`
	P99    time.Duration `json:"p99Ns"`
	Max    time.Duration `json:"maxNs"`
}

const latencyWindow = 512

// NewMeter returns an empty meter.
func NewMeter() *Meter {
	return &Meter{backends: make(map[string]*BackendStats)}
}

func (m *Meter) stats(backend string) *BackendStats {
	s := m.backends[backend]
	if s == nil {
		s = &BackendStats{Backend: backend, ErrorsByKind: make(map[string]int)}
		m.backends[backend] = s
	}
	return s
}

// Record counts one generation attempt on backend.
func (m *Meter) Record(backend string, res *Result, elapsed time.Duration, err error) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stats(backend)
	s.Requests++
	s.LastUsed = time.Now()
	if res != nil {
		s.TokensIn += res.PromptTokens
		s.TokensOut += res.OutputTokens
	}
	if err != nil {
		s.Errors++
		s.ErrorsByKind[ErrorKind(err)]++
		s.LastError = err.Error()
	}
	if len(s.latencies) < latencyWindow {
		s.latencies = append(s.latencies, elapsed)
	} else {
		s.latencies[s.next] = elapsed
		s.next = (s.next + 1) % latencyWindow
	}
}

// RecordEmbed counts one embedding call on backend.
func (m *Meter) RecordEmbed(backend string, texts int, elapsed time.Duration, err error) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stats(backend)
	s.Requests++
	s.LastUsed = time.Now()
	if err != nil {
		s.Errors++
		s.ErrorsByKind[ErrorKind(err)]++
		s.LastError = err.Error()
		return
	}
	s.Embedded += texts
}

// Snapshot returns a copy of every backend's counters, sorted by backend.
func (m *Meter) Snapshot() []BackendStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]BackendStats, 0, len(m.backends))
	for _, s := range m.backends {
		c := *s
		c.ErrorsByKind = make(map[string]int, len(s.ErrorsByKind))
		for k, v := range s.ErrorsByKind {
			c.ErrorsByKind[k] = v
		}
		c.Latency = summarize(s.latencies)
		c.latencies = nil
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Backend < out[j].Backend })
	return out
}

func summarize(lat []time.Duration) LatencySummary {
	if len(lat) == 0 {
		return LatencySummary{}
	}
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return LatencySummary{Count: len(s), Min: s[0], Median: s[len(s)/2], P99: s[len(s)*99/100], Max: s[len(s)-1]}
}

// ErrorKind names the class of err for metering and logs.
func ErrorKind(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{ErrTransport, "transport"}, {ErrTimeout, "timeout"}, {ErrContextOverflow, "context-overflow"},
		{ErrModelUnavailable, "model-unavailable"}, {ErrBusy, "busy"}, {ErrBadRequest, "bad-request"},
		{ErrMalformed, "malformed"}, {ErrUnauthorized, "unauthorized"}, {ErrNotSupported, "not-supported"},
		{ErrCircuitOpen, "circuit-open"}, {ErrBudget, "budget"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "cancelled"
	}
	return "other"
}
