package author

import (
	"github.com/aios-dev/aios/agents/escalate"
	"github.com/aios-dev/aios/critic"
)

// Task kinds, as the Critic knows them.
const (
	KindFix         = critic.KindFix
	KindTodo        = critic.KindTodo
	KindTests       = critic.KindTests
	KindDoc         = critic.KindDoc
	KindInstruction = critic.KindInstruction
)

// Task is one AI request: the "task" input of every step.
type Task struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// Instruction is the user's request (KindInstruction) or extra words
	// for the others.
	Instruction string `json:"instruction,omitempty"`
	// File is the workspace-relative path the task is about ("" for a
	// workspace-wide instruction); Line and EndLine (1-based) the lines.
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	EndLine int    `json:"endLine,omitempty"`
	// Symbol is the function or type the task is about (tests, doc).
	Symbol string `json:"symbol,omitempty"`
	// Target is the diagnostic a fix answers.
	Target *critic.Target `json:"target,omitempty"`
	// Attempt counts from 1; Feedback says what was wrong with the
	// previous attempt's answer.
	Attempt  int    `json:"attempt"`
	Feedback string `json:"feedback,omitempty"`
}

// CriticTask is the task as the Critic reviews it.
func (t *Task) CriticTask() critic.Task {
	return critic.Task{ID: t.ID, Kind: t.Kind, Instruction: t.Instruction, Target: t.Target}
}

// Answer is the model's answer: the "answer" output of Generate.
type Answer struct {
	Text         string `json:"text"`
	Backend      string `json:"backend"`
	PromptTokens int    `json:"promptTokens"`
	OutputTokens int    `json:"outputTokens"`
}

// Change is one file of a parsed edit.
type Change struct {
	Path    string `json:"path"` // workspace-relative, slash-separated
	Content []byte `json:"content,omitempty"`
	Delete  bool   `json:"delete,omitempty"`
	Created bool   `json:"created,omitempty"`
}

// Patch is the "patch" output of Parse.
type Patch struct {
	Changes []Change `json:"changes"`
	Format  string   `json:"format,omitempty"`
	// Problem, when set, says why the answer held no usable edit, in words
	// meant for the model's next attempt; Changes is then empty and the
	// later steps pass it on.
	Problem string `json:"problem,omitempty"`
}

// CriticPatch is the patch as the Critic reviews it.
func (p *Patch) CriticPatch() critic.Patch {
	out := critic.Patch{Changes: make([]critic.FileChange, len(p.Changes))}
	for i, c := range p.Changes {
		out.Changes[i] = critic.FileChange{Path: c.Path, Content: c.Content, Delete: c.Delete}
	}
	return out
}

// Outcome is the "decision" output of Escalate: the review and what the
// escalation policy decided.
type Outcome struct {
	// Problem is the parse problem of the patch (no review then).
	Problem  string            `json:"problem,omitempty"`
	Review   *critic.Review    `json:"review,omitempty"`
	Decision escalate.Decision `json:"decision"`
	// UserChanges lists touched files that hold uncommitted changes of
	// the user.
	UserChanges []string `json:"userChanges,omitempty"`
}
