package syntax

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSyntaxErrors(t *testing.T) {
	cases := []struct {
		path, src string
		want      []string // symbols still recovered
	}{
		{"broken.go", "package p\n\nfunc Broken( {\n\tx := \n}\n\nfunc Good() int { return 1 }\n\ntype T struct{ A int }\n", []string{"func Good  true", "struct T  true"}},
		{"broken.py", "def broken(:\n    pass\n\ndef good():\n    return 1\n\nclass K:\n    def m(self): pass\n", []string{"func good  true", "class K  true", "method m K true"}},
		{"broken.js", "const a = ;\nexport function good() { return 1 }\nclass K { m() {} }\n", []string{"func good  true", "class K  false", "method m K false"}},
		{"broken.ts", "let x: = 1;\nexport function good(): void {}\n", []string{"func good  true"}},
		{"broken.tsx", "export const App = () => <div>ok</div>;\nconst b = ;\nexport function good() {}\n", []string{"func App  true", "func good  true"}},
		{"error-first.js", "function broken( {\n}\n\nexport function good() { return 1 }\n", nil}, // tree-sitter keeps nothing
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			f := mustParse(t, c.path, c.src, Options{})
			if f.Errors == 0 {
				t.Errorf("Errors = 0 for a broken file")
			}
			hasAll(t, "symbols", symbolStrings(f.Symbols), c.want)
		})
	}
	f := mustParse(t, "ok.go", "package p\n", Options{})
	if f.Errors != 0 {
		t.Errorf("Errors = %d for a valid file", f.Errors)
	}
}

func TestEmptyAndBlankFiles(t *testing.T) {
	for _, path := range []string{"e.go", "e.py", "e.js", "e.ts", "e.tsx", "e.txt"} {
		for _, src := range []string{"", "\n\n  \t\r\n"} {
			f, err := Parse(path, []byte(src), Options{})
			if err != nil {
				t.Fatalf("%s %q: %v", path, src, err)
			}
			if len(f.Chunks) != 0 || len(f.Symbols) != 0 || len(f.Refs) != 0 {
				t.Errorf("%s %q: %+v", path, src, f)
			}
			if f.Lang != LangForPath(path) {
				t.Errorf("%s: Lang %q", path, f.Lang)
			}
		}
	}
}

func TestCRLF(t *testing.T) {
	for _, s := range samples {
		t.Run(s.path, func(t *testing.T) {
			lf := mustParse(t, s.path, s.src, Options{})
			crlfSrc := strings.ReplaceAll(s.src, "\n", "\r\n")
			crlf := mustParse(t, s.path, crlfSrc, Options{})
			equalStrings(t, "symbols", symbolStrings(crlf.Symbols), symbolStrings(lf.Symbols))
			equalStrings(t, "chunks", chunkStrings(crlf.Chunks), chunkStrings(lf.Chunks))
			equalStrings(t, "imports", importStrings(crlf.Imports), importStrings(lf.Imports))
			if crlf.Errors != lf.Errors || crlf.Doc != lf.Doc {
				t.Errorf("Errors %d/%d Doc %q/%q", crlf.Errors, lf.Errors, crlf.Doc, lf.Doc)
			}
			for i, sym := range crlf.Symbols {
				want := lf.Symbols[i]
				if sym.Doc != want.Doc || sym.NameStart.Line != want.NameStart.Line || sym.NameStart.Column != want.NameStart.Column {
					t.Errorf("%s: doc %q at %+v, want %q at %+v", sym.Name, sym.Doc, sym.NameStart, want.Doc, want.NameStart)
				}
			}
			// Refs on the same lines and columns.
			lfRefs, crlfRefs := refStrings(lf.Refs), refStrings(crlf.Refs)
			equalStrings(t, "refs", crlfRefs, lfRefs)
		})
	}
}

func TestInvalidUTF8InStringsAndComments(t *testing.T) {
	src := "package p\n\n// Doc with \xff\xfe bytes.\nfunc F() string { return \"\xc3\x28 \xa0\" } // \xe2\x28\xa1\n"
	f := mustParse(t, "p.go", src, Options{})
	if f.Errors != 0 || len(f.Symbols) != 1 || f.Symbols[0].Name != "F" {
		t.Fatalf("Errors %d symbols %+v", f.Errors, f.Symbols)
	}
	if d := f.Symbols[0].Doc; !utf8.ValidString(d) || !strings.HasPrefix(d, "Doc with ") {
		t.Errorf("Doc %q", d)
	}
	py := "# a comment with a stray \xff byte\nx = 'a latin-1 caf\xe9 in a string'\n"
	g := mustParse(t, "p.py", py, Options{})
	if len(g.Symbols) != 1 || g.Symbols[0].Name != "x" {
		t.Errorf("python symbols %+v", g.Symbols)
	}
}

