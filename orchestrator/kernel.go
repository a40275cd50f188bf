package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/agents/macro"
	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/repoindex"
)

// Macro agents hosted by the kernel itself.
const (
	InterfaceID agents.ID = "macro/interface"
	ExecutorID  agents.ID = "macro/executor"
)

// Options configure a Kernel. They are validated by New and never changed
// afterwards.
type Options struct {
	Logger      *slog.Logger
	Transport   agents.Transport // nil: in-process
	Secret      []byte           // 32-byte node secret for agent keys; nil: random
	Parallelism int              // plan steps run at once (default GOMAXPROCS)
	StepTimeout time.Duration    // per-attempt step timeout (default 2m)
	Attempts    int              // attempts for retryable steps (default 3)
	MicroIdle   time.Duration    // micro agents idle this long are reaped (default 10m)
	TaskHistory int              // task records kept for aios.tasks (default 200)
	// Agents registers the meso and micro agents of the node. The kernel
	// registers its macro agents (Interface, Planner, Executor, Critic,
	// Memory) itself, before calling Agents.
	Agents func(k *Kernel) error
	// Workspace, when set, enables retrieval over the workspace's index
	// and memory (see OpenKnowledge): the Retrieve agent and the search
	// rule are registered for it.
	Workspace string
	// Inference is the node's model access (nil: no model configured);
	// InferenceMeter counts what it does. The kernel closes Inference.
	Inference      *inference.Lazy
	InferenceMeter *inference.Meter
	// EmbedModel, when set, names the embedding model of Inference: the
	// workspace's memory then retrieves densely too.
	EmbedModel string
	// KnowledgeStore is the store file of the workspace's index and
	// memory; "" is the per-workspace store under the user's cache
	// directory (~/.cache/aios/workspaces/NAME-HASH/aios.db).
	KnowledgeStore string
	// AI configures the AI edit pipeline (critic, escalation policy) of
	// a Workspace kernel; nil: defaults.
	AI *AIOptions
}

// Kernel is one aios node: registry, bus, planner, executor and the
// workspace overlay.
type Kernel struct {
	log      *slog.Logger
	reg      *agents.Registry
	bus      *agents.Bus
	overlay  *repoindex.Overlay
	planner  *Planner
	executor *Executor
	memory   *macro.Memory
	iface    *agents.Port
	exec     *agents.Port
	seq      atomic.Uint64
	cancel   context.CancelFunc
	recCh    chan recItem // task records on their way to the Memory agent
	recDone  chan struct{}

	mu     sync.RWMutex // guards closed; held for reading while sending on recCh
	closed bool

	inference      *inference.Lazy
	meter          *inference.Meter
	know           knowledgeState
	workspace      string
	embedModel     string
	knowledgeStore string
	ai             *aiState // nil without a workspace
}

// recItem is a task record for the Memory agent, or (flushed set) a marker
// that is closed once every record queued before it has been delivered.
type recItem struct {
	rec     agents.TaskRecord
	flushed chan struct{}
}

// ErrKernelClosed is returned by requests to a closed kernel.
var ErrKernelClosed = errors.New("kernel closed")

