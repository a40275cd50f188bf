package govet

import (
	"context"
	"fmt"
	"go/token"
	"runtime/debug"
	"slices"

	"golang.org/x/tools/go/analysis"
)

// runInfo is the per-load context that analyzer wrappers look up by the
// load's FileSet.
type runInfo struct {
	ctx context.Context
	ov  *overlayView
}

func (e *Engine) registerRun(fset *token.FileSet, ri *runInfo) (unregister func()) {
	e.runsMu.Lock()
	e.runs[fset] = ri
	e.runsMu.Unlock()
	return func() {
		e.runsMu.Lock()
		delete(e.runs, fset)
		e.runsMu.Unlock()
	}
}

func (e *Engine) runFor(fset *token.FileSet) *runInfo {
	e.runsMu.Lock()
	defer e.runsMu.Unlock()
	return e.runs[fset]
}

// wrapAnalyzers returns copies of the analyzers (and, recursively, of their
// requirements) whose Run
//   - turns a panic into an error instead of crashing the process,
//   - stops early when the request is cancelled,
//   - drops (and logs) malformed suggested fixes before the driver sees
//     them (the checker would panic on them),
//   - serves Pass.ReadFile from the overlay.
//
// The wrapped analyzer receives a copy of the Pass in which Analyzer and the
// ResultOf keys are the original analyzers, so analyzer code is unaffected.
// The shared package-level analyzers themselves are never modified.
func (e *Engine) wrapAnalyzers(list []*analysis.Analyzer) []*analysis.Analyzer {
	wrapped := make(map[*analysis.Analyzer]*analysis.Analyzer)
	var wrap func(a *analysis.Analyzer) *analysis.Analyzer
	wrap = func(a *analysis.Analyzer) *analysis.Analyzer {
		if w, ok := wrapped[a]; ok {
			return w
		}
		w := &analysis.Analyzer{
			Name:             a.Name,
			Doc:              a.Doc,
			URL:              a.URL,
			RunDespiteErrors: a.RunDespiteErrors,
			FactTypes:        a.FactTypes,
			ResultType:       a.ResultType,
		}
		wrapped[a] = w
		reqs := make(map[*analysis.Analyzer]*analysis.Analyzer, len(a.Requires))
		for _, r := range a.Requires {
			wr := wrap(r)
			w.Requires = append(w.Requires, wr)
			reqs[r] = wr
		}
		w.Run = func(pass *analysis.Pass) (any, error) { return e.runWrapped(a, reqs, pass) }
		return w
	}
	out := make([]*analysis.Analyzer, len(list))
	for i, a := range list {
		out[i] = wrap(a)
	}
	return out
}

func (e *Engine) runWrapped(orig *analysis.Analyzer, reqs map[*analysis.Analyzer]*analysis.Analyzer, pass *analysis.Pass) (result any, err error) {
	pkgPath := ""
	if pass.Pkg != nil {
		pkgPath = pass.Pkg.Path()
	}
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("analyzer panicked", "analyzer", orig.Name, "package", pkgPath, "panic", r, "stack", string(debug.Stack()))
			result, err = nil, fmt.Errorf("%w: analyzer %s panicked on %s: %v", ErrAnalysis, orig.Name, pkgPath, r)
		}
	}()
	ri := e.runFor(pass.Fset)
	if ri != nil {
		if err := ri.ctx.Err(); err != nil {
			return nil, err
		}
	}
	p := *pass
	p.Analyzer = orig
	p.ResultOf = make(map[*analysis.Analyzer]any, len(reqs))
	for o, w := range reqs {
		p.ResultOf[o] = pass.ResultOf[w]
	}
	report := pass.Report
	p.Report = func(d analysis.Diagnostic) {
		d.SuggestedFixes = e.sanitizeFixes(pass.Fset, orig.Name, pkgPath, d.SuggestedFixes)
		report(d)
	}
	if ri != nil {
		p.ReadFile = func(name string) ([]byte, error) {
			if !readable(&p, name) {
				return nil, fmt.Errorf("Pass.ReadFile: %s is not among OtherFiles, IgnoredFiles, or names of Files", name)
			}
			return ri.ov.readFile(name)
		}
	}
	return orig.Run(&p)
}

// readable enforces the access policy documented on analysis.Pass.ReadFile.
func readable(pass *analysis.Pass, name string) bool {
	if slices.Contains(pass.OtherFiles, name) || slices.Contains(pass.IgnoredFiles, name) {
		return true
	}
	for _, f := range pass.Files {
		if tf := pass.Fset.File(f.FileStart); tf != nil && tf.Name() == name {
			return true
		}
	}
	return false
}
