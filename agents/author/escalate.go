package author

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/agents/edit"
	"github.com/aios-dev/aios/agents/escalate"
	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/repoindex/gitcommit"
)

// EscalateID is the Escalate meso agent.
const EscalateID agents.ID = "meso/escalate"

// Escalate is the capability of deciding what happens to a reviewed edit:
// inputs "review", "patch" and "task", output "decision" (an Outcome).
var Escalate = agents.CapabilitySpec{Name: "escalate", Requires: []string{"review", "patch", "task"}, Provides: "decision"}

// Escalator serves Escalate.
type Escalator struct {
	Policy func() escalate.Policy
	Files  Files
	Root   string
}

// HandleMessage implements agents.Agent.
func (e *Escalator) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	req, err := agents.DecodeStep(msg)
	if err != nil {
		return msg.NewReply(agents.NotUnderstood, []byte(err.Error())), nil
	}
	var p Patch
	if err := req.Input("patch", &p); err != nil {
		return nil, err
	}
	if p.Problem != "" {
		return agents.InformJSON(msg, Outcome{Problem: p.Problem})
	}
	var rv critic.Review
	if err := req.Input("review", &rv); err != nil {
		return nil, err
	}
	out, err := e.decide(&p, &rv)
	if err != nil {
		return nil, err
	}
	return agents.InformJSON(msg, out)
}

func (e *Escalator) decide(p *Patch, rv *critic.Review) (*Outcome, error) {
	out := &Outcome{Review: rv}
	if !rv.Accepted {
		out.Decision = escalate.Decision{Tier: escalate.Vetoed, Reasons: append([]string{"vetoed by the critic"}, rv.Vetoes...)}
		return out, nil
	}
	in := escalate.Input{Score: rv.Total, Threshold: rv.Threshold}
	paths := make([]string, 0, len(p.Changes))
	for _, c := range p.Changes {
		abs := filepath.Join(e.Root, filepath.FromSlash(c.Path))
		var old []byte
		if !c.Created {
			var err error
			if old, _, err = e.Files.ReadFile(abs); err != nil {
				return nil, fmt.Errorf("reading %s to size the edit: %w", c.Path, err)
			}
		}
		fi := escalate.FileInfo{Path: c.Path, Deleted: c.Delete, Created: c.Created}
		fi.AddedLines, fi.DeletedLines = diffLines(c.Path, old, c.Content)
		in.Files = append(in.Files, fi)
		paths = append(paths, c.Path)
	}
	if d := rv.Dimension(critic.DimTests); d != nil && !d.Skipped {
		in.TestsRan, in.TestsPassed = true, d.Score >= 1
	}
	for _, f := range rv.Safety {
		in.SafetyFindings = append(in.SafetyFindings, f.Path+": "+f.Message)
	}
	var dirty []string
	if repo, err := gitcommit.Open(e.Root); err == nil {
		if dirty, err = repo.Dirty(paths); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, gitcommit.ErrNotGit) {
		return nil, err
	}
	// Unsaved buffers are the user's changes too.
	for _, rel := range paths {
		abs := filepath.Join(e.Root, filepath.FromSlash(rel))
		buf, version, err := e.Files.ReadFile(abs)
		if err != nil || version < 0 || slices.Contains(dirty, rel) {
			continue
		}
		if disk, err := os.ReadFile(abs); err != nil || !bytes.Equal(disk, buf) {
			dirty = append(dirty, rel)
		}
	}
	in.UserChangesInTouched, out.UserChanges = dirty, dirty
	out.Decision = e.Policy().Decide(in)
	return out, nil
}

// diffLines counts the added and deleted lines between old and new.
func diffLines(path string, old, new []byte) (added, deleted int) {
	for _, l := range strings.Split(edit.UnifiedDiff(path, old, new), "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
		case strings.HasPrefix(l, "+"):
			added++
		case strings.HasPrefix(l, "-"):
			deleted++
		}
	}
	return added, deleted
}
