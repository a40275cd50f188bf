package gitcommit

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxSubject is the longest first line NormalizeMessage leaves, in runes.
const MaxSubject = 72

// types are the Conventional Commits types accepted in a first line.
var types = map[string]bool{
	"feat": true, "fix": true, "docs": true, "style": true, "refactor": true, "perf": true,
	"test": true, "build": true, "ci": true, "chore": true, "revert": true,
}

var headerRE = regexp.MustCompile(`^([A-Za-z]+)(?:\(([^()]*)\))?(!)?:\s*(.*)$`)

// ConventionalMessage writes a Conventional Commits message,
// "kind(scope): summary", a blank line and body, for when no model writes
// one. An unknown kind becomes "chore"; an empty scope is left out. The
// result is normalised as NormalizeMessage does.
func ConventionalMessage(kind, scope, summary, body string) string {
	kind = normType(kind, "chore")
	header := kind
	if scope = normScope(scope); scope != "" {
		header += "(" + scope + ")"
	}
	header += ": " + strings.Join(strings.Fields(summary), " ")
	if strings.TrimSpace(body) != "" {
		header += "\n\n" + body
	}
	return NormalizeMessage(header, kind)
}

// NormalizeMessage makes a message, typically written by a model, a valid
// Conventional Commits message:
//
//   - line endings become "\n", trailing spaces go, runs of blank lines
//     become one, a surrounding Markdown code fence is removed;
//   - the first line is "type(scope)!: subject" with a known lower-case
//     type (feat, fix, docs, style, refactor, perf, test, build, ci,
//     chore, revert); a first line without one gets fallbackType (itself
//     "chore" when unknown) and keeps its text as the subject;
//   - the subject loses a final period; an empty one becomes "update";
//   - a first line over MaxSubject runes is cut at a word boundary (the
//     scope is dropped first when it is long) and the full subject opens
//     the body;
//   - a blank line separates the first line from the body.
//
// Body lines are not rewrapped: they may hold code or URLs.
func NormalizeMessage(msg, fallbackType string) string {
	lines := cleanLines(msg)
	first := ""
	if len(lines) > 0 {
		first, lines = lines[0], lines[1:]
	}
	typ, scope, bang, subject := normType(fallbackType, "chore"), "", "", strings.TrimSpace(first)
	if m := headerRE.FindStringSubmatch(first); m != nil && types[strings.ToLower(m[1])] {
		typ, scope, bang, subject = strings.ToLower(m[1]), normScope(m[2]), m[3], strings.TrimSpace(m[4])
	}
	subject = strings.Join(strings.Fields(strings.TrimRight(subject, ". ")), " ")
	if subject == "" {
		subject = "update"
	}
	prefix := func() string {
		p := typ
		if scope != "" {
			p += "(" + scope + ")"
		}
		return p + bang + ": "
	}
	if n := utf8.RuneCountInString(prefix()); n+utf8.RuneCountInString(subject) > MaxSubject && n > MaxSubject/2 {
		scope = ""
	}
	header := prefix() + subject
	var body []string
	if utf8.RuneCountInString(header) > MaxSubject {
		header = prefix() + cutWords(subject, MaxSubject-utf8.RuneCountInString(prefix()))
		body = append(body, subject, "")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	if len(body) > 0 && len(lines) == 0 {
		body = body[:1]
	}
	body = append(body, lines...)
	if len(body) == 0 {
		return header
	}
	return header + "\n\n" + strings.Join(body, "\n")
}

// cleanLines splits msg into lines without trailing space, surrounding
// blank lines, runs of blank lines or a Markdown fence around it all.
func cleanLines(msg string) []string {
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	msg = strings.ReplaceAll(msg, "\r", "\n")
	raw := strings.Split(strings.TrimSpace(msg), "\n")
	if len(raw) >= 2 && strings.HasPrefix(raw[0], "```") && strings.TrimSpace(raw[len(raw)-1]) == "```" {
		raw = raw[1 : len(raw)-1]
	}
	var out []string
	for _, l := range raw {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func normType(t, def string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if types[t] {
		return t
	}
	return def
}

func normScope(s string) string {
	s = strings.Join(strings.Fields(s), "-")
	return strings.Trim(strings.Map(func(r rune) rune {
		if r == '(' || r == ')' || r == ':' {
			return -1
		}
		return r
	}, s), "-")
}

// cutWords shortens s to at most n runes, at a space when there is one
// in the second half.
func cutWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := n
	for i := n; i > n/2; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " .,;:")
}

// Trailer keys written under a message, as git trailers.
const (
	TrailerAgent  = "AI-Agent"
	TrailerModel  = "AI-Model"
	TrailerScore  = "Critic-Score"
	TrailerTaskID = "Task-Id"
)

// lines renders t as git trailers. The agent is required: Undo
// recognises AI commits by it. A zero, negative or NaN Score is left out
// (no critic ran); a score is written with at most four decimals.
func (t Trailers) lines() ([]string, error) {
	agent := oneLine(t.Agent)
	if agent == "" {
		return nil, fmt.Errorf("gitcommit: Trailers.Agent is required (Undo recognises AI commits by it)")
	}
	out := []string{TrailerAgent + ": " + agent}
	if m := oneLine(t.Model); m != "" {
		out = append(out, TrailerModel+": "+m)
	}
	if t.Score > 0 && !math.IsInf(t.Score, 0) {
		out = append(out, TrailerScore+": "+strconv.FormatFloat(math.Round(t.Score*1e4)/1e4, 'f', -1, 64))
	}
	if id := oneLine(t.TaskID); id != "" {
		out = append(out, TrailerTaskID+": "+id)
	}
	return out, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var trailerRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*: \S`)

// withTrailers appends trailers to a normalised message: to its last
// paragraph when that is already a block of git trailers
// ("Signed-off-by: ..."), else as a paragraph of their own, so that
// git interpret-trailers --parse finds them all.
func withTrailers(msg string, trailers []string) string {
	paras := strings.Split(msg, "\n\n")
	last := paras[len(paras)-1]
	sep := "\n\n"
	if len(paras) > 1 {
		all := true
		for _, l := range strings.Split(last, "\n") {
			if !trailerRE.MatchString(l) {
				all = false
				break
			}
		}
		if all {
			sep = "\n"
		}
	}
	return msg + sep + strings.Join(trailers, "\n") + "\n"
}

// trailers parses the trailers of a commit message: the "Key: value"
// lines of its last paragraph, when that is not the first line's.
func trailers(msg string) map[string]string {
	paras := strings.Split(strings.TrimRight(strings.ReplaceAll(msg, "\r\n", "\n"), "\n "), "\n\n")
	if len(paras) < 2 {
		return nil
	}
	out := map[string]string{}
	for _, l := range strings.Split(paras[len(paras)-1], "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok || strings.ContainsAny(strings.TrimSpace(k), " \t") {
			continue
		}
		out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out
}
