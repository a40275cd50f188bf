package govet

import (
	"context"
	"fmt"
	"go/token"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/packages"
)

// maxAttempts bounds how often a request retries packages whose shared
// analysis (owned by a concurrent request) failed or went stale.
const maxAttempts = 3

// request is the state of one AnalyzeFiles or AnalyzePatterns call. It is
// used by a single goroutine.
type request struct {
	e       *Engine
	ctx     context.Context
	ov      *overlayView
	ks      *keyState
	files   *contentCache
	results map[string]*pkgResult // by root package ID
	res     Result
	owned   map[cacheKey]*flight // flights this request must complete
	waits   []waitItem
	waiting map[cacheKey]bool
	fast    bool // load dependencies from export data (see fastMode)
}

type waitItem struct {
	id     string
	fl     *flight
	origin string // query to retry with if the flight fails
}

func (e *Engine) newRequest(ctx context.Context, ov Overlay, fast bool) (*request, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanceled, err)
	}
	view, err := newOverlayView(ov, e.opts.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	ks, err := newKeyState(e, view)
	if err != nil {
		return nil, err
	}
	if fast {
		ks.mode = 1 // results without dependency facts are cached apart
	}
	return &request{
		e:       e,
		ctx:     ctx,
		ov:      view,
		ks:      ks,
		files:   newContentCache(view),
		results: make(map[string]*pkgResult),
		owned:   make(map[cacheKey]*flight),
		waiting: make(map[cacheKey]bool),
		fast:    fast,
	}, nil
}

// consider decides what to do with root package variant id: nothing (its
// result is known: cached, or a concurrent request is computing it) or
// work (analyse it; keyed reports whether it has a cache key, which this
// request then owns).
func (r *request) consider(id, origin string) (work bool, key cacheKey, keyed bool, err error) {
	if _, done := r.results[id]; done {
		return false, key, false, nil
	}
	key, keyed, err = r.ks.key(id)
	if err != nil {
		return false, key, false, fmt.Errorf("%w: hashing the files of %s: %w", ErrLoad, id, err)
	}
	if !keyed {
		return true, key, false, nil // not cacheable: always analyse
	}
	if _, mine := r.owned[key]; mine {
		return true, key, true, nil
	}
	if r.waiting[key] {
		return false, key, true, nil
	}
	state, res, fl := r.e.claim(key)
	switch state {
	case claimHit:
		r.results[id] = res
		r.res.Cached++
		return false, key, true, nil
	case claimOwn:
		r.owned[key] = fl
		return true, key, true, nil
	default:
		r.waits = append(r.waits, waitItem{id: id, fl: fl, origin: origin})
		r.waiting[key] = true
		return false, key, true, nil
	}
}

