package govet

import (
	"context"
	"errors"
	"go/ast"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/assign"
	"golang.org/x/tools/go/analysis/passes/inspect"
)

// badFixAnalyzer reports the package clause of every file with one good
// fix and several malformed ones.
var badFixAnalyzer = &analysis.Analyzer{
	Name:     "badfix",
	Doc:      "reports package clauses with malformed fixes",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		for _, f := range pass.Files {
			name := f.Name
			eof := f.FileEnd
			pass.Report(analysis.Diagnostic{
				Pos:     name.Pos(),
				End:     name.End(),
				Message: "package clause",
				SuggestedFixes: []analysis.SuggestedFix{
					{Message: "good", TextEdits: []analysis.TextEdit{{Pos: name.Pos(), End: name.End(), NewText: []byte(name.Name)}}},
					{Message: "good", TextEdits: []analysis.TextEdit{{Pos: name.Pos(), End: name.End()}}}, // duplicate message
					{Message: "backwards", TextEdits: []analysis.TextEdit{{Pos: name.End(), End: name.Pos()}}},
					{Message: "overlapping", TextEdits: []analysis.TextEdit{{Pos: name.Pos(), End: name.End()}, {Pos: name.Pos(), End: name.End(), NewText: []byte("b")}}},
					{Message: "beyond EOF", TextEdits: []analysis.TextEdit{{Pos: name.Pos(), End: eof + 1000}}},
					{Message: "no position", TextEdits: []analysis.TextEdit{{End: name.End()}}},
				},
			})
		}
		return nil, nil
	},
}

// panicAnalyzer panics on every package.
var panicAnalyzer = &analysis.Analyzer{
	Name: "panicky",
	Doc:  "panics",
	Run:  func(*analysis.Pass) (any, error) { panic("boom") },
}

// requiresAssign checks that wrapping keeps ResultOf keyed by the original
// analyzers: it requires inspect and counts assignments.
var countAssigns = &analysis.Analyzer{
	Name:     "countassigns",
	Doc:      "reports the number of assignments in the package",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		in := pass.ResultOf[inspect.Analyzer]
		if in == nil {
			return nil, errors.New("inspect result missing")
		}
		n := 0
		for _, f := range pass.Files {
			ast.Inspect(f, func(x ast.Node) bool {
				if _, ok := x.(*ast.AssignStmt); ok {
					n++
				}
				return true
			})
		}
		if len(pass.Files) > 0 {
			pass.Reportf(pass.Files[0].Package, "%d assignments", n)
		}
		return nil, nil
	},
}

func TestAnalyzerMisbehaviourContained(t *testing.T) {
	src := "package a\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n"
	dir := writeModule(t, map[string]string{"a/a.go": src})
	file := filepath.Join(dir, "a", "a.go")
	var logged []string
	var mu sync.Mutex
	logger := slog.New(&hookHandler{t: t, level: slog.LevelError + 1, hook: func(r slog.Record) {
		mu.Lock()
		logged = append(logged, r.Message)
		mu.Unlock()
	}})
	e := newEngine(t, Options{Dir: dir, Logger: logger,
		Analyzers: []*analysis.Analyzer{badFixAnalyzer, panicAnalyzer, assign.Analyzer, countAssigns}})
	res := analyzeFiles(t, e, nil, file)

	if got := byAnalyzer(res.Findings, "assign"); len(got) != 1 {
		t.Errorf("assign findings lost: %v", res.Findings)
	}
	if got := byAnalyzer(res.Findings, "countassigns"); len(got) != 1 || got[0].Message != "1 assignments" {
		t.Errorf("countassigns: %v", got)
	}
	bad := byAnalyzer(res.Findings, "badfix")
	if len(bad) != 1 {
		t.Fatalf("badfix findings: %v", res.Findings)
	}
	if fx := bad[0].Fixes; len(fx) != 1 || fx[0].Message != "good" || len(fx[0].Edits) != 1 ||
		fx[0].Edits[0].Start != strings.Index(src, "a\n") || fx[0].Edits[0].End != fx[0].Edits[0].Start+1 {
		t.Errorf("fixes %+v, want only the good one", bad[0].Fixes)
	}
	mu.Lock()
	defer mu.Unlock()
	joined := strings.Join(logged, "\n")
	for _, want := range []string{"analyzer panicked", "dropping malformed suggested fix", "dropping suggested fix with duplicate message"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no %q log; logged:\n%s", want, joined)
		}
	}
}

