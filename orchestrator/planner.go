package orchestrator

import (
	"errors"
	"fmt"
	"sort"
	"strings"
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

	mu    sync.RWMutex // guards rules and cache
	rules map[string]ruleEntry
	cache map[string]cachedPlan // compiled plans of static rules
}

type ruleEntry struct {
	rule   Rule
	static bool // the graph depends only on the input names, not their values
}

type cachedPlan struct {
	plan *Plan
	gen  uint64
}

// generationer is implemented by catalogs whose content can change (the
// agent registry); a compiled plan is reused only while it does not.
type generationer interface{ Generation() uint64 }

// NewPlanner returns a Planner with the standard rules.
func NewPlanner(cat Catalog) *Planner {
	p := &Planner{cat: cat, rules: make(map[string]ruleEntry), cache: make(map[string]cachedPlan)}
	p.setRule(KindDiagnose, true, func(Inputs) (*Graph, error) {
		g := &Graph{Kind: KindDiagnose}
		return g.Add(Step{ID: "diagnose", Capability: "diagnose"}), nil
	})
	p.setRule(KindCodeActions, true, func(Inputs) (*Graph, error) {
		g := &Graph{Kind: KindCodeActions}
		g.Add(Step{ID: "diagnose", Capability: "diagnose"})
		return g.Add(Step{ID: "quickfix", Capability: "quickfix", After: []string{"diagnose"}}), nil
	})
	p.setRule(KindResolveFix, true, func(Inputs) (*Graph, error) {
		g := &Graph{Kind: KindResolveFix}
		g.Add(Step{ID: "diagnose", Capability: "diagnose"})
		g.Add(Step{ID: "quickfix", Capability: "quickfix", After: []string{"diagnose"}})
		return g.Add(Step{ID: "critic", Capability: "verify-edits", After: []string{"quickfix"}}), nil
	})
	p.setRule(KindLint, true, func(Inputs) (*Graph, error) {
		g := &Graph{Kind: KindLint}
		return g.Add(Step{ID: "lint", Capability: "lint"}), nil
	})
	return p
}

// SetRule installs (or replaces) the rule for kind. The rule runs for
// every request of that kind.
func (p *Planner) SetRule(kind string, r Rule) { p.setRule(kind, false, r) }

// SetStaticRule installs a rule whose graph depends only on the names of
// the request's inputs; its compiled plan is cached until the registry
// changes.
func (p *Planner) SetStaticRule(kind string, r Rule) { p.setRule(kind, true, r) }

func (p *Planner) setRule(kind string, static bool, r Rule) {
	p.mu.Lock()
	p.rules[kind] = ruleEntry{rule: r, static: static}
	for k := range p.cache {
		if strings.HasPrefix(k, kind+"\x00") {
			delete(p.cache, k)
		}
	}
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
	entry, ok := p.rules[kind]
	p.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w for request kind %q (known: %v)", ErrNoRule, kind, p.Kinds())
	}
	var key string
	var gen uint64
	g, versioned := p.cat.(generationer)
	if entry.static && versioned {
		names := in.Names()
		sort.Strings(names)
		key = kind + "\x00" + strings.Join(names, "\x00")
		gen = g.Generation()
		p.mu.RLock()
		c, hit := p.cache[key]
		p.mu.RUnlock()
		if hit && c.gen == gen {
			return c.plan, nil
		}
	}
	graph, err := entry.rule(in)
	if err != nil {
		return nil, fmt.Errorf("planning %s: %w", kind, err)
	}
	plan, err := Compile(graph, p.cat, in.Names())
	if err != nil {
		return nil, fmt.Errorf("planning %s: %w", kind, err)
	}
	if key != "" {
		p.mu.Lock()
		p.cache[key] = cachedPlan{plan: plan, gen: gen}
		p.mu.Unlock()
	}
	return plan, nil
}
