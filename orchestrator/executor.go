package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aios-dev/aios/agents"
)

// Inputs are a request's named inputs, JSON encoded.
type Inputs map[string]json.RawMessage

// Names returns the input names.
func (in Inputs) Names() []string {
	out := make([]string, 0, len(in))
	for k := range in {
		out = append(out, k)
	}
	return out
}

// Step statuses in a StepTrace.
const (
	StatusOK        = "ok"
	StatusFailed    = "failed"
	StatusSkipped   = "skipped"
	StatusCancelled = "cancelled"
)

// StepTrace records how one step ran.
type StepTrace = agents.StepRecord

// EventKind says what happened to a step.
type EventKind int

// Step events reported while a plan runs.
const (
	StepStarted EventKind = iota + 1
	StepRetrying
	StepFinished
)

// Event reports progress of a running plan.
type Event struct {
	Task  string
	Kind  EventKind
	Step  StepTrace
	Done  int // steps finished so far
	Total int
}

// ExecutorOptions configure an Executor.
type ExecutorOptions struct {
	Port        *agents.Port  // the Executor's own port on the Bus; required
	Parallelism int           // steps run at once (default 4)
	StepTimeout time.Duration // default per-attempt timeout (default 2m)
	Attempts    int           // default attempts for retryable failures (default 3)
	Backoff     time.Duration // first retry delay, doubled each time (default 50ms)
	Logger      *slog.Logger
}

// Executor runs compiled plans by sending each step, as a signed request, to
// the agent bound to it.
type Executor struct {
	opts ExecutorOptions
}

// NewExecutor validates opts and returns an Executor.
func NewExecutor(opts ExecutorOptions) (*Executor, error) {
	if opts.Port == nil {
		return nil, errors.New("executor: a Port is required")
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 4
	}
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = 2 * time.Minute
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 3
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 50 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Executor{opts: opts}, nil
}

// RunResult is the outcome of one run: the output of every step that
// succeeded, by step ID, and the trace of every step.
type RunResult struct {
	Outputs map[string]json.RawMessage
	Trace   []StepTrace
}

type stepDone struct {
	k     int
	out   json.RawMessage
	trace StepTrace
	err   error
}

// Run executes plan with the request's inputs. Steps whose predecessors
// have finished run concurrently, at most Parallelism at a time. The first
// step to fail cancels the rest; Run returns its error, and every step's
// trace says whether it ran, failed, was cancelled or skipped.
func (e *Executor) Run(ctx context.Context, task string, plan *Plan, inputs Inputs, onEvent func(Event)) (*RunResult, error) {
	for _, name := range plan.Inputs {
		if _, ok := inputs[name]; !ok {
			return nil, fmt.Errorf("task %s: request lacks input %q the plan was compiled for: %w", task, name, ErrMissingInput)
		}
	}
	n := len(plan.steps)
	res := &RunResult{Outputs: make(map[string]json.RawMessage, n), Trace: make([]StepTrace, n)}
	outputs := make([]json.RawMessage, n)
	waiting := make([]int, n)
	dependents := make([][]int, n)
	for k, s := range plan.steps {
		waiting[k] = len(s.deps)
		for _, d := range s.deps {
			dependents[d] = append(dependents[d], k)
		}
		res.Trace[k] = StepTrace{ID: s.ID, Capability: string(s.Capability), Agent: string(s.agent), Status: StatusSkipped}
	}
	emit := func(kind EventKind, tr StepTrace, done int) {
		if onEvent != nil {
			onEvent(Event{Task: task, Kind: kind, Step: tr, Done: done, Total: n})
		}
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan stepDone, n)
	var ready []int
	for k := range plan.steps {
		if waiting[k] == 0 {
			ready = append(ready, k)
		}
	}
	running, finished := 0, 0
	var firstErr error
	start := func(k int) {
		in := make(map[string]json.RawMessage, len(plan.steps[k].inputs))
		for i, name := range plan.steps[k].inputs {
			if from := plan.steps[k].from[i]; from >= 0 {
				in[name] = outputs[from]
			} else {
				in[name] = inputs[name]
			}
		}
		tr := res.Trace[k]
		tr.Start = time.Now()
		emit(StepStarted, tr, finished)
		running++
		if running == 1 && len(ready) == 0 {
			// The only runnable step: run it on this goroutine.
			results <- e.runStep(runCtx, task, &plan.steps[k], k, in, tr, emit)
			return
		}
		go func() { results <- e.runStep(runCtx, task, &plan.steps[k], k, in, tr, emit) }()
	}
	for finished < n {
		for firstErr == nil && len(ready) > 0 && running < e.opts.Parallelism {
			k := ready[0]
			ready = ready[1:]
			start(k)
		}
		if running == 0 {
			break // failed: nothing left in flight
		}
		d := <-results
		running--
		finished++
		res.Trace[d.k] = d.trace
		emit(StepFinished, d.trace, finished)
		if d.err != nil {
			if firstErr == nil {
				firstErr = d.err
				cancel()
			}
			continue
		}
		outputs[d.k] = d.out
		res.Outputs[plan.steps[d.k].ID] = d.out
		for _, j := range dependents[d.k] {
			if waiting[j]--; waiting[j] == 0 {
				ready = append(ready, j)
			}
		}
	}
	if firstErr != nil {
		return res, firstErr
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// runStep runs one step, retrying retryable failures with exponential
// backoff.
func (e *Executor) runStep(ctx context.Context, task string, s *planStep, k int, in map[string]json.RawMessage, tr StepTrace, emit func(EventKind, StepTrace, int)) stepDone {
	content, err := json.Marshal(agents.StepRequest{Task: task, Step: s.ID, Capability: s.Capability, Inputs: in})
	if err != nil {
		tr.Status, tr.Error = StatusFailed, err.Error()
		return stepDone{k: k, trace: tr, err: fmt.Errorf("step %s: encoding inputs: %w", s.ID, err)}
	}
	timeout, attempts := e.opts.StepTimeout, e.opts.Attempts
	if s.Timeout > 0 {
		timeout = s.Timeout
	}
	if s.Attempts > 0 {
		attempts = s.Attempts
	}
	backoff := e.opts.Backoff
	for {
		tr.Attempts++
		actx, cancel := context.WithTimeout(ctx, timeout)
		reply, err := e.opts.Port.Request(actx, s.agent, task, agents.OntologyStep, content)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if err == nil {
			tr.Status, tr.Duration = StatusOK, time.Since(tr.Start)
			return stepDone{k: k, out: reply.Content, trace: tr}
		}
		if timedOut {
			err = fmt.Errorf("attempt %d timed out after %v: %w", tr.Attempts, timeout, context.DeadlineExceeded)
		}
		retryable := (s.spec.Retryable || timedOut) && !errors.Is(err, agents.ErrRejected)
		if ctx.Err() != nil || !retryable || tr.Attempts >= attempts {
			tr.Duration = time.Since(tr.Start)
			tr.Status, tr.Error = StatusFailed, err.Error()
			if ctx.Err() != nil {
				tr.Status = StatusCancelled
				err = errors.Join(ctx.Err(), err)
			}
			return stepDone{k: k, trace: tr, err: fmt.Errorf("step %s (%s): %w", s.ID, s.Capability, err)}
		}
		e.opts.Logger.Info("retrying step", "task", task, "step", s.ID, "attempt", tr.Attempts, "err", err, "backoff", backoff)
		tr.Error = err.Error()
		emit(StepRetrying, tr, 0)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}
