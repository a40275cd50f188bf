package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/inference/inferencetest"
)

const runCalc = "package calc\n\n// Double returns twice n.\nfunc Double(n int) int {\n\tx := n * 2\n\tx = x\n\treturn x\n}\n"
const runCalcTest = "package calc\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) {\n\tif Double(3) != 6 {\n\t\tt.Fatal(\"Double(3) != 6\")\n\t}\n}\n"

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// runRepo is a git repository with a Go module whose .aios.json points at
// model (an OpenAI-compatible server).
func runRepo(t *testing.T, modelURL string) string {
	t.Helper()
	// Go derives its build cache from XDG_CACHE_HOME: pin the warm one
	// before moving aios's stores out of the user's cache.
	if os.Getenv("GOCACHE") == "" {
		out, err := exec.Command("go", "env", "GOCACHE").Output()
		if err != nil {
			t.Fatalf("go env GOCACHE: %v", err)
		}
		t.Setenv("GOCACHE", strings.TrimSpace(string(out)))
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, k := range []string{"AIOS_MODEL", "AIOS_OPENAI_BASE_URL", "AIOS_OPENAI_MODEL", "AIOS_AUTO_APPLY", "AIOS_AUTO_COMMIT"} {
		t.Setenv(k, "")
	}
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.26\n", "calc/calc.go": runCalc, "calc/calc_test.go": runCalcTest,
	}
	if modelURL != "" {
		files[".aios.json"] = fmt.Sprintf(`{"backends": [{"name": "scripted", "type": "openai", "baseUrl": %q, "model": "scripted-coder"}]}`, modelURL)
	}
	dir := writeTree(t, files)
	gitIn(t, dir, "init", "-q", "-b", "main")
	gitIn(t, dir, "config", "user.name", "Ada")
	gitIn(t, dir, "config", "user.email", "ada@example.com")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "init")
	return dir
}

func TestRunApplyCommitUndo(t *testing.T) {
	srv := inferencetest.NewServer(func([]inference.Message) string {
		return "calc/calc.go\n<<<<<<< SEARCH\n\tx = x\n=======\n>>>>>>> REPLACE\n"
	})
	defer srv.Close()
	dir := runRepo(t, srv.URL)
	calc := filepath.Join(dir, "calc", "calc.go")

	code, out, errOut := runAios(t, "run", "-C", dir, "--file", "calc/calc.go", "--dry-run", "remove the self-assignment in Double")
	if code != exitOK || !strings.Contains(out, "-\tx = x") || !strings.Contains(out, "critic: ") || !strings.Contains(out, "correctness") || !strings.Contains(out, "decision: tier") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if data, _ := os.ReadFile(calc); string(data) != runCalc {
		t.Fatal("--dry-run changed the file")
	}
	code, out, errOut = runAios(t, "run", "-C", dir, "--apply", "--commit", "remove the self-assignment in Double")
	if code != exitOK || !strings.Contains(out, "applied to the working tree") || !strings.Contains(out, "committed ") {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if data, _ := os.ReadFile(calc); strings.Contains(string(data), "x = x") {
		t.Fatal("--apply did not change the file")
	}
	if log := gitIn(t, dir, "log", "-1", "--format=%(trailers)"); !strings.Contains(log, "AI-Agent: aios/instruction") || !strings.Contains(log, "Critic-Score: ") {
		t.Fatalf("trailers: %s", log)
	}
	code, out, errOut = runAios(t, "undo", "-C", dir)
	if code != exitOK || !strings.Contains(out, "reverted ") {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, errOut)
	}
	if data, _ := os.ReadFile(calc); string(data) != runCalc {
		t.Fatal("undo did not restore the file")
	}
	if code, _, errOut = runAios(t, "undo", "-C", dir); code == exitOK || !strings.Contains(errOut, "aios:") {
		t.Fatalf("second undo: exit %d %s", code, errOut)
	}
	// --apply alone commits when auto-commit is on (the default) and
	// applies without committing when it is off.
	t.Setenv("AIOS_AUTO_COMMIT", "false")
	code, out, _ = runAios(t, "run", "-C", dir, "--apply", "remove the self-assignment in Double")
	if code != exitOK || !strings.Contains(out, "applied to the working tree") || strings.Contains(out, "committed ") {
		t.Fatalf("--apply with auto-commit off: exit %d\n%s", code, out)
	}
	gitIn(t, dir, "checkout", "--", "calc/calc.go")
	t.Setenv("AIOS_AUTO_COMMIT", "")
	code, out, _ = runAios(t, "run", "-C", dir, "--apply", "remove the self-assignment in Double")
	if code != exitOK || !strings.Contains(out, "committed ") {
		t.Fatalf("--apply with auto-commit on: exit %d\n%s", code, out)
	}
	gitIn(t, dir, "fsck", "--strict")
}

func TestRunExitStatus(t *testing.T) {
	srv := inferencetest.NewServer(func([]inference.Message) string {
		return "calc/calc.go\n<<<<<<< SEARCH\n\treturn x\n=======\n\treturn y\n>>>>>>> REPLACE\n"
	})
	defer srv.Close()
	dir := runRepo(t, srv.URL)
	code, out, errOut := runAios(t, "run", "-C", dir, "--apply", "break the build")
	if code != exitFindings || !strings.Contains(out, "veto") || !strings.Contains(out, "vetoed after 3 attempts") {
		t.Fatalf("vetoed run: exit %d\n%s\n%s", code, out, errOut)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "calc", "calc.go")); string(data) != runCalc {
		t.Fatal("a vetoed patch changed the file")
	}
	// Usage and configuration errors.
	noModel := runRepo(t, "")
	if code, _, errOut := runAios(t, "run", "-C", noModel, "do something"); code != exitUsage || !strings.Contains(errOut, "no model configured") {
		t.Fatalf("no model: exit %d %s", code, errOut)
	}
	for _, args := range [][]string{{"run", "-C", dir}, {"run", "-C", dir, "--dry-run", "--apply", "x"}, {"run", "-C", dir, "--file", "nope.go", "x"}} {
		if code, _, errOut := runAios(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d (%s)", args, code, errOut)
		}
	}
}
