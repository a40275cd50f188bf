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
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for _, r := range f.Refs {
		from := ""
		if i := enclosing(spans, r.Start.Byte); i >= 0 {
			from = syms[i].Qualified()
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
		if strings.TrimSpace(text) == "" {
			continue
		}
		chunks = append(chunks, memory.Chunk{
			Path: rel, Lang: string(f.Lang), Kind: c.Kind, Symbol: c.Symbol,
			StartLine: c.Start.Line, EndLine: max(endLine(c.End), c.Start.Line),
			StartByte: c.Start.Byte, EndByte: c.End.Byte, Text: text,
		})
	}
	return facts, chunks
}

type span struct{ start, end, sym int }

// enclosing returns the index of the innermost symbol holding byte b, or -1.
func enclosing(spans []span, b int) int {
	best, bestLen := -1, int(^uint(0)>>1)
	i := sort.Search(len(spans), func(i int) bool { return spans[i].start > b })
	for j := i - 1; j >= 0; j-- {
		s := spans[j]
		if b < s.end && s.end-s.start < bestLen {
			best, bestLen = s.sym, s.end-s.start
		}
	}
	return best
}

// endLine converts an exclusive end point to the last line it covers.
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
