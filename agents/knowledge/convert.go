package knowledge

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aios-dev/aios/memory"
	"github.com/aios-dev/aios/repoindex/syntax"
)

// convert turns one file's syntax into memory's chunks and facts.
func convert(rel string, content []byte, f *syntax.File, pkgPath string, co []memory.CoChange) (memory.FileFacts, []memory.Chunk) {
	facts := memory.FileFacts{Path: rel, Lang: string(f.Lang), Package: pkgPath, CoChanged: co}
	syms := make([]memory.SymbolFact, 0, len(f.Symbols))
	for _, s := range f.Symbols {
		syms = append(syms, memory.SymbolFact{
			Name: s.Name, Container: s.Container, Kind: s.Kind,
			Signature: firstLine(content, s.Start.Byte), Doc: firstLine([]byte(s.Doc), 0),
			StartLine: s.Start.Line, EndLine: endLine(s.End),
		})
	}
	facts.Symbols = syms
	// The enclosing symbol of a reference: the innermost declaration
	// whose byte range holds it.
	spans := make([]span, 0, len(f.Symbols))
	for i, s := range f.Symbols {
		spans = append(spans, span{s.Start.Byte, s.End.Byte, i})
	}
	pos := make([]int, len(f.Refs))
	for i, r := range f.Refs {
		pos[i] = r.Start.Byte
	}
	quals := make([]string, len(syms))
	facts.Refs = make([]memory.RefFact, 0, len(f.Refs))
	for i, sym := range enclosingAll(spans, pos) {
		r := f.Refs[i]
		from := ""
		if sym >= 0 {
			if quals[sym] == "" {
				quals[sym] = syms[sym].Qualified()
			}
			from = quals[sym]
		}
		facts.Refs = append(facts.Refs, memory.RefFact{Name: r.Name, Qualifier: r.Qualifier, From: from, Call: r.Kind == syntax.RefCall})
	}
	for _, im := range f.Imports {
		facts.Imports = append(facts.Imports, im.Path)
	}
	chunks := make([]memory.Chunk, 0, len(f.Chunks))
	for _, c := range f.Chunks {
		if c.Start.Byte < 0 || c.End.Byte > len(content) || c.End.Byte <= c.Start.Byte {
			continue
		}
		text := string(content[c.Start.Byte:c.End.Byte])
		if strings.TrimSpace(text) == "" || strings.IndexByte(text, 0) >= 0 {
			continue // blank, or binary data inside a text file
		}
		// Text files in other encodings (Latin-1 test data) stay
		// searchable: their invalid bytes become U+FFFD.
		text = strings.ToValidUTF8(text, "\uFFFD")
		chunks = append(chunks, memory.Chunk{
			Path: rel, Lang: string(f.Lang), Kind: c.Kind, Symbol: c.Symbol,
			StartLine: c.Start.Line, EndLine: max(endLine(c.End), c.Start.Line),
			StartByte: c.Start.Byte, EndByte: c.End.Byte, Text: text,
		})
	}
	return facts, chunks
}

type span struct{ start, end, sym int }

// enclosingAll returns, for each byte position, the symbol (span.sym) of
// the innermost span holding it, or -1: one sweep over the spans sorted by
// start (outer first on ties; of identical spans, the last symbol is
// innermost) and the positions in order, with a stack of
// the spans open at the current position. spans is reordered.
func enclosingAll(spans []span, positions []int) []int {
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		if spans[i].end != spans[j].end {
			return spans[i].end > spans[j].end
		}
		return spans[i].sym < spans[j].sym
	})
	order := make([]int, len(positions))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return positions[order[i]] < positions[order[j]] })
	out := make([]int, len(positions))
	var stack []span
	next := 0
	for _, pi := range order {
		b := positions[pi]
		for next < len(spans) && spans[next].start <= b {
			sp := spans[next]
			next++
			for len(stack) > 0 && stack[len(stack)-1].end <= sp.start {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, sp)
		}
		for len(stack) > 0 && stack[len(stack)-1].end <= b {
			stack = stack[:len(stack)-1]
		}
		out[pi] = -1
		// Spans that overlap without nesting can leave a closed span
		// under an open one: look down for the innermost that holds b.
		for j := len(stack) - 1; j >= 0; j-- {
			if stack[j].start <= b && b < stack[j].end {
				out[pi] = stack[j].sym
				break
			}
		}
	}
	return out
}

func endLine(p syntax.Point) int {
	if p.Column <= 1 && p.Line > 1 {
		return p.Line - 1
	}
	return p.Line
}

func firstLine(b []byte, from int) string {
	if from < 0 || from > len(b) {
		return ""
	}
	line := b[from:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	s := strings.TrimSpace(string(line))
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// packages computes a file's package as its importers name it: Go import
// paths from the nearest go.mod, Python dotted modules from the path.
type packages struct {
	root    string
	modules map[string]string // directory (slash, relative) -> module path, "" when none
}

func newPackages(root string) *packages {
	return &packages{root: root, modules: make(map[string]string)}
}

func (p *packages) of(rel string, lang syntax.Lang) string {
	dir := path.Dir(rel)
	switch lang {
	case syntax.LangGo:
		modDir, mod := p.module(dir)
		if mod == "" {
			return ""
		}
		if modDir == dir {
			return mod
		}
		sub := strings.TrimPrefix(dir, modDir)
		if modDir == "." {
			sub = "/" + dir
		}
		return mod + sub
	case syntax.LangPython:
		mod := strings.TrimSuffix(rel, path.Ext(rel))
		mod = strings.TrimSuffix(mod, "/__init__")
		return strings.ReplaceAll(mod, "/", ".")
	}
	return ""
}

// module finds the nearest go.mod at or above dir and its module path.
func (p *packages) module(dir string) (string, string) {
	for d := dir; ; d = path.Dir(d) {
		if mod, ok := p.modules[d]; ok {
			if mod != "" {
				return d, mod
			}
		} else {
			mod := readModulePath(filepath.Join(p.root, filepath.FromSlash(d), "go.mod"))
			p.modules[d] = mod
			if mod != "" {
				return d, mod
			}
		}
		if d == "." || d == "/" || d == "" {
			return "", ""
		}
	}
}

func readModulePath(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// relative returns path relative to root, slash-separated, or "" when it
// lies outside.
func relative(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return ""
	}
	return filepath.ToSlash(rel)
}
