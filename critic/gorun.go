package critic

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// goIssue is a build error, type error or vet finding, located relative to
// the workspace.
type goIssue struct {
	File     string // workspace-relative when inside it
	Line     int
	Msg      string
	Analyzer string // vet findings only
}

// key identifies an issue across the patch: line numbers shift, so they
// are left out.
func (g goIssue) key() string { return g.Analyzer + "\x00" + g.File + "\x00" + g.Msg }

func (g goIssue) String() string {
	s := g.Msg
	if g.File != "" {
		loc := g.File
		if g.Line > 0 {
			loc += ":" + strconv.Itoa(g.Line)
		}
		s = loc + ": " + s
	}
	if g.Analyzer != "" {
		s += " (" + g.Analyzer + ")"
	}
	return s
}

// newIssues returns the issues of after whose keys are more frequent than
// in before.
func newIssues(before, after []goIssue) []goIssue {
	had := make(map[string]int)
	for _, is := range before {
		had[is.key()]++
	}
	var out []goIssue
	for _, is := range after {
		if had[is.key()] > 0 {
			had[is.key()]--
			continue
		}
		out = append(out, is)
	}
	return out
}

// locator turns positions printed by a sandboxed go command into
// workspace-relative ones.
type locator struct {
	sh    *shadow
	cwd   string // the command's working directory, as it saw it
	root  string // workspace root (host)
	cache map[string]string
}

func (l *locator) file(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(l.cwd, p)
	}
	p = l.sh.host(p)
	if within(l.root, p) {
		rel, _ := filepath.Rel(l.root, p)
		return filepath.ToSlash(rel)
	}
	return p
}

var posLine = regexp.MustCompile(`^(\S[^:]*\.go):(\d+)(?::\d+)?: (.*)$`)

// parseErrors reads the errors of a failed compile or go vet run.
func (l *locator) parseErrors(out []byte) []goIssue {
	var issues []goIssue
	seen := make(map[string]bool)
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, " ") || line == "{" || line == "}" {
			continue
		}
		line = strings.TrimPrefix(line, "vet: ")
		is := goIssue{Msg: l.sh.host(line)}
		if m := posLine.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			is = goIssue{File: l.file(m[1]), Line: n, Msg: m[3]}
		}
		if !seen[is.String()] {
			seen[is.String()] = true
			issues = append(issues, is)
		}
	}
	return issues
}

// vetDiagnostic is one entry of `go vet -json` output.
type vetDiagnostic struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
}

// parseVetJSON reads the findings of `go vet -json`: a JSON object per
// package ({"pkg": {"analyzer": [diagnostics] or {"error": ...}}}),
// interleaved with "# pkg" lines. Analyzer errors come back as errors.
func (l *locator) parseVetJSON(out []byte) (findings, errs []goIssue) {
	var block bytes.Buffer
	in := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), maxOutput)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "{":
			in = true
			block.Reset()
			block.WriteString(line)
		case in:
			block.WriteString(line)
			if line == "}" {
				in = false
				f, e := l.vetBlock(block.Bytes())
				findings = append(findings, f...)
				errs = append(errs, e...)
			}
		}
	}
	return findings, errs
}

func (l *locator) vetBlock(data []byte) (findings, errs []goIssue) {
	var pkgs map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data, &pkgs); err != nil {
		return nil, []goIssue{{Msg: "unreadable go vet -json output: " + err.Error()}}
	}
	for _, byAnalyzer := range pkgs {
		for analyzer, raw := range byAnalyzer {
			var diags []vetDiagnostic
			if err := json.Unmarshal(raw, &diags); err != nil {
				var e struct {
					Error string `json:"error"`
				}
				if json.Unmarshal(raw, &e) == nil && e.Error != "" {
					errs = append(errs, l.parseErrors([]byte(e.Error))...)
				}
				continue
			}
			for _, d := range diags {
				is := goIssue{Msg: d.Message, Analyzer: analyzer}
				if file, line, ok := splitPosn(d.Posn); ok {
					is.File, is.Line = l.file(file), line
				}
				findings = append(findings, is)
			}
		}
	}
	slices.SortFunc(findings, func(a, b goIssue) int { return strings.Compare(a.String(), b.String()) })
	return findings, errs
}

