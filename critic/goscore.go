package critic

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// scoreBuild fills Correctness from the compile and go vet's type check. A
// failure the unpatched workspace shares is reported but not blamed on the
// patch. It reports whether the patched packages build without new errors.
func (r *reviewRun) scoreBuild(ctx context.Context, st *dynState, m *goModule, build, vet *cmdResult) (bool, error) {
	var failures []goIssue
	var timeouts []string
	for _, x := range []struct {
		kind string
		res  *cmdResult
	}{{cmdBuild, build}, {cmdVet, vet}} {
		res := x.res
		if res == nil || res.ok || x.kind == cmdVet && len(res.issues) == 0 {
			continue
		}
		if res.timedOut {
			timeouts = append(timeouts, fmt.Sprintf("%s timed out after %v", cmdTitle[x.kind], r.c.opts.BuildTimeout))
			continue
		}
		base, err := r.baseline(ctx, st, x.kind, m)
		if err != nil {
			return false, err
		}
		fresh := newIssues(base.issues, res.issues)
		if len(res.issues) == 0 {
			fresh = []goIssue{{Msg: fmt.Sprintf("%s failed: %s", cmdTitle[x.kind], res.output)}}
			if !base.ok {
				fresh = nil
			}
		}
		if len(fresh) == 0 {
			r.correctness.score = min(r.correctness.score, 0.5)
			r.correctness.add("%s fails, but it failed the same way before the patch (%d errors)", cmdTitle[x.kind], len(res.issues))
			continue
		}
		failures = append(failures, fresh...)
	}
	for _, t := range timeouts {
		r.correctness.score = 0
		r.correctness.add("%s", t)
		r.veto("build check timed out: %s", t)
	}
	failures = dedupeIssues(failures)
	if len(failures) > 0 {
		r.correctness.score = 0
		for i, f := range failures {
			if i == maxEvidence {
				r.correctness.add("… and %d more errors", len(failures)-maxEvidence)
				break
			}
			r.correctness.add("new error: %s", f)
		}
		r.veto("build fails: %s", failures[0])
		return false, nil
	}
	if len(timeouts) > 0 {
		return false, nil
	}
	var pats []string
	for _, d := range m.buildPkgs {
		pats = append(pats, m.importPath(d))
	}
	switch {
	case m.modChanged:
		r.correctness.add("go.mod/go.sum changed: every package of %s compiles", m.path)
	case len(pats) > 0:
		extra := ""
		if n := len(m.buildPkgs) - len(m.compilePkgs); n > 0 {
			extra = fmt.Sprintf(", %d of them importers of the changed packages", n)
		}
		r.correctness.add("compiles (not linked): %s (%d packages%s, in %v)", strings.Join(clipList(pats, 5), ", "), len(pats), extra, build.dur.Round(time.Millisecond))
	}
	if vet != nil && vet.ok {
		r.correctness.add("type-checks with its tests (go vet, %v)", vet.dur.Round(time.Millisecond))
	}
	return true, nil
}

// scoreVet costs Style for every go vet finding the patch introduces.
func (r *reviewRun) scoreVet(ctx context.Context, st *dynState, m *goModule, vet *cmdResult) error {
	if vet == nil {
		return nil
	}
	if len(vet.findings) == 0 {
		if vet.ok {
			r.style.add("go vet: no findings in %d packages", len(m.pkgs))
		}
		return nil
	}
	base, err := r.baseline(ctx, st, cmdVet, m)
	if err != nil {
		return err
	}
	fresh := newIssues(base.findings, vet.findings)
	for i, f := range fresh {
		r.style.score -= penaltyVet
		if i < maxEvidence {
			r.style.add("new go vet finding: %s", f)
		}
	}
	if old := len(vet.findings) - len(fresh); old > 0 {
		r.style.add("go vet: %d findings predate the patch", old)
	}
	return nil
}

// scoreTests fills Tests: a test that fails with the patch and did not
// fail without it is a veto.
func (r *reviewRun) scoreTests(ctx context.Context, st *dynState, m *goModule, test *cmdResult) error {
	rep := test.tests
	if len(rep.failed) == 0 && test.ok {
		r.tests.add("%d tests pass in %d packages (%v)", rep.passed, len(m.testPkgs), test.dur.Round(time.Millisecond))
		if rep.skipped > 0 {
			r.tests.add("%d tests skipped", rep.skipped)
		}
		return nil
	}
	base, err := r.baseline(ctx, st, cmdTest, m)
	if err != nil {
		return err
	}
	var fresh, old []string
	for _, k := range rep.failedKeys() {
		if _, failedBefore := base.tests.failed[k]; failedBefore {
			old = append(old, k)
		} else {
			fresh = append(fresh, k)
		}
	}
	if len(rep.failed) == 0 && !test.ok {
		// Failed without a test or package failure: the go command itself.
		if base.ok {
			fresh = append(fresh, "go test")
			rep.failed["go test"] = test.output
		}
	}
	if test.timedOut {
		r.tests.add("go test was killed after %v", r.c.opts.BuildTimeout+r.c.opts.TestTimeout)
	}
	if len(old) > 0 {
		r.tests.add("%d failures predate the patch: %s", len(old), strings.Join(clipList(old, 5), ", "))
	}
	if len(fresh) == 0 {
		r.tests.add("%d tests pass; no failure is new", rep.passed)
		return nil
	}
	r.tests.score = min(r.tests.score, float64(rep.passed)/float64(rep.passed+len(fresh)))
	for i, k := range fresh {
		if i == maxEvidence {
			r.tests.add("… and %d more new failures", len(fresh)-maxEvidence)
			break
		}
		r.tests.add("new failure: %s", excerpt(k, rep.failed[k]))
	}
	r.veto("tests fail: %s (passed before the patch)", strings.Join(clipList(fresh, 3), ", "))
	return nil
}
