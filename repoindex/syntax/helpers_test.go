package syntax

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// mustParse parses src as path with opts and fails the test on error or
// on a result that differs from the legacy parser's.
func mustParse(t testing.TB, path, src string, opts Options) *File {
	t.Helper()
	f, err := Parse(path, []byte(src), opts)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	checkChunks(t, []byte(src), f.Chunks, opts)
	compareWithLegacy(t, path, []byte(src), opts)
	return f
}

// symbolStrings renders symbols as "kind name container exported".
func symbolStrings(syms []Symbol) []string {
	var out []string
	for _, s := range syms {
		out = append(out, fmt.Sprintf("%s %s %s %v", s.Kind, s.Name, s.Container, s.Exported))
	}
	return out
}

// refStrings renders refs as "kind qualifier.name@line:col".
func refStrings(refs []Ref) []string {
	var out []string
	for _, r := range refs {
		name := r.Name
		if r.Qualifier != "" {
			name = r.Qualifier + "." + name
		}
		out = append(out, fmt.Sprintf("%s %s@%d:%d", r.Kind, name, r.Start.Line, r.Start.Column))
	}
	return out
}

// importStrings renders imports as "path name alias".
func importStrings(imps []Import) []string {
	var out []string
	for _, i := range imps {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s", i.Path, i.Name, i.Alias)))
	}
	return out
}

// chunkStrings renders chunks as "kind symbol[#part] lines a-b".
func chunkStrings(chunks []Chunk) []string {
	var out []string
	for _, c := range chunks {
		s := c.Kind + " " + c.Symbol
		if c.Part > 0 {
			s += fmt.Sprintf("#%d", c.Part)
		}
		out = append(out, fmt.Sprintf("%s %d-%d", s, c.Start.Line, c.End.Line))
	}
	return out
}

// containsAll reports the wanted strings missing from got.
func missing(got, want []string) []string {
	have := map[string]int{}
	for _, g := range got {
		have[g]++
	}
	var out []string
	for _, w := range want {
		if have[w] == 0 {
			out = append(out, w)
			continue
		}
		have[w]--
	}
	return out
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n\t%s\nwant:\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func hasAll(t *testing.T, what string, got, want []string) {
	t.Helper()
	if m := missing(got, want); len(m) > 0 {
		t.Errorf("%s: missing\n\t%s\ngot:\n\t%s", what, strings.Join(m, "\n\t"), strings.Join(got, "\n\t"))
	}
}

func hasNone(t *testing.T, what string, got, unwanted []string) {
	t.Helper()
	set := map[string]bool{}
	for _, g := range got {
		set[g] = true
	}
	for _, u := range unwanted {
		if set[u] {
			t.Errorf("%s: unexpected %q", what, u)
		}
	}
}

// checkChunks checks the chunk invariants: in order, without overlap,
// within bounds and MaxChunkBytes, Points consistent with offsets, no
// UTF-8 character split, every non-blank byte covered, parts numbered
// 1..n.
func checkChunks(t testing.TB, src []byte, chunks []Chunk, opts Options) {
	t.Helper()
	o := opts.sanitized()
	pointOf := pointOracle(src)
	prev := 0
	part := 0
	for i, c := range chunks {
		s, e := c.Start.Byte, c.End.Byte
		if s < prev || e <= s || e > len(src) {
			t.Fatalf("chunk %d [%d,%d) after %d in %d bytes: out of order or bounds", i, s, e, prev, len(src))
		}
		if e-s > o.MaxChunkBytes {
			t.Fatalf("chunk %d [%d,%d) is %d bytes > %d", i, s, e, e-s, o.MaxChunkBytes)
		}
		if !isBlank(src[prev:s]) {
			t.Fatalf("bytes [%d,%d) %q before chunk %d are in no chunk", prev, s, src[prev:s], i)
		}
		for _, p := range []Point{c.Start, c.End} {
			if want := pointOf(p.Byte); p != want {
				t.Fatalf("chunk %d: point %+v, want %+v", i, p, want)
			}
			if splitsRune(src, p.Byte) {
				t.Fatalf("chunk %d: boundary %d splits a UTF-8 character", i, p.Byte)
			}
		}
		switch {
		case c.Part == 0:
			part = 0
		case c.Part == 1 || c.Part == part+1:
			if c.Part > 1 && chunks[i-1].Symbol != c.Symbol {
				t.Fatalf("chunk %d: part %d of %q follows %q", i, c.Part, c.Symbol, chunks[i-1].Symbol)
			}
			part = c.Part
		default:
			t.Fatalf("chunk %d: part %d after part %d", i, c.Part, part)
		}
		if !validChunkKind[c.Kind] {
			t.Fatalf("chunk %d: kind %q", i, c.Kind)
		}
		prev = e
	}
	if !isBlank(src[prev:]) {
		t.Fatalf("bytes [%d,%d) after the last chunk are in no chunk", prev, len(src))
	}
}

var validChunkKind = map[string]bool{
	ChunkKindFunc: true, ChunkKindMethod: true, ChunkKindType: true, ChunkKindClass: true,
	ChunkKindDecl: true, ChunkKindHeader: true, ChunkKindLines: true,
}

// pointOracle returns a function computing Points independently of
// lineIndex, from a plain list of line breaks.
func pointOracle(src []byte) func(off int) Point {
	var breaks []int
	for i, b := range src {
		if b == '\n' {
			breaks = append(breaks, i)
		}
	}
	return func(off int) Point {
		line := sort.SearchInts(breaks, off) // breaks before off
		col := off + 1
		if line > 0 {
			col = off - breaks[line-1]
		}
		return Point{Line: line + 1, Column: col, Byte: off}
	}
}

// splitsRune reports whether off lies inside a valid multi-byte UTF-8
// character.
func splitsRune(src []byte, off int) bool {
	for back := 1; back < utf8.UTFMax && off-back >= 0; back++ {
		r, size := utf8.DecodeRune(src[off-back:])
		if r != utf8.RuneError && size > back {
			return true
		}
	}
	return false
}

// noRefs checks that none of the given "name@line:col" positions, each of
// which must hold name in src, starts a ref.
func noRefs(t *testing.T, src string, refs []Ref, positions ...string) {
	t.Helper()
	lines := strings.Split(src, "\n")
	at := map[[2]int]Ref{}
	for _, r := range refs {
		at[[2]int{r.Start.Line, r.Start.Column}] = r
	}
	for _, p := range positions {
		var name string
		var line, col int
		if _, err := fmt.Sscanf(strings.Replace(p, "@", " ", 1), "%s %d:%d", &name, &line, &col); err != nil {
			t.Fatalf("bad position %q: %v", p, err)
		}
		if line > len(lines) || col-1+len(name) > len(lines[line-1]) || lines[line-1][col-1:col-1+len(name)] != name {
			t.Fatalf("position %q does not hold %q in the source", p, name)
		}
		if r, ok := at[[2]int{line, col}]; ok {
			t.Errorf("unexpected ref %+v at %s", r, p)
		}
	}
}
