package macro

import (
	"context"
	"fmt"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/critic"
)

// CriticID is the Critic macro agent.
const CriticID agents.ID = "macro/critic"

// VerifyEdits is the Critic's capability: it takes the "fixes" of earlier
// steps and provides "verified-fixes", from which every candidate whose
// edits do not apply cleanly or break the syntax has been vetoed.
var VerifyEdits = agents.CapabilitySpec{
	Name:     "verify-edits",
	Requires: []string{"fixes"},
	Provides: "verified-fixes",
}

// Review is the Critic's capability of scoring a candidate patch on the
// five dimensions: inputs "patch" (an author.Patch-shaped object: changes,
// or a problem that leaves nothing to review) and "task", output "review"
// (a critic.Review; nil for a patch with a problem).
var Review = agents.CapabilitySpec{
	Name:     "review",
	Requires: []string{"patch", "task"},
	Provides: "review",
}

// FileReader reads a file's current content: the open buffer when there is
// one, otherwise the file on disk, and its version (-1 for disk).
type FileReader interface {
	ReadFile(path string) ([]byte, int32, error)
}

// Critic is the Critic macro agent. It has veto power: a candidate it
// rejects is never offered.
type Critic struct {
	Files FileReader
	// Reviewer returns the critic that scores patches (the Review
	// capability), or why there is none.
	Reviewer func() (*critic.Critic, error)
}

// reviewInput is the part of the patch and task inputs the Critic reads.
type reviewInput struct {
	Changes []critic.FileChange `json:"changes"`
	Problem string              `json:"problem"`
}

func (c *Critic) review(ctx context.Context, msg *agents.Message, req *agents.StepRequest) (*agents.Message, error) {
	var p reviewInput
	if err := req.Input("patch", &p); err != nil {
		return nil, err
	}
	if p.Problem != "" {
		return agents.InformJSON(msg, (*critic.Review)(nil))
	}
	var t critic.Task
	if err := req.Input("task", &t); err != nil {
		return nil, err
	}
	if c.Reviewer == nil {
		return nil, fmt.Errorf("the critic reviews no patches in this session (no workspace)")
	}
	reviewer, err := c.Reviewer()
	if err != nil {
		return nil, err
	}
	rv, err := reviewer.Review(ctx, t, critic.Patch{Changes: p.Changes})
	if err != nil {
		return nil, err
	}
	return agents.InformJSON(msg, rv)
}

// HandleMessage implements agents.Agent.
func (c *Critic) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	req, err := agents.DecodeStep(msg)
	if err != nil {
		return msg.NewReply(agents.NotUnderstood, []byte(err.Error())), nil
	}
	if req.Capability == Review.Name {
		return c.review(ctx, msg, req)
	}
	var in agents.FixSet
	if err := req.Input("fixes", &in); err != nil {
		return nil, err
	}
	out := agents.FixSet{Fixes: make([]agents.FixCandidate, 0, len(in.Fixes))}
	for _, fc := range in.Fixes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v := critic.CheckEdits(fc.Edits, func(path string) ([]byte, error) {
			data, version, err := c.Files.ReadFile(path)
			if err != nil {
				return nil, err
			}
			if path == fc.Finding.File && version != fc.Version {
				return nil, fmt.Errorf("document changed (version %d, fix computed for %d)", version, fc.Version)
			}
			return data, nil
		})
		fc.Verified, fc.Vetoes = v.OK, v.Reasons
		out.Fixes = append(out.Fixes, fc)
	}
	return agents.InformJSON(msg, out)
}
