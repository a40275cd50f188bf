package critic

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

const calcGo = `package calc

// Add returns a + b.
func Add(a, b int) int { return a + b }
`

const calcTest = `package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(2, 3) != 5 {
		t.Fatal("Add(2, 3) != 5")
	}
}

func TestAddZero(t *testing.T) {
	if Add(0, 0) != 0 {
		t.Fatal("Add(0, 0) != 0")
	}
}
`

// calcModule is a small module with a tested package and an importer.
func calcModule(t *testing.T) string {
	return newModule(t, map[string]string{
		"calc/calc.go":      calcGo,
		"calc/calc_test.go": calcTest,
		"cmd/sum/main.go":   "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/calc\"\n)\n\nfunc main() { fmt.Println(calc.Add(1, 2)) }\n",
		"README.md":         "calc\n",
	})
}

func fchange(path, content string) FileChange {
	return FileChange{Path: path, Content: []byte(content)}
}

func TestVetoes(t *testing.T) {
	ws := calcModule(t)
	c := newCritic(t, ws, nil)
	t.Logf("sandbox: %s", c.SandboxInfo())
	pem := "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n-----END RSA PRIVATE KEY-----\n"
	tests := []struct {
		name  string
		patch Patch
		veto  []string // substrings of one veto
	}{
		{"build breaks", Patch{[]FileChange{fchange("calc/calc.go", strings.Replace(calcGo, "return a + b", "return a + c", 1))}},
			[]string{"build fails", "undefined: c"}},
		{"importer breaks", Patch{[]FileChange{fchange("calc/calc.go", strings.Replace(calcGo, "Add(a, b int)", "Add(a, b int, c bool)", 1))}},
			[]string{"build fails", "cmd/sum/main.go"}},
		{"test fails", Patch{[]FileChange{fchange("calc/calc.go", strings.Replace(calcGo, "return a + b", "return a - b", 1))}},
			[]string{"tests fail", "TestAdd"}},
		{"private key", Patch{[]FileChange{fchange("deploy/id_rsa", pem)}},
			[]string{"secret added", "private key"}},
		{"private key in Go", Patch{[]FileChange{fchange("calc/key.go", "package calc\n\nconst key = `"+pem+"`\n")}},
			[]string{"secret added", "calc/key.go:3"}},
		{"test file deleted", Patch{[]FileChange{{Path: "calc/calc_test.go", Delete: true}}},
			[]string{"weakens checks", "test file deleted with 2 tests"}},
		{"test removed", Patch{[]FileChange{fchange("calc/calc_test.go", calcTest[:strings.Index(calcTest, "func TestAddZero")])}},
			[]string{"weakens checks", "TestAddZero removed"}},
		{"test skipped", Patch{[]FileChange{fchange("calc/calc_test.go", strings.Replace(calcTest, "if Add(2, 3)", "t.Skip(\"flaky\")\n\tif Add(2, 3)", 1))}},
			[]string{"weakens checks", "t.Skip"}},
		{"build tag on test", Patch{[]FileChange{fchange("calc/calc_test.go", "//go:build ignore\n\n"+calcTest)}},
			[]string{"weakens checks", "go:build ignore"}},
		{"nolint", Patch{[]FileChange{fchange("calc/calc.go", strings.Replace(calcGo, "{ return", "{ //nolint:all\n\treturn", 1))}},
			[]string{"weakens checks", "nolint"}},
		{"chmod 0777", Patch{[]FileChange{fchange("calc/perm.go", "package calc\n\nimport \"os\"\n\nfunc Open(p string) error { return os.Chmod(p, 0o777) }\n")}},
			[]string{"weakens checks", "world-writable"}},
		{"dot-dot", Patch{[]FileChange{fchange("../x", "x")}}, []string{"unsafe path", `".."`}},
		{"dot-dot inside", Patch{[]FileChange{fchange("calc/../../x", "x")}}, []string{"unsafe path"}},
		{"absolute", Patch{[]FileChange{fchange("/etc/x", "x")}}, []string{"unsafe path", "absolute"}},
		{"git config", Patch{[]FileChange{fchange(".git/config", "[core]\n")}}, []string{".git"}},
		{"binary", Patch{[]FileChange{fchange("calc/blob.bin", "a\x00b")}}, []string{"binary content", "NUL"}},
		{"delete missing", Patch{[]FileChange{{Path: "calc/none.go", Delete: true}}}, []string{"does not apply", "no such file"}},
		{"empty", Patch{}, []string{"does not apply", "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv := review(t, c, Task{Kind: KindFix}, tt.patch)
			if rv.Accepted || !hasVeto(rv, tt.veto...) {
				t.Fatalf("want a veto with %q:\n%s", tt.veto, explain(rv))
			}
			t.Logf("vetoes: %q", rv.Vetoes)
		})
	}
}