func TestBinary(t *testing.T) {
	mostlyInvalid := strings.Repeat("\xff\xfe\x80abc", 100)
	cases := map[string]string{
		"nul.go":    "package p\x00\n",
		"utf16.py":  "\xff\xfep\x00r\x00i\x00n\x00t\x00",
		"blob.txt":  mostlyInvalid,
		"image.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
	}
	for path, src := range cases {
		_, err := Parse(path, []byte(src), Options{})
		if !errors.Is(err, ErrBinary) {
			t.Errorf("%s: err %v, want ErrBinary", path, err)
		}
	}
	// A few invalid bytes in text are not binary.
	text := strings.Repeat("caf\xe9 latin-1 text line\n", 20)
	if _, err := Parse("latin1.txt", []byte(text), Options{}); err != nil {
		t.Errorf("latin-1 text: %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	src := bigGoFunc(50)
	f, err := Parse("big.go", []byte(src), Options{MaxFileBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !f.TooLarge || f.Lang != LangText || len(f.Symbols) != 0 || len(f.Chunks) == 0 {
		t.Errorf("TooLarge %v Lang %q symbols %d chunks %d", f.TooLarge, f.Lang, len(f.Symbols), len(f.Chunks))
	}
	checkChunks(t, []byte(src), f.Chunks, Options{})
}

func TestInvalidOptions(t *testing.T) {
	for _, o := range []Options{
		{MaxChunkBytes: -1},
		{MinChunkBytes: -1},
		{MaxFileBytes: -1},
		{MaxChunkBytes: 8},
		{MaxChunkBytes: 100, MinChunkBytes: 101},
		{MinChunkBytes: 5000}, // above the default MaxChunkBytes
	} {
		if _, err := Parse("p.go", []byte("package p\n"), o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: err %v, want ErrInvalidOptions", o, err)
		}
	}
	if _, err := Parse("p.go", []byte("package p\n"), Options{MaxChunkBytes: 100}); err != nil {
		t.Errorf("MaxChunkBytes 100 alone: %v (MinChunkBytes must default to at most 100)", err)
	}
}

func TestTextFile(t *testing.T) {
	src := prose(5000)
	f := mustParse(t, "README.md", src, Options{})
	if f.Lang != LangText || len(f.Symbols)+len(f.Refs)+len(f.Imports) != 0 || len(f.Chunks) < 3 {
		t.Errorf("Lang %q symbols %d refs %d chunks %d", f.Lang, len(f.Symbols), len(f.Refs), len(f.Chunks))
	}
}

// TestGenerated4MiB parses a generated Go file just under the 4 MiB
// default limit (BenchmarkParseGenerated4MiB measures the time).
func TestGenerated4MiB(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 4 MiB")
	}
	src := generatedGo(DefaultMaxFileBytes)
	f := mustParse(t, "gen.go", src, Options{})
	if f.TooLarge || f.Errors != 0 {
		t.Fatalf("TooLarge %v Errors %d", f.TooLarge, f.Errors)
	}
	types := strings.Count(src, "\ntype T")
	if want := types * 8; len(f.Symbols) != want { // type, 2 fields, method, const, func... per group
		kinds := map[string]int{}
		for _, s := range f.Symbols {
			kinds[s.Kind]++
		}
		if kinds[KindStruct] != types || kinds[KindMethod] != types || kinds[KindFunc] != types || kinds[KindConst] != types || kinds[KindField] != 2*types {
			t.Errorf("%d type groups, symbol kinds %v", types, kinds)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ParseContext(ctx, "p.go", []byte("package p\n"), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: err %v", err)
	}
	// Cancel the tree-sitter parse itself: the flag is set as soon as the
	// parse starts, long before 4 MiB are parsed.
	g := grammarFor(LangGo)
	pp, err := g.pool.get()
	if err != nil {
		t.Fatal(err)
	}
	defer g.pool.put(pp)
	big := []byte(generatedGo(DefaultMaxFileBytes))
	tree, err := pp.parse(ctx, big, true)
	if tree.nodes != nil {
		t.Fatal("a cancelled parse returned a tree")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	// The parser starts afresh afterwards.
	tree, err = pp.parse(context.Background(), []byte("package q\n\nfunc F() {}\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	if root := tree.nodes[0]; root.flags&flagHasError != 0 || root.namedCount != 2 {
		t.Errorf("parse after cancel: root %+v", root)
	}
}