// New builds and starts a kernel.
func New(opts Options) (*Kernel, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = runtime.GOMAXPROCS(0)
	}
	if opts.MicroIdle <= 0 {
		opts.MicroIdle = 10 * time.Minute
	}
	if opts.TaskHistory <= 0 {
		opts.TaskHistory = 200
	}
	keys, err := agents.NewKeyring(opts.Secret)
	if err != nil {
		return nil, err
	}
	k := &Kernel{
		log:            opts.Logger,
		reg:            agents.NewRegistry(keys),
		overlay:        repoindex.NewOverlay(),
		memory:         macro.NewMemory(opts.TaskHistory),
		inference:      opts.Inference,
		meter:          opts.InferenceMeter,
		workspace:      opts.Workspace,
		embedModel:     opts.EmbedModel,
		knowledgeStore: opts.KnowledgeStore,
	}
	notUnderstood := agents.AgentFunc(func(_ context.Context, m *agents.Message) (*agents.Message, error) {
		return m.NewReply(agents.NotUnderstood, []byte(string(m.Receiver)+" takes no requests on the bus")), nil
	})
	k.planner = NewPlanner(k.reg)
	for _, a := range []struct {
		id    agents.ID
		agent agents.Agent
		caps  []agents.CapabilitySpec
	}{
		{InterfaceID, notUnderstood, nil},
		{PlannerID, plannerAgent{k.planner}, nil},
		{ExecutorID, notUnderstood, nil},
		{macro.CriticID, &macro.Critic{Files: k.overlay, Reviewer: k.reviewer}, []agents.CapabilitySpec{macro.VerifyEdits, macro.Review}},
		{macro.MemoryID, k.memory, nil},
	} {
		if err := k.reg.Register(a.id, agents.Macro, a.agent, a.caps...); err != nil {
			return nil, err
		}
	}
	k.bus, err = agents.NewBus(agents.BusOptions{Registry: k.reg, Transport: opts.Transport, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	if k.iface, err = k.bus.Port(InterfaceID); err != nil {
		return nil, err
	}
	if k.exec, err = k.bus.Port(ExecutorID); err != nil {
		return nil, err
	}
	k.executor, err = NewExecutor(ExecutorOptions{
		Port: k.exec, Parallelism: opts.Parallelism, StepTimeout: opts.StepTimeout,
		Attempts: opts.Attempts, Logger: opts.Logger,
	})
	if err != nil {
		return nil, err
	}
	if opts.Workspace != "" {
		if err := k.registerRetrieve(opts.Workspace); err != nil {
			k.bus.Close()
			return nil, err
		}
		ai := AIOptions{}
		if opts.AI != nil {
			ai = *opts.AI
		}
		if err := k.registerAI(opts.Workspace, ai); err != nil {
			k.bus.Close()
			return nil, err
		}
	}
	if opts.Agents != nil {
		if err := opts.Agents(k); err != nil {
			k.bus.Close()
			return nil, fmt.Errorf("registering agents: %w", err)
		}
	}
	k.recCh, k.recDone = make(chan recItem, 1024), make(chan struct{})
	go k.recorder()
	ctx, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	go k.reg.Reaper(ctx, opts.MicroIdle/4+time.Second, opts.MicroIdle)
	return k, nil
}

// Close stops the kernel. Requests still running may finish; new ones
// fail with ErrKernelClosed.
func (k *Kernel) Close() error {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return nil
	}
	k.closed = true
	close(k.recCh)
	k.mu.Unlock()
	k.cancel()
	<-k.recDone
	var ierr error
	if k.inference != nil {
		ierr = k.inference.Close()
	}
	return errors.Join(k.bus.Close(), ierr, k.closeKnowledge())
}

// Inference returns the node's model access, nil when none is configured.
func (k *Kernel) Inference() inference.Backend {
	if k.inference == nil {
		return nil
	}
	return k.inference
}

// InferenceStatus says what the inference layer has done: per backend,
// requests, tokens, latency and errors, and each circuit breaker's state.
type InferenceStatus struct {
	Configured bool                              `json:"configured"`
	Started    bool                              `json:"started"`
	Error      string                            `json:"error,omitempty"`
	Backends   []inference.BackendStats          `json:"backends"`
	Breakers   map[string]inference.BreakerState `json:"breakers,omitempty"`
	Problems   map[string]string                 `json:"problems,omitempty"`
}

// InferenceStatus returns the inference layer's metering and state.
func (k *Kernel) InferenceStatus() InferenceStatus {
	st := InferenceStatus{Configured: k.inference != nil, Backends: []inference.BackendStats{}}
	if k.meter != nil {
		st.Backends = k.meter.Snapshot()
	}
	if k.inference == nil || !k.inference.Built() {
		return st
	}
	e, err := k.inference.Engine()
	if err != nil {
		st.Error = err.Error()
		return st
	}
	st.Started = true
	st.Breakers = e.Router.Breakers()
	if len(e.Problems) > 0 {
		st.Problems = make(map[string]string, len(e.Problems))
		for n, p := range e.Problems {
			st.Problems[n] = p.Error()
		}
	}
	return st
}

// Registry returns the agent registry.
func (k *Kernel) Registry() *agents.Registry { return k.reg }

// Bus returns the message bus.
func (k *Kernel) Bus() *agents.Bus { return k.bus }

// Planner returns the planner.
func (k *Kernel) Planner() *Planner { return k.planner }

// Overlay returns the workspace's open buffers.
func (k *Kernel) Overlay() *repoindex.Overlay { return k.overlay }

// Logger returns the kernel's logger.
func (k *Kernel) Logger() *slog.Logger { return k.log }

// Request is one editor or CLI request.
type Request struct {
	Kind    string
	Inputs  Inputs
	OnEvent func(Event) // progress, called from the executor's goroutine
	// TaskID, when set, is used as the task's ID; otherwise one is made.
	TaskID string
}

// Outcome is the result of a task.
type Outcome struct {
	Task    agents.TaskRecord
	Outputs map[string]json.RawMessage // by step ID
}

