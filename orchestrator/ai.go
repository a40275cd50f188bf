package orchestrator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/agents/author"
	"github.com/aios-dev/aios/agents/escalate"
	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/memory"
	"github.com/aios-dev/aios/repoindex/gitcommit"
)

// KindAIEdit is the request kind of one attempt at an AI edit (inputs:
// task, query or context, optional document):
//
//	retrieve → generate → parse → review → escalate
//
// AIEdit runs up to MaxAttempts of them.
const KindAIEdit = "ai-edit"

// KindAIFixTask is the kind of an AI task that fixes a diagnostic.
const KindAIFixTask = author.KindFix

// MaxAttempts bounds the attempts of one AI task: an answer without a
// usable edit, or one the Critic vetoes, is retried with the reason.
const MaxAttempts = 3

// Aliases for the kernel's callers.
type (
	AITask    = author.Task
	AIPatch   = author.Patch
	AIOutcome = author.Outcome
)

// AIOptions configure the AI edit pipeline of a workspace kernel.
type AIOptions struct {
	// Critic options; Workspace and Diagnose are set by the kernel.
	Critic critic.Options
	// Policy is the escalation policy (zero value: escalate.DefaultPolicy).
	Policy *escalate.Policy
	// Agent names the AI agent in commit trailers (default "aios").
	Agent string
	// MaxAnswerTokens bounds the model's answers (0: author.MaxAnswerTokens).
	MaxAnswerTokens int
	// Judge lets the model judge intent for the Critic (bounded weight;
	// never overriding a failed build or test).
	Judge bool
}

// aiState holds the AI pipeline's lazily built critic, the candidates
// computed so far (by task ID) and the Go diagnoser.
type aiState struct {
	opts      AIOptions
	once      sync.Once
	critic    *critic.Critic
	criticErr error

	mu         sync.Mutex // guards candidates, order, diagnose
	candidates map[string]*AIResult
	order      []string
	diagnose   func(ctx context.Context, view critic.View, file string) ([]critic.Target, error)
}

// maxCandidates bounds the candidates kept for codeAction/resolve.
const maxCandidates = 64

// AIAttempt records one attempt.
type AIAttempt struct {
	Attempt int      `json:"attempt"`
	TaskID  string   `json:"taskId"` // the kernel task of the attempt
	Problem string   `json:"problem,omitempty"`
	Score   float64  `json:"score,omitempty"`
	Vetoes  []string `json:"vetoes,omitempty"`
}

// AIResult is the outcome of an AI task.
type AIResult struct {
	Task     AITask        `json:"task"`
	Answer   author.Answer `json:"answer"`
	Patch    *AIPatch      `json:"patch,omitempty"`
	Outcome  *AIOutcome    `json:"outcome,omitempty"`
	Attempts []AIAttempt   `json:"attempts"`
	Elapsed  time.Duration `json:"elapsed"`
}

// Accepted reports whether the Critic accepted the final candidate.
func (r *AIResult) Accepted() bool {
	return r.Outcome != nil && r.Outcome.Review != nil && r.Outcome.Review.Accepted && r.Patch != nil && r.Patch.Problem == ""
}

// Score is the final candidate's critic score (0 without one).
func (r *AIResult) Score() float64 {
	if r.Outcome == nil || r.Outcome.Review == nil {
		return 0
	}
	return r.Outcome.Review.Total
}

// registerAI adds the author agents and the ai-edit rule.
func (k *Kernel) registerAI(root string, opts AIOptions) error {
	k.ai = &aiState{opts: opts, candidates: make(map[string]*AIResult)}
	var model author.Model
	if k.inference != nil {
		model = k.inference
	}
	files := k.overlay
	for _, a := range []struct {
		id    agents.ID
		agent agents.Agent
		cap   agents.CapabilitySpec
	}{
		{author.GenerateID, &author.Generator{Model: model, Files: files, Root: root, MaxTokens: opts.MaxAnswerTokens}, author.Generate},
		{author.ParseID, &author.Parser{Files: files, Root: root}, author.ParseEdit},
		{author.EscalateID, &author.Escalator{Policy: k.Policy, Files: files, Root: root}, author.Escalate},
	} {
		if err := k.reg.Register(a.id, agents.Meso, a.agent, a.cap); err != nil {
			return err
		}
	}
	k.planner.setRule(KindAIEdit, false, func(in Inputs) (*Graph, error) {
		g := &Graph{Kind: KindAIEdit}
		after := []string(nil)
		if _, given := in["context"]; !given {
			g.Add(Step{ID: "retrieve", Capability: "retrieve"})
			after = []string{"retrieve"}
		}
		g.Add(Step{ID: "generate", Capability: "generate", After: after})
		g.Add(Step{ID: "parse", Capability: "parse-edit", After: []string{"generate"}})
		g.Add(Step{ID: "review", Capability: "review", After: []string{"parse"}})
		return g.Add(Step{ID: "escalate", Capability: "escalate", After: []string{"review"}}), nil
	})
	return nil
}

