package edit

import (
	"fmt"
)

// FileEdit is the new state of one file.
type FileEdit struct {
	// Path is the file's path: cleaned, and joined with Options.Root when
	// Root is set and the answer named a relative path.
	Path string
	// Content is the complete new content; nil when Delete is set.
	Content []byte
	// Delete reports that the file is to be removed.
	Delete bool
	// Created reports that the file did not exist before.
	Created bool
}

// Source reads the current content of a file: the editor's overlay or the
// disk. Read returns an error satisfying errors.Is(err, fs.ErrNotExist)
// (os.ErrNotExist) for a missing file; any other error aborts Apply.
type Source interface {
	Read(path string) ([]byte, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(path string) ([]byte, error)

// Read calls f(path).
func (f SourceFunc) Read(path string) ([]byte, error) { return f(path) }

// Options configures Parse. The zero value accepts diffs and SEARCH/REPLACE
// blocks with explicit relative paths.
type Options struct {
	// DefaultPath is the file in scope, used for SEARCH/REPLACE blocks and
	// diff hunks that name no file, and when a named file does not exist
	// but DefaultPath ends with the named path (the model wrote x.go for
	// pkg/x.go).
	DefaultPath string
	// AllowWholeFile accepts an answer that is one fenced code block
	// holding the complete new content of the file. Meant for small files.
	AllowWholeFile bool
	// Root, when set, is the workspace root: relative paths are resolved
	// against it and paths outside it are rejected with BadPath. Paths
	// with a .git component are always rejected.
	Root string
}

// Format is the edit format of an answer.
type Format int

const (
	FormatUnknown       Format = iota
	FormatUnifiedDiff          // unified diff hunks
	FormatSearchReplace        // SEARCH/REPLACE blocks
	FormatWholeFile            // a fenced block with the complete file
)

func (f Format) String() string {
	switch f {
	case FormatUnifiedDiff:
		return "unified diff"
	case FormatSearchReplace:
		return "search/replace"
	case FormatWholeFile:
		return "whole file"
	}
	return "unknown"
}

// Op is the kind of a hunk line.
type Op byte

// Hunk line kinds, as written in a unified diff.
const (
	OpContext Op = ' '
	OpDelete  Op = '-'
	OpInsert  Op = '+'
)

// Line is one line of a hunk, without its line terminator.
type Line struct {
	Op   Op
	Text string
}

// Hunk is one @@ section of a unified diff.
type Hunk struct {
	// OldStart, OldCount, NewStart and NewCount are the numbers written in
	// the header. They are hints: Apply locates the hunk by its content and
	// uses OldStart only to choose among several matches.
	OldStart, OldCount, NewStart, NewCount int
	// HasRange reports whether the header carried line numbers.
	HasRange bool
	Lines    []Line
	// OldNoNewline and NewNoNewline record "\ No newline at end of file"
	// markers after the last old-side and new-side lines.
	OldNoNewline, NewNoNewline bool
	// AnswerLine is the 1-based line of the answer where the hunk starts.
	AnswerLine int
}

// Header renders the hunk's @@ line.
func (h Hunk) Header() string {
	if !h.HasRange {
		return "@@ @@"
	}
	return fmt.Sprintf("@@ -%d,%d +%d,%d @@", h.OldStart, h.OldCount, h.NewStart, h.NewCount)
}

// Block is one SEARCH/REPLACE block. An empty Search creates the file, or
// appends Replace to it when it exists.
type Block struct {
	Search, Replace []string // lines without terminators
	// AnswerLine is the 1-based line of the answer holding the SEARCH marker.
	AnswerLine int
}

// FilePatch is the part of an answer that edits one file.
type FilePatch struct {
	// Path is the file edited (for a rename, the new name), resolved as
	// described at FileEdit.Path.
	Path string
	// OldPath is the --- name of a diff when it differs from Path; Rename
	// reports an explicit git rename (rename from/rename to).
	OldPath string
	Rename  bool
	Format  Format
	// Create and Delete mark diffs from and to /dev/null.
	Create, Delete bool
	Hunks          []Hunk  // FormatUnifiedDiff
	Blocks         []Block // FormatSearchReplace
	// Whole is the complete new content for FormatWholeFile, LF line endings.
	Whole []string

	raw string // the path as the answer wrote it, cleaned, relative
}

// Parsed is the structural parse of an answer.
type Parsed struct {
	Format Format
	Files  []FilePatch

	opts Options
}
