package author

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/agents/edit"
)

// ParseID is the Parse meso agent.
const ParseID agents.ID = "meso/parse-edit"

// ParseEdit is the capability of turning an answer into file edits:
// inputs "answer" and "task", output "patch".
var ParseEdit = agents.CapabilitySpec{Name: "parse-edit", Requires: []string{"answer", "task"}, Provides: "patch"}

// wholeFileLimit: files up to this size may be answered with their whole
// new content in one code block.
const wholeFileLimit = 8 << 10

// Parser serves ParseEdit.
type Parser struct {
	Files Files
	Root  string
}

// HandleMessage implements agents.Agent.
func (p *Parser) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	req, err := agents.DecodeStep(msg)
	if err != nil {
		return msg.NewReply(agents.NotUnderstood, []byte(err.Error())), nil
	}
	var t Task
	if err := req.Input("task", &t); err != nil {
		return nil, err
	}
	var a Answer
	if err := req.Input("answer", &a); err != nil {
		return nil, err
	}
	patch, err := p.parse(&t, a.Text)
	if err != nil {
		return nil, err
	}
	return agents.InformJSON(msg, patch)
}

func (p *Parser) parse(t *Task, answer string) (*Patch, error) {
	src := edit.SourceFunc(func(path string) ([]byte, error) {
		data, _, err := p.Files.ReadFile(path)
		return data, err
	})
	opts := edit.Options{Root: p.Root}
	if t.File != "" {
		opts.DefaultPath = filepath.Join(p.Root, filepath.FromSlash(t.File))
		if data, _, err := p.Files.ReadFile(opts.DefaultPath); err == nil && len(data) <= wholeFileLimit {
			opts.AllowWholeFile = true
		}
	}
	edits, err := edit.ParseAndApply(answer, src, opts)
	if err != nil {
		var ee *edit.Error
		if errors.As(err, &ee) || strings.TrimSpace(answer) == "" {
			return &Patch{Problem: edit.RetryPrompt(err)}, nil
		}
		if errors.Is(err, os.ErrPermission) {
			return nil, err
		}
		return &Patch{Problem: edit.RetryPrompt(err)}, nil
	}
	out := &Patch{Changes: make([]Change, 0, len(edits))}
	for _, e := range edits {
		rel, err := filepath.Rel(p.Root, e.Path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return &Patch{Problem: "the edit names " + e.Path + ", which is outside the workspace"}, nil
		}
		out.Changes = append(out.Changes, Change{Path: filepath.ToSlash(rel), Content: e.Content, Delete: e.Delete, Created: e.Created})
	}
	if len(out.Changes) == 0 {
		return &Patch{Problem: "the answer held no edit: answer with SEARCH/REPLACE blocks"}, nil
	}
	return out, nil
}