// SetDiagnoser installs the analysis the Critic re-runs on a patched
// workspace to see whether a fixed diagnostic is gone (GoAgents sets it).
func (k *Kernel) SetDiagnoser(fn func(ctx context.Context, view critic.View, file string) ([]critic.Target, error)) {
	if k.ai == nil {
		return
	}
	k.ai.mu.Lock()
	k.ai.diagnose = fn
	k.ai.mu.Unlock()
}

// reviewer returns the workspace's critic, built on first use.
func (k *Kernel) reviewer() (*critic.Critic, error) {
	if k.ai == nil {
		return nil, errors.New("the critic reviews no patches in this session (no workspace)")
	}
	k.ai.once.Do(func() {
		o := k.ai.opts.Critic
		o.Workspace = k.workspace
		if o.Logger == nil {
			o.Logger = k.log
		}
		o.Diagnose = func(ctx context.Context, view critic.View, file string) ([]critic.Target, error) {
			k.ai.mu.Lock()
			fn := k.ai.diagnose
			k.ai.mu.Unlock()
			if fn == nil {
				return nil, fmt.Errorf("no analysis to re-run for this workspace: %w", critic.ErrNotDiagnosable)
			}
			return fn(ctx, view, file)
		}
		if k.ai.opts.Judge && k.inference != nil {
			o.Judge = &author.Judge{Model: k.inference}
		}
		k.ai.critic, k.ai.criticErr = critic.New(o)
	})
	return k.ai.critic, k.ai.criticErr
}

// newAITaskID returns a fresh AI task ID (the kernel's own task IDs,
// NewTaskID, number the plans each attempt runs).
func newAITaskID() string {
	var b [6]byte
	rand.Read(b[:])
	return "ai-" + hex.EncodeToString(b[:])
}

// AIEdit runs an AI task: up to MaxAttempts plans of KindAIEdit, each
// fed with what was wrong with the previous answer. The result holds the
// final candidate (accepted or not); an error means the pipeline itself
// failed (no model configured, cancelled).
func (k *Kernel) AIEdit(ctx context.Context, t AITask, doc *DocumentRef, onEvent func(Event)) (*AIResult, error) {
	if k.ai == nil {
		return nil, errors.New("AI edits need a workspace")
	}
	if t.ID == "" {
		t.ID = newAITaskID()
	}
	start := time.Now()
	res := &AIResult{Task: t}
	for attempt := 1; attempt <= MaxAttempts; attempt++ {
		t.Attempt = attempt
		in := Inputs{"task": mustJSON(t)}
		if k.KnowledgeOpen() {
			in["query"] = mustJSON(aiQuery(&t))
			if doc != nil {
				in["document"] = mustJSON(doc)
			}
		} else {
			in["context"] = mustJSON(memory.Result{Notes: []string{"the workspace index is not open"}})
		}
		out, err := k.Submit(ctx, Request{Kind: KindAIEdit, Inputs: in, OnEvent: onEvent})
		if err != nil {
			return nil, err
		}
		var ans author.Answer
		var patch AIPatch
		var oc AIOutcome
		for name, v := range map[string]any{"generate": &ans, "parse": &patch, "escalate": &oc} {
			if err := out.Output(name, v); err != nil {
				return nil, err
			}
		}
		rec := AIAttempt{Attempt: attempt, TaskID: out.Task.ID, Problem: oc.Problem}
		if oc.Review != nil {
			rec.Score, rec.Vetoes = oc.Review.Total, oc.Review.Vetoes
		}
		res.Attempts = append(res.Attempts, rec)
		res.Answer, res.Patch, res.Outcome = ans, &patch, &oc
		ev := agents.TaskEvent{Kind: "decision", Detail: fmt.Sprintf("AI task %s, attempt %d: %s", t.ID, attempt, oc.Decision.Tier), Reasons: oc.Decision.Reasons}
		if oc.Problem != "" {
			ev.Detail, ev.Reasons = fmt.Sprintf("AI task %s, attempt %d: no usable edit", t.ID, attempt), []string{oc.Problem}
		}
		k.RecordEvent(out.Task.ID, ev)
		if oc.Problem == "" && oc.Review != nil && oc.Review.Accepted {
			break
		}
		t.Feedback = feedback(&oc)
	}
	res.Task = t
	res.Elapsed = time.Since(start)
	k.ai.mu.Lock()
	if _, ok := k.ai.candidates[t.ID]; !ok {
		k.ai.order = append(k.ai.order, t.ID)
	}
	k.ai.candidates[t.ID] = res
	for len(k.ai.order) > maxCandidates {
		delete(k.ai.candidates, k.ai.order[0])
		k.ai.order = k.ai.order[1:]
	}
	k.ai.mu.Unlock()
	return res, nil
}

