package orchestrator

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aios-dev/aios/agents/escalate"
	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/inference/inferencetest"
)

const calcSrc = "package calc\n\n// Double returns twice n.\nfunc Double(n int) int {\n\tx := n * 2\n\tx = x\n\treturn x\n}\n"

const calcTest = "package calc\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) {\n\tif Double(3) != 6 {\n\t\tt.Fatal(\"Double(3) != 6\")\n\t}\n}\n"

// gitModule is writeModule committed to a fresh git repository.
func gitModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := writeModule(t, files)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "init"}} {
		git(t, dir, args...)
	}
	return dir
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func newAIKernel(t *testing.T, dir string, script inferencetest.Script, policy *escalate.Policy) (*Kernel, *inferencetest.Server) {
	t.Helper()
	git(t, dir, "config", "user.name", "Ada")
	git(t, dir, "config", "user.email", "ada@example.com")
	srv := inferencetest.NewServer(script)
	t.Cleanup(srv.Close)
	lazy, meter := srv.Lazy()
	k, err := New(Options{
		Workspace: dir, Inference: lazy, InferenceMeter: meter,
		Agents: GoAgents(GoOptions{Dir: dir, Tests: true}),
		AI:     &AIOptions{Policy: policy, Critic: critic.Options{TempDir: t.TempDir()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k, srv
}

const removeSelfAssign = "Remove the self-assignment.\n\ncalc/calc.go\n<<<<<<< SEARCH\n\tx := n * 2\n\tx = x\n\treturn x\n=======\n\tx := n * 2\n\treturn x\n>>>>>>> REPLACE\n"

func fixTask() AITask {
	return AITask{Kind: "fix", File: "calc/calc.go", Line: 6,
		Target: &critic.Target{File: "calc/calc.go", Line: 6, Message: "self-assignment of x", Source: "assign"}}
}

func TestAIFixAcceptedCommittedUndone(t *testing.T) {
	dir := gitModule(t, map[string]string{"calc/calc.go": calcSrc, "calc/calc_test.go": calcTest})
	k, srv := newAIKernel(t, dir, func([]inference.Message) string { return removeSelfAssign }, nil)
	res, err := k.AIEdit(context.Background(), fixTask(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Accepted() || len(res.Attempts) != 1 {
		t.Fatalf("not accepted: %+v attempts %+v review %+v", res.Outcome, res.Attempts, res.Outcome.Review)
	}
	rv := res.Outcome.Review
	if rv.Total < 0.85 || res.Outcome.Decision.Tier < escalate.Tier2 {
		t.Fatalf("score %.3f decision %+v", rv.Total, res.Outcome.Decision)
	}
	if got := srv.Requests(); len(got) != 1 || !strings.Contains(got[0][1].Content, "self-assignment of x") || !strings.Contains(got[0][1].Content, "x = x") {
		t.Fatalf("prompt: %+v", got)
	}
	// The user's files are untouched until the edit is applied.
	if data, _ := os.ReadFile(filepath.Join(dir, "calc", "calc.go")); string(data) != calcSrc {
		t.Fatalf("the review changed the workspace:\n%s", data)
	}
	// Apply, commit, check the trailers, undo.
	if err := os.WriteFile(filepath.Join(dir, "calc", "calc.go"), res.Patch.Changes[0].Content, 0o644); err != nil {
		t.Fatal(err)
	}
	cr, err := k.Commit(context.Background(), res.Task.ID)
	if err != nil {
		t.Fatal(err)
	}
	log := git(t, dir, "log", "-1", "--format=%an <%ae>%n%s%n%(trailers)")
	for _, want := range []string{"Ada <ada@example.com>", "fix(calc): fix self-assignment of x", "AI-Agent: aios/fix", "AI-Model: ", "Critic-Score: ", "Task-Id: " + res.Task.ID} {
		if !strings.Contains(log, want) {
			t.Errorf("git log lacks %q:\n%s", want, log)
		}
	}
	git(t, dir, "fsck", "--strict")
	if st := git(t, dir, "status", "--porcelain"); st != "" {
		t.Fatalf("tree not clean after the commit: %q", st)
	}
	u, err := k.Undo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.Reverted != cr.Commit {
		t.Fatalf("undo reverted %s, want %s", u.Reverted, cr.Commit)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "calc", "calc.go")); string(data) != calcSrc {
		t.Fatalf("undo left:\n%s", data)
	}
	// The decision and the commit are in the task's events.
	recs, err := k.Tasks(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range recs {
		if r.ID == res.Attempts[0].TaskID {
			for _, e := range r.Events {
				kinds = append(kinds, e.Kind)
				if e.Kind == "decision" && len(e.Reasons) == 0 {
					t.Errorf("a decision without reasons: %+v", e)
				}
			}
		}
	}
	if strings.Join(kinds, ",") != "decision,commit,undo" {
		t.Errorf("task events %q, want decision,commit,undo", kinds)
	}
	// A second undo refuses: HEAD is no AI commit.
	if _, err := k.Undo(context.Background()); err == nil {
		t.Fatal("second undo succeeded")
	}
}

func TestAIVetoesAreRetriedWithFeedbackThenGiveUp(t *testing.T) {
	dir := gitModule(t, map[string]string{"calc/calc.go": calcSrc, "calc/calc_test.go": calcTest})
	breaks := "calc/calc.go\n<<<<<<< SEARCH\n\treturn x\n=======\n\treturn y\n>>>>>>> REPLACE\n"
	k, srv := newAIKernel(t, dir, func([]inference.Message) string { return breaks }, nil)
	res, err := k.AIEdit(context.Background(), fixTask(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted() || len(res.Attempts) != MaxAttempts || len(res.Outcome.Review.Vetoes) == 0 {
		t.Fatalf("accepted %v attempts %+v", res.Accepted(), res.Attempts)
	}
	reqs := srv.Requests()
	if len(reqs) != MaxAttempts || !strings.Contains(reqs[1][1].Content, "The critic rejected the edit") {
		t.Fatalf("%d requests; second prompt:\n%s", len(reqs), reqs[1][1].Content)
	}
	// An answer without an edit is retried with the parser's feedback.
	k2, srv2 := newAIKernel(t, dir, func([]inference.Message) string { return "I would remove the line." }, nil)
	res, err = k2.AIEdit(context.Background(), fixTask(), nil, nil)
	if err != nil || res.Accepted() || res.Attempts[0].Problem == "" {
		t.Fatalf("no-edit answer: %+v %v", res.Attempts, err)
	}
	if reqs := srv2.Requests(); len(reqs) != MaxAttempts || !strings.Contains(reqs[1][1].Content, "previous answer could not be used") {
		t.Fatalf("feedback not passed on: %+v", reqs)
	}
}

// The same pipeline through the real in-process core. stories260k writes
// children's stories, not edits; the edit grammar makes its answers well
// formed SEARCH/REPLACE blocks of the task's file anyway, with a story
// where the code should be. So every attempt reaches the Critic, which
// vetoes it (the build breaks), and the workspace is unchanged.
func TestAIEditThroughTheLocalCoreIsRefused(t *testing.T) {
	model, _ := filepath.Abs(filepath.Join("..", "..", "shared", "models", "stories260k.gguf"))
	if _, err := os.Stat(model); err != nil {
		t.Skipf("test model not available: %v (it lives in ../shared/models beside the repository)", err)
	}
	if _, err := inference.LoadLlamaLibrary(""); err != nil {
		t.Skipf("llama.cpp libraries not available (run `make llama-libs`): %v", err)
	}
	dir := gitModule(t, map[string]string{"calc/calc.go": calcSrc, "calc/calc_test.go": calcTest})
	git(t, dir, "config", "user.name", "Ada")
	git(t, dir, "config", "user.email", "ada@example.com")
	meter := inference.NewMeter()
	lazy := inference.NewLazy(meter, func() (*inference.Engine, error) {
		return inference.Build(inference.Config{Backends: []inference.BackendConfig{{Name: "stories", Type: inference.TypeLocal, Model: model, ContextTokens: 4096}}},
			inference.BuildOptions{Meter: meter})
	})
	k, err := New(Options{Workspace: dir, Inference: lazy, InferenceMeter: meter, Agents: GoAgents(GoOptions{Dir: dir, Tests: true}),
		AI: &AIOptions{Critic: critic.Options{TempDir: t.TempDir()}, MaxAnswerTokens: 160}})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	res, err := k.AIEdit(context.Background(), fixTask(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted() || len(res.Attempts) != MaxAttempts {
		t.Fatalf("stories260k's answer was accepted: %+v", res.Attempts)
	}
	if !strings.HasPrefix(res.Answer.Text, "calc/calc.go\n<<<<<<< SEARCH\n") || !strings.Contains(res.Answer.Text, "\n>>>>>>> REPLACE\n") {
		t.Fatalf("the answer did not follow the edit grammar: %q", res.Answer.Text)
	}
	for _, a := range res.Attempts {
		if a.Problem != "" || len(a.Vetoes) == 0 || a.Score >= 0.85 {
			t.Errorf("attempt %d was not vetoed by the Critic: problem %q, vetoes %v, score %.2f", a.Attempt, a.Problem, a.Vetoes, a.Score)
		}
	}
	if res.Answer.Backend == "" || meter.Snapshot()[0].Requests < MaxAttempts {
		t.Errorf("the local core did not answer: %+v", res.Answer)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "calc", "calc.go")); string(data) != calcSrc {
		t.Fatal("the workspace changed")
	}
}
