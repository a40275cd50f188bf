package author

import (
	"strings"
	"testing"

	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/memory"
)

func TestBuildPromptPacksTheWorkingMemory(t *testing.T) {
	src := []byte(strings.Repeat("// filler line\n", 200) + "func f() {\n\tx = x\n}\n")
	task := &Task{Kind: KindFix, File: "a/a.go", Line: 202, Feedback: "the SEARCH block did not match",
		Target: &critic.Target{File: "a/a.go", Line: 202, Message: "self-assignment of x", Source: "assign"}}
	context := strings.Repeat("func related() { /* retrieved */ }\n", 400)
	big := buildPrompt(task, excerptOf(src, 202, 202, 0), context, 6000)
	for _, want := range []string{"self-assignment of x (assign)", "did not match", "a/a.go, lines", "x = x", "retrieved"} {
		if !strings.Contains(big, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
	if n := memory.EstimateTokens(big); n > 6000 {
		t.Errorf("prompt of %d tokens over its budget", n)
	}
	// A small budget keeps the request, the feedback and the buffer first;
	// the retrieved context gives way.
	small := buildPrompt(task, excerptOf(src, 202, 202, 12), context, 300)
	if !strings.Contains(small, "self-assignment of x") || !strings.Contains(small, "did not match") || !strings.Contains(small, "x = x") {
		t.Errorf("small prompt lost the essentials:\n%s", small)
	}
	if n := memory.EstimateTokens(small); n > 300 {
		t.Errorf("small prompt of %d tokens over its budget", n)
	}
	if strings.Index(small, "self-assignment") > strings.Index(small, "x = x") {
		t.Errorf("the request is not first:\n%s", small)
	}
}