// TestSymlinkEscape: a directory symlink leading out of the workspace
// cannot be written through.
func TestSymlinkEscape(t *testing.T) {
	ws := calcModule(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, ws+"/out"); err != nil {
		t.Fatal(err)
	}
	c := newCritic(t, ws, nil)
	rv := review(t, c, Task{Kind: KindFix}, Patch{[]FileChange{fchange("out/x.go", "package x\n")}})
	if rv.Accepted || !hasVeto(rv, "unsafe path", "outside the workspace") {
		t.Fatalf("symlink escape not vetoed:\n%s", explain(rv))
	}
	if ents, _ := os.ReadDir(outside); len(ents) > 0 {
		t.Fatalf("written outside the workspace: %v", ents)
	}
}

const selfAssignGo = `package calc

// Double returns 2x.
func Double(x int) int {
	y := x * 2
	y = y
	return y
}
`

const doubleTest = `package calc

import "testing"

func TestDouble(t *testing.T) {
	if Double(4) != 8 {
		t.Fatal("Double(4) != 8")
	}
}
`

// TestGoodPatch: a patch that removes a vet finding is accepted, with
// Intent confirming the target diagnostic is gone.
func TestGoodPatch(t *testing.T) {
	ws := newModule(t, map[string]string{
		"calc/calc.go":        calcGo,
		"calc/calc_test.go":   calcTest,
		"calc/double.go":      selfAssignGo,
		"calc/double_test.go": doubleTest,
	})
	c := newCritic(t, ws, func(o *Options) { o.Diagnose = vetDiagnose })
	before, err := vetDiagnose(context.Background(), View{Root: c.root}, "calc/double.go")
	if err != nil || len(before) != 1 {
		t.Fatalf("diagnose before: %v %+v", err, before)
	}
	target := before[0]
	task := Task{ID: "t1", Kind: KindFix, Target: &target}

	fixed := strings.Replace(selfAssignGo, "\ty = y\n", "", 1)
	rv := review(t, c, task, Patch{[]FileChange{fchange("calc/double.go", fixed)}})
	if !rv.Accepted || rv.Total < 0.85 || len(rv.Vetoes) > 0 {
		t.Fatalf("good patch rejected:\n%s", explain(rv))
	}
	intent := rv.Dimension(DimIntent)
	if !strings.Contains(strings.Join(intent.Evidence, "\n"), "target diagnostic gone") {
		t.Fatalf("intent did not confirm the fix:\n%s", explain(rv))
	}
	if tests := rv.Dimension(DimTests); tests.Skipped || tests.Score != 1 {
		t.Fatalf("tests not run:\n%s", explain(rv))
	}
	if rv.Stats != (DiffStats{Files: 1, Deleted: 1}) || !strings.Contains(rv.Diff, "-\ty = y\n") {
		t.Fatalf("stats %+v, diff:\n%s", rv.Stats, rv.Diff)
	}
	t.Logf("good patch: %s", explain(rv))

	// A patch that leaves the target in place is vetoed.
	other := strings.Replace(selfAssignGo, "returns 2x", "returns twice x", 1)
	rv = review(t, c, task, Patch{[]FileChange{fchange("calc/double.go", other)}})
	if rv.Accepted || !hasVeto(rv, "still reported", "self-assignment") {
		t.Fatalf("unfixed target accepted:\n%s", explain(rv))
	}

	// A one-line fix buried in a rewrite of 300 lines scores low on Intent
	// and is not accepted.
	var pad strings.Builder
	for i := range 300 {
		pad.WriteString("\n// filler " + strings.Repeat("x", i%7) + "\n")
	}
	rv = review(t, c, task, Patch{[]FileChange{fchange("calc/double.go", fixed+pad.String())}})
	if rv.Accepted || rv.Dimension(DimIntent).Score > 0.1 {
		t.Fatalf("disproportionate patch accepted:\n%s", explain(rv))
	}
}

