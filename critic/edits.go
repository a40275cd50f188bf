package critic

import (
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// Edit replaces the bytes [Start, End) of File with NewText.
type Edit struct {
	File    string `json:"file"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"newText"`
}

// Errors reported by ApplyEdits and CheckEdits.
var (
	ErrEditOutOfRange = errors.New("edit out of range")
	ErrEditsOverlap   = errors.New("edits overlap")
	ErrSyntax         = errors.New("edit breaks the syntax")
)

// ApplyEdits returns content with edits (all for one file) applied. Edits
// may come in any order; they must lie within content and not overlap
// (two insertions at the same offset are applied in the given order).
// content is never modified.
func ApplyEdits(content []byte, edits []Edit) ([]byte, error) {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b Edit) int { return a.Start - b.Start })
	var out bytes.Buffer
	out.Grow(len(content))
	last := 0
	for _, e := range sorted {
		if e.Start < 0 || e.End < e.Start || e.End > len(content) {
			return nil, fmt.Errorf("%w: [%d,%d) in a %d-byte file", ErrEditOutOfRange, e.Start, e.End, len(content))
		}
		if e.Start < last {
			return nil, fmt.Errorf("%w at byte %d", ErrEditsOverlap, e.Start)
		}
		out.Write(content[last:e.Start])
		out.WriteString(e.NewText)
		last = e.End
	}
	out.Write(content[last:])
	return out.Bytes(), nil
}

// Verdict is the outcome of checking one candidate change.
type Verdict struct {
	OK      bool
	Reasons []string          // why the change was vetoed
	Result  map[string][]byte // each changed file's content after the edits
}

// CheckEdits applies edits to the files they name, reading each file's
// current content with read, and vetoes the change when an edit does not
// apply or a Go file no longer parses.
func CheckEdits(edits []Edit, read func(path string) ([]byte, error)) Verdict {
	byFile := make(map[string][]Edit)
	var files []string
	for _, e := range edits {
		if _, ok := byFile[e.File]; !ok {
			files = append(files, e.File)
		}
		byFile[e.File] = append(byFile[e.File], e)
	}
	v := Verdict{OK: true, Result: make(map[string][]byte, len(files))}
	veto := func(format string, args ...any) {
		v.OK = false
		v.Reasons = append(v.Reasons, fmt.Sprintf(format, args...))
	}
	if len(edits) == 0 {
		veto("no edits")
	}
	for _, f := range files {
		if !filepath.IsAbs(f) {
			veto("%s: not an absolute path", f)
			continue
		}
		content, err := read(f)
		if err != nil {
			veto("%s: %v", f, err)
			continue
		}
		out, err := ApplyEdits(content, byFile[f])
		if err != nil {
			veto("%s: %v", f, err)
			continue
		}
		if strings.HasSuffix(f, ".go") {
			if _, err := parser.ParseFile(token.NewFileSet(), f, out, parser.SkipObjectResolution); err != nil {
				if _, before := parser.ParseFile(token.NewFileSet(), f, content, parser.SkipObjectResolution); before == nil {
					veto("%s: %v: %v", f, ErrSyntax, err)
					continue
				}
				// The file did not parse before the edit either; the edit is
				// not to blame.
			}
		}
		v.Result[f] = out
	}
	return v
}
