package orchestrator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aios-dev/aios/agents/escalate"
	"github.com/aios-dev/aios/inference"
)

// TestNothingLost interleaves user edits, AI edits, accepts, rejects,
// commits and undos at random, and checks after every step that every
// change the user made is still in the working tree and that no AI commit
// carries a user change.
func TestNothingLost(t *testing.T) {
	files := map[string]string{}
	names := []string{"calc/a.go", "calc/b.go", "calc/c.go"}
	for i, n := range names {
		files[n] = fmt.Sprintf("package calc\n\n// F%d is a function.\nfunc F%d() int { return %d }\n", i, i, i)
	}
	dir := gitModule(t, files)
	noteRE := regexp.MustCompile(`append the note (\d+) to (\S+)`)
	script := func(msgs []inference.Message) string {
		m := noteRE.FindStringSubmatch(msgs[len(msgs)-1].Content)
		if m == nil {
			return "no idea"
		}
		return fmt.Sprintf("%s\n<<<<<<< SEARCH\npackage calc\n=======\npackage calc\n\n// AI note %s.\n>>>>>>> REPLACE\n", m[2], m[1])
	}
	policy := escalate.DefaultPolicy()
	k, _ := newAIKernel(t, dir, script, &policy)
	k.ai.opts.Critic.DisableTests = true
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 5))
	var userMarks []string // "path\x00line" the user wrote
	aiCommits, accepted, rejected, held, undone := 0, 0, 0, 0, 0
	read := func(rel string) string {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for step := 0; step < 30; step++ {
		rel := names[rng.IntN(len(names))]
		switch op := rng.IntN(4); op {
		case 0: // the user edits a file
			line := fmt.Sprintf("// user edit %d", step)
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(read(rel)+line+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			userMarks = append(userMarks, rel+"\x00"+line)
		case 1, 2: // an AI edit, accepted (op 1) or rejected (op 2)
			res, err := k.AIEdit(ctx, AITask{Kind: "instruction", File: rel, Instruction: fmt.Sprintf("append the note %d to %s", step, rel)}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Accepted() {
				t.Fatalf("step %d: the AI edit was vetoed: %+v", step, res.Outcome.Review)
			}
			dirty := len(res.Outcome.UserChanges) > 0
			if dirty != (res.Outcome.Decision.Tier == escalate.Tier1) {
				t.Fatalf("step %d: user changes %v but tier %v", step, res.Outcome.UserChanges, res.Outcome.Decision.Tier)
			}
			if op == 2 {
				if err := k.RecordAIFeedback(ctx, res.Task.ID, false); err != nil {
					t.Fatal(err)
				}
				rejected++
				break
			}
			accepted++
			if dirty {
				held++ // tier 1: the human applies it; it is never committed automatically
			}
			// Accepted: the edit is written over the current file (the
			// candidate was computed from it, user changes included).
			for _, c := range res.Patch.Changes {
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(c.Path)), c.Content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if commit, _ := k.Policy().OnAccepted(res.Outcome.Decision); commit {
				if _, err := k.Commit(ctx, res.Task.ID); err != nil {
					t.Fatalf("step %d: commit: %v", step, err)
				}
				aiCommits++
				if show := git(t, dir, "show", "HEAD"); strings.Contains(show, "user edit") {
					t.Fatalf("step %d: an AI commit carries a user change:\n%s", step, show)
				}
			}
		case 3: // undo
			if _, err := k.Undo(ctx); err == nil {
				aiCommits--
				undone++
			}
		}
		for _, m := range userMarks {
			path, line, _ := strings.Cut(m, "\x00")
			if !strings.Contains(read(path), line+"\n") {
				t.Fatalf("step %d: the user's %q in %s is gone:\n%s", step, line, path, read(path))
			}
		}
	}
	git(t, dir, "fsck", "--strict")
	t.Logf("%d user edits; AI edits: %d accepted (%d held for a human), %d rejected; %d undos; %d AI commits standing",
		len(userMarks), accepted, held, rejected, undone, aiCommits)
	if accepted == 0 || rejected == 0 || len(userMarks) == 0 {
		t.Fatal("the random sequence missed an operation; change the seed")
	}
}