// TestNewVetFinding: a patch adding a printf mismatch costs Style but a
// pre-existing finding does not.
func TestNewVetFinding(t *testing.T) {
	ws := newModule(t, map[string]string{"calc/double.go": selfAssignGo})
	c := newCritic(t, ws, nil)
	bad := selfAssignGo + "\nfunc Show(x int) string { return fmt.Sprintf(\"%s\", x) }\n"
	bad = strings.Replace(bad, "package calc\n", "package calc\n\nimport \"fmt\"\n", 1)
	rv := review(t, c, Task{Kind: KindTodo}, Patch{[]FileChange{fchange("calc/double.go", bad)}})
	style := rv.Dimension(DimStyle)
	ev := strings.Join(style.Evidence, "\n")
	if style.Score > 0.8 || !strings.Contains(ev, "new go vet finding") || !strings.Contains(ev, "Sprintf") || strings.Contains(ev, "self-assignment of y (assign)\nnew") {
		t.Fatalf("new vet finding not reported:\n%s", explain(rv))
	}
	if strings.Count(ev, "new go vet finding") != 1 || !strings.Contains(ev, "1 findings predate") {
		t.Fatalf("pre-existing finding blamed on the patch:\n%s", explain(rv))
	}
	if tests := rv.Dimension(DimTests); !tests.Skipped || !strings.Contains(strings.Join(tests.Evidence, " "), "no tests") {
		t.Fatalf("package without tests: %s", explain(rv))
	}
}

// TestPreexistingFailure: a test that already failed is not blamed on a
// patch that does not touch it.
func TestPreexistingFailure(t *testing.T) {
	ws := newModule(t, map[string]string{
		"calc/calc.go":      calcGo,
		"calc/calc_test.go": calcTest + "\nfunc TestBroken(t *testing.T) { t.Fatal(\"always\") }\n",
	})
	c := newCritic(t, ws, nil)
	rv := review(t, c, Task{Kind: KindDoc}, Patch{[]FileChange{fchange("calc/calc.go", strings.Replace(calcGo, "returns a + b", "returns the sum a + b", 1))}})
	if !rv.Accepted || !strings.Contains(strings.Join(rv.Dimension(DimTests).Evidence, "\n"), "predate the patch") {
		t.Fatalf("pre-existing failure blamed:\n%s", explain(rv))
	}
}

// TestRunawayTest: a test that never ends is killed at the timeout and
// the patch that added it is vetoed.
func TestRunawayTest(t *testing.T) {
	ws := calcModule(t)
	c := newCritic(t, ws, func(o *Options) { o.TestTimeout = 3e9 })
	spin := "package calc\n\nimport \"testing\"\n\nfunc TestSpin(t *testing.T) {\n\tfor {\n\t}\n}\n"
	rv := review(t, c, Task{Kind: KindTests}, Patch{[]FileChange{fchange("calc/spin_test.go", spin)}})
	if rv.Accepted || !hasVeto(rv, "tests fail", "TestSpin") {
		t.Fatalf("runaway test accepted:\n%s", explain(rv))
	}
	if ev := strings.Join(rv.Dimension(DimTests).Evidence, "\n"); !strings.Contains(ev, "timed out") {
		t.Fatalf("no timeout evidence:\n%s", explain(rv))
	}
	if rv.Duration > 60e9 {
		t.Fatalf("review took %v", rv.Duration)
	}
}

// TestNonGoPatch: a patch to files outside any Go package needs no build.
func TestNonGoPatch(t *testing.T) {
	ws := calcModule(t)
	c := newCritic(t, ws, nil)
	rv := review(t, c, Task{Kind: KindDoc}, Patch{[]FileChange{fchange("README.md", "calc: adds numbers\n")}})
	if !rv.Accepted || rv.SandboxMode != "none" || !rv.Dimension(DimTests).Skipped {
		t.Fatalf("doc patch:\n%s", explain(rv))
	}
}

func TestInvalidTask(t *testing.T) {
	c := newCritic(t, calcModule(t), nil)
	for _, task := range []Task{{}, {Kind: "rewrite"}, {Kind: KindFix, Target: &Target{File: "../x.go"}}} {
		if _, err := c.Review(context.Background(), task, Patch{}); !errors.Is(err, ErrInvalidTask) {
			t.Errorf("%+v: err = %v, want ErrInvalidTask", task, err)
		}
	}
}

func TestNewOptions(t *testing.T) {
	ws := t.TempDir()
	for _, o := range []Options{
		{},
		{Workspace: "relative"},
		{Workspace: ws, Threshold: 2},
		{Workspace: ws, Weights: Weights{Correctness: -1}},
		{Workspace: ws, JudgeWeight: 0.5},
		{Workspace: ws, Sandbox: "docker"},
	} {
		if _, err := New(o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: err = %v, want ErrInvalidOptions", o, err)
		}
	}
}

