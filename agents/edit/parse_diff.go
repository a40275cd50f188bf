package edit

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var hunkHeaderRe = regexp.MustCompile(`^@@+\s*-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*@@`)

func isDiffLang(l string) bool { return l == "diff" || l == "patch" || l == "udiff" }

// firstDiffLine returns the index of the first line that starts a diff (a
// hunk header, a diff --git line, a ---/+++ pair, a diff fence), -1 if none.
func firstDiffLine(lines []string) int {
	for i, l := range lines {
		switch {
		case isHunkHeader(l), strings.HasPrefix(l, "diff --git "):
			return i
		case strings.HasPrefix(l, "--- ") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "+++ "):
			return i
		}
		if f, ok := openFence(l, 3); ok && isDiffLang(f.lang()) {
			return i
		}
	}
	return -1
}

func isHunkHeader(l string) bool {
	return strings.HasPrefix(l, "@@") && (len(l) == 2 || l[2] == ' ' || l[2] == '@' || l[2] == '-')
}

// diffParser reads unified diffs line by line. It trusts structure over
// counts: a hunk runs until a line that cannot belong to it.
type diffParser struct {
	lines       []string
	opts        Options
	i           int
	fen         *fence // open Markdown fence, nil outside
	files       []FilePatch
	cur         int  // index in files of the file being patched, -1 before the first
	afterHeader bool // the previous lines were a ---/+++ header
}

func parseDiff(lines []string, opts Options) ([]FilePatch, error) {
	p := &diffParser{lines: lines, opts: opts, cur: -1}
	for p.i < len(p.lines) {
		if err := p.step(); err != nil {
			return nil, err
		}
	}
	var out []FilePatch
	for _, f := range p.files {
		if len(f.Hunks) > 0 || f.Create || f.Delete || f.Rename {
			out = append(out, f)
		}
	}
	return out, nil
}

func (p *diffParser) step() error {
	l := p.lines[p.i]
	after := p.afterHeader
	p.afterHeader = false
	if p.fen != nil && p.fen.closes(l) {
		p.fen = nil
		p.i++
		return nil
	}
	if p.fen == nil {
		if f, ok := openFence(l, 3); ok {
			p.fen = &f
			p.i++
			return nil
		}
	}
	switch {
	case strings.HasPrefix(l, "diff --git "):
		return p.gitHeader()
	case p.isFileHeader(p.i):
		return p.fileHeader()
	case isHunkHeader(l):
		return p.hunk(true)
	case strings.HasPrefix(l, "Binary files ") && strings.HasSuffix(l, " differ"), l == "GIT binary patch":
		return &Error{Kind: Malformed, Detail: fmt.Sprintf("line %d: binary patches are not supported", p.i+1)}
	case l != "" && strings.IndexByte(" -+", l[0]) >= 0 && (after || (p.fen != nil && isDiffLang(p.fen.lang()))):
		return p.hunk(false)
	}
	p.i++
	return nil
}

func (p *diffParser) isFileHeader(i int) bool {
	return i+1 < len(p.lines) && strings.HasPrefix(p.lines[i], "--- ") && strings.HasPrefix(p.lines[i+1], "+++ ")
}

// gitInfo is what the extended header lines of a diff --git section say.
type gitInfo struct {
	oldPath, newPath      string
	renameFrom, renameTo  string
	created, deleted, bin bool
}

