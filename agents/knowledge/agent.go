package knowledge

import (
	"context"
	"errors"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/memory"
)

// RetrieveID is the Retrieve meso agent.
const RetrieveID agents.ID = "meso/retrieve"

// Retrieve is the capability of retrieving context: input "query" (a
// memory.Query), optional "document" (the open document, which seeds the
// graph), output "context" (a memory.Result).
var Retrieve = agents.CapabilitySpec{Name: "retrieve", Requires: []string{"query"}, Optional: []string{"document"}, Provides: "context", Retryable: true}

// ErrNotReady is returned while the workspace's knowledge is not open.
var ErrNotReady = errors.New("the workspace index is not open yet (aios builds it after initialize unless initializationOptions.index is false; the aios.index command builds it)")

// Agent serves the Retrieve capability over a Service that may open
// later (get returns nil until then).
type Agent struct {
	Get  func() *Service
	Root string
}

// HandleMessage implements agents.Agent.
func (a Agent) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	req, err := agents.DecodeStep(msg)
	if err != nil {
		return msg.NewReply(agents.NotUnderstood, []byte(err.Error())), nil
	}
	s := a.Get()
	if s == nil {
		return nil, ErrNotReady
	}
	var q memory.Query
	if err := req.Input("query", &q); err != nil {
		return nil, err
	}
	if q.OpenFile == "" && req.Has("document") {
		var doc agents.DocumentRef
		if err := req.Input("document", &doc); err == nil {
			q.OpenFile = relative(a.Root, doc.Path)
		}
	}
	res, err := s.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	return agents.InformJSON(msg, res)
}