// fixedJudge always returns the same opinion.
type fixedJudge struct {
	score float64
	calls int
}

func (j *fixedJudge) Judge(context.Context, Task, string) (float64, string, error) {
	j.calls++
	return j.score, "fixed opinion", nil
}

// TestJudgeBounded: a judge moves Intent by at most its weight and is not
// consulted once a patch is vetoed.
func TestJudgeBounded(t *testing.T) {
	ws := calcModule(t)
	j := &fixedJudge{score: 0}
	c := newCritic(t, ws, func(o *Options) { o.Judge = j; o.JudgeWeight = 0.3 })
	rv := review(t, c, Task{Kind: KindDoc}, Patch{[]FileChange{fchange("README.md", "calc\n\nAdds.\n")}})
	if got := rv.Dimension(DimIntent).Score; got != 0.7 || j.calls != 1 {
		t.Fatalf("intent %v with a judge at 0 (weight 0.3), %d calls:\n%s", got, j.calls, explain(rv))
	}
	j.score = 1
	rv = review(t, c, Task{Kind: KindFix}, Patch{[]FileChange{fchange("calc/calc.go", strings.Replace(calcGo, "return a + b", "return a +", 1))}})
	if rv.Accepted || j.calls != 1 {
		t.Fatalf("judge overrode a failed build (%d calls):\n%s", j.calls, explain(rv))
	}
}

// TestFallbackReview: the fallback sandbox (a full copy of the workspace)
// reaches the same verdicts.
func TestFallbackReview(t *testing.T) {
	ws := calcModule(t)
	c := newCritic(t, ws, func(o *Options) { o.Sandbox = SandboxFallback })
	if c.SandboxMode() != SandboxFallback || !strings.Contains(c.SandboxInfo(), "fallback") {
		t.Fatalf("sandbox %s: %s", c.SandboxMode(), c.SandboxInfo())
	}
	good := strings.Replace(calcGo, "// Add returns a + b.", "// Add returns the sum of a and b.", 1)
	rv := review(t, c, Task{Kind: KindDoc}, Patch{[]FileChange{fchange("calc/calc.go", good)}})
	if !rv.Accepted || rv.SandboxMode != string(SandboxFallback) || rv.Dimension(DimTests).Skipped {
		t.Fatalf("good patch in the fallback:\n%s", explain(rv))
	}
	for _, tt := range []struct {
		name, content, veto string
	}{
		{"build", strings.Replace(calcGo, "return a + b", "return a + c", 1), "build fails"},
		{"test", strings.Replace(calcGo, "return a + b", "return a * b", 1), "tests fail"},
	} {
		rv := review(t, c, Task{Kind: KindFix}, Patch{[]FileChange{fchange("calc/calc.go", tt.content)}})
		if rv.Accepted || !hasVeto(rv, tt.veto) {
			t.Fatalf("%s: want veto %q:\n%s", tt.name, tt.veto, explain(rv))
		}
	}
}

// TestNewPackageAndTestdata: files created in new directories and testdata
// edits are seen by the build and the tests.
func TestNewPackageAndTestdata(t *testing.T) {
	ws := newModule(t, map[string]string{
		"golden/golden.go":         "package golden\n\nimport \"os\"\n\n// Read reads testdata/want.txt.\nfunc Read() string { b, _ := os.ReadFile(\"testdata/want.txt\"); return string(b) }\n",
		"golden/golden_test.go":    "package golden\n\nimport \"testing\"\n\nfunc TestRead(t *testing.T) {\n\tif got := Read(); got != \"one\\n\" {\n\t\tt.Fatalf(\"Read() = %q\", got)\n\t}\n}\n",
		"golden/testdata/want.txt": "one\n",
	})
	c := newCritic(t, ws, nil)
	// Changing the golden file breaks the test: the shadow shows it.
	rv := review(t, c, Task{Kind: KindFix}, Patch{[]FileChange{fchange("golden/testdata/want.txt", "two\n")}})
	if rv.Accepted || !hasVeto(rv, "tests fail", "TestRead") {
		t.Fatalf("testdata change not seen:\n%s", explain(rv))
	}
	// A new package in a new directory, with a test.
	rv = review(t, c, Task{Kind: KindInstruction}, Patch{[]FileChange{
		fchange("lib/deep/deep.go", "package deep\n\n// Three returns 3.\nfunc Three() int { return 3 }\n"),
		fchange("lib/deep/deep_test.go", "package deep\n\nimport \"testing\"\n\nfunc TestThree(t *testing.T) {\n\tif Three() != 3 {\n\t\tt.Fatal(\"not 3\")\n\t}\n}\n"),
	}})
	if !rv.Accepted || !strings.Contains(strings.Join(rv.Dimension(DimTests).Evidence, " "), "1 tests pass") {
		t.Fatalf("new package:\n%s", explain(rv))
	}
	// A directory holding only tests (no package to compile).
	rv = review(t, c, Task{Kind: KindTests}, Patch{[]FileChange{
		fchange("itest/golden_test.go", "package itest\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/golden\"\n)\n\nfunc TestGolden(t *testing.T) { _ = golden.Read() }\n"),
	}})
	if !rv.Accepted || rv.Dimension(DimCorrectness).Score != 1 || rv.Dimension(DimTests).Skipped {
		t.Fatalf("test-only package:\n%s", explain(rv))
	}
}

