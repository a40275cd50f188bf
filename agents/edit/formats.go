package edit

import (
	"bytes"
	"fmt"
	"strings"
)

// create applies a diff from /dev/null: the new file is the hunks' new side.
func (a *applier) create(st *fileState, fp *FilePatch) {
	var t text
	noNL := false
	for _, h := range fp.Hunks {
		a.hunks++
		for _, l := range h.Lines {
			if l.Op != OpDelete {
				t.lines = append(t.lines, l.Text)
				t.terms = append(t.terms, "\n")
			}
		}
		noNL = h.NewNoNewline
	}
	if noNL && len(t.terms) > 0 {
		t.terms[len(t.terms)-1] = ""
	}
	if st.exists && len(st.t.lines) > 0 {
		if !bytes.Equal(bytes.ReplaceAll(st.t.bytes(), []byte("\r\n"), []byte("\n")), t.bytes()) {
			a.fail(&Error{Kind: BadPath, Path: st.path, Detail: "it already exists; write a diff against its current content instead of one from /dev/null"})
		}
		return
	}
	st.setContent(t)
	st.eol = "\n"
}

// whole replaces the file with a whole-file answer.
func (a *applier) whole(st *fileState, fp *FilePatch) {
	if st.exists {
		orig := make(map[string]bool, len(st.t.lines))
		for _, l := range st.t.lines {
			orig[strings.TrimSpace(l)] = true
		}
		for i, l := range fp.Whole {
			if isLazy(l) && !orig[strings.TrimSpace(l)] {
				a.fail(&Error{Kind: Malformed, Path: st.path, Detail: fmt.Sprintf("line %d of the code block, %q, elides code; write out the complete file", i+1, strings.TrimSpace(l))})
				return
			}
		}
	}
	eol, final := st.eol, "\n"
	if st.exists {
		final = eol
		if n := len(st.t.terms); n > 0 && st.t.terms[n-1] == "" {
			final = ""
		}
	}
	var t text
	for _, l := range fp.Whole {
		t.lines = append(t.lines, l)
		t.terms = append(t.terms, eol)
	}
	if n := len(t.terms); n > 0 {
		t.terms[n-1] = final
	}
	st.setContent(t)
}

// block applies one SEARCH/REPLACE block.
func (a *applier) block(st *fileState, b Block) {
	a.blocks++
	item := fmt.Sprintf("SEARCH/REPLACE block %d (answer line %d)", a.blocks, b.AnswerLine)
	if len(b.Search) == 0 {
		a.appendLines(st, b.Replace)
		return
	}
	if !st.exists {
		a.fail(&Error{Kind: BadPath, Path: st.path, Item: item, Detail: "the file does not exist; to create it, leave the SEARCH section empty"})
		return
	}
	inSearch := make(map[string]bool, len(b.Search))
	for _, l := range b.Search {
		inSearch[strings.TrimSpace(l)] = true
	}
	for _, l := range b.Replace {
		if isLazy(l) && !inSearch[strings.TrimSpace(l)] {
			a.fail(&Error{Kind: Malformed, Path: st.path, Item: item, Detail: fmt.Sprintf("the REPLACE line %q elides code; write out every line", strings.TrimSpace(l))})
			return
		}
	}
	c := change{ops: blockOps(b.Search, b.Replace), hint: -1, item: item}
	if _, e := a.apply(st, c); e != nil {
		a.fail(e)
	}
}

// appendLines creates st with lines, or appends them to it (an empty
// SEARCH section).
func (a *applier) appendLines(st *fileState, lines []string) {
	if !st.exists || allBlank(st.t.lines) {
		var t text
		for _, l := range lines {
			t.lines = append(t.lines, l)
			t.terms = append(t.terms, st.eol)
		}
		st.setContent(t)
		return
	}
	if n := len(st.t.terms); n > 0 && st.t.terms[n-1] == "" {
		st.t.terms[n-1] = st.eol
	}
	terms := make([]string, len(lines))
	for i := range terms {
		terms[i] = st.eol
	}
	st.splice(len(st.t.lines), 0, lines, terms)
}

// hunk applies one diff hunk and returns the drift to carry to the next:
// how far the actual position is from the stated one, in current lines.
func (a *applier) hunk(st *fileState, h Hunk, drift int) int {
	a.hunks++
	item := fmt.Sprintf("hunk %d (answer line %d", a.hunks, h.AnswerLine)
	if h.HasRange {
		item += ", " + h.Header()
	}
	item += ")"
	c := change{ops: h.Lines, oldNoNL: h.OldNoNewline, newNoNL: h.NewNoNewline, hint: -1, item: item}
	base := 0
	if h.HasRange {
		base = h.OldStart - 1
		if h.OldCount == 0 {
			base = h.OldStart
		}
		c.hint = max(base+drift, 0)
	}
	if !st.exists {
		if needsContent(&FilePatch{Hunks: []Hunk{h}}) {
			a.fail(&Error{Kind: BadPath, Path: st.path, Item: item, Detail: "the file does not exist; to create a file, write a diff from /dev/null"})
			return drift
		}
		st.setContent(text{})
		st.eol = "\n"
	}
	pos, e := a.apply(st, c)
	if e != nil {
		a.fail(e)
		return drift
	}
	added, removed := 0, 0
	for _, l := range h.Lines {
		switch l.Op {
		case OpInsert:
			added++
		case OpDelete:
			removed++
		}
	}
	return pos - base + added - removed
}
