package agents

import (
	"encoding/json"
	"fmt"
)

// OntologyStep is the ontology of a plan step that the Executor hands to the
// agent offering the step's capability. The request's content is a
// StepRequest; an inform reply's content is the step's output, which the
// Executor passes, unparsed, to later steps under the capability's Provides
// name.
const OntologyStep = "aios.step/v1"

// StepRequest is the content of an OntologyStep request.
type StepRequest struct {
	Task       string                     `json:"task"`
	Step       string                     `json:"step"`
	Capability Capability                 `json:"capability"`
	Inputs     map[string]json.RawMessage `json:"inputs"`
}

// DecodeStep decodes the StepRequest in msg.
func DecodeStep(msg *Message) (*StepRequest, error) {
	if msg.Ontology != OntologyStep {
		return nil, fmt.Errorf("%w: ontology %q, want %q", ErrMalformed, msg.Ontology, OntologyStep)
	}
	var req StepRequest
	if err := json.Unmarshal(msg.Content, &req); err != nil {
		return nil, fmt.Errorf("%w: step request: %v", ErrMalformed, err)
	}
	return &req, nil
}

// Input decodes the named input of a step into v.
func (r *StepRequest) Input(name string, v any) error {
	raw, ok := r.Inputs[name]
	if !ok {
		return fmt.Errorf("step %s: missing input %q", r.Step, name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("step %s: input %q: %w", r.Step, name, err)
	}
	return nil
}

// Has reports whether the step received the named input.
func (r *StepRequest) Has(name string) bool {
	_, ok := r.Inputs[name]
	return ok
}

// InformJSON returns an inform reply to msg whose content is v encoded as
// JSON.
func InformJSON(msg *Message, v any) (*Message, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return msg.NewReply(Inform, data), nil
}
