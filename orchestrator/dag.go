package orchestrator

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aios-dev/aios/agents"
)

// Compilation errors.
var (
	ErrCycle             = errors.New("plan has a cycle")
	ErrUnknownCapability = errors.New("no agent offers capability")
	ErrMissingInput      = errors.New("missing input")
	ErrBadPlan           = errors.New("malformed plan")
)

// Step is one node of a Graph: run Capability after the steps in After.
type Step struct {
	ID         string
	Capability agents.Capability
	After      []string
	// Timeout bounds one attempt (0: the executor's default).
	Timeout time.Duration
	// Attempts bounds retries of a retryable failure (0: the executor's default).
	Attempts int
}

// Graph is a plan under construction. Build it with Add, then Compile it.
type Graph struct {
	Kind  string
	Steps []Step
}

// Add appends a step and returns g.
func (g *Graph) Add(s Step) *Graph {
	g.Steps = append(g.Steps, s)
	return g
}

// Catalog is what the compiler needs to know about capabilities.
type Catalog interface {
	Capability(c agents.Capability) (agents.CapabilitySpec, bool)
	ByCapability(c agents.Capability) []agents.Info
}

// Plan is a compiled, immutable Graph: steps in a topological order, each
// bound to the agent that will run it and to the inputs it will receive.
type Plan struct {
	Kind   string
	Inputs []string // the request inputs the plan was compiled against
	steps  []planStep
}

type planStep struct {
	Step
	spec   agents.CapabilitySpec
	agent  agents.ID
	deps   []int    // indexes of direct predecessors
	inputs []string // names of the inputs the step receives
	from   []int    // for each input: producing step index, or -1 for a request input
}

// Len returns the number of steps.
func (p *Plan) Len() int { return len(p.steps) }

// StepIDs returns the step IDs in execution order.
func (p *Plan) StepIDs() []string {
	ids := make([]string, len(p.steps))
	for i, s := range p.steps {
		ids[i] = s.ID
	}
	return ids
}

// Compile checks g against the catalog and the names of the request's
// inputs, and returns the runnable Plan.
func Compile(g *Graph, cat Catalog, inputs []string) (*Plan, error) {
	n := len(g.Steps)
	if n == 0 {
		return nil, fmt.Errorf("%w: plan %q has no steps", ErrBadPlan, g.Kind)
	}
	index := make(map[string]int, n)
	for i, s := range g.Steps {
		if s.ID == "" {
			return nil, fmt.Errorf("%w: step %d has no ID", ErrBadPlan, i)
		}
		if _, dup := index[s.ID]; dup {
			return nil, fmt.Errorf("%w: two steps named %q", ErrBadPlan, s.ID)
		}
		index[s.ID] = i
	}
	steps := make([]planStep, n)
	for i, s := range g.Steps {
		ps := planStep{Step: s}
		spec, ok := cat.Capability(s.Capability)
		offered := cat.ByCapability(s.Capability)
		if !ok || len(offered) == 0 {
			return nil, fmt.Errorf("step %q: %w %q", s.ID, ErrUnknownCapability, s.Capability)
		}
		ps.spec, ps.agent = spec, offered[0].ID
		for _, a := range s.After {
			j, ok := index[a]
			if !ok {
				return nil, fmt.Errorf("%w: step %q runs after unknown step %q", ErrBadPlan, s.ID, a)
			}
			if j == i {
				return nil, fmt.Errorf("%w: %s → %s", ErrCycle, s.ID, s.ID)
			}
			ps.deps = append(ps.deps, j)
		}
		steps[i] = ps
	}
	order, err := topoSort(steps)
	if err != nil {
		return nil, err
	}
	// Renumber into execution order.
	pos := make([]int, n)
	for k, i := range order {
		pos[i] = k
	}
	sorted := make([]planStep, n)
	for k, i := range order {
		s := steps[i]
		deps := make([]int, len(s.deps))
		for d, j := range s.deps {
			deps[d] = pos[j]
		}
		s.deps = deps
		sorted[k] = s
	}
	// Each step sees the request inputs and the outputs of all its ancestors.
	for k := range sorted {
		s := &sorted[k]
		avail := make(map[string]int)
		for _, in := range inputs {
			avail[in] = -1
		}
		for _, a := range ancestors(sorted, k) {
			if out := sorted[a].spec.Provides; out != "" {
				avail[out] = a
			}
		}
		for _, req := range s.spec.Requires {
			from, ok := avail[req]
			if !ok {
				return nil, fmt.Errorf("step %q (%s) needs input %q, which neither the request nor any step before it provides: %w",
					s.ID, s.Capability, req, ErrMissingInput)
			}
			s.inputs, s.from = append(s.inputs, req), append(s.from, from)
		}
		for _, opt := range s.spec.Optional {
			if from, ok := avail[opt]; ok {
				s.inputs, s.from = append(s.inputs, opt), append(s.from, from)
			}
		}
	}
	return &Plan{Kind: g.Kind, Inputs: slices.Clone(inputs), steps: sorted}, nil
}

// topoSort orders steps so that every step follows its predecessors, or
// names a cycle.
func topoSort(steps []planStep) ([]int, error) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]int, len(steps))
	order := make([]int, 0, len(steps))
	var stack []int
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case done:
			return nil
		case visiting:
			start := slices.Index(stack, i)
			var names []string
			for _, j := range stack[start:] {
				names = append(names, steps[j].ID)
			}
			names = append(names, steps[i].ID)
			return fmt.Errorf("%w: %s", ErrCycle, strings.Join(names, " → "))
		}
		state[i] = visiting
		stack = append(stack, i)
		for _, d := range steps[i].deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		order = append(order, i)
		return nil
	}
	for i := range steps {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// ancestors returns the indexes of all transitive predecessors of step k,
// nearest last, so that a nearer producer of the same output wins.
func ancestors(steps []planStep, k int) []int {
	seen := make([]bool, len(steps))
	var walk func(i int)
	walk = func(i int) {
		for _, d := range steps[i].deps {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(k)
	var out []int
	for i := range k { // topological order: ancestors precede k
		if seen[i] {
			out = append(out, i)
		}
	}
	return out
}
