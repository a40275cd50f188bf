package orchestrator

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aios-dev/aios/agents"
)

type catalog map[agents.Capability]agents.CapabilitySpec

func (c catalog) Capability(n agents.Capability) (agents.CapabilitySpec, bool) {
	s, ok := c[n]
	return s, ok
}

func (c catalog) ByCapability(n agents.Capability) []agents.Info {
	if _, ok := c[n]; !ok {
		return nil
	}
	return []agents.Info{{ID: agents.ID("meso/" + n), Tier: agents.Meso}}
}

var testCatalog = catalog{
	"diagnose": {Name: "diagnose", Requires: []string{"document"}, Provides: "findings"},
	"quickfix": {Name: "quickfix", Requires: []string{"document", "findings"}, Optional: []string{"range"}, Provides: "fixes"},
	"critic":   {Name: "critic", Requires: []string{"fixes"}, Provides: "verified"},
	"noop":     {Name: "noop", Provides: "noop"},
}

func TestCompile(t *testing.T) {
	tests := []struct {
		name    string
		steps   []Step
		inputs  []string
		wantErr error
		errText string
		order   []string
	}{
		{
			name: "chain",
			steps: []Step{
				{ID: "critic", Capability: "critic", After: []string{"fix"}},
				{ID: "fix", Capability: "quickfix", After: []string{"diag"}},
				{ID: "diag", Capability: "diagnose"},
			},
			inputs: []string{"document"},
			order:  []string{"diag", "fix", "critic"},
		},
		{
			name:    "cycle is named",
			steps:   []Step{{ID: "a", Capability: "noop", After: []string{"c"}}, {ID: "b", Capability: "noop", After: []string{"a"}}, {ID: "c", Capability: "noop", After: []string{"b"}}},
			wantErr: ErrCycle,
			errText: "a → c → b → a",
		},
		{
			name:    "self loop",
			steps:   []Step{{ID: "a", Capability: "noop", After: []string{"a"}}},
			wantErr: ErrCycle,
		},
		{
			name:    "unknown capability",
			steps:   []Step{{ID: "a", Capability: "teleport"}},
			wantErr: ErrUnknownCapability,
			errText: `"teleport"`,
		},
		{
			name:    "missing request input",
			steps:   []Step{{ID: "d", Capability: "diagnose"}},
			wantErr: ErrMissingInput,
			errText: `needs input "document"`,
		},
		{
			name:    "input produced by a step that is not an ancestor",
			steps:   []Step{{ID: "d", Capability: "diagnose"}, {ID: "f", Capability: "quickfix"}},
			inputs:  []string{"document"},
			wantErr: ErrMissingInput,
			errText: `"findings"`,
		},
		{
			name:    "duplicate step",
			steps:   []Step{{ID: "a", Capability: "noop"}, {ID: "a", Capability: "noop"}},
			wantErr: ErrBadPlan,
		},
		{
			name:    "unknown predecessor",
			steps:   []Step{{ID: "a", Capability: "noop", After: []string{"ghost"}}},
			wantErr: ErrBadPlan,
		},
		{
			name:    "empty",
			wantErr: ErrBadPlan,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &Graph{Kind: "test", Steps: tt.steps}
			plan, err := Compile(g, testCatalog, tt.inputs)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("err %q does not mention %q", err, tt.errText)
			}
			if err == nil && !slices.Equal(plan.StepIDs(), tt.order) {
				t.Fatalf("order %v, want %v", plan.StepIDs(), tt.order)
			}
		})
	}
}

func TestCompileBindsInputs(t *testing.T) {
	g := (&Graph{}).
		Add(Step{ID: "diag", Capability: "diagnose"}).
		Add(Step{ID: "fix", Capability: "quickfix", After: []string{"diag"}}).
		Add(Step{ID: "critic", Capability: "critic", After: []string{"fix"}})
	plan, err := Compile(g, testCatalog, []string{"document", "range"})
	if err != nil {
		t.Fatal(err)
	}
	fix := plan.steps[1]
	if !slices.Equal(fix.inputs, []string{"document", "findings", "range"}) || !slices.Equal(fix.from, []int{-1, 0, -1}) {
		t.Fatalf("fix inputs %v from %v", fix.inputs, fix.from)
	}
	if fix.agent != "meso/quickfix" {
		t.Fatalf("agent %s", fix.agent)
	}
	// Without the optional range input the step still compiles.
	plan, err = Compile(g, testCatalog, []string{"document"})
	if err != nil || len(plan.steps[1].inputs) != 2 {
		t.Fatalf("%v %v", err, plan.steps[1].inputs)
	}
}

func TestPlannerCachesStaticPlans(t *testing.T) {
	k := newTestKernel(t, 2, []capAgent{{agents.CapabilitySpec{Name: "diagnose", Requires: []string{"document"}, Provides: "findings"}, echoStep}})
	in := Inputs{"document": json.RawMessage(`{}`)}
	p1, err := k.Planner().Plan(KindDiagnose, in)
	if err != nil {
		t.Fatal(err)
	}
	if p2, _ := k.Planner().Plan(KindDiagnose, in); p2 != p1 {
		t.Fatal("static plan compiled twice")
	}
	// A registration may change which agent offers a capability: recompile.
	if err := k.Registry().Register("meso/other", agents.Meso, agents.AgentFunc(echoStep)); err != nil {
		t.Fatal(err)
	}
	if p3, _ := k.Planner().Plan(KindDiagnose, in); p3 == p1 {
		t.Fatal("cached plan survived a registry change")
	}
	// Dynamic rules are never cached.
	calls := 0
	k.Planner().SetRule("dyn", func(Inputs) (*Graph, error) {
		calls++
		return (&Graph{Kind: "dyn"}).Add(Step{ID: "d", Capability: "diagnose"}), nil
	})
	k.Planner().Plan("dyn", in)
	k.Planner().Plan("dyn", in)
	if calls != 2 {
		t.Fatalf("dynamic rule ran %d times", calls)
	}
}
