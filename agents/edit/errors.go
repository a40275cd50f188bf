package edit

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrorKind classifies why an answer could not be turned into edits.
type ErrorKind int

const (
	// NoEdit: the answer holds no edit, or the edit changes nothing.
	NoEdit ErrorKind = iota + 1
	// Malformed: the answer looks like an edit but its structure is broken
	// (a block without its REPLACE marker, an unclosed fence, elided code).
	Malformed
	// NoMatch: a hunk's old lines or a SEARCH text are not in the file.
	NoMatch
	// Ambiguous: a hunk's old lines or a SEARCH text occur more than once
	// and no line number tells which occurrence is meant.
	Ambiguous
	// BadPath: a path escapes the root, names .git, is missing where it
	// must exist, exists where it must not, or is a binary file.
	BadPath
)

func (k ErrorKind) String() string {
	switch k {
	case NoEdit:
		return "no edit"
	case Malformed:
		return "malformed"
	case NoMatch:
		return "no match"
	case Ambiguous:
		return "ambiguous"
	case BadPath:
		return "bad path"
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// Sentinel errors, one per kind: errors.Is(err, ErrNoMatch) holds for every
// *Error of kind NoMatch, also inside an errors.Join.
var (
	ErrNoEdit    = &Error{Kind: NoEdit}
	ErrMalformed = &Error{Kind: Malformed}
	ErrNoMatch   = &Error{Kind: NoMatch}
	ErrAmbiguous = &Error{Kind: Ambiguous}
	ErrBadPath   = &Error{Kind: BadPath}
)

// Error is a failure to parse or apply an answer, caused by the answer. When
// several hunks or blocks fail, Apply returns their errors joined with
// errors.Join; errors.As finds the first.
type Error struct {
	Kind ErrorKind
	// Path is the file concerned (resolved), empty when none.
	Path string
	// Detail says what is wrong, in one sentence.
	Detail string
	// Item names the hunk or block: "SEARCH/REPLACE block 2",
	// "hunk 1 (@@ -3,7 +3,8 @@)".
	Item string
	// Closest is, for NoMatch, an excerpt of the file with line numbers
	// around the place that resembles the hunk or SEARCH text most.
	Closest string
	// Lines are, for Ambiguous, the 1-based lines where the text matched
	// (at most five).
	Lines []int

	shown string // Path as the model should write it (relative to Root)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("edit: ")
	b.WriteString(e.Kind.String())
	if p := e.display(); p != "" {
		b.WriteString(": ")
		b.WriteString(p)
	}
	if e.Item != "" {
		b.WriteString(": ")
		b.WriteString(e.Item)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Path == "" && t.Detail == "" && t.Item == ""
}

func (e *Error) display() string {
	if e.shown != "" {
		return e.shown
	}
	return e.Path
}

// Feedback tells the model precisely what to fix when it tries again.
func (e *Error) Feedback() string {
	var b strings.Builder
	p := e.display()
	what := e.Item
	if what == "" {
		what = "the edit"
	}
	switch e.Kind {
	case NoEdit:
		if e.Detail != "" {
			fmt.Fprintf(&b, "Your answer made no change: %s.", e.Detail)
		} else {
			b.WriteString("Your answer contained no edit.")
		}
		b.WriteString(" Answer with SEARCH/REPLACE blocks (the file path on its own line, then <<<<<<< SEARCH, the exact current lines, =======, the new lines, >>>>>>> REPLACE) or with a unified diff.")
	case Malformed:
		fmt.Fprintf(&b, "Your answer is malformed: %s.", e.Detail)
		if p != "" {
			fmt.Fprintf(&b, " (file %s)", p)
		}
		b.WriteString(" A SEARCH/REPLACE block is: the file path on its own line, <<<<<<< SEARCH, the exact current lines, =======, the new lines, >>>>>>> REPLACE. A diff hunk starts with @@ and prefixes every line with a space (unchanged), - (removed) or + (added).")
	case NoMatch:
		fmt.Fprintf(&b, "The %s for %s did not match the current file", what, p)
		if e.Detail != "" {
			fmt.Fprintf(&b, " (%s)", e.Detail)
		}
		b.WriteString(".")
		if e.Closest != "" {
			fmt.Fprintf(&b, " The closest lines in %s are:\n%s", p, e.Closest)
		} else {
			fmt.Fprintf(&b, " None of its lines occur in %s; check the file name and the content.", p)
		}
		b.WriteString("\nCopy the lines to replace exactly from the current file, including comments and blank lines, and do not skip or abbreviate lines.")
	case Ambiguous:
		fmt.Fprintf(&b, "The %s for %s matches %s of %s", what, p, places(e.Lines), p)
		if e.Detail != "" {
			fmt.Fprintf(&b, " (%s)", e.Detail)
		}
		b.WriteString(". Include more of the surrounding lines so that it matches exactly one place.")
	case BadPath:
		fmt.Fprintf(&b, "The path %q cannot be edited: %s.", p, e.Detail)
		b.WriteString(" Write paths relative to the workspace root, only for files inside it and never under .git.")
	default:
		b.WriteString(e.Error())
	}
	return b.String()
}

func places(lines []int) string {
	if len(lines) == 0 {
		return "several places"
	}
	s := make([]string, len(lines))
	for i, l := range lines {
		s[i] = fmt.Sprint(l)
	}
	n := "several places"
	if len(lines) < 5 {
		n = fmt.Sprintf("%d places", len(lines))
	}
	return n + " (lines " + strings.Join(s, ", ") + ")"
}

// RetryPrompt renders err as the message to send back to the model: the
// feedback of every *Error in err (joined errors included), or, for an error
// that is not the answer's fault, its text.
func RetryPrompt(err error) string {
	if err == nil {
		return ""
	}
	errs := collect(err, nil)
	if len(errs) == 0 {
		return "Your edit could not be applied: " + err.Error() + ". Reply again with the complete edit."
	}
	var b strings.Builder
	b.WriteString("Your edit was not applied; no file was changed.\n")
	for _, e := range errs {
		b.WriteString("\n- ")
		b.WriteString(strings.ReplaceAll(e.Feedback(), "\n", "\n  "))
		b.WriteString("\n")
	}
	b.WriteString("\nReply with the corrected edit in full, in the same format: all files and all blocks, not only the ones that failed.")
	return b.String()
}

func collect(err error, acc []*Error) []*Error {
	switch x := err.(type) {
	case *Error:
		return append(acc, x)
	case interface{ Unwrap() []error }:
		for _, e := range x.Unwrap() {
			acc = collect(e, acc)
		}
		return acc
	}
	var e *Error
	if errors.As(err, &e) {
		acc = append(acc, e)
	}
	return acc
}

// shownPath is path as the model should write it: relative to root when
// inside it, slash-separated.
func shownPath(path, root string) string {
	if root != "" && filepath.IsAbs(path) {
		if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}
