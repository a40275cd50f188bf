package govet

import (
	"context"
	"fmt"
	"go/token"
	"time"

	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// analyze runs the analyzers on pkgs (all from one load sharing fset) and
// returns each package's findings, compiler and load errors included.
func (e *Engine) analyze(ctx context.Context, fset *token.FileSet, ov *overlayView, files *contentCache, pkgs []*packages.Package, fallback map[string]string) (map[string]*pkgResult, error) {
	convs := make(map[string]*converter, len(pkgs))
	found := make(map[string][]Finding, len(pkgs))
	var analyzable []*packages.Package
	for _, p := range pkgs {
		convs[p.ID] = newConverter(fset, p, files, e.log)
		if p.Types != nil && p.TypesInfo != nil && p.Fset != nil && p.TypesSizes != nil {
			analyzable = append(analyzable, withoutSourcelessImports(p))
		}
	}
	if len(analyzable) > 0 && len(e.analyzers) > 0 {
		unregister := e.registerRun(fset, &runInfo{ctx: ctx, ov: ov})
		t0 := time.Now()
		graph, err := checker.Analyze(e.analyzers, analyzable, nil)
		unregister()
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("%w: %w", ErrCanceled, cerr)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrAnalysis, err)
		}
		e.log.Debug("analysed packages", "roots", len(analyzable), "elapsed", time.Since(t0))
		for _, act := range graph.Roots {
			if act.Err != nil {
				if act.Package.IllTyped {
					e.log.Debug("analyzer skipped", "analyzer", act.Analyzer.Name, "package", act.Package.ID, "err", act.Err)
				} else {
					e.log.Warn("analyzer failed", "analyzer", act.Analyzer.Name, "package", act.Package.ID, "err", act.Err)
				}
				continue
			}
			c := convs[act.Package.ID]
			for _, d := range act.Diagnostics {
				if f, ok := c.diagnostic(act.Analyzer, d); ok {
					found[act.Package.ID] = append(found[act.Package.ID], f)
				}
			}
		}
	}
	out := make(map[string]*pkgResult, len(pkgs))
	for _, p := range pkgs {
		errs := convs[p.ID].packageErrors(fallback[p.ID], e.opts.Dir)
		out[p.ID] = &pkgResult{id: p.ID, findings: mergeFindings(errs, found[p.ID])}
	}
	return out, nil
}

// withoutSourcelessImports returns p, or, when some package it depends on
// has no complete syntax and type information (loaded from export data, or
// type-checked without function bodies, as AnalyzeFiles does), a shallow
// copy without imports: the checker would otherwise run fact-producing
// analyzers on packages they cannot analyse (they panic on missing type
// information, failing the analyzer on p too). The copy's analysis then
// sees no facts about dependencies.
func withoutSourcelessImports(p *packages.Package) *packages.Package {
	complete := true
	seen := make(map[*packages.Package]bool)
	var visit func(q *packages.Package)
	visit = func(q *packages.Package) {
		for _, imp := range q.Imports {
			if !complete || seen[imp] {
				continue
			}
			seen[imp] = true
			if imp.TypesInfo == nil {
				complete = false
				return
			}
			visit(imp)
		}
	}
	visit(p)
	if complete {
		return p
	}
	cp := *p
	cp.Imports = nil
	return &cp
}
