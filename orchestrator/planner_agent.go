package orchestrator

import (
	"context"
	"encoding/json"

	"github.com/aios-dev/aios/agents"
)

// OntologyPlan is the ontology of plan requests to the Planner agent from
// other nodes. Content: PlanRequest; reply: PlanReply.
const OntologyPlan = "aios.plan/v1"

// PlanRequest asks the Planner for the plan of a request.
type PlanRequest struct {
	Kind   string   `json:"kind"`
	Inputs []string `json:"inputs"`
}

// PlanReply describes a compiled plan.
type PlanReply struct {
	Kind  string   `json:"kind"`
	Steps []string `json:"steps"`
}

// plannerAgent answers plan requests on the bus. The local kernel calls the
// Planner directly: it hosts it.
type plannerAgent struct{ p *Planner }

func (a plannerAgent) HandleMessage(_ context.Context, msg *agents.Message) (*agents.Message, error) {
	var req PlanRequest
	if msg.Ontology != OntologyPlan || json.Unmarshal(msg.Content, &req) != nil {
		return msg.NewReply(agents.NotUnderstood, []byte("planner: want a "+OntologyPlan+" request")), nil
	}
	in := make(Inputs, len(req.Inputs))
	for _, name := range req.Inputs {
		in[name] = json.RawMessage("null")
	}
	plan, err := a.p.Plan(req.Kind, in)
	if err != nil {
		return msg.NewReply(agents.Refuse, []byte(err.Error())), nil
	}
	return agents.InformJSON(msg, PlanReply{Kind: plan.Kind, Steps: plan.StepIDs()})
}
