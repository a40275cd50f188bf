package govet

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
)

// AnalyzeFiles analyses the package variants (test variants included when
// Options.Tests is set) that contain each of the given absolute .go file
// paths and returns all their findings. Files may exist only in ov. A file
// that no variant compiles (a _test.go file when Options.Tests is unset)
// contributes no package, as with go vet.
func (e *Engine) AnalyzeFiles(ctx context.Context, files []string, ov Overlay) (*Result, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no files", ErrNoPatterns)
	}
	r, err := e.newRequest(ctx, ov, true)
	if err != nil {
		return nil, err
	}
	defer r.releaseOwned(errStale)
	var pending []string
	for _, f := range files {
		if err := checkRequestedFile(f, r.ov, e.opts.MaxFileBytes); err != nil {
			return nil, err
		}
		if !slices.Contains(pending, f) {
			pending = append(pending, f)
		}
	}
	for attempt := 1; ; attempt++ {
		if err := r.checkCtx(); err != nil {
			return nil, err
		}
		r.ks.forgetKeys()
		var load []string
		for _, f := range pending {
			need, err := r.considerFile(f)
			if err != nil {
				return nil, err
			}
			if need {
				load = append(load, f)
			}
		}
		if len(load) > 0 {
			queries := make([]string, len(load))
			for i, f := range load {
				queries[i] = "file=" + f
			}
			if err := r.loadAndAnalyze(queries, load); err != nil {
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
		pending = failed
	}
}

// considerFile claims the variants that contained f at its directory's
// current state; need reports that f must be (re)loaded.
func (r *request) considerFile(f string) (need bool, err error) {
	sum, err := r.ks.dirSum(filepath.Dir(f), true)
	if err != nil {
		return false, err
	}
	ids, ok := r.e.memoLookup(f, sum)
	if !ok {
		return true, nil
	}
	for _, id := range ids {
		work, _, _, err := r.consider(id, f)
		if err != nil {
			return false, err
		}
		need = need || work
	}
	return need, nil
}
