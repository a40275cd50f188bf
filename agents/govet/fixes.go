package govet

import (
	"cmp"
	"fmt"
	"go/token"
	"slices"

	"golang.org/x/tools/go/analysis"
)

// sanitizeFixes returns the well-formed fixes among fixes, with edits sorted
// and End filled in, dropping (and logging) malformed ones and fixes whose
// Message repeats an earlier one. The rules match the checker's own
// validation, which panics on a malformed fix.
func (e *Engine) sanitizeFixes(fset *token.FileSet, analyzer, pkgPath string, fixes []analysis.SuggestedFix) []analysis.SuggestedFix {
	if len(fixes) == 0 {
		return fixes
	}
	out := make([]analysis.SuggestedFix, 0, len(fixes))
	seen := make(map[string]bool, len(fixes))
	for _, fx := range fixes {
		if seen[fx.Message] {
			e.log.Warn("dropping suggested fix with duplicate message", "analyzer", analyzer, "package", pkgPath, "fix", fx.Message)
			continue
		}
		edits, err := normalizeEdits(fset, fx.TextEdits)
		if err != nil {
			e.log.Warn("dropping malformed suggested fix", "analyzer", analyzer, "package", pkgPath, "fix", fx.Message, "err", err)
			continue
		}
		seen[fx.Message] = true
		out = append(out, analysis.SuggestedFix{Message: fx.Message, TextEdits: edits})
	}
	return out
}

// normalizeEdits validates edits and returns a sorted copy in which every
// End is valid. An End slightly beyond EOF (as computed by some AST nodes)
// is truncated to EOF, as the checker does.
func normalizeEdits(fset *token.FileSet, edits []analysis.TextEdit) ([]analysis.TextEdit, error) {
	out := slices.Clone(edits)
	for i := range out {
		ed := &out[i]
		if !ed.Pos.IsValid() {
			return nil, fmt.Errorf("edit #%d has no position", i)
		}
		file := fset.File(ed.Pos)
		if file == nil {
			return nil, fmt.Errorf("edit #%d: no file for position %d", i, ed.Pos)
		}
		fileEnd := token.Pos(file.Base() + file.Size())
		if !ed.End.IsValid() {
			ed.End = ed.Pos
		}
		if ed.End < ed.Pos {
			return nil, fmt.Errorf("edit #%d: end %d before start %d", i, ed.End, ed.Pos)
		}
		if endFile := fset.File(ed.End); endFile != file {
			if ed.End < fileEnd+10 {
				ed.End = fileEnd
			} else {
				return nil, fmt.Errorf("edit #%d spans files", i)
			}
		}
		if ed.End > fileEnd {
			return nil, fmt.Errorf("edit #%d ends beyond end of file", i)
		}
	}
	slices.SortStableFunc(out, func(x, y analysis.TextEdit) int {
		return cmp.Or(cmp.Compare(x.Pos, y.Pos), cmp.Compare(x.End, y.End))
	})
	for i := 1; i < len(out); i++ {
		if out[i].Pos < out[i-1].End {
			p := fset.Position(out[i].Pos)
			return nil, fmt.Errorf("overlapping edits at %s", p)
		}
	}
	return out, nil
}
