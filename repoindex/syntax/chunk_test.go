package syntax

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitLargeGoFunction(t *testing.T) {
	src := bigGoFunc(120)
	opts := Options{MaxChunkBytes: 600, MinChunkBytes: 100}
	f := mustParse(t, "big.go", src, opts)
	parts := 0
	for _, c := range f.Chunks {
		if c.Symbol != "Big" {
			continue
		}
		parts++
		if c.Kind != ChunkKindFunc || c.Part != parts {
			t.Errorf("chunk %+v: want kind func, part %d", c, parts)
		}
		if c.Start.Column != 1 {
			t.Errorf("part %d starts mid-line at %+v", c.Part, c.Start)
		}
		// Parts after the first start with a statement, the first with
		// the doc comment.
		text := src[c.Start.Byte:c.End.Byte]
		if c.Part == 1 && !strings.HasPrefix(text, "// Big is big.") ||
			c.Part > 1 && !strings.HasPrefix(text, "\tx = step") && !strings.HasPrefix(text, "\treturn") {
			t.Errorf("part %d starts with %q", c.Part, text[:min(len(text), 20)])
		}
	}
	if parts < len(src)/600 {
		t.Errorf("Big split into %d parts, want at least %d", parts, len(src)/600)
	}
	last := f.Chunks[len(f.Chunks)-1]
	if last.Symbol != "After" || last.Part != 0 {
		t.Errorf("last chunk %+v, want the whole of After", last)
	}
}

func TestSplitPythonClassAtMethods(t *testing.T) {
	var b strings.Builder
	b.WriteString("class Big:\n    \"\"\"Many methods.\"\"\"\n\n")
	for i := range 40 {
		fmt.Fprintf(&b, "    def m%d(self, x):\n        y = x * %d\n        return self.other(y)\n\n", i, i)
	}
	src := b.String()
	f := mustParse(t, "big.py", src, Options{MaxChunkBytes: 500, MinChunkBytes: 50})
	if len(f.Chunks) < 5 {
		t.Fatalf("%d chunks", len(f.Chunks))
	}
	for _, c := range f.Chunks {
		text := src[c.Start.Byte:c.End.Byte]
		if c.Symbol != "Big" || c.Kind != ChunkKindClass {
			t.Errorf("chunk %q %q", c.Kind, c.Symbol)
		}
		if c.Part > 1 && !strings.HasPrefix(text, "    def m") {
			t.Errorf("part %d does not start at a method: %q", c.Part, text[:30])
		}
		if !strings.HasSuffix(text, "return self.other(y)") {
			t.Errorf("part %d does not end after a method: %q", c.Part, text[len(text)-30:])
		}
	}
}

func TestSplitLongLines(t *testing.T) {
	// A minified line of about 12 KB with multi-byte characters, and a Go
	// raw string without line breaks.
	var js strings.Builder
	for i := range 400 {
		fmt.Fprintf(&js, "var v%d=f(\"é東%d\");", i, i)
	}
	long := strings.Repeat("日本語テキスト", 300)
	cases := []struct{ path, src string }{
		{"min.js", js.String() + "\n"},
		{"str.go", "package p\n\nconst S = `" + long + "`\n"},
		{"notes.txt", long},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			for _, max := range []int{16, 100, 999} {
				f := mustParse(t, c.path, c.src, Options{MaxChunkBytes: max, MinChunkBytes: min(max, 50)})
				if len(f.Chunks) < len(c.src)/max {
					t.Errorf("max %d: %d chunks for %d bytes", max, len(f.Chunks), len(c.src))
				}
			}
		})
	}
}

func TestMergeSmallDeclarations(t *testing.T) {
	src := "package p\n\nconst A = 1\n\nconst B = 2\n\nvar C = 3\n\nfunc D() {}\n\nfunc (T) M() {}\n\nconst E = 5\n"
	cases := []struct {
		min  int
		want []string
	}{
		{200, []string{"header  1-1", "decl A 3-9", "method T.M 11-11", "decl E 13-13"}},
		{10, []string{"header  1-1", "decl A 3-3", "decl B 5-5", "decl C 7-7", "func D 9-9", "method T.M 11-11", "decl E 13-13"}},
	}
	for _, c := range cases {
		f := mustParse(t, "p.go", src, Options{MinChunkBytes: c.min})
		equalStrings(t, fmt.Sprintf("MinChunkBytes %d", c.min), chunkStrings(f.Chunks), c.want)
	}
}