func TestConcurrentRequestsShareAnalysis(t *testing.T) {
	dir := writeModule(t, map[string]string{"a/a.go": "package a\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n"})
	file := filepath.Join(dir, "a", "a.go")
	var runs atomic.Int32
	counting := &analysis.Analyzer{
		Name: "counting",
		Doc:  "counts runs",
		Run: func(*analysis.Pass) (any, error) {
			runs.Add(1)
			return nil, nil
		},
	}
	e := newEngine(t, Options{Dir: dir, Analyzers: []*analysis.Analyzer{assign.Analyzer, counting}})
	const n = 6
	results := make([]*Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if i%2 == 0 {
				results[i], errs[i] = e.AnalyzeFiles(context.Background(), []string{file}, nil)
			} else {
				results[i], errs[i] = e.AnalyzePatterns(context.Background(), []string{"./a"}, nil)
			}
		})
	}
	wg.Wait()
	analysed := 0
	for i, res := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		analysed += res.Analyzed
		if len(res.Findings) != 1 || res.Analyzed+res.Cached+res.Shared != 1 {
			t.Errorf("request %d: %v (%s)", i, res.Findings, counts(res))
		}
	}
	// Once per mode: the editor's (AnalyzeFiles) and the full one (AnalyzePatterns).
	if analysed != 2 || runs.Load() != 2 {
		t.Errorf("analysed %d times (analyzer ran %d times), want once per mode", analysed, runs.Load())
	}
}

func TestCancellation(t *testing.T) {
	dir := writeModule(t, map[string]string{"a/a.go": "package a\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n"})
	file := filepath.Join(dir, "a", "a.go")

	t.Run("already cancelled", func(t *testing.T) {
		e := newEngine(t, Options{Dir: dir})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, call := range []func() error{
			func() error { _, err := e.AnalyzeFiles(ctx, []string{file}, nil); return err },
			func() error { _, err := e.AnalyzePatterns(ctx, []string{"./..."}, nil); return err },
		} {
			if err := call(); !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCanceled) {
				t.Errorf("err = %v, want context.Canceled and ErrCanceled", err)
			}
		}
	})

	t.Run("cancelled between load and analysis, cache not poisoned", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		logger := slog.New(&hookHandler{t: t, level: slog.LevelInfo, hook: func(r slog.Record) {
			if r.Message == "loaded packages" {
				cancel()
			}
		}})
		e := newEngine(t, Options{Dir: dir, Logger: logger})
		if _, err := e.AnalyzeFiles(ctx, []string{file}, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if n := e.CacheLen(); n != 0 {
			t.Errorf("cancelled run cached %d results", n)
		}
		res := analyzeFiles(t, e, nil, file)
		if res.Analyzed != 1 || len(res.Findings) != 1 {
			t.Errorf("after cancellation: %v (%s)", res.Findings, counts(res))
		}
	})
}

// TestSingleflight makes request A hold its analysis until request B is
// waiting for it, so B must be served by A's analysis.
func TestSingleflight(t *testing.T) {
	dir := writeModule(t, map[string]string{"a/a.go": "package a\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n"})
	file := filepath.Join(dir, "a", "a.go")
	started, release := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	blocking := &analysis.Analyzer{
		Name: "blocking",
		Doc:  "blocks until released",
		Run: func(*analysis.Pass) (any, error) {
			if runs.Add(1) == 1 {
				close(started)
				<-release
			}
			return nil, nil
		},
	}
	logger := slog.New(&hookHandler{t: t, level: slog.LevelInfo, hook: func(r slog.Record) {
		if r.Message == "waiting for shared analysis" {
			close(release)
		}
	}})
	e := newEngine(t, Options{Dir: dir, Logger: logger, Analyzers: []*analysis.Analyzer{assign.Analyzer, blocking}})
	type out struct {
		res *Result
		err error
	}
	aDone := make(chan out, 1)
	go func() {
		res, err := e.AnalyzeFiles(context.Background(), []string{file}, nil)
		aDone <- out{res, err}
	}()
	<-started
	b := analyzeFiles(t, e, nil, file)
	a := <-aDone
	if a.err != nil {
		t.Fatal(a.err)
	}
	if got := counts(a.res); got != "analyzed=1 cached=0 shared=0 loads=1" {
		t.Errorf("A: %s", got)
	}
	if got := counts(b); got != "analyzed=0 cached=0 shared=1 loads=0" {
		t.Errorf("B: %s", got)
	}
	if len(b.Findings) != 1 || runs.Load() != 1 {
		t.Errorf("B findings %v, analyzer runs %d", b.Findings, runs.Load())
	}
}
