package golang

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aios-dev/aios/agents"
)

func step(t *testing.T, capability agents.Capability, inputs map[string]any) *agents.Message {
	t.Helper()
	in := make(map[string]json.RawMessage)
	for k, v := range inputs {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		in[k] = data
	}
	content, _ := json.Marshal(agents.StepRequest{Task: "t", Step: "s", Capability: capability, Inputs: in})
	return &agents.Message{Performative: agents.Request, Sender: "macro/executor", Receiver: QuickFixID, Ontology: agents.OntologyStep, Content: content}
}

func TestQuickFixPicksFindingsInRange(t *testing.T) {
	fix := agents.Fix{Title: "Remove", Edits: []agents.Edit{{File: "/w/a.go", Start: 10, End: 15}}}
	findings := agents.FindingSet{
		Versions: map[string]int32{"/w/a.go": 7},
		Findings: []agents.Finding{
			{File: "/w/a.go", Analyzer: "assign", Start: agents.Pos{Offset: 10}, End: agents.Pos{Offset: 10}, Fixes: []agents.Fix{fix}},
			{File: "/w/a.go", Analyzer: "printf", Start: agents.Pos{Offset: 50}, End: agents.Pos{Offset: 60}, Fixes: []agents.Fix{fix}},
			{File: "/w/b.go", Analyzer: "assign", Start: agents.Pos{Offset: 10}, End: agents.Pos{Offset: 10}, Fixes: []agents.Fix{fix}},
			{File: "/w/a.go", Analyzer: "unreachable", Start: agents.Pos{Offset: 12}, End: agents.Pos{Offset: 14}},
		},
	}
	tests := []struct {
		rng  agents.ByteRange
		want []string
	}{
		{agents.ByteRange{Start: 0, End: 20}, []string{"assign"}},
		{agents.ByteRange{Start: 10, End: 10}, []string{"assign"}},
		{agents.ByteRange{Start: 55, End: 55}, []string{"printf"}},
		{agents.ByteRange{Start: 0, End: 100}, []string{"assign", "printf"}},
		{agents.ByteRange{Start: 20, End: 40}, nil},
	}
	for _, tt := range tests {
		reply, err := quickFixAgent{}.HandleMessage(context.Background(), step(t, QuickFix.Name, map[string]any{
			"document": agents.DocumentRef{Path: "/w/a.go", Version: 7}, "range": tt.rng, "findings": findings,
		}))
		if err != nil {
			t.Fatal(err)
		}
		var out agents.FixSet
		if err := json.Unmarshal(reply.Content, &out); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, fc := range out.Fixes {
			if fc.Version != 7 || fc.Title != "Remove" || len(fc.Edits) != 1 {
				t.Fatalf("candidate %+v", fc)
			}
			got = append(got, fc.Finding.Analyzer)
		}
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("range %+v: fixes for %v, want %v", tt.rng, got, tt.want)
		}
	}
	// A step without its inputs is a failure, not a silent empty answer.
	if _, err := (quickFixAgent{}).HandleMessage(context.Background(), step(t, QuickFix.Name, nil)); err == nil {
		t.Fatal("missing inputs accepted")
	}
}
