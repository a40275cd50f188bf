package govet

import (
	"context"
	"fmt"
	"go/token"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"
)

// Load modes: metaMode resolves patterns and the import graph only (one go
// list run, no parsing); fullMode is what the checker needs (syntax and
// types for every package, because fact-based analyzers also run on
// dependencies).
const (
	metaMode = packages.NeedName | packages.NeedFiles | packages.NeedImports |
		packages.NeedDeps | packages.NeedModule
	fullMode = metaMode | packages.NeedCompiledGoFiles | packages.NeedTypes |
		packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo
)

// load runs go/packages. It returns the root packages (test mains
// excluded) in a stable order.
func (e *Engine) load(ctx context.Context, mode packages.LoadMode, fset *token.FileSet, ov *overlayView, patterns []string) ([]*packages.Package, error) {
	cfg := &packages.Config{
		Mode:       mode,
		Context:    ctx,
		Dir:        e.opts.Dir,
		Env:        e.env,
		BuildFlags: e.opts.BuildFlags,
		Tests:      e.opts.Tests,
		Fset:       fset,
		Overlay:    ov.files,
	}
	t0 := time.Now()
	pkgs, err := packages.Load(cfg, patterns...)
	if cerr := ctx.Err(); cerr != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanceled, cerr)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLoad, err)
	}
	e.log.Debug("loaded packages", "patterns", patterns, "full", mode == fullMode, "roots", len(pkgs), "elapsed", time.Since(t0))
	roots := pkgs[:0:0]
	seen := make(map[string]bool, len(pkgs))
	for _, p := range pkgs {
		if e.isTestMain(p) || seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		roots = append(roots, p)
	}
	return roots, nil
}

// isTestMain reports whether p is the generated main package of a test
// binary, which go vet does not analyse either.
func (e *Engine) isTestMain(p *packages.Package) bool {
	return e.opts.Tests && p.Name == "main" && p.ID == p.PkgPath && strings.HasSuffix(p.ID, ".test")
}

// containsFile reports whether p has file among its files of any kind.
func containsFile(p *packages.Package, file string) bool {
	for _, list := range [][]string{p.GoFiles, p.CompiledGoFiles, p.OtherFiles, p.IgnoredFiles} {
		for _, f := range list {
			if f == file {
				return true
			}
		}
	}
	return false
}