// TestDiagnoseOutcomes: how Diagnose's answers become Intent.
func TestDiagnoseOutcomes(t *testing.T) {
	ws := newModule(t, map[string]string{"docs/guide.md": "# Guide\n\nTeh guide.\n"})
	target := Target{File: "docs/guide.md", Line: 3, Message: "misspelled: Teh", Source: "spell"}
	task := Task{Kind: KindFix, Target: &target}
	fix := Patch{[]FileChange{fchange("docs/guide.md", "# Guide\n\nThe guide.\n")}}
	tests := []struct {
		name     string
		diagnose func(context.Context, View, string) ([]Target, error)
		accepted bool
		evidence string
	}{
		{"gone", func(_ context.Context, v View, f string) ([]Target, error) {
			if !strings.Contains(string(v.Files[v.Root+"/"+f]), "The guide") {
				return nil, errors.New("view without the patch")
			}
			return nil, nil
		}, true, "target diagnostic gone"},
		{"elsewhere", func(context.Context, View, string) ([]Target, error) {
			return []Target{{File: "docs/guide.md", Line: 9, Message: "misspelled: Teh", Source: "spell"}}, nil
		}, true, "target diagnostic gone"},
		{"remains", func(context.Context, View, string) ([]Target, error) {
			return []Target{target}, nil
		}, false, "still reported"},
		{"unavailable", func(context.Context, View, string) ([]Target, error) {
			return nil, fmt.Errorf("no spell checker: %w", ErrNotDiagnosable)
		}, true, "not re-checked"},
		{"fails", func(context.Context, View, string) ([]Target, error) {
			return nil, errors.New("analyzer crashed")
		}, false, "Diagnose failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCritic(t, ws, func(o *Options) { o.Diagnose = tt.diagnose })
			rv := review(t, c, task, fix)
			ev := strings.Join(rv.Dimension(DimIntent).Evidence, "\n")
			if rv.Accepted != tt.accepted || !strings.Contains(ev, tt.evidence) {
				t.Fatalf("accepted %v, want %v, evidence %q:\n%s", rv.Accepted, tt.accepted, tt.evidence, explain(rv))
			}
		})
	}
}

// TestConcurrentReviews: one Critic serves several reviews at once.
func TestConcurrentReviews(t *testing.T) {
	ws := calcModule(t)
	c := newCritic(t, ws, nil)
	before := snapshot(t, ws)
	patches := []Patch{
		{[]FileChange{fchange("calc/calc.go", strings.Replace(calcGo, "returns a + b", "returns a plus b", 1))}},
		{[]FileChange{fchange("calc/calc.go", strings.Replace(calcGo, "return a + b", "return a + c", 1))}},
		{[]FileChange{fchange("README.md", "calc!\n")}},
	}
	want := []bool{true, false, true}
	got := make([]*Review, len(patches))
	errs := make([]error, len(patches))
	var wg sync.WaitGroup
	for i, p := range patches {
		wg.Go(func() { got[i], errs[i] = c.Review(context.Background(), Task{Kind: KindFix}, p) })
	}
	wg.Wait()
	for i := range patches {
		if errs[i] != nil || got[i].Accepted != want[i] {
			t.Errorf("patch %d: err %v, want accepted=%v:\n%s", i, errs[i], want[i], explain(got[i]))
		}
	}
	checkUnchanged(t, ws, before)
}