func (p *diffParser) gitHeader() error {
	g := gitInfo{}
	s := strings.TrimPrefix(p.lines[p.i], "diff --git ")
	if strings.HasPrefix(s, "a/") {
		if k := strings.Index(s, " b/"); k >= 0 {
			g.oldPath, g.newPath = s[2:k], s[k+3:]
		}
	}
	p.i++
loop:
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		switch {
		case strings.HasPrefix(l, "rename from "):
			g.renameFrom = diffPath(strings.TrimPrefix(l, "rename from "))
		case strings.HasPrefix(l, "rename to "):
			g.renameTo = diffPath(strings.TrimPrefix(l, "rename to "))
		case strings.HasPrefix(l, "new file mode"):
			g.created = true
		case strings.HasPrefix(l, "deleted file mode"):
			g.deleted = true
		case strings.HasPrefix(l, "index "), strings.HasPrefix(l, "old mode"), strings.HasPrefix(l, "new mode"),
			strings.HasPrefix(l, "similarity index"), strings.HasPrefix(l, "dissimilarity index"),
			strings.HasPrefix(l, "copy from"), strings.HasPrefix(l, "copy to"):
		case strings.HasPrefix(l, "Binary files "), l == "GIT binary patch":
			return &Error{Kind: Malformed, Detail: fmt.Sprintf("line %d: binary patches are not supported", p.i+1)}
		default:
			break loop
		}
	}
	if p.isFileHeader(p.i) {
		return p.fileHeaderGit(&g)
	}
	// No ---/+++ lines: a pure rename, an empty new or deleted file, a mode
	// change (dropped for want of hunks), or hunks right after the header.
	var fp FilePatch
	var err error
	switch {
	case g.renameFrom != "" && g.renameTo != "":
		if fp, err = newPatch(g.renameTo, p.opts, FormatUnifiedDiff); err != nil {
			return err
		}
		old, _, err := resolvePath(g.renameFrom, p.opts)
		if err != nil {
			return err
		}
		fp.OldPath, fp.Rename = old, true
	case g.created && g.newPath != "":
		if fp, err = newPatch(g.newPath, p.opts, FormatUnifiedDiff); err != nil {
			return err
		}
		fp.Create = true
	case g.deleted && g.oldPath != "":
		if fp, err = newPatch(g.oldPath, p.opts, FormatUnifiedDiff); err != nil {
			return err
		}
		fp.Delete = true
	case g.newPath != "":
		if fp, err = newPatch(g.newPath, p.opts, FormatUnifiedDiff); err != nil {
			return err
		}
	default:
		return nil
	}
	p.files = append(p.files, fp)
	p.cur = len(p.files) - 1
	return nil
}

func (p *diffParser) fileHeader() error { return p.fileHeaderGit(nil) }

func (p *diffParser) fileHeaderGit(g *gitInfo) error {
	oldRaw := diffPath(p.lines[p.i][4:])
	newRaw := diffPath(p.lines[p.i+1][4:])
	p.i += 2
	oldNull, newNull := oldRaw == "/dev/null", newRaw == "/dev/null"
	hasA, hasB := strings.HasPrefix(oldRaw, "a/"), strings.HasPrefix(newRaw, "b/")
	switch {
	case g != nil, hasA && hasB:
		oldRaw, newRaw = stripAB(oldRaw), stripAB(newRaw)
	case oldNull && (strings.HasPrefix(newRaw, "b/") || strings.HasPrefix(newRaw, "a/")):
		newRaw = newRaw[2:]
	case newNull && (hasA || strings.HasPrefix(oldRaw, "b/")):
		oldRaw = oldRaw[2:]
	}
	var fp FilePatch
	var err error
	switch {
	case oldNull && newNull:
		return &Error{Kind: Malformed, Detail: fmt.Sprintf("line %d: both file names are /dev/null", p.i-1)}
	case oldNull:
		fp, err = newPatch(newRaw, p.opts, FormatUnifiedDiff)
		fp.Create = true
	case newNull:
		fp, err = newPatch(oldRaw, p.opts, FormatUnifiedDiff)
		fp.Delete = true
	default:
		fp, err = newPatch(newRaw, p.opts, FormatUnifiedDiff)
		if err == nil && oldRaw != newRaw {
			fp.OldPath, _, err = resolvePath(oldRaw, p.opts)
			fp.Rename = g != nil && g.renameFrom != ""
		}
	}
	if err != nil {
		return err
	}
	p.files = append(p.files, fp)
	p.cur = len(p.files) - 1
	p.afterHeader = true
	return nil
}

