package gitcommit

import (
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeMessage(t *testing.T) {
	long := "make the retrieval agent rank recently edited files higher than files nobody touched in months"
	tests := []struct{ in, fallback, want string }{
		{"feat(memory): add BM25 index", "chore", "feat(memory): add BM25 index"},
		{"Fix: handle nil buffer.", "chore", "fix: handle nil buffer"},
		{"feat(api)!: drop v1\nBody right after", "chore", "feat(api)!: drop v1\n\nBody right after"},
		{"add a cache", "perf", "perf: add a cache"},
		{"add a cache", "nonsense", "chore: add a cache"},
		{"http://example.com broke", "fix", "fix: http://example.com broke"},
		{"WIP: stuff", "chore", "chore: WIP: stuff"},
		{"```\nfix(lsp): hover\n\nDetails.\n```", "chore", "fix(lsp): hover\n\nDetails."},
		{"\r\n\r\ndocs:   tidy   README  \r\n\r\n\r\n\r\nline one  \r\nline two\r\n\r\n", "chore", "docs: tidy README\n\nline one\nline two"},
		{"", "fix", "fix: update"},
		{"refactor( a b ): x", "chore", "refactor(a-b): x"},
		{"feat: " + long, "chore", "feat: make the retrieval agent rank recently edited files higher than\n\n" + long},
	}
	for _, tt := range tests {
		got := NormalizeMessage(tt.in, tt.fallback)
		if got != tt.want {
			t.Errorf("NormalizeMessage(%q, %q) =\n%q\nwant\n%q", tt.in, tt.fallback, got, tt.want)
		}
		if first, _, _ := strings.Cut(got, "\n"); utf8.RuneCountInString(first) > MaxSubject {
			t.Errorf("first line over %d: %q", MaxSubject, first)
		}
		if again := NormalizeMessage(got, tt.fallback); again != got && !strings.Contains(tt.want, long) {
			t.Errorf("not idempotent: %q -> %q", got, again)
		}
	}
	// A very long scope goes before the subject is cut.
	got := NormalizeMessage("fix(a-very-long-scope-name-that-nobody-should-write): "+long, "chore")
	if first, _, _ := strings.Cut(got, "\n"); !strings.HasPrefix(first, "fix: make") || utf8.RuneCountInString(first) > MaxSubject {
		t.Errorf("long scope: %q", first)
	}
}

func TestConventionalMessage(t *testing.T) {
	tests := []struct{ kind, scope, summary, body, want string }{
		{"feat", "memory", "add BM25", "Why.\n\nHow.", "feat(memory): add BM25\n\nWhy.\n\nHow."},
		{"bogus", "", "do\nthings", "", "chore: do things"},
		{"FIX", "lsp server", "hover.", "", "fix(lsp-server): hover"},
	}
	for _, tt := range tests {
		if got := ConventionalMessage(tt.kind, tt.scope, tt.summary, tt.body); got != tt.want {
			t.Errorf("ConventionalMessage(%q, %q, %q, %q) = %q, want %q", tt.kind, tt.scope, tt.summary, tt.body, got, tt.want)
		}
	}
}

func TestTrailers(t *testing.T) {
	lines, err := Trailers{Agent: "coder\nx", Model: "m", Score: 0.1 + 0.2, TaskID: "t-1"}.lines()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(lines, "|"); got != "AI-Agent: coder x|AI-Model: m|Critic-Score: 0.3|Task-Id: t-1" {
		t.Errorf("lines %q", got)
	}
	if lines, _ := (Trailers{Agent: "a", Score: 1}).lines(); strings.Join(lines, "|") != "AI-Agent: a|Critic-Score: 1" {
		t.Errorf("lines %q", lines)
	}
	if _, err := (Trailers{}).lines(); err == nil {
		t.Errorf("no agent accepted")
	}
	tr := []string{"AI-Agent: coder", "Critic-Score: 0.93"}
	cases := map[string]string{
		"fix: x":                               "fix: x\n\nAI-Agent: coder\nCritic-Score: 0.93\n",
		"fix: x\n\nbody":                       "fix: x\n\nbody\n\nAI-Agent: coder\nCritic-Score: 0.93\n",
		"fix: x\n\nbody\n\nRefs: #12":          "fix: x\n\nbody\n\nRefs: #12\nAI-Agent: coder\nCritic-Score: 0.93\n",
		"fix: x\n\nBREAKING CHANGE: it breaks": "fix: x\n\nBREAKING CHANGE: it breaks\n\nAI-Agent: coder\nCritic-Score: 0.93\n",
	}
	for msg, want := range cases {
		got := withTrailers(msg, tr)
		if got != want {
			t.Errorf("withTrailers(%q) = %q, want %q", msg, got, want)
		}
		if trailers(got)["ai-agent"] != "coder" {
			t.Errorf("trailers(%q) misses the agent", got)
		}
		// git agrees.
		if _, err := exec.LookPath("git"); err == nil {
			cmd := exec.Command("git", "interpret-trailers", "--parse")
			cmd.Stdin = strings.NewReader(got)
			out, err := cmd.Output()
			if err != nil || !strings.Contains(string(out), "AI-Agent: coder\nCritic-Score: 0.93\n") {
				t.Errorf("git interpret-trailers --parse on %q: %q %v", got, out, err)
			}
		}
	}
	if trailers("AI-Agent: coder") != nil {
		t.Errorf("a subject line read as a trailer")
	}
}
