package critic

import (
	"bytes"
	"context"
	"fmt"
	"go/format"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Score penalties of the Style dimension, each per issue, floored at 0.
const (
	penaltyGofmt     = 0.3  // a changed Go file that is not gofmt-clean (and was)
	penaltyVet       = 0.25 // a new go vet finding
	penaltyA11yStyle = 0.2  // a new html-lang or contrast issue
)

// maxEvidence bounds the evidence lines listed per kind of problem.
const maxEvidence = 10

// dim accumulates one dimension.
type dim struct {
	score    float64
	evidence []string
	skipped  bool
}

func (d *dim) add(format string, args ...any) {
	d.evidence = append(d.evidence, fmt.Sprintf(format, args...))
}

func (d *dim) skip(format string, args ...any) {
	d.skipped = true
	d.add(format, args...)
}

// reviewRun is the state of one Review call.
type reviewRun struct {
	c    *Critic
	task Task
	res  *resolved
	rv   *Review

	correctness, tests, style, safety, intent dim
	vetoes                                    []string

	diffs map[string]*fileDiff // by rel path
	view  *patchedView
	cpu   atomic.Int64 // nanoseconds of CPU used by sandboxed commands

	// Diagnose runs concurrently with the builds.
	diagOnce sync.Once
	diagDone chan struct{}
	diag     []Target
	diagErr  error
}

func (r *reviewRun) veto(format string, args ...any) {
	r.vetoes = append(r.vetoes, fmt.Sprintf(format, args...))
}

// Review scores p, made for task, on the five dimensions and vetoes it on
// any hard failure (see the package documentation). The workspace is never
// modified. The error is reserved for problems of the Critic's own: an
// invalid task, a sandbox that fails, a cancelled ctx.
func (c *Critic) Review(ctx context.Context, task Task, p Patch) (*Review, error) {
	start := time.Now()
	if err := checkTask(task); err != nil {
		return nil, err
	}
	r := &reviewRun{
		c: c, task: task,
		rv:          &Review{Threshold: c.opts.Threshold, SandboxMode: "none"},
		correctness: dim{score: 1}, tests: dim{score: 1}, style: dim{score: 1}, safety: dim{score: 1}, intent: dim{score: 1},
		diffs: make(map[string]*fileDiff),
	}
	r.res = resolvePatch(c.root, p, c.opts.MaxFileSize)
	r.view = newPatchedView(r.res.changes)
	r.static()
	if len(r.vetoes) == 0 {
		if err := r.dynamic(ctx); err != nil {
			return nil, err
		}
	} else {
		why := "not run: the patch is already vetoed (" + clip(r.vetoes[0], 200) + ")"
		if len(r.correctness.evidence) == 0 {
			r.correctness.skip("%s", why)
		}
		r.tests.skip("%s", why)
	}
	if err := r.checkIntent(ctx); err != nil {
		return nil, err
	}
	r.finish()
	r.rv.Duration = time.Since(start)
	r.rv.CPU = time.Duration(r.cpu.Load())
	c.log.Debug("critic review", "task", task.ID, "total", r.rv.Total, "accepted", r.rv.Accepted,
		"vetoes", len(r.rv.Vetoes), "duration", r.rv.Duration)
	return r.rv, nil
}

// checkTask validates the caller's task.
func checkTask(t Task) error {
	switch t.Kind {
	case KindFix, KindTodo, KindTests, KindDoc, KindInstruction:
	default:
		return fmt.Errorf("%w: kind %q is not one of fix, todo, tests, doc, instruction", ErrInvalidTask, t.Kind)
	}
	if t.Target != nil {
		if _, f := checkRelPath(t.Target.File); f != nil {
			return fmt.Errorf("%w: target file %q: %s", ErrInvalidTask, t.Target.File, f.Message)
		}
	}
	return nil
}

// static runs the checks that need no build: diff, safety scanners, gofmt,
// accessibility.
func (r *reviewRun) static() {
	var diff strings.Builder
	for _, ch := range r.res.changes {
		d := ch.diff
		r.diffs[ch.rel] = d
		if !d.changed() {
			continue
		}
		d.unified(&diff)
		added, deleted := d.counts()
		r.rv.Stats.Files++
		r.rv.Stats.Added += added
		r.rv.Stats.Deleted += deleted
	}
	r.rv.Diff = diff.String()

	findings := append([]Finding(nil), r.res.unsafe...)
	for _, ch := range r.res.changes {
		findings = append(findings, scanSecrets(ch)...)
		findings = append(findings, scanWeakening(ch)...)
		if ok, jsx := a11yFile(ch.rel); ok && !ch.delete {
			for _, is := range newA11yIssues(ch.old, ch.new, jsx) {
				if is.severe {
					findings = append(findings, Finding{Rule: RuleA11y, Path: ch.rel, Line: is.line, Message: is.rule + ": " + is.msg})
					continue
				}
				r.style.score -= penaltyA11yStyle
				r.style.add("%s:%d: accessibility (%s): %s", ch.rel, is.line, is.rule, is.msg)
			}
		}
		r.checkGofmt(ch)
	}
	r.rv.Safety = findings
	if len(findings) > 0 {
		r.safety.score = 0
	}
	for _, f := range findings {
		loc := f.Path
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d", f.Path, f.Line)
		}
		r.safety.add("%s: %s: %s", f.Rule, loc, f.Message)
		r.veto("%s: %s: %s", safetyTitle[f.Rule], loc, f.Message)
	}
	if len(findings) == 0 {
		r.safety.add("no secrets, weakened checks, unsafe paths, binary content or inaccessible markup added")
	}
	for _, e := range r.res.applyErrs {
		r.correctness.score = 0
		r.correctness.add("patch does not apply: %s", e)
		r.veto("patch does not apply: %s", e)
	}
}

