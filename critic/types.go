package critic

import (
	"context"
	"time"
)

// FileChange is one file of a candidate patch.
type FileChange struct {
	// Path is workspace-relative and slash-separated ("pkg/a.go").
	Path string `json:"path"`
	// Content is the file's complete new content. A change to a file that
	// does not exist creates it.
	Content []byte `json:"content,omitempty"`
	// Delete removes the file; Content is then ignored.
	Delete bool `json:"delete,omitempty"`
}

// Patch is a candidate change to the workspace.
type Patch struct {
	Changes []FileChange `json:"changes"`
}

// Target is the diagnostic or request a patch answers.
type Target struct {
	File    string `json:"file"` // workspace-relative, slash-separated
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
	Source  string `json:"source,omitempty"` // e.g. the analyzer's name
}

// Task kinds. The kind sets the diff size Intent considers proportionate
// (see [Critic.Review]).
const (
	KindFix         = "fix"
	KindTodo        = "todo"
	KindTests       = "tests"
	KindDoc         = "doc"
	KindInstruction = "instruction"
)

// Task is what a patch was made for.
type Task struct {
	ID          string  `json:"id,omitempty"`
	Kind        string  `json:"kind"`
	Instruction string  `json:"instruction,omitempty"`
	Target      *Target `json:"target,omitempty"`
}

// Weights weigh the five dimensions in the total. Only their ratios
// matter. The zero value means [DefaultWeights].
type Weights struct {
	Correctness float64 `json:"correctness"`
	Tests       float64 `json:"tests"`
	Style       float64 `json:"style"`
	Safety      float64 `json:"safety"`
	Intent      float64 `json:"intent"`
}

// DefaultWeights returns the weights used when Options.Weights is zero:
// Correctness 0.30, Tests 0.25, Style 0.10, Safety 0.15, Intent 0.20.
// Builds and tests weigh most because they are measured; Safety findings
// veto anyway, so its weight only matters for the score.
func DefaultWeights() Weights {
	return Weights{Correctness: 0.30, Tests: 0.25, Style: 0.10, Safety: 0.15, Intent: 0.20}
}

// Judge is an optional (LLM) opinion on whether a diff does what the task
// asks. It returns a score in [0, 1]. Its weight inside Intent is bounded
// by [MaxJudgeWeight], and it is consulted only for patches no check has
// vetoed, so it can never override a failed build or test.
type Judge interface {
	Judge(ctx context.Context, task Task, diff string) (score float64, reason string, err error)
}

// View is the patched workspace as seen by [Options.Diagnose]: the files on
// disk under Root, with Files and Deleted laid over them. It is the shape of
// an editor overlay, so an in-process analyzer (go/packages' Overlay, the
// govet engine) can run on it without copying the workspace.
type View struct {
	Root    string            // absolute workspace root
	Files   map[string][]byte // absolute path -> patched content of each changed or created file
	Deleted []string          // absolute paths the patch deletes
}

// Dimension names, in the order a Review lists them.
const (
	DimCorrectness = "correctness"
	DimTests       = "tests"
	DimStyle       = "style"
	DimSafety      = "safety"
	DimIntent      = "intent"
)

// Dimension is one scored aspect of a review.
type Dimension struct {
	Name     string   `json:"name"`
	Score    float64  `json:"score"`  // in [0, 1]
	Weight   float64  `json:"weight"` // normalised: the weights of a review sum to 1
	Evidence []string `json:"evidence,omitempty"`
	// Skipped is set when the dimension could not be measured (no Go
	// package affected, no tests, tests disabled, already vetoed). A skipped
	// dimension is neutral: its Score is set to the weighted mean of the
	// others, so it neither raises nor lowers the total.
	Skipped bool `json:"skipped,omitempty"`
}

// DiffStats counts a patch's size.
type DiffStats struct {
	Files   int `json:"files"`
	Added   int `json:"added"`   // lines
	Deleted int `json:"deleted"` // lines
}

// Finding is one safety problem.
type Finding struct {
	Rule    string `json:"rule"` // see the Rule constants
	Path    string `json:"path,omitempty"`
	Line    int    `json:"line,omitempty"` // in the new content; 0 when not line-bound
	Message string `json:"message"`
}

// Safety finding rules.
const (
	RulePath     = "path"     // outside the workspace, absolute, "..", escaping symlink
	RuleVCS      = "vcs"      // under .git (or .hg, .svn)
	RuleBinary   = "binary"   // NUL bytes or invalid UTF-8
	RuleSecret   = "secret"   // credential or private key added
	RuleWeakened = "weakened" // tests deleted or skipped, checks disabled, permissions widened
	RuleA11y     = "a11y"     // an element lost its accessible name (WCAG level A)
)

// Review is the Critic's verdict on one patch.
type Review struct {
	Dimensions []Dimension `json:"dimensions"`
	Total      float64     `json:"total"` // weighted mean of the dimension scores
	Threshold  float64     `json:"threshold"`
	// Accepted is Total >= Threshold with no veto.
	Accepted bool `json:"accepted"`
	// Vetoes are hard reasons for rejection, whatever the total.
	Vetoes   []string      `json:"vetoes,omitempty"`
	Diff     string        `json:"diff"` // unified diff of the patch
	Stats    DiffStats     `json:"stats"`
	Duration time.Duration `json:"duration"`
	// CPU is the user+system time of the sandboxed commands (go list,
	// vet, test and what they ran).
	CPU         time.Duration `json:"cpu"`
	SandboxMode string        `json:"sandboxMode"` // "bwrap", "fallback" or "none" (nothing was run)
	Safety      []Finding     `json:"safety,omitempty"`
}

// Dimension returns the named dimension, or nil.
func (r *Review) Dimension(name string) *Dimension {
	for i := range r.Dimensions {
		if r.Dimensions[i].Name == name {
			return &r.Dimensions[i]
		}
	}
	return nil
}