func stripAB(s string) string {
	if strings.HasPrefix(s, "a/") || strings.HasPrefix(s, "b/") {
		return s[2:]
	}
	return s
}

// diffPath extracts the file name of a ---/+++ line: it drops a tab and
// what follows (a timestamp), a trailing " (original)"-style remark or
// date, and unquotes git's quoted names.
func diffPath(s string) string {
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	if i := strings.Index(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	if i := strings.IndexByte(s, ' '); i > 0 && looksLikeDate(s[i+1:]) {
		s = s[:i]
	}
	return s
}

func looksLikeDate(s string) bool {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// target returns the index of the file a hunk belongs to, starting a patch
// for Options.DefaultPath when the diff named no file.
func (p *diffParser) target() (int, error) {
	if p.cur >= 0 {
		return p.cur, nil
	}
	if p.opts.DefaultPath == "" {
		return 0, &Error{Kind: Malformed, Detail: fmt.Sprintf("line %d: the hunk names no file; start the diff with --- a/path and +++ b/path lines", p.i+1)}
	}
	fp, err := newPatch(p.opts.DefaultPath, p.opts, FormatUnifiedDiff)
	if err != nil {
		return 0, err
	}
	p.files = append(p.files, fp)
	p.cur = len(p.files) - 1
	return p.cur, nil
}

// hunk reads one hunk, from its @@ header when header is set, else from its
// first line (a diff without @@ lines).
func (p *diffParser) hunk(header bool) error {
	fi, err := p.target()
	if err != nil {
		return err
	}
	h := Hunk{AnswerLine: p.i + 1}
	if header {
		if m := hunkHeaderRe.FindStringSubmatch(p.lines[p.i]); m != nil {
			h.HasRange = true
			h.OldStart, h.OldCount = atoi(m[1]), countOr1(m[2])
			h.NewStart, h.NewCount = atoi(m[3]), countOr1(m[4])
		}
		p.i++
	}
	remOld, remNew := h.OldCount, h.NewCount
	bare := 0 // trailing empty lines read as blank context lines
	var last Op
loop:
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		if p.fen != nil && p.fen.closes(l) {
			break
		}
		if p.fen == nil {
			if _, ok := openFence(l, 0); ok {
				break
			}
		}
		if isHunkHeader(l) || strings.HasPrefix(l, "diff --git ") {
			break
		}
		satisfied := h.HasRange && remOld <= 0 && remNew <= 0
		if p.isFileHeader(p.i) && (!h.HasRange || satisfied || (p.i+2 < len(p.lines) && isHunkHeader(p.lines[p.i+2]))) {
			break
		}
		var ln Line
		switch {
		case l == "":
			if satisfied {
				break loop
			}
			ln = Line{Op: OpContext}
		case l[0] == ' ', l[0] == '-', l[0] == '+':
			ln = Line{Op: Op(l[0]), Text: l[1:]}
		case l[0] == '\\':
			switch last {
			case OpDelete:
				h.OldNoNewline = true
			case OpInsert:
				h.NewNoNewline = true
			case OpContext:
				h.OldNoNewline, h.NewNoNewline = true, true
			}
			continue
		default:
			// Inside a fence, an unprefixed line is a context line whose
			// leading space the model dropped.
			if p.fen == nil || satisfied {
				break loop
			}
			ln = Line{Op: OpContext, Text: l}
		}
		if l == "" {
			bare++
		} else {
			bare = 0
		}
		switch ln.Op {
		case OpContext:
			remOld--
			remNew--
		case OpDelete:
			remOld--
		case OpInsert:
			remNew--
		}
		last = ln.Op
		h.Lines = append(h.Lines, ln)
	}
	h.Lines = h.Lines[:len(h.Lines)-bare]
	if len(h.Lines) > 0 {
		p.files[fi].Hunks = append(p.files[fi].Hunks, h)
	}
	return nil
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func countOr1(s string) int {
	if s == "" {
		return 1
	}
	return atoi(s)
}