// NewTaskID returns a fresh task ID.
func (k *Kernel) NewTaskID() string {
	return "t" + strconv.FormatUint(k.seq.Add(1), 10)
}

// Submit plans and runs a request as a task. The task is recorded, with its
// per-step trace, whether it succeeds or not.
func (k *Kernel) Submit(ctx context.Context, req Request) (*Outcome, error) {
	k.mu.RLock()
	closed := k.closed
	k.mu.RUnlock()
	if closed {
		return nil, ErrKernelClosed
	}
	id := req.TaskID
	if id == "" {
		id = k.NewTaskID()
	}
	rec := agents.TaskRecord{ID: id, Kind: req.Kind, Started: time.Now()}
	plan, err := k.planner.Plan(req.Kind, req.Inputs)
	var res *RunResult
	if err == nil {
		res, err = k.executor.Run(ctx, id, plan, req.Inputs, req.OnEvent)
	}
	rec.Duration = time.Since(rec.Started)
	rec.Status = StatusOK
	if res != nil {
		rec.Steps = res.Trace
	}
	if err != nil {
		rec.Status, rec.Error = StatusFailed, err.Error()
		if ctx.Err() != nil {
			rec.Status = StatusCancelled
		}
	}
	k.enqueue(recItem{rec: rec})
	if err != nil {
		return nil, fmt.Errorf("task %s (%s): %w", id, req.Kind, err)
	}
	return &Outcome{Task: rec, Outputs: res.Outputs}, nil
}

// enqueue hands it to the recorder without delaying the request; after
// Close it reports false and drops it.
func (k *Kernel) enqueue(it recItem) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.closed {
		return false
	}
	k.recCh <- it
	return true
}

// recorder sends queued task records to the Memory agent, as many per
// message as have queued up, until recCh is closed.
func (k *Kernel) recorder() {
	defer close(k.recDone)
	batch := make([]agents.TaskRecord, 0, 64)
	var flushes []chan struct{}
	send := func() {
		if len(batch) > 0 {
			data, err := json.Marshal(batch)
			if err == nil {
				msg := &agents.Message{Performative: agents.Inform, Receiver: macro.MemoryID, ConversationID: batch[0].ID,
					Ontology: agents.OntologyTaskRecord, Content: data}
				_, err = k.exec.Send(context.Background(), msg)
			}
			if err != nil {
				k.log.Error("recording tasks", "first", batch[0].ID, "n", len(batch), "err", err)
			}
		}
		for _, f := range flushes {
			close(f)
		}
		batch, flushes = batch[:0], flushes[:0]
	}
	for it := range k.recCh {
		k.collect(it, &batch, &flushes)
	drain:
		for len(batch) < cap(batch) {
			select {
			case it, ok := <-k.recCh:
				if !ok {
					break drain
				}
				k.collect(it, &batch, &flushes)
			default:
				break drain
			}
		}
		send()
	}
}

func (k *Kernel) collect(it recItem, batch *[]agents.TaskRecord, flushes *[]chan struct{}) {
	if it.flushed != nil {
		*flushes = append(*flushes, it.flushed)
		return
	}
	*batch = append(*batch, it.rec)
}

// Tasks returns the most recent task records, newest first, as the Memory
// agent remembers them.
func (k *Kernel) Tasks(ctx context.Context, limit int) ([]agents.TaskRecord, error) {
	flushed := make(chan struct{})
	if !k.enqueue(recItem{flushed: flushed}) {
		return nil, ErrKernelClosed
	}
	select {
	case <-flushed:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	q, _ := json.Marshal(agents.TasksQuery{Limit: limit})
	reply, err := k.iface.Send(ctx, &agents.Message{Performative: agents.QueryRef, Receiver: macro.MemoryID,
		ConversationID: k.NewTaskID(), Ontology: agents.OntologyTasks, Content: q})
	if err != nil {
		return nil, err
	}
	var out []agents.TaskRecord
	if err := json.Unmarshal(reply.Content, &out); err != nil {
		return nil, fmt.Errorf("tasks from %s: %w", reply.Sender, err)
	}
	return out, nil
}

// ErrNoOutput is returned when a task finished without the output asked for.
var ErrNoOutput = errors.New("task produced no such output")

// Output decodes the output of step into v.
func (o *Outcome) Output(step string, v any) error {
	raw, ok := o.Outputs[step]
	if !ok {
		return fmt.Errorf("task %s: step %q: %w", o.Task.ID, step, ErrNoOutput)
	}
	return json.Unmarshal(raw, v)
}
