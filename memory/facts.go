package memory

import (
	"fmt"
	"path"
	"strings"
)

// FileFacts is what the knowledge graph learns about one file. The layer
// above memory converts the workspace indexer's output into it.
type FileFacts struct {
	// Path is slash-separated and relative to the workspace root.
	Path string
	// Lang is "go", "python", "javascript", "typescript" (or another
	// language; test-file and import rules exist for these four).
	Lang string
	// Package is the file's package as imports name it: the import path of
	// a Go package, the dotted module of a Python file; "" when unknown.
	Package string
	// Symbols are the declarations of the file.
	Symbols []SymbolFact
	// Refs are the identifiers the file uses.
	Refs []RefFact
	// Imports are the import strings as written: Go import paths, Python
	// dotted modules (relative ones with leading dots), JavaScript and
	// TypeScript module specifiers.
	Imports []string
	// CoChanged lists the files changed in the same commits as this one.
	CoChanged []CoChange
}

// SymbolFact is one declaration.
type SymbolFact struct {
	Name      string // the declared name: "ListenAndServe"
	Container string // the enclosing type or class: "Server"; "" at top level
	Kind      string // function, method, type, class, var, const, ...
	Signature string // one line: "func (s *Server) ListenAndServe() error"
	Doc       string // the first line of its documentation
	StartLine int    // 1-based
	EndLine   int
}

// Qualified returns the symbol's name within its file: "Container.Name"
// or "Name". Chunk.Symbol uses the same form.
func (s SymbolFact) Qualified() string {
	if s.Container == "" {
		return s.Name
	}
	return s.Container + "." + s.Name
}

// RefFact is one use of an identifier.
type RefFact struct {
	Name string // the identifier: "NewReader"
	// Qualifier is what the name was selected from, when the source says:
	// a package ("bufio" in bufio.NewReader), a module, a type or a
	// variable. The graph resolves it through the file's imports and
	// through containers; a qualifier it cannot resolve is ignored.
	Qualifier string
	// From is the Qualified name of the enclosing symbol; "" at file level.
	From string
	// Call reports a call rather than a plain reference.
	Call bool
}

// CoChange counts the commits that changed a file together with another.
type CoChange struct {
	Path  string
	Count int
}

// Bounds on FileFacts: beyond them the facts are rejected as impossible.
const (
	maxFactsSymbols = 1 << 16
	maxFactsRefs    = 1 << 20
	maxFactsImports = 1 << 14
)

// validatePath checks a workspace-relative, slash-separated path.
func validatePath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("empty path")
	case strings.ContainsRune(p, 0) || strings.ContainsRune(p, '\\'):
		return fmt.Errorf("path %q holds a NUL or a backslash", p)
	case path.IsAbs(p):
		return fmt.Errorf("path %q is absolute; want a workspace-relative path", p)
	case path.Clean(p) != p || p == "." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("path %q is not clean and inside the workspace", p)
	}
	return nil
}

// validate checks facts and reports the first problem, wrapped in
// ErrInvalidFacts.
func (f *FileFacts) validate() error {
	if err := validatePath(f.Path); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidFacts, err)
	}
	if len(f.Symbols) > maxFactsSymbols || len(f.Refs) > maxFactsRefs || len(f.Imports) > maxFactsImports {
		return fmt.Errorf("%w: %s: %d symbols, %d refs, %d imports (limits %d, %d, %d)", ErrInvalidFacts,
			f.Path, len(f.Symbols), len(f.Refs), len(f.Imports), maxFactsSymbols, maxFactsRefs, maxFactsImports)
	}
	for i, s := range f.Symbols {
		if s.Name == "" {
			return fmt.Errorf("%w: %s: symbol %d has no name", ErrInvalidFacts, f.Path, i)
		}
		if s.StartLine < 0 || s.EndLine < s.StartLine && s.EndLine != 0 {
			return fmt.Errorf("%w: %s: symbol %s has lines %d-%d", ErrInvalidFacts, f.Path, s.Qualified(), s.StartLine, s.EndLine)
		}
	}
	for i, r := range f.Refs {
		if r.Name == "" {
			return fmt.Errorf("%w: %s: ref %d has no name", ErrInvalidFacts, f.Path, i)
		}
	}
	for _, c := range f.CoChanged {
		if c.Count < 0 {
			return fmt.Errorf("%w: %s: negative co-change count for %s", ErrInvalidFacts, f.Path, c.Path)
		}
	}
	return nil
}
