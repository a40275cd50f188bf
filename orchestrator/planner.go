package orchestrator

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/aios-dev/aios/agents"
)

// PlannerID is the Planner macro agent.
const PlannerID agents.ID = "macro/planner"

// Request kinds the standard rules plan.
const (
	KindDiagnose    = "diagnose"     // inputs: document
	KindCodeActions = "code-actions" // inputs: document, range
	KindResolveFix  = "resolve-fix"  // inputs: document, range
	KindLint        = "lint"         // inputs: patterns
)

// ErrNoRule is returned for a request kind the Planner has no rule for.
var ErrNoRule = errors.New("no planning rule")

// Rule builds the graph for one kind of request from its inputs.
type Rule func(in Inputs) (*Graph, error)

// Planner turns a request into a compiled Plan by rules; no model is
// involved. Rules compile against the registry, so a plan that names a
// capability no agent offers, has a cycle, or needs an input nobody
// provides fails before anything runs.
type Planner struct {
	cat Catalog

	mu    sync.RWMutex // guards rules
	rules map[string]Rule
}

// NewPlanner returns a Planner with the standard rules.
func NewPlanner(cat Catalog) *Planner {
	p := &Planner{cat: cat, rules: make(map[string]Rule)}
	p.SetRule(KindDiagnose, func(Inputs) (*Graph, error) {
		g := &Graph{Kind: KindDiagnose}
		return g.Add(Step{ID: "diagnose", Capability: "diagnose"}), nil
	})
	p.SetRule(KindCodeActions, func(Inputs) (*Graph, error) {
		g := &Graph{Kind: KindCodeActions}
		g.Add(Step{ID: "diagnose", Capability: "diagnose"})
		return g.Add(Step{ID: "quickfix", Capability: "quickfix", After: []string{"diagnose"}}), nil
	})
	p.SetRule(KindResolveFix, func(Inputs) (*Graph, error) {
		g := &Graph{Kind: KindResolveFix}
		g.Add(Step{ID: "diagnose", Capability: "diagnose"})
		g.Add(Step{ID: "quickfix", Capability: "quickfix", After: []string{"diagnose"}})
		return g.Add(Step{ID: "critic", Capability: "verify-edits", After: []string{"quickfix"}}), nil
	})
	p.SetRule(KindLint, func(Inputs) (*Graph, error) {
		g := &Graph{Kind: KindLint}
		return g.Add(Step{ID: "lint", Capability: "lint"}), nil
	})
	return p
}

// SetRule installs (or replaces) the rule for kind.
func (p *Planner) SetRule(kind string, r Rule) {
	p.mu.Lock()
	p.rules[kind] = r
	p.mu.Unlock()
}

// Kinds returns the request kinds the Planner can plan.
func (p *Planner) Kinds() []string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]string, 0, len(p.rules))
	for k := range p.rules {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Plan builds and compiles the plan for a request.
func (p *Planner) Plan(kind string, in Inputs) (*Plan, error) {
	p.mu.RLock()
	rule := p.rules[kind]
	p.mu.RUnlock()
	if rule == nil {
		return nil, fmt.Errorf("%w for request kind %q (known: %v)", ErrNoRule, kind, p.Kinds())
	}
	g, err := rule(in)
	if err != nil {
		return nil, fmt.Errorf("planning %s: %w", kind, err)
	}
	plan, err := Compile(g, p.cat, in.Names())
	if err != nil {
		return nil, fmt.Errorf("planning %s: %w", kind, err)
	}
	return plan, nil
}