func TestChunkLines(t *testing.T) {
	para := func(n int) string { return strings.Repeat("word ", n/5) }
	cases := []struct {
		name string
		src  string
		max  int
		want []string // chunk texts
	}{
		{"empty", "", 100, nil},
		{"blank", " \n\t\n\r\n", 100, nil},
		{"one line", "hello", 100, []string{"hello"}},
		{"paragraphs packed", "a b\nc\n\nd e\n\n\nf\n", 100, []string{"a b\nc\n\nd e\n\n\nf"}},
		{"paragraphs apart", para(60) + "\n\n" + para(60) + "\n", 100, []string{strings.TrimSpace(para(60)), strings.TrimSpace(para(60))}},
		{"crlf", "one\r\ntwo\r\n\r\nthree\r\n", 100, []string{"one\r\ntwo\r\n\r\nthree"}},
		{"long paragraph by lines", "aaaa aaaa\nbbbb bbbb\ncccc cccc\n", 20, []string{"aaaa aaaa\nbbbb bbbb", "cccc cccc"}},
		{"long line by characters", "ééééééééé", 16, []string{"éééééééé", "é"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{MaxChunkBytes: c.max, MinChunkBytes: 16}
			chunks := ChunkLines([]byte(c.src), opts)
			checkChunks(t, []byte(c.src), chunks, opts)
			var got []string
			for _, ch := range chunks {
				if ch.Kind != ChunkKindLines || ch.Symbol != "" || ch.Part != 0 {
					t.Errorf("chunk %+v", ch)
				}
				got = append(got, c.src[ch.Start.Byte:ch.End.Byte])
			}
			equalStrings(t, "chunks", got, c.want)
		})
	}
}

func TestChunkLinesInvalidOptions(t *testing.T) {
	src := []byte(prose(10_000))
	for _, opts := range []Options{{MaxChunkBytes: -5}, {MaxChunkBytes: 3}, {MinChunkBytes: 5000, MaxChunkBytes: 100}} {
		chunks := ChunkLines(src, opts)
		checkChunks(t, src, chunks, opts)
		if len(chunks) == 0 {
			t.Errorf("%+v: no chunks", opts)
		}
	}
}

func TestChunkBoundariesAreCharacterBoundaries(t *testing.T) {
	src := strings.Repeat("// 東京 ✓ comment line with 😀 emoji\n", 50) + "package p\n"
	f := mustParse(t, "p.go", src, Options{MaxChunkBytes: 37, MinChunkBytes: 16})
	for _, c := range f.Chunks {
		if !utf8.ValidString(src[c.Start.Byte:c.End.Byte]) {
			t.Fatalf("chunk %+v is not valid UTF-8", c)
		}
	}
}

func TestSplitGroupedDeclarationSymbols(t *testing.T) {
	var b strings.Builder
	var want []string
	b.WriteString("package p\n\nconst (\n")
	for i := range 100 {
		fmt.Fprintf(&b, "\tK%d = %d // value %d\n", i, i, i)
		want = append(want, fmt.Sprintf("K%d", i))
	}
	b.WriteString(")\n")
	f := mustParse(t, "k.go", b.String(), Options{MaxChunkBytes: 300, MinChunkBytes: 50})
	if len(f.Chunks) < 8 {
		t.Fatalf("%d chunks", len(f.Chunks))
	}
	var got []string
	for _, c := range f.Chunks[1:] {
		if c.Kind != ChunkKindDecl || c.Symbol != "K0" || c.Part == 0 {
			t.Errorf("chunk %q %q part %d", c.Kind, c.Symbol, c.Part)
		}
		got = append(got, c.Symbols...)
	}
	equalStrings(t, "symbols of the parts", got, want)
}
