package syntax

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// goSnippets are top-level Go declarations; %d is replaced by a number
// that keeps names unique.
var goSnippets = []string{
	"func F%d(x int) int { return x + %d }\n",
	"// T%d is documented.\ntype T%d struct {\n\tA, B int\n\tc    string // trailing\n\t*T%d\n}\n",
	"const (\n\tC%d = iota\n\tD%d\n)\n",
	"var V%d = map[string]int{\"é東%d\": 1}\n",
	"func (t *T%d) M%d() string {\n\tif t == nil {\n\t\treturn \"😀\"\n\t}\n\treturn fmt.Sprint(t.A)\n}\n",
	"/* block %d */\n\n// Section %d\n\n",
	"type I%d interface {\n\t// M%d does.\n\tM%d() error\n}\n",
	"func Long%d() {\n" + strings.Repeat("\tprintln(\"a line of text ✓\")\n", 30) + "}\n",
	"var _ = `raw %d\n\nstring with blank lines`\n",
	"type A%d = []int\n",
	"func G%d[T any](v ...T) (n int) {\n\tfor range v {\n\t\tn++\n\t}\n\treturn\n}\n",
	"var x%d, y%d = F0(1), \"" + strings.Repeat("long string ", 20) + "\"\n",
}

// assembleGo builds a valid Go file from data: each byte picks a snippet
// and its separator; the first byte also picks line endings.
func assembleGo(data []byte) string {
	var b strings.Builder
	b.WriteString("// Package fuzz is generated.\npackage fuzz\n\nimport \"fmt\"\n\n")
	for i, c := range data[:min(len(data), 64)] {
		b.WriteString(strings.ReplaceAll(goSnippets[int(c)%len(goSnippets)], "%d", strconv.Itoa(i)))
		if c&0x80 != 0 {
			b.WriteString("\n")
		}
	}
	b.WriteString("var _ = fmt.Sprint\n")
	src := b.String()
	if len(data) > 0 && data[0]&0x40 != 0 {
		src = strings.ReplaceAll(src, "\n", "\r\n")
	}
	return src
}

// fuzzOptions derives chunk sizes from data, small enough to force splits.
func fuzzOptions(data []byte) Options {
	if len(data) == 0 {
		return Options{}
	}
	maxLen := 16 + int(data[0])*4
	return Options{MaxChunkBytes: maxLen, MinChunkBytes: maxLen / 4}
}

// checkSymbols checks that each symbol's NameStart holds its name, within
// its declaration.
func checkSymbols(t *testing.T, src string, syms []Symbol) {
	t.Helper()
	for _, s := range syms {
		if s.Start.Byte > s.NameStart.Byte || s.NameStart.Byte >= s.End.Byte || s.End.Byte > len(src) {
			t.Fatalf("symbol %+v: name outside the declaration", s)
		}
		if !strings.HasPrefix(src[s.NameStart.Byte:], s.Name) {
			t.Fatalf("symbol %q: NameStart holds %q", s.Name, src[s.NameStart.Byte:min(len(src), s.NameStart.Byte+len(s.Name))])
		}
	}
}

// FuzzParseGo checks the chunk invariants (ordered, non-overlapping,
// within bounds and MaxChunkBytes, every non-blank byte covered, no
// UTF-8 character split) on valid Go files assembled from snippets, and
// on the raw input parsed as Go. Run longer with
// go test -fuzz=FuzzParseGo ./repoindex/syntax.
func FuzzParseGo(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{0x40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{200, 7, 7, 0x87, 4, 1, 0x81, 5, 5, 9, 2})
	f.Add([]byte{3, 7, 7, 7, 4, 1, 1, 11, 11, 0x8b, 6})
	f.Add([]byte("package p\n\nfunc f() { x := [}\n"))
	f.Add([]byte("\xef\xbb\xbfpackage p // BOM\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := fuzzOptions(data)
		src := assembleGo(data)
		file, err := Parse("fuzz.go", []byte(src), opts)
		if err != nil {
			t.Fatalf("assembled file: %v", err)
		}
		if file.Errors != 0 {
			t.Fatalf("assembled file has %d syntax errors:\n%s", file.Errors, src)
		}
		checkChunks(t, []byte(src), file.Chunks, opts)
		checkSymbols(t, src, file.Symbols)
		compareWithLegacy(t, "fuzz.go", []byte(src), opts)
		if len(file.Symbols) == 0 && len(data) > 0 && strings.Contains(src, "func F") {
			t.Fatal("no symbols")
		}

		raw, err := Parse("raw.go", data, opts)
		if err != nil {
			if !errors.Is(err, ErrBinary) {
				t.Fatalf("raw input: %v", err)
			}
			return
		}
		checkChunks(t, data, raw.Chunks, opts)
		checkSymbols(t, string(data), raw.Symbols)
		compareWithLegacy(t, "raw.go", data, opts)
	})
}