// RecordEvent adds an event to the record of kernel task taskID (as
// aios.tasks shows it).
func (k *Kernel) RecordEvent(taskID string, ev agents.TaskEvent) {
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	k.enqueue(recItem{rec: agents.TaskRecord{ID: taskID, Events: []agents.TaskEvent{ev}}})
}

// lastTask is the kernel task of a result's final attempt.
func (r *AIResult) lastTask() string {
	if len(r.Attempts) == 0 {
		return ""
	}
	return r.Attempts[len(r.Attempts)-1].TaskID
}

// Candidate returns the result of AI task id, if it is still kept.
func (k *Kernel) Candidate(id string) (*AIResult, bool) {
	if k.ai == nil {
		return nil, false
	}
	k.ai.mu.Lock()
	defer k.ai.mu.Unlock()
	r, ok := k.ai.candidates[id]
	return r, ok
}

// aiQuery is the retrieval query of a task.
func aiQuery(t *AITask) memory.Query {
	q := memory.Query{OpenFile: t.File, Text: t.Instruction}
	if t.Target != nil {
		q.Text = strings.TrimSpace(t.Target.Message + " " + q.Text)
	}
	if t.Symbol != "" {
		q.Identifiers = []string{t.Symbol}
	}
	if strings.TrimSpace(q.Text) == "" && q.OpenFile == "" && len(q.Identifiers) == 0 {
		q.Text = t.Kind
	}
	return q
}