// safetyTitle names each rule in vetoes.
var safetyTitle = map[string]string{
	RulePath:     "unsafe path (outside the workspace)",
	RuleVCS:      "touches version-control metadata (.git)",
	RuleBinary:   "binary content",
	RuleSecret:   "secret added",
	RuleWeakened: "weakens checks",
	RuleA11y:     "accessibility regression",
}

// checkGofmt costs Style when the patch leaves a Go file unformatted that
// was formatted (or new).
func (r *reviewRun) checkGofmt(ch *change) {
	if ch.delete || !strings.HasSuffix(ch.rel, ".go") {
		return
	}
	formatted, err := format.Source(ch.new)
	if err != nil {
		r.style.add("%s: not checked with gofmt: does not parse", ch.rel)
		return
	}
	if bytes.Equal(formatted, ch.new) {
		return
	}
	if ch.existed {
		if f, err := format.Source(ch.old); err != nil || !bytes.Equal(f, ch.old) {
			r.style.add("%s: not gofmt-clean, nor was it before the patch", ch.rel)
			return
		}
	}
	r.style.score -= penaltyGofmt
	r.style.add("%s: not gofmt-clean (run gofmt -w %s)", ch.rel, path.Base(ch.rel))
}

// finish fills the Review from the dimensions.
func (r *reviewRun) finish() {
	w := r.c.weights
	dims := []struct {
		name string
		d    *dim
		w    float64
	}{
		{DimCorrectness, &r.correctness, w.Correctness},
		{DimTests, &r.tests, w.Tests},
		{DimStyle, &r.style, w.Style},
		{DimSafety, &r.safety, w.Safety},
		{DimIntent, &r.intent, w.Intent},
	}
	sumW := w.Correctness + w.Tests + w.Style + w.Safety + w.Intent
	var num, den float64
	for _, x := range dims {
		x.d.score = clamp01(x.d.score)
		if !x.d.skipped {
			num += x.w * x.d.score
			den += x.w
		}
	}
	total := 0.0
	if den > 0 {
		total = num / den
	}
	for _, x := range dims {
		score := x.d.score
		if x.d.skipped {
			score = total // neutral
		}
		r.rv.Dimensions = append(r.rv.Dimensions, Dimension{
			Name: x.name, Score: round4(score), Weight: round4(x.w / sumW), Evidence: x.d.evidence, Skipped: x.d.skipped,
		})
	}
	r.rv.Total = round4(total)
	r.rv.Vetoes = r.vetoes
	r.rv.Accepted = len(r.vetoes) == 0 && total >= r.c.opts.Threshold-1e-9
}

func clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }
