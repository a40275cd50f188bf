package govet

import (
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// contentCache reads files (overlay first, then disk) at most once per
// request.
type contentCache struct {
	ov    *overlayView
	files map[string][]byte
	errs  map[string]error
}

func newContentCache(ov *overlayView) *contentCache {
	return &contentCache{ov: ov, files: make(map[string][]byte), errs: make(map[string]error)}
}

func (c *contentCache) read(name string) ([]byte, error) {
	if b, ok := c.files[name]; ok {
		return b, nil
	}
	if err, ok := c.errs[name]; ok {
		return nil, err
	}
	b, err := c.ov.readFile(name)
	if err != nil {
		c.errs[name] = err
		return nil, err
	}
	c.files[name] = b
	return b, nil
}

// packageErrors converts the load, parse and type errors of pkg into
// findings. Errors without a position are attached to the package's first
// file, or to fallback (the requested file) when the package has none.
func (c *converter) packageErrors(fallback, dir string) []Finding {
	out, unresolved := c.importErrors(dir)
	pkg := c.pkg
	for _, te := range pkg.TypeErrors {
		if rest, ok := strings.CutPrefix(te.Msg, "could not import "); ok {
			if f := strings.Fields(rest); len(f) > 0 && unresolved[f[0]] {
				continue // the go list error on the import says why
			}
		}
		if f, ok := c.typeError(te); ok {
			out = append(out, f)
			continue
		}
		out = append(out, c.errorAt(CompilerAnalyzer, te.Msg, "", fallback, dir))
	}
	for _, pe := range pkg.Errors {
		if pe.Kind == packages.TypeError && len(pkg.TypeErrors) > 0 {
			continue // reported above, with exact positions
		}
		analyzer := CompilerAnalyzer
		if pe.Kind == packages.ListError || pe.Kind == packages.UnknownError {
			analyzer = GoListAnalyzer
		}
		out = append(out, c.errorAt(analyzer, pe.Msg, pe.Pos, fallback, dir))
	}
	return out
}

// importErrors reports go list errors of directly imported packages that
// could not be resolved (missing package or module) at the import, which
// go list records as a position in this package. It returns the import
// paths it reported.
func (c *converter) importErrors(dir string) ([]Finding, map[string]bool) {
	var out []Finding
	unresolved := make(map[string]bool)
	for path, imp := range c.pkg.Imports {
		if !hasListErrors(imp) {
			continue
		}
		for _, pe := range imp.Errors {
			if pe.Kind != packages.ListError && pe.Kind != packages.UnknownError {
				continue
			}
			file, _, _, ok := parsePos(pe.Pos)
			if ok && !filepath.IsAbs(file) {
				file = filepath.Join(dir, file)
			}
			if !ok || !containsFile(c.pkg, file) {
				file, ok = c.importSpecPos(path)
				if !ok {
					continue
				}
				pe.Pos = file
			}
			out = append(out, c.errorAt(GoListAnalyzer, pe.Msg, pe.Pos, "", dir))
			unresolved[path] = true
		}
	}
	return out, unresolved
}

// importSpecPos returns "file:line:col" of the import of path.
func (c *converter) importSpecPos(path string) (string, bool) {
	for _, f := range c.pkg.Syntax {
		for _, spec := range f.Imports {
			if p, err := strconv.Unquote(spec.Path.Value); err == nil && p == path {
				pos := c.fset.PositionFor(spec.Path.Pos(), false)
				return pos.String(), pos.IsValid()
			}
		}
	}
	return "", false
}

// typeError converts a go/types error, using the error's start and end
// (recorded by go/types in unexported fields documented as readable by
// reflection) for the range.
func (c *converter) typeError(te types.Error) (Finding, bool) {
	if te.Fset != c.fset {
		return Finding{}, false
	}
	end := te.Pos
	if s, e, ok := typeErrorSpan(te); ok && s <= te.Pos && te.Pos <= e {
		end = e
	}
	file, start, stop, _, ok := c.span(te.Pos, end)
	if !ok {
		return Finding{}, false
	}
	return Finding{
		Analyzer: CompilerAnalyzer,
		Severity: SeverityError,
		File:     file,
		Start:    start,
		End:      stop,
		Message:  te.Msg,
	}, true
}

// typeErrorSpan reads go/types' go116start and go116end fields.
func typeErrorSpan(te types.Error) (start, end token.Pos, ok bool) {
	v := reflect.ValueOf(te)
	s, e := v.FieldByName("go116start"), v.FieldByName("go116end")
	if !s.IsValid() || !e.IsValid() || !s.CanInt() || !e.CanInt() {
		return 0, 0, false
	}
	start, end = token.Pos(s.Int()), token.Pos(e.Int())
	return start, end, start.IsValid() && end.IsValid()
}

// errorAt builds an error finding from a "file:line:col" position string.
func (c *converter) errorAt(analyzer, msg, pos, fallback, dir string) Finding {
	f := Finding{Analyzer: analyzer, Severity: SeverityError, Message: msg}
	file, line, col, ok := parsePos(pos)
	if ok && !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	if !ok {
		file, line, col = c.firstFile(fallback), 1, 1
	}
	f.File = file
	if content, err := c.files.read(file); err == nil {
		f.Start = positionAt(content, line, col)
	} else {
		f.Start = Position{Line: max(line, 1), Column: max(col, 1)}
	}
	f.End = f.Start
	return f
}

func (c *converter) firstFile(fallback string) string {
	for _, list := range [][]string{c.pkg.GoFiles, c.pkg.CompiledGoFiles, c.pkg.OtherFiles, c.pkg.IgnoredFiles} {
		for _, f := range list {
			if !c.generated[f] {
				return f
			}
		}
	}
	if fallback != "" {
		return fallback
	}
	return c.pkg.Dir
}

// parsePos parses "file:line:col" or "file:line". Positions without a file
// ("", "-") are not ok.
func parsePos(pos string) (file string, line, col int, ok bool) {
	if pos == "" || pos == "-" {
		return "", 0, 0, false
	}
	rest, last, found := cutLast(pos)
	if !found {
		return "", 0, 0, false
	}
	n1, err := strconv.Atoi(last)
	if err != nil {
		return "", 0, 0, false
	}
	rest2, mid, found := cutLast(rest)
	if n2, err := strconv.Atoi(mid); found && err == nil {
		if rest2 == "" {
			return "", 0, 0, false
		}
		return rest2, n2, n1, true // file:line:col
	}
	if rest == "" {
		return "", 0, 0, false
	}
	return rest, n1, 1, true // file:line
}

func cutLast(s string) (before, after string, found bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}