// feedback tells the model what was wrong with an attempt.
func feedback(oc *AIOutcome) string {
	if oc.Problem != "" {
		return oc.Problem
	}
	if oc.Review == nil {
		return "the edit could not be reviewed"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The critic rejected the edit (score %.2f, needs %.2f).\n", oc.Review.Total, oc.Review.Threshold)
	for _, v := range oc.Review.Vetoes {
		fmt.Fprintf(&b, "- %s\n", v)
	}
	for _, d := range oc.Review.Dimensions {
		if d.Score < 1 && !d.Skipped {
			for _, e := range d.Evidence {
				fmt.Fprintf(&b, "- %s: %s\n", d.Name, e)
			}
		}
	}
	return b.String()
}

// Commit commits the accepted candidate id: only the files it touched,
// with the trailers that name the agent, the model, the score and the
// task. The edit must be in the working tree already (applied).
func (k *Kernel) Commit(ctx context.Context, id string) (*gitcommit.Result, error) {
	res, ok := k.Candidate(id)
	if !ok {
		return nil, fmt.Errorf("no AI candidate %q (it may have expired)", id)
	}
	if !res.Accepted() {
		return nil, fmt.Errorf("AI candidate %s was not accepted by the critic", id)
	}
	repo, err := gitcommit.Open(k.workspace)
	if err != nil {
		return nil, err
	}
	files := make([]gitcommit.File, 0, len(res.Patch.Changes))
	var paths []string
	for _, c := range res.Patch.Changes {
		files = append(files, gitcommit.File{Path: c.Path, Content: c.Content, Delete: c.Delete})
		paths = append(paths, c.Path)
	}
	agent := k.ai.opts.Agent
	if agent == "" {
		agent = "aios"
	}
	model := res.Answer.Backend
	if model == "" {
		model = "unknown"
	}
	c, err := repo.Commit(ctx, gitcommit.Request{
		Files:    files,
		Message:  CommitMessage(&res.Task, paths),
		Trailers: gitcommit.Trailers{Agent: agent + "/" + res.Task.Kind, Model: model, Score: res.Score(), TaskID: res.Task.ID},
	})
	if err != nil {
		k.RecordEvent(res.lastTask(), agents.TaskEvent{Kind: "commit-refused", Detail: err.Error()})
		return nil, err
	}
	k.RecordEvent(res.lastTask(), agents.TaskEvent{Kind: "commit", Detail: c.Commit, Reasons: []string{strings.Join(c.Files, ", ")}})
	return c, nil
}

// CommitMessage is the Conventional Commits message of an AI task's
// commit (the template used when no model writes it).
func CommitMessage(t *AITask, paths []string) string {
	typ, summary := "chore", "apply an AI edit"
	switch t.Kind {
	case author.KindFix:
		typ, summary = "fix", "fix a reported problem"
		if t.Target != nil {
			summary = "fix " + strings.TrimSpace(t.Target.Message)
		}
	case author.KindTodo:
		typ, summary = "feat", "implement the TODO at line "+fmt.Sprint(t.Line)
	case author.KindTests:
		typ, summary = "test", "add tests"
		if t.Symbol != "" {
			summary = "add tests for " + t.Symbol
		}
	case author.KindDoc:
		typ, summary = "docs", "document the code"
		if t.Symbol != "" {
			summary = "document " + t.Symbol
		}
	case author.KindInstruction:
		typ, summary = "chore", strings.TrimSpace(t.Instruction)
	}
	scope := ""
	if len(paths) > 0 {
		scope = filepath.Base(filepath.Dir(filepath.FromSlash(paths[0])))
		if scope == "." {
			scope = strings.TrimSuffix(filepath.Base(paths[0]), filepath.Ext(paths[0]))
		}
	}
	body := "Files: " + strings.Join(paths, ", ")
	return gitcommit.ConventionalMessage(typ, scope, summary, body)
}

// Undo reverts the last AI commit when it is HEAD, not pushed, and the
// tree is clean; otherwise it refuses with the reason.
func (k *Kernel) Undo(ctx context.Context) (*gitcommit.UndoResult, error) {
	repo, err := gitcommit.Open(k.workspace)
	if err != nil {
		return nil, err
	}
	u, err := repo.Undo(ctx)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(u.Message, "\n") {
		if id, ok := strings.CutPrefix(line, gitcommit.TrailerTaskID+": "); ok {
			if res, ok := k.Candidate(strings.TrimSpace(id)); ok {
				k.RecordEvent(res.lastTask(), agents.TaskEvent{Kind: "undo", Detail: "reverted " + u.Reverted})
			}
		}
	}
	return u, nil
}

// AIEnabled reports whether AI edits can run: a workspace and a model.
func (k *Kernel) AIEnabled() bool { return k.ai != nil && k.inference != nil }

// Policy is the escalation policy in force.
func (k *Kernel) Policy() escalate.Policy {
	if k.ai != nil && k.ai.opts.Policy != nil {
		return *k.ai.opts.Policy
	}
	return escalate.DefaultPolicy()
}

// RecordAIFeedback stores the user's verdict on candidate id in memory,
// where similar requests find it (now and after a restart). Without an
// open workspace index it is only logged.
func (k *Kernel) RecordAIFeedback(ctx context.Context, id string, accepted bool) error {
	res, ok := k.Candidate(id)
	if !ok {
		return fmt.Errorf("no AI candidate %q (it may have expired)", id)
	}
	verdict := "rejected"
	if accepted {
		verdict = "accepted"
	}
	k.RecordEvent(res.lastTask(), agents.TaskEvent{Kind: verdict, Detail: "AI task " + id + " " + verdict + " by the user"})
	svc := k.knowledgeService()
	if svc == nil {
		k.log.Info("AI feedback not stored: the workspace index is not open", "task", id, "accepted", accepted)
		return nil
	}
	var files []string
	if res.Patch != nil {
		for _, c := range res.Patch.Changes {
			files = append(files, c.Path)
		}
	}
	q := aiQuery(&res.Task)
	_, err := svc.RecordFeedback(ctx, memory.Feedback{
		Query: q.Text, Action: "ai-" + res.Task.Kind, Accepted: accepted, TaskID: id, Files: files,
		Detail: CommitMessage(&res.Task, files),
	})
	return err
}
