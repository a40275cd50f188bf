package agents

import (
	"fmt"

	"github.com/aios-dev/aios/critic"
)

// The content types below travel between the Go analysis agents, the Critic
// and the kernel as JSON step outputs.

// Edit replaces a byte range of a file.
type Edit = critic.Edit

// DocumentRef names a document and the version of it the request is about.
type DocumentRef struct {
	Path    string `json:"path"`
	Version int32  `json:"version"`
}

// ByteRange is a half-open byte range of a document.
type ByteRange struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Pos is a position in a file: 0-based byte offset, 1-based line and
// 1-based byte column (as go vet prints them).
type Pos struct {
	Offset int `json:"offset"`
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Finding is one diagnostic.
type Finding struct {
	Analyzer string    `json:"analyzer"`
	Severity string    `json:"severity"` // "error", "warning" or "info"
	File     string    `json:"file"`
	Start    Pos       `json:"start"`
	End      Pos       `json:"end"`
	Message  string    `json:"message"`
	URL      string    `json:"url,omitempty"`
	Fixes    []Fix     `json:"fixes,omitempty"`
	Related  []Related `json:"related,omitempty"`
}

// String formats f as file:line:col: message (analyzer).
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s (%s)", f.File, f.Start.Line, f.Start.Column, f.Message, f.Analyzer)
}

// Fix is a suggested fix: edits that resolve a finding.
type Fix struct {
	Title string `json:"title"`
	Edits []Edit `json:"edits"`
}

// Related is a secondary location of a finding.
type Related struct {
	File    string `json:"file"`
	Start   Pos    `json:"start"`
	End     Pos    `json:"end"`
	Message string `json:"message"`
}

// FindingSet is the output of a diagnose or lint step.
type FindingSet struct {
	// Versions gives, per analysed document, the version of its content the
	// findings refer to (-1: the file on disk).
	Versions map[string]int32 `json:"versions,omitempty"`
	Findings []Finding        `json:"findings"`
	Packages []string         `json:"packages,omitempty"`
	Cached   int              `json:"cached"`
	Analyzed int              `json:"analyzed"`
}

// FixCandidate is a fix offered for a finding, with the finding it answers
// and the document version its edits apply to.
type FixCandidate struct {
	Title    string   `json:"title"`
	Finding  Finding  `json:"finding"`
	Version  int32    `json:"version"`
	Edits    []Edit   `json:"edits"`
	Verified bool     `json:"verified"`
	Vetoes   []string `json:"vetoes,omitempty"`
}

// FixSet is the output of a quickfix or verify-edits step.
type FixSet struct {
	Fixes []FixCandidate `json:"fixes"`
}
