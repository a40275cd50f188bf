package syntax

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unsafe"
)

// TestNodeLayout checks that node mirrors the C struct syntax_node.
func TestNodeLayout(t *testing.T) {
	var n node
	want := [10]uint32{
		uint32(unsafe.Sizeof(n)),
		uint32(unsafe.Offsetof(n.start)),
		uint32(unsafe.Offsetof(n.end)),
		uint32(unsafe.Offsetof(n.next)),
		uint32(unsafe.Offsetof(n.childCount)),
		uint32(unsafe.Offsetof(n.namedCount)),
		uint32(unsafe.Offsetof(n.query)),
		uint32(unsafe.Offsetof(n.kind)),
		uint32(unsafe.Offsetof(n.field)),
		uint32(unsafe.Offsetof(n.flags)),
	}
	if got := cNodeLayout(); got != want {
		t.Errorf("syntax_node size and offsets %v, node's %v", got, want)
	}
}

// TestTreeSitterDeclarations checks that every declaration of tsapi.h
// appears, token for token, in the tree_sitter/api.h of the
// go-tree-sitter module this build uses.
func TestTreeSitterDeclarations(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/tree-sitter/go-tree-sitter").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	api, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "include", "tree_sitter", "api.h"))
	if err != nil {
		t.Skipf("api.h: %v", err)
	}
	ours, err := os.ReadFile("tsapi.h")
	if err != nil {
		t.Fatal(err)
	}
	apiText := " " + normalizeC(string(api)) + " "
	decls := cDeclarations(string(ours))
	if len(decls) < 30 {
		t.Fatalf("found %d declarations in tsapi.h", len(decls))
	}
	for _, d := range decls {
		if !strings.Contains(apiText, " "+d+" ") {
			t.Errorf("tsapi.h declares %q, which api.h does not", d)
		}
	}
}

var (
	cComment    = regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`)
	cPreproc    = regexp.MustCompile(`(?m)^\s*#.*$`)
	cSpace      = regexp.MustCompile(`\s+`)
	cPunctSpace = regexp.MustCompile(`\s*([(){};,*\[\]])\s*`)
)

// normalizeC strips comments and preprocessor lines from C source and
// puts exactly one space between tokens.
func normalizeC(src string) string {
	src = cComment.ReplaceAllString(src, " ")
	src = cPreproc.ReplaceAllString(src, " ")
	src = cPunctSpace.ReplaceAllString(src, " $1 ")
	return strings.TrimSpace(cSpace.ReplaceAllString(src, " "))
}

// cDeclarations splits the normalized C source into its top-level
// declarations, each ending with its semicolon.
func cDeclarations(src string) []string {
	var out []string
	depth := 0
	start := 0
	text := normalizeC(src)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '{':
			depth++
		case '}':
			depth--
		case ';':
			if depth == 0 {
				out = append(out, strings.TrimSpace(text[start:i+1]))
				start = i + 1
			}
		}
	}
	return out
}

// TestWorkerTrim checks that a worker frees the buffers of a large parse
// when it returns to its pool, and keeps those of a small one.
func TestWorkerTrim(t *testing.T) {
	g := grammarFor(LangGo)
	w, err := g.pool.get()
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	if _, err := w.parse(context.Background(), []byte(smallGoFile()), true); err != nil {
		t.Fatal(err)
	}
	w.trim()
	if w.w.cap == 0 {
		t.Error("a small parse's buffer was freed")
	}
	tree, err := w.parse(context.Background(), []byte(generatedGo(2<<20)), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.nodes) <= trimNodes {
		t.Fatalf("%d nodes: not a large parse", len(tree.nodes))
	}
	w.trim()
	if w.w.cap != 0 || w.w.results_cap != 0 {
		t.Errorf("after a large parse, buffers of %d nodes and %d results stay", w.w.cap, w.w.results_cap)
	}
	// The worker still parses.
	tree, err = w.parse(context.Background(), []byte("package p\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	// source_file, package_clause, "package", package_identifier
	if len(tree.nodes) != 4 || tree.nodes[0].next != 4 || tree.nodes[0].end != 10 || tree.nodes[3].start != 8 {
		t.Errorf("nodes %+v", tree.nodes)
	}
}
