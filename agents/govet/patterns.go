package govet

import (
	"context"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// AnalyzePatterns analyses the packages named by go patterns (e.g. "./...",
// "./lsp"), relative to Options.Dir. It runs one metadata-only go list to
// resolve the patterns and compute cache keys, then loads and analyses only
// the packages that missed the cache.
func (e *Engine) AnalyzePatterns(ctx context.Context, patterns []string, ov Overlay) (*Result, error) {
	if len(patterns) == 0 {
		return nil, fmt.Errorf("%w: no patterns", ErrNoPatterns)
	}
	for _, p := range patterns {
		if p == "" || strings.HasPrefix(p, "-") {
			return nil, fmt.Errorf("%w: invalid pattern %q", ErrNoPatterns, p)
		}
	}
	r, err := e.newRequest(ctx, ov, false)
	if err != nil {
		return nil, err
	}
	defer r.releaseOwned(errStale)
	pending := slices.Clone(patterns)
	for attempt := 1; ; attempt++ {
		if err := r.checkCtx(); err != nil {
			return nil, err
		}
		r.ks.forgetKeys()
		meta, err := e.load(ctx, metaMode, token.NewFileSet(), r.ov, pending)
		r.res.Loads++
		if err != nil {
			return nil, err
		}
		e.updateGraph(meta)
		var queries []string
		for _, p := range meta {
			work, _, _, err := r.consider(p.ID, queryFor(p))
			if err != nil {
				return nil, err
			}
			if work {
				queries = append(queries, r.queriesFor(p, pending)...)
			}
		}
		slices.Sort(queries)
		queries = slices.Compact(queries)
		if len(queries) > 0 {
			if err := r.loadAndAnalyze(queries, nil); err != nil {
				return nil, err
			}
		}
		failed, lastErr, err := r.await()
		if err != nil {
			return nil, err
		}
		if len(failed) == 0 {
			return r.result(), nil
		}
		if attempt == maxAttempts {
			return nil, fmt.Errorf("%w: shared analysis failed %d times: %w", ErrAnalysis, attempt, lastErr)
		}
		slices.Sort(failed)
		pending = slices.Compact(failed)
	}
}

// queryFor returns the pattern that loads p (and its variants): the path
// of the package under test for test variants ("p_test [p.test]" -> "p").
func queryFor(p *packages.Package) string {
	if i := strings.Index(p.ID, " ["); i >= 0 && strings.HasSuffix(p.ID, ".test]") {
		return strings.TrimSuffix(p.ID[i+2:len(p.ID)-1], ".test")
	}
	return p.PkgPath
}

// queriesFor returns the patterns that reload p: its path, or for ad hoc
// packages (named .go files) the file patterns of the request.
func (r *request) queriesFor(p *packages.Package, patterns []string) []string {
	if q := queryFor(p); q != "" && p.ID != adHocID && !strings.HasPrefix(p.ID, adHocID+" ") {
		return []string{q}
	}
	var out []string
	for _, pat := range patterns {
		if strings.HasSuffix(pat, ".go") {
			out = append(out, pat)
		}
	}
	if len(out) == 0 {
		return patterns
	}
	return out
}
