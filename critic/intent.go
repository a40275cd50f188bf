package critic

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path"
	"path/filepath"
	"strings"
)

// diffBudget is the number of changed lines (added plus deleted) a task of
// each kind may take before Intent calls the diff disproportionate; beyond
// it the proportionality score is budget/changed.
var diffBudget = map[string]int{
	KindFix:         20,
	KindDoc:         80,
	KindTodo:        150,
	KindTests:       400,
	KindInstruction: 400,
}

// proportionality scores the diff's size against the task's budget.
func proportionality(kind string, changed int) float64 {
	b := diffBudget[kind]
	if changed <= b {
		return 1
	}
	return float64(b) / float64(changed)
}

// startDiagnose runs Options.Diagnose on the patched view in the
// background, when the task has a target.
func (r *reviewRun) startDiagnose(ctx context.Context) {
	if r.task.Target == nil || r.c.opts.Diagnose == nil {
		return
	}
	r.diagOnce.Do(func() {
		r.diagDone = make(chan struct{})
		view := View{Root: r.c.root, Files: make(map[string][]byte)}
		for _, ch := range r.res.changes {
			if ch.delete {
				view.Deleted = append(view.Deleted, ch.abs)
			} else {
				view.Files[ch.abs] = ch.new
			}
		}
		go func() {
			defer close(r.diagDone)
			r.diag, r.diagErr = r.c.opts.Diagnose(ctx, view, r.task.Target.File)
		}()
	})
}

// checkIntent fills Intent: the target diagnostic is gone (a veto when it
// is still there), the diff is proportionate, and the judge's opinion.
func (r *reviewRun) checkIntent(ctx context.Context) error {
	changed := r.rv.Stats.Added + r.rv.Stats.Deleted
	prop := proportionality(r.task.Kind, changed)
	r.intent.score = prop
	if prop < 1 {
		r.intent.add("diff of %d changed lines is disproportionate for a %q task (budget %d): proportionality %.2f",
			changed, r.task.Kind, diffBudget[r.task.Kind], prop)
	} else {
		r.intent.add("diff of %d changed lines is proportionate for a %q task (budget %d)", changed, r.task.Kind, diffBudget[r.task.Kind])
	}
	if t := r.task.Target; t != nil {
		switch {
		case r.c.opts.Diagnose == nil:
			r.intent.add("target %q not re-checked: no Diagnose configured", t.Message)
		case len(r.vetoes) > 0 && r.diagDone == nil:
			r.intent.add("target not re-checked: the patch is already vetoed")
		default:
			r.startDiagnose(ctx)
			select {
			case <-r.diagDone:
			case <-ctx.Done():
				return ctx.Err()
			}
			switch {
			case errors.Is(r.diagErr, ErrNotDiagnosable):
				r.intent.add("target %q not re-checked: %v", t.Message, r.diagErr)
			case r.diagErr != nil:
				r.intent.score = 0
				r.intent.add("target %q could not be re-checked: Diagnose failed: %v", t.Message, r.diagErr)
			case r.targetRemains(t):
				r.intent.score = 0
				r.intent.add("target still reported after the patch: %s:%d: %s", t.File, t.Line, t.Message)
				r.veto("intent: the target diagnostic is still reported: %s:%d: %s", t.File, t.Line, t.Message)
			default:
				r.intent.add("target diagnostic gone after the patch: %s", t.Message)
			}
		}
	}
	if j := r.c.opts.Judge; j != nil {
		if len(r.vetoes) > 0 {
			r.intent.add("judge not consulted: the patch is vetoed")
			return nil
		}
		score, reason, err := j.Judge(ctx, r.task, r.rv.Diff)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			r.intent.add("judge failed, not counted: %v", err)
		case math.IsNaN(score):
			r.intent.add("judge returned NaN, not counted")
		default:
			jw := r.c.opts.JudgeWeight
			score = clamp01(score)
			r.intent.score = (1-jw)*r.intent.score + jw*score
			r.intent.add("judge: %.2f (weight %.2f of intent): %s", score, jw, clip(reason, 300))
		}
	}
	return nil
}

// targetRemains reports whether Diagnose still reports the target: same
// file, message and source, on the line the target's line maps to through
// the diff (or anywhere in the file when the target has no line).
func (r *reviewRun) targetRemains(t *Target) bool {
	want := normTargetFile(r.c.root, t.File)
	lo, hi := t.Line, t.Line
	if d := r.diffs[want]; d != nil && t.Line > 0 {
		lo, hi = d.newRange(t.Line)
	}
	for _, got := range r.diag {
		if normTargetFile(r.c.root, got.File) != want || normSpace(got.Message) != normSpace(t.Message) {
			continue
		}
		if t.Source != "" && got.Source != "" && got.Source != t.Source {
			continue
		}
		if t.Line > 0 && lo > 0 && (got.Line < lo || got.Line > hi) {
			continue
		}
		return true
	}
	return false
}

// normTargetFile makes a target's file workspace-relative and clean.
func normTargetFile(root, f string) string {
	if filepath.IsAbs(f) {
		if rel, err := filepath.Rel(root, f); err == nil {
			f = rel
		}
	}
	return path.Clean(filepath.ToSlash(f))
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// describe is used in messages about a target.
func (t *Target) String() string {
	return fmt.Sprintf("%s:%d: %s", t.File, t.Line, t.Message)
}
