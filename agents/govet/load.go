package govet

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"
)

// Load modes: metaMode resolves patterns and the import graph only (one go
// list run, no parsing); fullMode is what the checker needs for complete
// facts (syntax and types for every package, because fact-based analyzers
// also run on dependencies); fastMode type-checks only the requested
// packages from source and takes their dependencies' types from export
// data, several times faster, at the price of facts about dependencies
// (for example printf wrappers declared in another package). AnalyzeFiles
// does what fastMode does with its own loader (direct.go), which does not
// compile the requested packages as go list -export does; fastMode remains
// its fallback.
const (
	metaMode = packages.NeedName | packages.NeedFiles | packages.NeedImports |
		packages.NeedDeps | packages.NeedModule
	fullMode = metaMode | packages.NeedCompiledGoFiles | packages.NeedTypes |
		packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo
	fastMode = fullMode &^ packages.NeedDeps
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
	if mode == fastMode && len(ov.files) > 0 {
		// go/packages type-checks every dependency from source as soon as
		// it is given an overlay, which undoes fastMode. Hand the overlay
		// to the go command instead (so that go list and the export data
		// of overlaid dependencies see it) and parse overlaid roots from
		// the overlay. Files that exist only in the overlay need
		// go/packages' own handling.
		flag, cleanup, ok, err := goOverlayFlag(ov)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrLoad, err)
		}
		if ok {
			defer cleanup()
			cfg.Overlay = nil
			cfg.BuildFlags = append(slices.Clip(cfg.BuildFlags), flag)
			cfg.ParseFile = func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
				if c, ok := ov.content(filename); ok {
					src = c
				}
				return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments)
			}
		}
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
	if mode == fastMode {
		// Dependencies that go/packages type-checked from source did not
		// have their function bodies checked: drop their incomplete type
		// information, so that analysis treats them like packages from
		// export data (see withoutSourcelessImports).
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			if !seen[p.ID] && p.PkgPath != "unsafe" {
				p.TypesInfo = nil
			}
		})
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

// goOverlayFlag writes ov's contents to temporary files and returns the go
// command's -overlay flag that maps each overlaid path to its file, and a
// function that removes them. ok is false (and nothing is written) when an
// overlaid file does not exist on disk.
func goOverlayFlag(ov *overlayView) (flag string, cleanup func(), ok bool, err error) {
	for name := range ov.files {
		if _, err := os.Stat(name); err != nil {
			return "", nil, false, nil
		}
	}
	dir, err := os.MkdirTemp("", "aios-overlay-")
	if err != nil {
		return "", nil, false, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	replace := make(map[string]string, len(ov.files))
	i := 0
	for name, content := range ov.files {
		tmp := filepath.Join(dir, fmt.Sprintf("%d%s", i, filepath.Ext(name)))
		i++
		if err := os.WriteFile(tmp, content, 0o600); err != nil {
			cleanup()
			return "", nil, false, err
		}
		replace[name] = tmp
	}
	data, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "overlay.json"), data, 0o600)
	}
	if err != nil {
		cleanup()
		return "", nil, false, err
	}
	return "-overlay=" + filepath.Join(dir, "overlay.json"), cleanup, true, nil
}
