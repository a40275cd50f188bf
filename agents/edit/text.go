package edit

import (
	"bytes"
	"strings"
)

// maxAnswerBytes bounds the answers Parse accepts.
const maxAnswerBytes = 16 << 20

// answerLines splits a model answer into lines: CRLF becomes LF, a BOM is
// dropped, the empty string after a final newline is not a line.
func answerLines(s string) []string {
	s = strings.TrimPrefix(s, "\ufeff")
	if strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	lines := strings.Split(s, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	return lines
}

// text is a file as lines: lines[i] without its terminator, terms[i] the
// terminator ("\n", "\r\n", or "" for a last line without newline).
type text struct {
	lines []string
	terms []string
}

func splitText(b []byte) text {
	s := string(b)
	n := strings.Count(s, "\n") + 1
	t := text{lines: make([]string, 0, n), terms: make([]string, 0, n)}
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			t.lines = append(t.lines, s)
			t.terms = append(t.terms, "")
			break
		}
		line, term := s[:i], "\n"
		if i > 0 && s[i-1] == '\r' {
			line, term = s[:i-1], "\r\n"
		}
		t.lines = append(t.lines, line)
		t.terms = append(t.terms, term)
		s = s[i+1:]
	}
	return t
}

func (t *text) bytes() []byte {
	n := 0
	for i := range t.lines {
		n += len(t.lines[i]) + len(t.terms[i])
	}
	b := make([]byte, 0, n)
	for i := range t.lines {
		b = append(b, t.lines[i]...)
		b = append(b, t.terms[i]...)
	}
	return b
}

// eol is the dominant line terminator of t, "\n" when t has none.
func (t *text) eol() string {
	crlf, lf := 0, 0
	for _, x := range t.terms {
		switch x {
		case "\r\n":
			crlf++
		case "\n":
			lf++
		}
	}
	if crlf > lf {
		return "\r\n"
	}
	return "\n"
}

// isBinary reports content that is not text: a NUL byte in its first 8 KiB.
func isBinary(b []byte) bool {
	if len(b) > 8<<10 {
		b = b[:8<<10]
	}
	return bytes.IndexByte(b, 0) >= 0
}

// fence is an open Markdown code fence.
type fence struct {
	indent int    // spaces before the marker
	char   byte   // '`' or '~'
	n      int    // marker length
	info   string // info string after the marker
}

// openFence reports whether line opens a fenced code block. maxIndent is 3
// outside hunks (CommonMark) and 0 inside them.
func openFence(line string, maxIndent int) (fence, bool) {
	ind := 0
	for ind < len(line) && line[ind] == ' ' {
		ind++
	}
	if ind > maxIndent || ind >= len(line) {
		return fence{}, false
	}
	c := line[ind]
	if c != '`' && c != '~' {
		return fence{}, false
	}
	n := 0
	for ind+n < len(line) && line[ind+n] == c {
		n++
	}
	if n < 3 {
		return fence{}, false
	}
	info := strings.TrimSpace(line[ind+n:])
	if c == '`' && strings.IndexByte(info, '`') >= 0 {
		return fence{}, false
	}
	return fence{indent: ind, char: c, n: n, info: info}, true
}

// closes reports whether line closes f.
func (f fence) closes(line string) bool {
	ind := 0
	for ind < len(line) && ind < f.indent+3 && line[ind] == ' ' {
		ind++
	}
	rest := line[ind:]
	n := 0
	for n < len(rest) && rest[n] == f.char {
		n++
	}
	return n >= f.n && strings.TrimSpace(rest[n:]) == ""
}

// lang is the language word of a fence's info string ("go" in "go x.go").
func (f fence) lang() string {
	w, _, _ := strings.Cut(f.info, " ")
	w, _, _ = strings.Cut(w, ":")
	return strings.ToLower(w)
}

// path is a file path written in a fence's info string: "go x/y.go",
// "go:x/y.go", "x/y.go", `go title="y.go"`.
func (f fence) path() string {
	fields := strings.Fields(f.info)
	for i, w := range fields {
		if k, v, ok := strings.Cut(w, "="); ok && (k == "title" || k == "file" || k == "filename" || k == "path") {
			w = v
		} else if i == 0 {
			if _, v, ok := strings.Cut(w, ":"); ok {
				w = v
			}
		}
		if p, ok := cleanFilename(w, ""); ok && !(i == 0 && isLang(p)) {
			return p
		}
	}
	return ""
}

