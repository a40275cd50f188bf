package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aios-dev/aios/agents"
)

// newTestKernel returns a kernel whose meso agents are the given handlers,
// one capability each.
func newTestKernel(t testing.TB, parallelism int, caps []capAgent) *Kernel {
	t.Helper()
	k, err := New(Options{
		Parallelism: parallelism,
		StepTimeout: 5 * time.Second,
		Agents: func(k *Kernel) error {
			for _, c := range caps {
				if err := k.Registry().Register(agents.ID("meso/"+c.spec.Name), agents.Meso, c.h, c.spec); err != nil {
					return err
				}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

type capAgent struct {
	spec agents.CapabilitySpec
	h    agents.AgentFunc
}

func echoStep(ctx context.Context, m *agents.Message) (*agents.Message, error) {
	req, err := agents.DecodeStep(m)
	if err != nil {
		return nil, err
	}
	return agents.InformJSON(m, map[string]any{"step": req.Step, "inputs": len(req.Inputs)})
}

func TestExecutorBoundedParallelism(t *testing.T) {
	var inflight, maxSeen atomic.Int32
	both := make(chan struct{})
	var once sync.Once
	work := func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			old := maxSeen.Load()
			if n <= old || maxSeen.CompareAndSwap(old, n) {
				break
			}
		}
		if n == 2 {
			once.Do(func() { close(both) })
		}
		select { // the first two steps wait for each other: parallelism 1 would time out
		case <-both:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return echoStep(ctx, m)
	}
	k := newTestKernel(t, 2, []capAgent{{agents.CapabilitySpec{Name: "work", Provides: "w"}, work}})
	g := &Graph{Kind: "fan"}
	for i := range 6 {
		g.Add(Step{ID: fmt.Sprintf("s%d", i), Capability: "work"})
	}
	plan, err := Compile(g, k.Registry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := k.executor.Run(context.Background(), "t", plan, Inputs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := maxSeen.Load(); got != 2 {
		t.Fatalf("max parallel steps = %d, want 2", got)
	}
	for _, tr := range res.Trace {
		if tr.Status != StatusOK || tr.Attempts != 1 || tr.Duration <= 0 || tr.Start.IsZero() || tr.Agent != "meso/work" {
			t.Fatalf("trace %+v", tr)
		}
	}
}

func TestExecutorPassesOutputsDownstream(t *testing.T) {
	produce := func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
		return m.NewReply(agents.Inform, []byte(`{"n":41}`)), nil
	}
	consume := func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
		req, err := agents.DecodeStep(m)
		if err != nil {
			return nil, err
		}
		var in struct{ N int }
		var doc string
		if err := req.Input("number", &in); err != nil {
			return nil, err
		}
		if err := req.Input("document", &doc); err != nil {
			return nil, err
		}
		return agents.InformJSON(m, fmt.Sprintf("%s:%d", doc, in.N+1))
	}
	k := newTestKernel(t, 4, []capAgent{
		{agents.CapabilitySpec{Name: "produce", Provides: "number"}, produce},
		{agents.CapabilitySpec{Name: "consume", Requires: []string{"number", "document"}, Provides: "x"}, consume},
	})
	k.Planner().SetRule("chain", func(Inputs) (*Graph, error) {
		g := (&Graph{Kind: "chain"}).Add(Step{ID: "p", Capability: "produce"})
		return g.Add(Step{ID: "c", Capability: "consume", After: []string{"p"}}), nil
	})
	out, err := k.Submit(context.Background(), Request{Kind: "chain", Inputs: Inputs{"document": json.RawMessage(`"a.go"`)}})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := out.Output("c", &got); err != nil || got != "a.go:42" {
		t.Fatalf("output %q %v", got, err)
	}
}

func TestExecutorTimeoutThenRetry(t *testing.T) {
	var calls atomic.Int32
	flaky := func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done() // first attempt hangs until its timeout
			return nil, ctx.Err()
		}
		return echoStep(ctx, m)
	}
	k := newTestKernel(t, 1, []capAgent{{agents.CapabilitySpec{Name: "flaky", Provides: "f"}, flaky}})
	g := (&Graph{}).Add(Step{ID: "s", Capability: "flaky", Timeout: 50 * time.Millisecond})
	plan, _ := Compile(g, k.Registry(), nil)
	res, err := k.executor.Run(context.Background(), "t", plan, Inputs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tr := res.Trace[0]; tr.Attempts != 2 || tr.Status != StatusOK {
		t.Fatalf("trace %+v", tr)
	}
}

func TestExecutorRetriesOnlyRetryable(t *testing.T) {
	var calls atomic.Int32
	failTwice := func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
		if calls.Add(1) <= 2 {
			return nil, errors.New("transient")
		}
		return echoStep(ctx, m)
	}
	k := newTestKernel(t, 1, []capAgent{
		{agents.CapabilitySpec{Name: "retry", Provides: "r", Retryable: true}, failTwice},
		{agents.CapabilitySpec{Name: "once", Provides: "o"}, func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
			return nil, errors.New("permanent")
		}},
	})
	var retries atomic.Int32
	onEvent := func(e Event) {
		if e.Kind == StepRetrying {
			retries.Add(1)
		}
	}
	plan, _ := Compile((&Graph{}).Add(Step{ID: "s", Capability: "retry"}), k.Registry(), nil)
	res, err := k.executor.Run(context.Background(), "t", plan, Inputs{}, onEvent)
	if err != nil || res.Trace[0].Attempts != 3 || retries.Load() != 2 {
		t.Fatalf("retryable: err=%v trace=%+v retries=%d", err, res.Trace[0], retries.Load())
	}
	plan, _ = Compile((&Graph{}).Add(Step{ID: "s", Capability: "once"}), k.Registry(), nil)
	res, err = k.executor.Run(context.Background(), "t", plan, Inputs{}, nil)
	var re *agents.ReplyError
	if !errors.As(err, &re) || res.Trace[0].Attempts != 1 || res.Trace[0].Status != StatusFailed {
		t.Fatalf("non-retryable: err=%v trace=%+v", err, res.Trace[0])
	}
}

func TestExecutorCancellationSkipsDependents(t *testing.T) {
	started := make(chan struct{})
	block := func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	k := newTestKernel(t, 2, []capAgent{
		{agents.CapabilitySpec{Name: "block", Provides: "b"}, block},
		{agents.CapabilitySpec{Name: "after", Provides: "a"}, echoStep},
	})
	g := (&Graph{}).Add(Step{ID: "first", Capability: "block"}).Add(Step{ID: "second", Capability: "after", After: []string{"first"}})
	plan, _ := Compile(g, k.Registry(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	res, err := k.executor.Run(ctx, "t", plan, Inputs{}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if res.Trace[0].Status != StatusCancelled || res.Trace[1].Status != StatusSkipped {
		t.Fatalf("trace %+v", res.Trace)
	}
}

func TestSubmitRecordsTasks(t *testing.T) {
	k := newTestKernel(t, 2, []capAgent{
		{agents.CapabilitySpec{Name: "diagnose", Requires: []string{"document"}, Provides: "findings"}, echoStep},
	})
	var events []EventKind
	out, err := k.Submit(context.Background(), Request{Kind: KindDiagnose, Inputs: Inputs{"document": json.RawMessage(`{}`)},
		OnEvent: func(e Event) { events = append(events, e.Kind) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0] != StepStarted || events[1] != StepFinished {
		t.Fatalf("events %v", events)
	}
	if _, err := k.Submit(context.Background(), Request{Kind: KindDiagnose, Inputs: Inputs{}}); !errors.Is(err, ErrMissingInput) {
		t.Fatalf("missing input: %v", err)
	}
	if _, err := k.Submit(context.Background(), Request{Kind: "teleport"}); !errors.Is(err, ErrNoRule) {
		t.Fatalf("unknown kind: %v", err)
	}
	tasks, err := k.Tasks(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 3 || tasks[2].ID != out.Task.ID || tasks[2].Status != StatusOK || len(tasks[2].Steps) != 1 ||
		tasks[2].Steps[0].Capability != "diagnose" || tasks[2].Steps[0].Duration <= 0 {
		t.Fatalf("tasks %+v", tasks)
	}
	if tasks[0].Status != StatusFailed || tasks[0].Error == "" {
		t.Fatalf("failed task recorded as %+v", tasks[0])
	}
	if st := k.Bus().Stats(); st.Rejected() != 0 || st.Delivered == 0 {
		t.Fatalf("bus stats %+v", st)
	}
}

// BenchmarkKernelOverhead measures one request through plan, sign,
// dispatch, verify, a no-op agent, and the signed reply's verification.
// Aim: under 100µs median.
func BenchmarkKernelOverhead(b *testing.B) {
	nop := func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
		return m.NewReply(agents.Inform, []byte(`{}`)), nil
	}
	k := newTestKernel(b, 4, []capAgent{
		{agents.CapabilitySpec{Name: "diagnose", Requires: []string{"document"}, Provides: "findings"}, nop},
	})
	in := Inputs{"document": json.RawMessage(`{"path":"/w/a.go","version":3}`)}
	lat := make([]time.Duration, 0, 1<<16)
	ctx := context.Background()
	for b.Loop() {
		t0 := time.Now()
		if _, err := k.Submit(ctx, Request{Kind: KindDiagnose, Inputs: in}); err != nil {
			b.Fatal(err)
		}
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(t0))
		}
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices := append([]time.Duration(nil), lat...)
	sortDurations(slices)
	b.ReportMetric(float64(slices[0].Microseconds()), "min-µs")
	b.ReportMetric(float64(slices[len(slices)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(slices[len(slices)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(slices[len(slices)-1].Microseconds()), "max-µs")
}

func TestCloseWhileTasksRun(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	k, err := New(Options{Agents: func(k *Kernel) error {
		return k.Registry().Register("meso/diagnose", agents.Meso, agents.AgentFunc(func(ctx context.Context, m *agents.Message) (*agents.Message, error) {
			close(started)
			<-release
			return m.NewReply(agents.Inform, []byte(`{}`)), nil
		}), agents.CapabilitySpec{Name: "diagnose", Requires: []string{"document"}, Provides: "findings"})
	}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := k.Submit(context.Background(), Request{Kind: KindDiagnose, Inputs: Inputs{"document": json.RawMessage(`{}`)}})
		done <- err
	}()
	<-started
	closed := make(chan struct{})
	go func() { k.Close(); close(closed) }()
	close(release)
	<-closed
	<-done // finished, whatever its outcome: no panic, no deadlock
	if _, err := k.Submit(context.Background(), Request{Kind: KindDiagnose}); !errors.Is(err, ErrKernelClosed) {
		t.Fatalf("submit after close: %v", err)
	}
	if _, err := k.Tasks(context.Background(), 5); !errors.Is(err, ErrKernelClosed) {
		t.Fatalf("tasks after close: %v", err)
	}
	if err := k.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}
