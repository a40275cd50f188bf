package edit

import "strings"

// change is a hunk or a block as a list of line operations.
type change struct {
	ops              []Line
	oldNoNL, newNoNL bool
	hint             int // 0-based line of the old side's start, -1 unknown
	item             string
}

func oldSide(ops []Line) []string {
	var s []string
	for _, l := range ops {
		if l.Op != OpInsert {
			s = append(s, l.Text)
		}
	}
	return s
}

// fuzz steps: leading and trailing context lines dropped, like patch --fuzz.
var fuzzSteps = [...][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 0}, {0, 2}, {2, 1}, {1, 2}, {2, 2}}

// trimOps drops lead lines from the front and trail from the back of ops;
// only context lines and deletions of blank lines may be dropped, and a
// non-blank old line must remain.
func trimOps(ops []Line, lead, trail int) ([]Line, bool) {
	droppable := func(l Line) bool {
		return l.Op == OpContext || l.Op == OpDelete && strings.TrimSpace(l.Text) == ""
	}
	if lead+trail >= len(ops) {
		return nil, false
	}
	for _, l := range ops[:lead] {
		if !droppable(l) {
			return nil, false
		}
	}
	for _, l := range ops[len(ops)-trail:] {
		if !droppable(l) {
			return nil, false
		}
	}
	ops = ops[lead : len(ops)-trail]
	for _, l := range ops {
		if l.Op != OpInsert && strings.TrimSpace(l.Text) != "" {
			return ops, true
		}
	}
	return nil, false
}

// apply locates c in st and splices its new side in. It returns the
// position of c's (untrimmed) old side.
func (a *applier) apply(st *fileState, c change) (int, *Error) {
	old := oldSide(c.ops)
	if len(old) == 0 {
		pos := 0
		switch {
		case c.hint >= 0:
			pos = min(c.hint, len(st.t.lines))
		case len(st.t.lines) > 0:
			return 0, &Error{Kind: Malformed, Path: st.path, Item: c.item, Detail: "it only adds lines and says neither where (no line numbers) nor after what (no unchanged context lines)"}
		}
		a.splice(st, pos, 0, c, nil)
		return pos, nil
	}
	for step, fz := range fuzzSteps {
		ops, ok := c.ops, true
		if step > 0 {
			if ops, ok = trimOps(c.ops, fz[0], fz[1]); !ok {
				continue
			}
		}
		pat := oldSide(ops)
		hint := -1
		if c.hint >= 0 {
			hint = c.hint + fz[0]
		}
		m := locate(st, pat, hint)
		if m.ambiguous {
			if step > 0 {
				continue
			}
			return 0, &Error{Kind: Ambiguous, Path: st.path, Item: c.item, Lines: m.lines}
		}
		if !m.found {
			continue
		}
		var re *reindenter
		if m.level >= levelIndent {
			var added []string
			for _, l := range ops {
				if l.Op == OpInsert {
					added = append(added, l.Text)
				}
			}
			re = newReindenter(pat, st.t.lines[m.pos:m.pos+len(pat)], added, indentStyle(st.t.lines))
		}
		cc := c
		cc.ops = ops
		a.splice(st, m.pos, len(pat), cc, re)
		return m.pos - fz[0], nil
	}
	excerpt, detail := closest(st, old, c.hint)
	return 0, &Error{Kind: NoMatch, Path: st.path, Item: c.item, Closest: excerpt, Detail: detail}
}

// splice replaces the n old lines at pos with the new side of c: context
// lines keep the file's text, inserted lines are re-indented and take the
// file's line terminator. At the end of the file the final newline follows
// the "\ No newline" markers, or stays as it was.
func (a *applier) splice(st *fileState, pos, n int, c change, re *reindenter) {
	var lines, terms []string
	i := pos
	lastAdded := false
	for _, l := range c.ops {
		switch l.Op {
		case OpContext:
			lines = append(lines, st.t.lines[i])
			terms = append(terms, st.t.terms[i])
			i++
			lastAdded = false
		case OpDelete:
			i++
		case OpInsert:
			lines = append(lines, re.apply(l.Text))
			terms = append(terms, st.eol)
			lastAdded = true
		}
	}
	if end := pos + n; end == len(st.t.lines) && len(lines) > 0 {
		last := len(terms) - 1
		switch {
		case c.newNoNL:
			terms[last] = ""
		case c.oldNoNL:
			terms[last] = st.eol
		case lastAdded && n > 0:
			terms[last] = st.t.terms[end-1]
		case lastAdded && pos > 0 && st.t.terms[pos-1] == "":
			// Appending after a last line without newline: keep the file
			// without a final newline.
			st.t.terms[pos-1] = st.eol
			terms[last] = ""
		}
	}
	st.splice(pos, n, lines, terms)
}