func isLang(s string) bool {
	switch strings.ToLower(s) {
	case "go", "python", "py", "js", "javascript", "ts", "typescript", "tsx", "jsx", "diff", "patch", "udiff",
		"sh", "bash", "shell", "console", "text", "txt", "json", "yaml", "yml", "toml", "c", "cpp", "c++",
		"rust", "rs", "java", "ruby", "rb", "html", "css", "sql", "markdown", "md", "makefile", "dockerfile":
		return true
	}
	return false
}

// extensionless file names accepted as file name lines.
var bareNames = map[string]bool{
	"Makefile": true, "makefile": true, "GNUmakefile": true, "Dockerfile": true, "Containerfile": true,
	"Jenkinsfile": true, "Vagrantfile": true, "Gemfile": true, "Rakefile": true, "Procfile": true,
	"LICENSE": true, "README": true, "CODEOWNERS": true, "Pipfile": true, "BUILD": true, "WORKSPACE": true,
}

// cleanFilename extracts a file path from a line written as a file name:
// "path/x.go", "`path/x.go`", "**path/x.go**", "# path/x.go", "File: x.go:".
// def is the default path; a line equal to its base name is accepted.
func cleanFilename(line, def string) (string, bool) {
	s := strings.TrimSpace(line)
	s = strings.TrimLeft(s, "#> ")
	for _, p := range []string{"File:", "file:", "Filename:", "filename:", "FILE:", "Path:", "path:", "Filepath:", "filepath:"} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	s = strings.TrimSuffix(s, ":")
	s = strings.Trim(s, "*_`'\"")
	s = strings.TrimSuffix(s, ":")
	if s == "" || len(s) > 1024 || strings.ContainsAny(s, " \t<>|\"*?()[]{}=;,$") || strings.Contains(s, "://") {
		return "", false
	}
	if strings.HasPrefix(s, "```") || strings.HasPrefix(s, "~~~") || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "@") {
		return "", false
	}
	if strings.HasSuffix(s, ".") || strings.Trim(s, "./") == "" {
		return "", false
	}
	base := s
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		base = s[i+1:]
	}
	if base == "" {
		return "", false
	}
	if strings.Contains(s, "/") || strings.Contains(base, ".") || bareNames[base] || (def != "" && base == baseName(def)) {
		return s, true
	}
	return "", false
}

// pathInProse finds the one `backticked` file path in a prose line such as
// "Here is the updated `cmd/main.go`:".
func pathInProse(line, def string) (string, bool) {
	var found string
	rest := line
	for {
		i := strings.IndexByte(rest, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i+1:], '`')
		if j < 0 {
			break
		}
		cand := rest[i+1 : i+1+j]
		rest = rest[i+1+j+1:]
		if p, ok := cleanFilename(cand, def); ok && (strings.Contains(p, "/") || strings.Contains(baseName(p), ".")) {
			if found != "" && found != p {
				return "", false
			}
			found = p
		}
	}
	return found, found != ""
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// isLazy reports a line by which a model elides code instead of writing it:
// "// ... existing code ...", "# rest of the file unchanged", "...".
func isLazy(line string) bool {
	s := strings.TrimSpace(line)
	if s == "..." || s == "…" {
		return true
	}
	body := ""
	for _, c := range []string{"//", "#", "/*", "<!--", "--", ";", "*"} {
		if strings.HasPrefix(s, c) {
			body = strings.TrimSpace(strings.TrimPrefix(s, c))
			break
		}
	}
	if body == "" {
		return false
	}
	body = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(body, "*/"), "-->")))
	if body == "..." || body == "…" {
		return true
	}
	if !strings.Contains(body, "...") && !strings.Contains(body, "…") {
		return false
	}
	for _, k := range []string{"existing", "unchanged", "rest of", "remaining", "same as", "omitted", "as before", "other ", "previous", "original", "more code", "etc"} {
		if strings.Contains(body, k) {
			return true
		}
	}
	return false
}
