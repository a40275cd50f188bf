package govet

import (
	"go/token"
	"log/slog"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// converter turns token positions of one loaded package into Findings.
type converter struct {
	fset  *token.FileSet
	pkg   *packages.Package
	files *contentCache
	log   *slog.Logger
	// generated holds compiled files that are not source files of the
	// package (cgo output in the build cache): positions in them are mapped
	// through their //line directives and their edits are dropped.
	generated map[string]bool
}

func newConverter(fset *token.FileSet, pkg *packages.Package, files *contentCache, log *slog.Logger) *converter {
	c := &converter{fset: fset, pkg: pkg, files: files, log: log}
	for _, f := range pkg.CompiledGoFiles {
		if !slices.Contains(pkg.GoFiles, f) {
			if c.generated == nil {
				c.generated = make(map[string]bool)
			}
			c.generated[f] = true
		}
	}
	return c
}

// position converts pos. generated reports that pos lies in a generated
// file and was mapped to the source file it came from.
func (c *converter) position(pos token.Pos) (file string, p Position, generated, ok bool) {
	if !pos.IsValid() {
		return "", p, false, false
	}
	tf := c.fset.File(pos)
	if tf == nil {
		return "", p, false, false
	}
	off := int(pos) - tf.Base()
	if off < 0 || off > tf.Size() {
		return "", p, false, false
	}
	if c.generated[tf.Name()] {
		adj := tf.PositionFor(pos, true)
		if adj.Filename != "" && adj.Filename != tf.Name() && filepath.IsAbs(adj.Filename) {
			content, err := c.files.read(adj.Filename)
			if err == nil {
				return adj.Filename, positionAt(content, adj.Line, adj.Column), true, true
			}
		}
	}
	raw := tf.PositionFor(pos, false)
	return tf.Name(), Position{Offset: off, Line: raw.Line, Column: raw.Column}, false, true
}

// span converts [pos, end); End falls back to Start when end is missing,
// before pos or in another file.
func (c *converter) span(pos, end token.Pos) (file string, start, stop Position, generated, ok bool) {
	file, start, generated, ok = c.position(pos)
	if !ok {
		return "", start, start, false, false
	}
	stop = start
	if end.IsValid() && end >= pos {
		if f2, p2, _, ok2 := c.position(end); ok2 && f2 == file && p2.Offset >= start.Offset {
			stop = p2
		}
	}
	return file, start, stop, generated, true
}

// diagnostic converts one analyzer diagnostic.
func (c *converter) diagnostic(a *analysis.Analyzer, d analysis.Diagnostic) (Finding, bool) {
	file, start, end, generated, ok := c.span(d.Pos, d.End)
	if !ok {
		c.log.Warn("dropping diagnostic without a valid position", "analyzer", a.Name, "package", c.pkg.ID, "message", d.Message)
		return Finding{}, false
	}
	url := d.URL
	if url == "" {
		url = a.URL
	}
	f := Finding{
		Analyzer: a.Name,
		Severity: SeverityWarning,
		File:     file,
		Start:    start,
		End:      end,
		Message:  d.Message,
		URL:      url,
	}
	for _, rel := range d.Related {
		rf, rs, re, _, ok := c.span(rel.Pos, rel.End)
		if !ok {
			continue
		}
		f.Related = append(f.Related, Related{File: rf, Start: rs, End: re, Message: rel.Message})
	}
	for _, sf := range d.SuggestedFixes {
		if generated {
			c.log.Warn("dropping suggested fix in generated file", "analyzer", a.Name, "file", file, "fix", sf.Message)
			continue
		}
		fx, ok := c.fix(a.Name, sf)
		if ok {
			f.Fixes = append(f.Fixes, fx)
		}
	}
	return f, true
}

// fix converts a suggested fix into byte edits, re-validating every offset
// against the analysed file. A fix with any invalid edit is dropped whole.
func (c *converter) fix(analyzer string, sf analysis.SuggestedFix) (Fix, bool) {
	edits, err := normalizeEdits(c.fset, sf.TextEdits)
	if err != nil {
		c.log.Warn("dropping malformed suggested fix", "analyzer", analyzer, "package", c.pkg.ID, "fix", sf.Message, "err", err)
		return Fix{}, false
	}
	out := Fix{Message: sf.Message, Edits: make([]Edit, 0, len(edits))}
	for _, ed := range edits {
		tf := c.fset.File(ed.Pos)
		start, end := int(ed.Pos)-tf.Base(), int(ed.End)-tf.Base()
		if c.generated[tf.Name()] || start < 0 || end < start || end > tf.Size() {
			c.log.Warn("dropping suggested fix with an edit outside its file", "analyzer", analyzer, "file", tf.Name(), "fix", sf.Message)
			return Fix{}, false
		}
		out.Edits = append(out.Edits, Edit{File: tf.Name(), Start: start, End: end, NewText: string(ed.NewText)})
	}
	return out, true
}

// positionAt converts a 1-based line and byte column into a Position,
// clamping to the content (a line past the end maps to EOF, a column past
// the end of its line to the end of that line).
func positionAt(content []byte, line, col int) Position {
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	off, cur := 0, 1
	for cur < line {
		i := slices.Index(content[off:], '\n')
		if i < 0 {
			// Past the last line: EOF.
			return endPosition(content)
		}
		off += i + 1
		cur++
	}
	lineEnd := len(content)
	if i := slices.Index(content[off:], '\n'); i >= 0 {
		lineEnd = off + i
	}
	o := min(off+col-1, lineEnd)
	return Position{Offset: o, Line: line, Column: o - off + 1}
}

// endPosition returns the Position of the end of content.
func endPosition(content []byte) Position {
	line, start := 1, 0
	for i, b := range content {
		if b == '\n' {
			line++
			start = i + 1
		}
	}
	return Position{Offset: len(content), Line: line, Column: len(content) - start + 1}
}
