package author

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/inference"
)

// fixedModel answers every request with text.
type fixedModel struct {
	text string
	reqs []*inference.Request
}

func (m *fixedModel) Generate(_ context.Context, req *inference.Request, _ func(inference.Chunk) error) (*inference.Result, error) {
	m.reqs = append(m.reqs, req)
	return &inference.Result{Text: m.text, Backend: "fixed"}, nil
}

func TestJudge(t *testing.T) {
	task := critic.Task{Kind: "fix", Target: &critic.Target{File: "a.go", Line: 3, Message: "self-assignment of x"}}
	for answer, want := range map[string]float64{"score: 9\nIt removes the self-assignment only.": 0.9, "Score = 2.5, unrelated": 0.25} {
		m := &fixedModel{text: answer}
		got, reason, err := (&Judge{Model: m}).Judge(context.Background(), task, "-\tx = x\n")
		if err != nil || got != want || reason == "" {
			t.Errorf("%q: %v %q %v", answer, got, reason, err)
		}
		if !strings.Contains(m.reqs[0].Messages[1].Content, "self-assignment of x") {
			t.Errorf("the judge was not told the task: %q", m.reqs[0].Messages[1].Content)
		}
	}
	for _, answer := range []string{"looks fine", "score: 42"} {
		if _, _, err := (&Judge{Model: &fixedModel{text: answer}}).Judge(context.Background(), task, "diff"); err == nil {
			t.Errorf("%q: no error", answer)
		}
	}
	if _, _, err := (&Judge{}).Judge(context.Background(), task, "diff"); !errors.Is(err, ErrNoModel) {
		t.Errorf("no model: %v", err)
	}
}

func TestCommitMessage(t *testing.T) {
	task := &Task{Kind: "fix", Target: &critic.Target{File: "a.go", Line: 3, Message: "self-assignment of x"}}
	msg, err := CommitMessage(context.Background(), &fixedModel{text: "```\nfix(calc): drop the self-assignment of x\n\nIt did nothing.\n```"}, task, "diff")
	if err != nil || msg != "fix(calc): drop the self-assignment of x\n\nIt did nothing." {
		t.Fatalf("%q %v", msg, err)
	}
	if _, err := CommitMessage(context.Background(), &fixedModel{text: "calc/calc.go\n<<<<<<< SEARCH"}, task, "diff"); !errors.Is(err, ErrNoMessage) {
		t.Fatalf("not a message: %v", err)
	}
}