// loadAndAnalyze fully loads queries, claims the resulting root variants
// under their fresh keys and analyses those this request owns. memoFiles
// are requested files whose containing variants are recorded.
func (r *request) loadAndAnalyze(queries, memoFiles []string) error {
	fset := token.NewFileSet()
	var roots []*packages.Package
	var err error
	if r.fast {
		// One metadata load gives the roots, their files and the complete
		// import graph (for the cache keys); the direct loader type-checks
		// the roots against their dependencies' export data (direct.go).
		// Packages using cgo need a second one, for their generated files.
		meta, err := r.e.load(r.ctx, metaMode, token.NewFileSet(), r.ov, queries)
		r.res.Loads++ // one load round, however many go commands it runs
		if err != nil {
			return err
		}
		r.e.updateGraph(meta)
		r.ks.forgetKeys()
		var reason string
		roots, fset, reason, err = r.loadDirect(meta, false)
		if err == nil && reason == needCompiled {
			if meta, err = r.e.load(r.ctx, compiledMode, token.NewFileSet(), r.ov, queries); err != nil {
				return err
			}
			r.e.updateGraph(meta)
			r.ks.forgetKeys()
			roots, fset, reason, err = r.loadDirect(meta, true)
		}
		if err != nil {
			return err
		}
		if reason != "" {
			r.e.log.Debug("loading with go/packages instead of the direct loader", "reason", reason, "queries", queries)
			fset = token.NewFileSet()
			if roots, err = r.e.load(r.ctx, fastMode, fset, r.ov, queries); err != nil {
				return err
			}
		}
	} else {
		roots, err = r.e.load(r.ctx, fullMode, fset, r.ov, queries)
		r.res.Loads++
		if err != nil {
			return err
		}
		r.e.updateGraph(roots)
	}
	r.ks.forgetKeys()

	fallback := make(map[string]string) // root ID -> requested file it contains
	for _, f := range memoFiles {
		var ids []string
		for _, p := range roots {
			if containsFile(p, f) {
				ids = append(ids, p.ID)
			}
		}
		if len(ids) == 0 {
			// Not compiled in any variant (e.g. a _test.go file without
			// Options.Tests): go list answered with the package of its
			// directory.
			for _, p := range roots {
				if packageDir(p) == filepath.Dir(f) {
					ids = append(ids, p.ID)
				}
			}
		}
		for _, id := range ids {
			if fallback[id] == "" {
				fallback[id] = f
			}
		}
		// Also remember an empty answer: with Options.Tests unset, go list
		// places a _test.go file in no package, and so does this engine.
		sum, err := r.ks.dirSum(filepath.Dir(f), true)
		if err != nil {
			return err
		}
		r.e.memoStore(f, sum, ids)
	}

	type item struct {
		pkg   *packages.Package
		key   cacheKey
		keyed bool
	}
	var work []item
	var pkgs []*packages.Package
	for _, p := range roots {
		origin := fallback[p.ID]
		if origin == "" {
			if len(memoFiles) > 0 {
				origin = memoFiles[0]
				fallback[p.ID] = origin
			} else {
				origin = queryFor(p)
			}
		}
		w, k, keyed, err := r.consider(p.ID, origin)
		if err != nil {
			return err
		}
		if w {
			work = append(work, item{p, k, keyed})
			pkgs = append(pkgs, p)
		}
	}
	results, err := r.e.analyze(r.ctx, fset, r.ov, r.files, pkgs, fallback)
	if err != nil {
		return err
	}
	for _, w := range work {
		res := results[w.pkg.ID]
		r.results[w.pkg.ID] = res
		r.res.Analyzed++
		if w.keyed {
			if fl, ok := r.owned[w.key]; ok {
				delete(r.owned, w.key)
				r.e.complete(w.key, fl, res, nil)
			}
		}
	}
	// Keys claimed before loading that no loaded package has any more
	// (its graph changed): let waiters retry with fresh keys.
	r.releaseOwned(errStale)
	return nil
}

// releaseOwned completes every flight this request still owns with err.
func (r *request) releaseOwned(err error) {
	for k, fl := range r.owned {
		r.e.complete(k, fl, nil, err)
		delete(r.owned, k)
	}
}

// await waits for the flights of concurrent requests. It returns the
// origins of flights that failed, to be retried.
func (r *request) await() (failed []string, lastErr, err error) {
	waits := r.waits
	r.waits = nil
	clear(r.waiting)
	for _, w := range waits {
		select {
		case <-w.fl.done:
		default:
			r.e.log.Debug("waiting for shared analysis", "package", w.id)
		}
		select {
		case <-w.fl.done:
		case <-r.ctx.Done():
			return nil, nil, fmt.Errorf("%w: %w", ErrCanceled, r.ctx.Err())
		}
		if w.fl.err != nil {
			r.e.log.Debug("shared analysis failed; retrying", "package", w.id, "err", w.fl.err)
			failed = append(failed, w.origin)
			lastErr = w.fl.err
			continue
		}
		if _, done := r.results[w.id]; !done {
			r.results[w.id] = w.fl.res
			r.res.Shared++
		}
	}
	return failed, lastErr, nil
}

func (r *request) checkCtx() error {
	if err := r.ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrCanceled, err)
	}
	return nil
}

// result assembles the Result from the per-package results.
func (r *request) result() *Result {
	res := r.res
	ids := make([]string, 0, len(r.results))
	for id := range r.results {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	groups := make([][]Finding, 0, len(ids))
	for _, id := range ids {
		groups = append(groups, r.results[id].findings)
	}
	res.Packages = ids
	res.Findings = mergeFindings(groups...)
	return &res
}
