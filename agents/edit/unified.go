package edit

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// contextLines is the context of UnifiedDiff's hunks, as in diff -u.
const contextLines = 3

// UnifiedDiff renders the change from old to new of the file at path as a
// unified diff with three lines of context, in the format of GNU diff -u
// and git diff: "--- a/path", "+++ b/path" (an absolute path is written as
// is), hunks merged when at most six unchanged lines separate them, and
// "\ No newline at end of file" markers. A nil old renders a creation
// ("--- /dev/null"), a nil new a deletion. Equal contents render as "".
func UnifiedDiff(path string, old, new []byte) string {
	if bytes.Equal(old, new) && (old == nil) == (new == nil) {
		return ""
	}
	a, b := splitKeep(old), splitKeep(new)
	var out strings.Builder
	out.WriteString("--- " + diffName(path, "a/", old == nil) + "\n")
	out.WriteString("+++ " + diffName(path, "b/", new == nil) + "\n")
	spans := diffSpans(a, b)
	for s := 0; s < len(spans); {
		e := s
		for e+1 < len(spans) && spans[e+1].i0-spans[e].i1 <= 2*contextLines {
			e++
		}
		first, last := spans[s], spans[e]
		o0 := max(0, first.i0-contextLines)
		o1 := min(len(a), last.i1+contextLines)
		n0 := first.j0 - (first.i0 - o0)
		n1 := last.j1 + (o1 - last.i1)
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(o0, o1-o0), hunkRange(n0, n1-n0))
		i := o0
		for _, sp := range spans[s : e+1] {
			for ; i < sp.i0; i++ {
				writeLine(&out, ' ', a[i])
			}
			for ; i < sp.i1; i++ {
				writeLine(&out, '-', a[i])
			}
			for j := sp.j0; j < sp.j1; j++ {
				writeLine(&out, '+', b[j])
			}
		}
		for ; i < o1; i++ {
			writeLine(&out, ' ', a[i])
		}
		s = e + 1
	}
	return out.String()
}

func diffName(path, prefix string, null bool) string {
	if null {
		return "/dev/null"
	}
	p := filepath.ToSlash(path)
	if strings.HasPrefix(p, "/") {
		return p
	}
	return prefix + p
}

// hunkRange formats a 0-based start and a count as diff -u does.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func writeLine(b *strings.Builder, op byte, line string) {
	b.WriteByte(op)
	if strings.HasSuffix(line, "\n") {
		b.WriteString(line)
		return
	}
	b.WriteString(line)
	b.WriteString("\n\\ No newline at end of file\n")
}

// splitKeep splits b into lines that keep their "\n".
func splitKeep(b []byte) []string {
	s := string(b)
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}
