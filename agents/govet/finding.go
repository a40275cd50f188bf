package govet

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Analyzer names used for findings that do not come from an analyzer.
const (
	CompilerAnalyzer = "compiler" // parse and type errors
	GoListAnalyzer   = "go list"  // errors reported by the go command
)

// Result is the outcome of one AnalyzeFiles or AnalyzePatterns call.
type Result struct {
	// Findings sorted by File, Start.Offset, Analyzer, Message; de-duplicated
	// across package variants.
	Findings []Finding
	// Packages are the IDs of the root packages analysed, sorted. For a
	// non-test package the ID is its import path; test variants look like
	// "p [p.test]" and "p_test [p.test]".
	Packages []string
	// Cached counts root packages served from the result cache.
	Cached int
	// Shared counts root packages whose analysis was performed by a
	// concurrent request for the same key and shared with this one.
	Shared int
	// Analyzed counts root packages (re)analysed by this call.
	Analyzed int
	// Loads counts the load rounds made by this call (each runs one or a
	// few go commands); 0 means the request was answered without running go.
	Loads int
}

// Severity of a finding.
type Severity int

// Severities. Compiler and load errors are errors; analyzer findings are
// warnings. SeverityInfo is available to callers that post-process results.
const (
	SeverityError Severity = iota + 1
	SeverityWarning
	SeverityInfo
)

// String returns "error", "warning" or "info".
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInfo:
		return "info"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Finding is one diagnostic.
type Finding struct {
	Analyzer string   // analyzer name, CompilerAnalyzer or GoListAnalyzer
	Severity Severity // SeverityError for compiler/load errors, SeverityWarning otherwise
	File     string   // absolute path
	Start    Position
	End      Position
	Message  string
	URL      string // analyzer documentation URL, if any
	Fixes    []Fix
	Related  []Related
}

// String formats f like go vet: "file:line:col: message (analyzer)".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s (%s)", f.File, f.Start.Line, f.Start.Column, f.Message, f.Analyzer)
}

// Position is a location in a file: Offset is a 0-based byte offset, Line
// and Column are 1-based and Column counts bytes, exactly as go vet prints.
type Position struct {
	Offset int
	Line   int
	Column int
}

// Fix is a suggested fix: a set of non-overlapping edits.
type Fix struct {
	Message string
	Edits   []Edit
}

// Edit replaces the bytes [Start, End) of File with NewText. Offsets refer
// to the content that was analysed (the overlay content where overlaid).
// Edits of one Fix are sorted by Start and never overlap.
type Edit struct {
	File    string
	Start   int
	End     int
	NewText string
}

// Related is additional information attached to a finding.
type Related struct {
	File    string
	Start   Position
	End     Position
	Message string
}

// findingKey identifies a finding for de-duplication.
type findingKey struct {
	file          string
	start, end    int
	analyzer, msg string
}

func (f *Finding) key() findingKey {
	return findingKey{f.File, f.Start.Offset, f.End.Offset, f.Analyzer, f.Message}
}

// fixKey returns a canonical string for a fix, for de-duplication.
func fixKey(fx Fix) string {
	var b strings.Builder
	b.WriteString(fx.Message)
	for _, e := range fx.Edits {
		fmt.Fprintf(&b, "\x00%s\x00%d\x00%d\x00%s", e.File, e.Start, e.End, e.NewText)
	}
	return b.String()
}

// mergeFindings de-duplicates findings (merging their fixes and related
// information) and sorts them by File, Start.Offset, Analyzer, Message.
func mergeFindings(groups ...[]Finding) []Finding {
	index := make(map[findingKey]int)
	var out []Finding
	for _, g := range groups {
		for _, f := range g {
			k := f.key()
			i, ok := index[k]
			if !ok {
				index[k] = len(out)
				f.Fixes = dedupFixes(nil, f.Fixes)
				f.Related = slices.Clone(f.Related)
				out = append(out, f)
				continue
			}
			out[i].Fixes = dedupFixes(out[i].Fixes, f.Fixes)
			for _, r := range f.Related {
				if !slices.Contains(out[i].Related, r) {
					out[i].Related = append(out[i].Related, r)
				}
			}
		}
	}
	slices.SortFunc(out, compareFindings)
	return out
}

func dedupFixes(have, add []Fix) []Fix {
	seen := make(map[string]bool, len(have)+len(add))
	out := make([]Fix, 0, len(have)+len(add))
	for _, list := range [][]Fix{have, add} {
		for _, fx := range list {
			k := fixKey(fx)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, Fix{Message: fx.Message, Edits: slices.Clone(fx.Edits)})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Start.Offset, b.Start.Offset),
		cmp.Compare(a.Analyzer, b.Analyzer),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.End.Offset, b.End.Offset),
	)
}