// splitPosn splits "file:line:col".
func splitPosn(posn string) (string, int, bool) {
	rest, _, ok := cutLastNumber(posn) // column
	if !ok {
		return "", 0, false
	}
	file, line, ok := cutLastNumber(rest)
	if !ok {
		// file:line only
		file, line, ok = cutLastNumber(posn)
	}
	return file, line, ok
}

func cutLastNumber(s string) (string, int, bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return "", 0, false
	}
	return s[:i], n, true
}

// testEvent is one line of `go test -json`.
type testEvent struct {
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string
	FailedBuild string
}

// testReport summarises a `go test -json` run.
type testReport struct {
	passed, skipped int
	// failed maps "pkg.TestName" (or "pkg" for a package that failed
	// without a failing test: a build error, a panic in init, a timeout
	// outside a test) to an excerpt of its output.
	failed      map[string]string
	buildErrors []goIssue
	names       []string // top-level tests that ran
}

// maxExcerpt bounds the output kept per failing test.
const maxExcerpt = 1500

// parseTestJSON reads `go test -json` output.
func (l *locator) parseTestJSON(out []byte) *testReport {
	rep := &testReport{failed: make(map[string]string)}
	type state struct {
		action string
		output strings.Builder
	}
	tests := make(map[string]*state)
	pkgOut := make(map[string]*strings.Builder)
	pkgFailed := make(map[string]bool)
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), maxOutput)
	for sc.Scan() {
		var ev testEvent
		if b := sc.Bytes(); len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &ev) != nil {
			continue
		}
		switch ev.Action {
		case "build-output":
			if is := l.parseErrors([]byte(ev.Output)); len(is) > 0 {
				rep.buildErrors = append(rep.buildErrors, is...)
			}
			continue
		case "build-fail":
			continue
		}
		if ev.Test == "" {
			if pkgOut[ev.Package] == nil {
				pkgOut[ev.Package] = &strings.Builder{}
			}
			if ev.Action == "output" && pkgOut[ev.Package].Len() < 4*maxExcerpt {
				pkgOut[ev.Package].WriteString(ev.Output)
			}
			if ev.Action == "fail" {
				pkgFailed[ev.Package] = true
			}
			continue
		}
		top, _, _ := strings.Cut(ev.Test, "/")
		key := ev.Package + "." + top
		st := tests[key]
		if st == nil {
			st = &state{}
			tests[key] = st
			order = append(order, key)
		}
		switch ev.Action {
		case "output":
			if st.output.Len() < maxExcerpt {
				st.output.WriteString(ev.Output)
			}
		case "run":
			if ev.Test == top && st.action == "" {
				st.action = "run"
			}
		case "pass", "fail", "skip":
			if ev.Test == top {
				st.action = ev.Action
			}
		}
	}
	for _, key := range order {
		st := tests[key]
		pkg := key[:strings.LastIndexByte(key, '.')]
		rep.names = append(rep.names, key)
		switch st.action {
		case "pass":
			rep.passed++
		case "skip":
			rep.skipped++
		case "fail":
			rep.failed[key] = clip(l.sh.host(st.output.String()), maxExcerpt)
		case "run":
			// Still running when the binary died: a timeout or a crash.
			if pkgFailed[pkg] {
				rep.failed[key] = clip(l.sh.host(st.output.String()+pkgOut[pkg].String()), maxExcerpt)
			}
		}
	}
	for pkg := range pkgFailed {
		attributed := false
		for key := range rep.failed {
			if strings.HasPrefix(key, pkg+".") {
				attributed = true
				break
			}
		}
		if !attributed {
			out := ""
			if b := pkgOut[pkg]; b != nil {
				out = b.String()
			}
			rep.failed[pkg] = clip(l.sh.host(out), maxExcerpt)
		}
	}
	return rep
}

// failedKeys lists the report's failures, sorted.
func (r *testReport) failedKeys() []string {
	keys := make([]string, 0, len(r.failed))
	for k := range r.failed {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// excerpt formats a failure's output for evidence.
func excerpt(key, out string) string {
	out = strings.TrimSpace(out)
	lines := strings.Split(out, "\n")
	if len(lines) > 8 {
		lines = append(lines[:8], fmt.Sprintf("… (%d more lines)", len(lines)-8))
	}
	if out == "" {
		return key
	}
	return key + ":\n" + strings.Join(lines, "\n")
}
