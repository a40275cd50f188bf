package critic

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// cmdResult is the parsed outcome of one go command.
type cmdResult struct {
	ok       bool // exit status 0 within the time limit
	timedOut bool
	issues   []goIssue // build or type errors
	findings []goIssue // go vet findings
	tests    *testReport
	output   string // clipped output, for evidence when nothing parsed
	dur      time.Duration
}

// Kinds of go commands.
const (
	cmdBuild = "build"
	cmdVet   = "vet"
	cmdTest  = "test"
)

// cmdTitle names each kind in evidence.
var cmdTitle = map[string]string{cmdBuild: "compiling (go list -export)", cmdVet: "go vet", cmdTest: "go test"}

// dynState holds the sandboxed part of one review.
type dynState struct {
	tmp      string
	copyRoot string // fallback: the directory copied
	patched  *shadow

	baseOnce sync.Once
	base     *shadow
	baseErr  error

	fpMu sync.Mutex
	fps  map[string]string // module root -> fingerprint
}

// dynamic builds, vets and tests the affected Go packages in the sandbox.
func (r *reviewRun) dynamic(ctx context.Context) error {
	r.startDiagnose(ctx)
	mods, orphans := r.c.goModules(r.view, r.res.changes)
	if len(orphans) > 0 {
		r.correctness.add("not built: %s not in a Go module (no go.mod above; GOPATH mode is not supported)", strings.Join(clipList(orphans, 5), ", "))
	}
	if len(mods) == 0 {
		r.correctness.add("the patch applies; no Go package is affected, so there is nothing to build")
		r.tests.skip("no Go package affected: no tests to run")
		return nil
	}
	c := r.c
	tmp, err := os.MkdirTemp(c.opts.TempDir, "aios-critic-")
	if err != nil {
		return fmt.Errorf("critic: review temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, d := range []string{"home", "tmp"} {
		if err := os.Mkdir(filepath.Join(tmp, d), 0o755); err != nil {
			return fmt.Errorf("critic: review temp dir: %w", err)
		}
	}
	st := &dynState{tmp: tmp, copyRoot: c.root, fps: make(map[string]string)}
	for _, m := range mods {
		if within(m.root, st.copyRoot) {
			st.copyRoot = m.root
		}
	}
	if st.patched, err = r.shadow(st, true); err != nil {
		return err
	}
	r.rv.SandboxMode = string(c.sandbox.mode)
	testsRun := false
	for _, m := range mods {
		ran, err := r.checkModule(ctx, st, m)
		if err != nil {
			return err
		}
		testsRun = testsRun || ran
	}
	if !testsRun && !r.tests.skipped {
		switch {
		case c.opts.DisableTests:
			r.tests.skip("tests disabled by the Critic's options")
		default:
			r.tests.skip("no tests: no affected package has test files")
		}
	}
	return nil
}

// shadow makes the patched or baseline view of the workspace.
func (r *reviewRun) shadow(st *dynState, apply bool) (*shadow, error) {
	name := "base"
	if apply {
		name = "patched"
	}
	dir := filepath.Join(st.tmp, name)
	if r.c.sandbox.mode == SandboxBwrap {
		return bindShadow(dir, r.res.changes, apply)
	}
	return copyShadow(dir, st.copyRoot, r.res.changes, apply, copyLimits{files: 200_000, bytes: 2 << 30})
}

// checkModule compiles (go list -export), vets and tests in parallel one
// module, and scores what they find; the tests are cancelled when the
// build fails. It reports whether tests ran.
func (r *reviewRun) checkModule(ctx context.Context, st *dynState, m *goModule) (testsRan bool, err error) {
	runTests := !r.c.opts.DisableTests && len(m.testPkgs) > 0
	testCtx, cancelTests := context.WithCancel(ctx)
	defer cancelTests()
	var build, vet, test *cmdResult
	var buildErr, vetErr, testErr error
	var wg, testWG sync.WaitGroup
	if runTests {
		testWG.Go(func() { test, testErr = r.runGo(testCtx, st, st.patched, cmdTest, m) })
	}
	wg.Go(func() { build, buildErr = r.runGo(ctx, st, st.patched, cmdBuild, m) })
	wg.Go(func() { vet, vetErr = r.runGo(ctx, st, st.patched, cmdVet, m) })
	wg.Wait()
	stopTests := func() {
		cancelTests()
		testWG.Wait()
	}
	if buildErr != nil {
		stopTests()
		return false, buildErr
	}
	if vetErr != nil {
		stopTests()
		return false, vetErr
	}
	buildOK, err := r.scoreBuild(ctx, st, m, build, vet)
	if err == nil {
		err = r.scoreVet(ctx, st, m, vet)
	}
	if err != nil || !runTests {
		stopTests()
		return false, err
	}
	if !buildOK {
		stopTests()
		r.tests.skip("not run: the patch does not build")
		return false, nil
	}
	testWG.Wait()
	if testErr != nil {
		return false, testErr
	}
	return true, r.scoreTests(ctx, st, m, test)
}

// runGo runs one go command for module m in view sh.
func (r *reviewRun) runGo(ctx context.Context, st *dynState, sh *shadow, kind string, m *goModule) (*cmdResult, error) {
	c := r.c
	var args []string
	timeout := c.opts.BuildTimeout
	pats := func(dirs []string) []string {
		out := make([]string, 0, len(dirs))
		for _, d := range dirs {
			out = append(out, m.pattern(d))
		}
		return out
	}
	switch kind {
	case cmdBuild:
		p := pats(m.buildPkgs)
		if m.modChanged {
			p = []string{"./..."}
		}
		if len(p) == 0 {
			return nil, nil
		}
		// Compile every package (export data) without linking: the
		// compile actions are those of `go build`, cache entries included,
		// but an importer that is a main package costs no link.
		args = append([]string{"list", "-export", "-f", "{{.ImportPath}}"}, p...)
	case cmdVet:
		if len(m.pkgs) == 0 {
			return nil, nil
		}
		args = append([]string{"vet", "-json"}, pats(m.pkgs)...)
	case cmdTest:
		args = append([]string{"test", "-json", "-vet=off", "-timeout", c.opts.TestTimeout.String()}, pats(m.testPkgs)...)
		timeout = c.opts.BuildTimeout + c.opts.TestTimeout
	}
	cwd := sh.view(m.root)
	sp := c.spec(args, cwd, st.tmp, sh, timeout)
	tf, err := os.CreateTemp(st.tmp, "times-")
	if err != nil {
		return nil, fmt.Errorf("critic: review temp dir: %w", err)
	}
	tf.Close()
	sp.timesFile = tf.Name()
	res, err := c.sandbox.run(ctx, sp)
	if err != nil {
		return nil, err
	}
	r.cpu.Add(int64(res.cpu))
	c.log.Debug("critic go", "cmd", kind, "exit", res.exitCode, "timedOut", res.timedOut, "duration", res.dur)
	loc := &locator{sh: sh, cwd: cwd, root: c.root}
	out := &cmdResult{ok: res.exitCode == 0 && !res.timedOut, timedOut: res.timedOut, dur: res.dur,
		output: clip(strings.TrimSpace(sh.host(string(res.stderr))), 2000)}
	switch kind {
	case cmdBuild:
		if !out.ok {
			out.issues = loc.parseErrors(res.stderr)
		}
	case cmdVet:
		// -json diagnostics go to stdout (and did to stderr before Go 1.25).
		out.findings, out.issues = loc.parseVetJSON(append(append([]byte(nil), res.stdout...), res.stderr...))
		if res.exitCode != 0 {
			out.issues = append(out.issues, loc.parseErrors(res.stderr)...)
		}
		out.issues = dedupeIssues(out.issues)
	case cmdTest:
		out.tests = loc.parseTestJSON(res.stdout)
		out.issues = dedupeIssues(append(out.tests.buildErrors, loc.parseErrors(res.stderr)...))
	}
	return out, nil
}

// baseline runs kind on the unpatched workspace, once per fingerprint of
// the module's files.
func (r *reviewRun) baseline(ctx context.Context, st *dynState, kind string, m *goModule) (*cmdResult, error) {
	fp, err := st.fingerprint(m.root)
	if err != nil {
		return nil, err
	}
	var pk []string
	switch kind {
	case cmdBuild:
		pk = m.buildPkgs
	case cmdVet:
		pk = m.pkgs
	case cmdTest:
		pk = m.testPkgs
	}
	key := strings.Join(append([]string{kind, string(r.c.sandbox.mode), m.root, fp, fmt.Sprint(m.modChanged)}, pk...), "\x00")
	return r.c.baseline.get(key, func() (*cmdResult, error) {
		st.baseOnce.Do(func() { st.base, st.baseErr = r.shadow(st, false) })
		if st.baseErr != nil {
			return nil, st.baseErr
		}
		res, err := r.runGo(ctx, st, st.base, kind, m)
		if err == nil && res == nil {
			res = &cmdResult{ok: true, tests: &testReport{failed: map[string]string{}}}
		}
		if err == nil && res.tests == nil {
			res.tests = &testReport{failed: map[string]string{}}
		}
		return res, err
	})
}

// fingerprint hashes the paths, sizes, modes and modification times of the
// files under root (VCS metadata and node_modules aside): the baseline
// cache key. Contents are not read; an edit that keeps a file's size and
// modification time is not noticed.
func (st *dynState) fingerprint(root string) (string, error) {
	st.fpMu.Lock()
	defer st.fpMu.Unlock()
	if fp, ok := st.fps[root]; ok {
		return fp, nil
	}
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts do not fail the review
		}
		if e.IsDir() && p != root && slices.Contains(skipInCopy, e.Name()) {
			return filepath.SkipDir
		}
		fi, err := e.Info()
		if err != nil {
			return nil
		}
		fmt.Fprintf(h, "%s\x00%d\x00%v\x00%d\n", p, fi.Size(), fi.Mode(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	fp := hex.EncodeToString(h.Sum(nil))
	st.fps[root] = fp
	return fp, nil
}

func dedupeIssues(in []goIssue) []goIssue {
	seen := make(map[string]bool)
	var out []goIssue
	for _, is := range in {
		if k := is.String(); !seen[k] {
			seen[k] = true
			out = append(out, is)
		}
	}
	return out
}

func clipList(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	return append(slices.Clone(xs[:n]), fmt.Sprintf("… %d more", len(xs)-n))
}
