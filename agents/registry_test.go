package agents

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"
)

type nopAgent struct{ resource string }

func (nopAgent) HandleMessage(context.Context, *Message) (*Message, error) { return nil, nil }

func newRegistry(t testing.TB) *Registry {
	t.Helper()
	keys, err := NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return NewRegistry(keys)
}

func TestRegistryTaxonomy(t *testing.T) {
	r := newRegistry(t)
	diag := CapabilitySpec{Name: "diagnose", Requires: []string{"document"}, Provides: "findings"}
	if err := r.Register("macro/planner", Macro, nopAgent{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Register("meso/diagnose", Meso, nopAgent{}, diag); err != nil {
		t.Fatal(err)
	}
	if err := r.Register("meso/diagnose2", Meso, nopAgent{}, diag); err != nil {
		t.Fatal(err)
	}
	if err := r.Register("meso/diagnose", Meso, nopAgent{}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := r.Register("meso/x", Meso, nopAgent{}, CapabilitySpec{Name: "diagnose", Provides: "other"}); err == nil {
		t.Fatal("conflicting capability spec accepted")
	}
	if err := r.Register("micro/file/a", Micro, nopAgent{}); err == nil {
		t.Fatal("micro agent registered by name")
	}
	got := r.ByCapability("diagnose")
	if len(got) != 2 || got[0].ID != "meso/diagnose" || got[1].ID != "meso/diagnose2" || got[0].Tier != Meso {
		t.Fatalf("ByCapability = %+v", got)
	}
	if spec, ok := r.Capability("diagnose"); !ok || spec.Provides != "findings" {
		t.Fatalf("Capability = %+v %v", spec, ok)
	}
	if len(r.ByCapability("rename")) != 0 {
		t.Fatal("unknown capability found")
	}
	if info, ok := r.Lookup("macro/planner"); !ok || info.Tier != Macro {
		t.Fatalf("Lookup = %+v %v", info, ok)
	}
}

func TestMicroAgentsSpawnLazilyAndAreReaped(t *testing.T) {
	r := newRegistry(t)
	now := time.Unix(1000, 0)
	r.now = func() time.Time { return now }
	spawned := 0
	for _, kind := range []string{"file", "tests"} {
		if err := r.RegisterMicroKind(kind, func(res string) (Agent, error) {
			spawned++
			if res == "/bad" {
				return nil, errors.New("cannot own /bad")
			}
			return nopAgent{res}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := r.Lookup(MicroID("file", "/w/a.go")); ok {
		t.Fatal("lookup spawned an agent")
	}
	id, err := r.Micro("file", "/w/a.go")
	if err != nil || id != "micro/file//w/a.go" {
		t.Fatalf("Micro = %q, %v", id, err)
	}
	if _, err := r.Micro("file", "/w/a.go"); err != nil || spawned != 1 {
		t.Fatalf("second Micro spawned again (%d)", spawned)
	}
	if _, err := r.Micro("tests", "/w/a.go"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Micro("file", "/bad"); err == nil {
		t.Fatal("factory error swallowed")
	}
	if _, err := r.Micro("nope", "/w"); !errors.Is(err, ErrUnknownAgent) {
		t.Fatalf("unknown kind: %v", err)
	}
	if got := r.ByResource("/w/a.go"); !slices.Equal(got, []ID{"micro/file//w/a.go", "micro/tests//w/a.go"}) {
		t.Fatalf("ByResource = %v", got)
	}
	info, ok := r.Lookup(id)
	if !ok || info.Tier != Micro || info.Kind != "file" || info.Resource != "/w/a.go" {
		t.Fatalf("Lookup = %+v", info)
	}
	now = now.Add(time.Minute)
	if _, err := r.Micro("file", "/w/b.go"); err != nil {
		t.Fatal(err)
	}
	// a.go (both kinds) idle for a minute, b.go fresh.
	if n := r.Reap(30 * time.Second); n != 2 {
		t.Fatalf("reaped %d, want 2", n)
	}
	if _, _, micro := r.Counts(); micro != 1 {
		t.Fatalf("micro count %d", micro)
	}
	if got := r.ByResource("/w/a.go"); len(got) != 0 {
		t.Fatalf("reaped agent still found: %v", got)
	}
}

func TestReapSparesBusyAgents(t *testing.T) {
	keys, _ := NewKeyring(nil)
	r := NewRegistry(keys)
	inside := make(chan struct{})
	release := make(chan struct{})
	_ = r.RegisterMicroKind("file", func(string) (Agent, error) {
		return AgentFunc(func(ctx context.Context, m *Message) (*Message, error) {
			close(inside)
			<-release
			return nil, nil
		}), nil
	})
	_ = r.Register("meso/diagnose", Meso, nopAgent{})
	bus, err := NewBus(BusOptions{Registry: r})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := bus.Port("meso/diagnose")
	id, _ := r.Micro("file", "/w/a.go")
	done := make(chan error, 1)
	go func() { _, err := p.Request(context.Background(), id, "c", "t", nil); done <- err }()
	<-inside
	if n := r.Reap(0); n != 0 {
		t.Fatalf("reaped a busy agent")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := r.Reap(0); n != 1 {
		t.Fatalf("reaped %d after it went idle", n)
	}
}

func TestMicroIDParsing(t *testing.T) {
	for _, tc := range []struct {
		id       ID
		kind, rs string
		ok       bool
	}{
		{"micro/file//a/b.go", "file", "/a/b.go", true},
		{"micro/file/", "", "", false},
		{"micro//x", "", "", false},
		{"meso/diagnose", "", "", false},
	} {
		k, r, ok := ParseMicroID(tc.id)
		if k != tc.kind || r != tc.rs || ok != tc.ok {
			t.Errorf("ParseMicroID(%q) = %q %q %v", tc.id, k, r, ok)
		}
	}
}

var (
	millionOnce sync.Once
	millionReg  *Registry
	millionRes  []string
	millionMem  float64
)

// millionAgents registers 1,000,000 idle micro agents once and measures the
// heap they take.
func millionAgents(b *testing.B) (*Registry, []string, float64) {
	millionOnce.Do(func() {
		const n = 1_000_000
		millionRes = make([]string, n)
		for i := range millionRes {
			millionRes[i] = fmt.Sprintf("/work/repo/pkg%03d/sub/file_%07d.go", i%997, i)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		millionReg = newRegistry(b)
		if err := millionReg.RegisterMicroKind("file", func(res string) (Agent, error) { return nopAgent{res}, nil }); err != nil {
			b.Fatal(err)
		}
		for _, res := range millionRes {
			if _, err := millionReg.micro("file", res, true); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		// The resource strings are the caller's and shared with the agents.
		millionMem = float64(after.HeapAlloc-before.HeapAlloc) / n
	})
	return millionReg, millionRes, millionMem
}

// BenchmarkRegistryLookup1M measures the lookup of one of 1,000,000
// registered micro agents by kind and resource, reporting p50/p99 latency
// and the heap bytes per idle micro agent. Aim: p99 < 5µs, < 1 KiB/agent.
func BenchmarkRegistryLookup1M(b *testing.B) {
	r, res, mem := millionAgents(b)
	lat := make([]time.Duration, 0, 1<<16)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		rs := res[(i*7919)%len(res)]
		i++
		t0 := time.Now()
		if _, err := r.micro("file", rs, false); err != nil {
			b.Fatal(err)
		}
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(t0))
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	}
	b.ReportMetric(mem, "B/idle-agent")
}

// BenchmarkRegistryLookupByID resolves a micro agent from its ID string, as
// the Bus does on delivery.
func BenchmarkRegistryLookupByID(b *testing.B) {
	r, res, _ := millionAgents(b)
	ids := make([]ID, 1024)
	for i := range ids {
		ids[i] = MicroID("file", res[(i*7919)%len(res)])
	}
	i := 0
	for b.Loop() {
		if _, ok := r.Lookup(ids[i%len(ids)]); !ok {
			b.Fatal("missing")
		}
		i++
	}
}
