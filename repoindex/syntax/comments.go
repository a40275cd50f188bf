package syntax

import (
	"strings"
	"unicode/utf8"
)

// topDoc returns the doc comment of the top-level node being handled (see
// docAt).
func (a *analyzer) topDoc(jsdoc bool) string {
	return a.docAt(a.top, a.topIdx, jsdoc)
}

// docAt returns the comments directly above siblings[i] (no blank line
// between them and it, each starting its own line) with their markers
// stripped. With jsdoc set, only the nearest comment counts and only if it
// is a /** */ comment.
func (a *analyzer) docAt(siblings []nodeID, i int, jsdoc bool) string {
	var group []string
	next := a.startByte(siblings[i])
	for j := i - 1; j >= 0; j-- {
		p := siblings[j]
		if !a.isComment(p) || !a.adjacent(a.endByte(p), next) || !a.startsLine(a.startByte(p)) {
			break
		}
		text := a.text(p)
		if jsdoc {
			if strings.HasPrefix(text, "/**") && text != "/**/" {
				return cleanComments([]string{text})
			}
			return ""
		}
		group = append(group, text)
		next = a.startByte(p)
	}
	for i, j := 0, len(group)-1; i < j; i, j = i+1, j-1 {
		group[i], group[j] = group[j], group[i]
	}
	return cleanComments(group)
}

// adjacent reports whether only blanks with at most one line break lie
// between end and next.
func (a *analyzer) adjacent(end, next uint) bool {
	if end > next {
		return false
	}
	newlines := 0
	for _, b := range a.src[end:next] {
		switch b {
		case '\n':
			newlines++
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return newlines <= 1
}

// startsLine reports whether only blanks precede off on its line.
func (a *analyzer) startsLine(off uint) bool {
	return isBlank(a.src[a.li.lineStart(int(off)):off])
}

// cleanComments strips the markers of each comment and joins them.
func cleanComments(comments []string) string {
	var lines []string
	for _, c := range comments {
		lines = append(lines, commentLines(c)...)
	}
	return joinDoc(lines)
}

// commentLines returns the text lines of one comment without markers.
func commentLines(c string) []string {
	c = strings.TrimRight(c, " \t\r\n")
	switch {
	case strings.HasPrefix(c, "//"):
		return []string{trimOneSpace(strings.TrimPrefix(c, "//"))}
	case strings.HasPrefix(c, "#"):
		return []string{trimOneSpace(strings.TrimPrefix(c, "#"))}
	case strings.HasPrefix(c, "/*"):
		c = strings.TrimPrefix(c, "/*")
		c = strings.TrimPrefix(c, "*") // JSDoc
		c = strings.TrimSuffix(c, "*/")
	}
	lines := strings.Split(c, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t\r")
	}
	// JSDoc style: every line after the first starts with "*".
	star := len(lines) > 1
	for _, l := range lines[1:] {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "*") {
			star = false
			break
		}
	}
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if star && i > 0 {
			l = trimOneSpace(strings.TrimPrefix(l, "*"))
		}
		lines[i] = l
	}
	return lines
}

func trimOneSpace(s string) string {
	return strings.TrimRight(strings.TrimPrefix(s, " "), " \t\r")
}

// joinDoc joins lines, dropping leading and trailing empty lines, and
// replaces invalid UTF-8.
func joinDoc(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	s := strings.Join(lines, "\n")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// pythonDocstring returns the text of a Python string literal used as a
// docstring, cleaned like inspect.cleandoc.
func pythonDocstring(lit string) string {
	lit = strings.TrimLeft(lit, "rRuUbBfF")
	for _, q := range []string{`"""`, `'''`, `"`, `'`} {
		if len(lit) >= 2*len(q) && strings.HasPrefix(lit, q) && strings.HasSuffix(lit, q) {
			lit = lit[len(q) : len(lit)-len(q)]
			break
		}
	}
	lines := strings.Split(lit, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t\r")
	}
	indent := -1
	for _, l := range lines[1:] {
		if t := strings.TrimLeft(l, " \t"); t != "" {
			if n := len(l) - len(t); indent < 0 || n < indent {
				indent = n
			}
		}
	}
	lines[0] = strings.TrimLeft(lines[0], " \t")
	for i := 1; i < len(lines); i++ {
		if len(lines[i]) >= indent && indent > 0 {
			lines[i] = lines[i][indent:]
		}
	}
	return joinDoc(lines)
}

// isBlank reports whether b holds only spaces, tabs and line breaks.
func isBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n', '\f', '\v':
		default:
			return false
		}
	}
	return true
}

// jsString returns the value of a JavaScript or Python string literal
// without its quotes (escapes are kept as written).
func jsString(lit string) string {
	if len(lit) >= 2 {
		q := lit[0]
		if (q == '"' || q == '\'' || q == '`') && lit[len(lit)-1] == q {
			return lit[1 : len(lit)-1]
		}
	}
	return lit
}
