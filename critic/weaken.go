package critic

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// linePattern is a weakening change recognisable on one line. It is
// reported only when the patch raises the number of its occurrences in the
// file, so moving an existing line is not a finding.
type linePattern struct {
	what  string
	re    *regexp.Regexp
	tests bool // only in test files
	goOK  bool // also in Go files (false: the pattern is for other languages)
}

var weakeningPatterns = []linePattern{
	// Tests skipped or narrowed.
	{what: "test skipped (t.Skip)", re: regexp.MustCompile(`\.Skip(?:f|Now)?\(`), tests: true, goOK: true},
	{what: "test skipped", re: regexp.MustCompile(`\b(?:it|test|describe|context)\.(?:skip|only)\(|\bx(?:it|describe|test)\(|@pytest\.mark\.skip|@unittest\.skip|\bpytest\.skip\(`), tests: true},
	// Checks suppressed.
	{what: "linter suppressed (//nolint)", re: regexp.MustCompile(`//\s*nolint\b`), goOK: true},
	{what: "linter suppressed", re: regexp.MustCompile(`//\s*lint:(?:file-)?ignore\b|#nosec\b|\beslint-disable|@ts-(?:ignore|nocheck)\b|#\s*noqa\b|#\s*type:\s*ignore\b|#\s*pylint:\s*disable|NOSONAR`), goOK: true},
	// Verification disabled.
	{what: "TLS verification disabled", re: regexp.MustCompile(`InsecureSkipVerify:\s*true|rejectUnauthorized:\s*false|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*["']?0|\bverify\s*=\s*False\b`), goOK: true},
	{what: "check disabled", re: regexp.MustCompile(`-vet=off\b|\bGOSUMDB=off\b|\bGONOSUMDB=|\bGONOSUMCHECK=|\bGOINSECURE=|--no-verify\b|continue-on-error:\s*true|allow_failure:\s*true`), goOK: true},
	// Permissions widened.
	{what: "permissions widened (world-writable chmod)", re: regexp.MustCompile(`(?i)chmod\s*\([^)]*(?:\b0o?[0-7]?[0-7][0-7][2367]\b|ModePerm)|chmod\s+(?:-R\s+)?(?:[0-7]?[0-7][0-7][2367]\b|[ugo]*a[ugo]*\+\w*w|[ug]*o[ug]*\+\w*w)`), goOK: true},
	{what: "permissions widened (umask cleared)", re: regexp.MustCompile(`(?i)\bumask\s*\(?\s*0+\s*\)?(?:\s|;|$)`), goOK: true},
}

var (
	goTestFunc   = regexp.MustCompile(`(?m)^func\s+((?:Test|Benchmark|Fuzz|Example)\w*)\s*\(`)
	goBuildLine  = regexp.MustCompile(`(?m)^//\s*(?:go:build|\+build)\b.*$`)
	otherTestRes = regexp.MustCompile(`(?:\.(?:test|spec)\.[cm]?[jt]sx?|_test\.py|/test_[^/]*\.py|^test_[^/]*\.py)$`)
)

// isTestFile reports whether rel names a test file (Go, JS/TS, Python).
func isTestFile(rel string) bool {
	return strings.HasSuffix(rel, "_test.go") || otherTestRes.MatchString(rel)
}

// scanWeakening returns findings for changes that make checks weaker:
// tests deleted or skipped, build constraints added to Go tests, linters
// suppressed, verification disabled, permissions widened.
func scanWeakening(c *change) []Finding {
	var out []Finding
	add := func(line int, format string, args ...any) {
		out = append(out, Finding{Rule: RuleWeakened, Path: c.rel, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	isGo := strings.HasSuffix(c.rel, ".go")
	test := isTestFile(c.rel)
	if c.delete {
		if test {
			if names := goTestFuncs(c.old); len(names) > 0 {
				add(0, "test file deleted with %d tests (%s)", len(names), strings.Join(names, ", "))
			} else {
				add(0, "test file deleted")
			}
		}
		return out
	}
	if isGo && test && c.existed {
		after := goTestFuncs(c.new)
		for _, name := range goTestFuncs(c.old) {
			if !slices.Contains(after, name) {
				add(0, "test %s removed", name)
			}
		}
		before := goBuildLine.FindAllString(string(c.old), -1)
		for _, l := range c.diff.addedLines() {
			if s := strings.TrimSpace(l.text); goBuildLine.MatchString(s) && !slices.Contains(before, s) {
				add(l.n, "build constraint %q added to a test file: its tests may no longer run", s)
			}
		}
	}
	added := c.diff.addedLines()
	for _, p := range weakeningPatterns {
		if p.tests && !test || isGo && !p.goOK {
			continue
		}
		surplus := len(p.re.FindAllStringIndex(string(c.new), -1)) - len(p.re.FindAllStringIndex(string(c.old), -1))
		for _, l := range added {
			if surplus <= 0 {
				break
			}
			if p.re.MatchString(l.text) {
				add(l.n, "%s: %s", p.what, strings.TrimSpace(l.text))
				surplus--
			}
		}
	}
	return out
}

// goTestFuncs lists the test, benchmark, fuzz and example functions that
// content declares.
func goTestFuncs(content []byte) []string {
	var names []string
	for _, m := range goTestFunc.FindAllSubmatch(content, -1) {
		names = append(names, string(m[1]))
	}
	return names
}
