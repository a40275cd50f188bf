package memory

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// edgeList returns the graph's edges as "from -kind-> to" lines, sorted.
func edgeList(t testing.TB, g *Graph) []string {
	t.Helper()
	g.resolve()
	g.mu.RLock()
	defer g.mu.RUnlock()
	var out []string
	for _, fs := range g.files {
		for _, e := range fs.edges {
			out = append(out, fmt.Sprintf("%s -%s-> %s", g.nodes[e.from].id, kindNames[e.kind], g.nodes[e.to].id))
		}
	}
	slices.Sort(out)
	return out
}

// smallFacts is a little workspace in Go, Python and TypeScript.
func smallFacts() []FileFacts {
	return []FileFacts{
		{Path: "p/a.go", Lang: "go", Package: "example.com/m/p",
			Symbols: []SymbolFact{
				{Name: "Server", Kind: "type", Signature: "type Server struct", StartLine: 3, EndLine: 5},
				{Name: "Serve", Container: "Server", Kind: "method", Signature: "func (s *Server) Serve() error", Doc: "Serve serves.", StartLine: 7, EndLine: 12},
				{Name: "helper", Kind: "function", Signature: "func helper() int", StartLine: 14, EndLine: 16},
			},
			Refs: []RefFact{
				{Name: "helper", From: "Server.Serve", Call: true},
				{Name: "helper", From: "Server.Serve", Call: true},
				{Name: "Load", Qualifier: "q", From: "Server.Serve", Call: true},
				{Name: "Println", Qualifier: "fmt", From: "Server.Serve", Call: true},
			},
			Imports:   []string{"example.com/m/q", "fmt"},
			CoChanged: []CoChange{{Path: "q/b.go", Count: 3}, {Path: "gone.go", Count: 9}},
		},
		{Path: "q/b.go", Lang: "go", Package: "example.com/m/q",
			Symbols: []SymbolFact{{Name: "Load", Kind: "function", StartLine: 1, EndLine: 4}, {Name: "Save", Kind: "function", StartLine: 6, EndLine: 9}},
			Refs:    []RefFact{{Name: "Save", From: "Load", Call: true}},
		},
		{Path: "p/a_test.go", Lang: "go", Package: "example.com/m/p",
			Symbols: []SymbolFact{{Name: "TestServer_Serve", Kind: "function", StartLine: 5, EndLine: 9}},
			Refs:    []RefFact{{Name: "helper", From: "TestServer_Serve", Call: true}},
		},
		{Path: "pkg/util.py", Lang: "python", Symbols: []SymbolFact{{Name: "slugify", Kind: "function", StartLine: 1, EndLine: 3}}},
		{Path: "tests/test_util.py", Lang: "python",
			Symbols: []SymbolFact{{Name: "test_slugify", Kind: "function", StartLine: 3, EndLine: 5}},
			Refs:    []RefFact{{Name: "slugify", From: "test_slugify", Call: true}},
			Imports: []string{"pkg.util"},
		},
		{Path: "web/api.ts", Lang: "typescript", Symbols: []SymbolFact{{Name: "fetchUser", Kind: "function", StartLine: 1, EndLine: 4}}},
		{Path: "web/api.test.ts", Lang: "typescript", Refs: []RefFact{{Name: "fetchUser"}}, Imports: []string{"./api", "react"}},
	}
}

func TestGraphEdges(t *testing.T) {
	g, err := NewGraph(GraphOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range smallFacts() {
		if err := g.SetFile(f); err != nil {
			t.Fatal(err)
		}
	}
	got := edgeList(t, g)
	want := []string{
		"dir:p -contains-> file:p/a.go",
		"dir:p -contains-> file:p/a_test.go",
		"dir:pkg -contains-> file:pkg/util.py",
		"dir:q -contains-> file:q/b.go",
		"dir:tests -contains-> file:tests/test_util.py",
		"dir:web -contains-> file:web/api.test.ts",
		"dir:web -contains-> file:web/api.ts",
		"file:p/a.go -changes-with-> file:q/b.go",
		"file:p/a.go -defines-> sym:p/a.go#Server",
		"file:p/a.go -defines-> sym:p/a.go#Server.Serve",
		"file:p/a.go -defines-> sym:p/a.go#helper",
		"file:p/a.go -imports-> dir:q",
		"file:p/a_test.go -defines-> sym:p/a_test.go#TestServer_Serve",
		"file:p/a_test.go -tests-of-> file:p/a.go",
		"file:p/a_test.go -tests-of-> sym:p/a.go#helper",
		"file:pkg/util.py -defines-> sym:pkg/util.py#slugify",
		"file:q/b.go -defines-> sym:q/b.go#Load",
		"file:q/b.go -defines-> sym:q/b.go#Save",
		"file:tests/test_util.py -defines-> sym:tests/test_util.py#test_slugify",
		"file:tests/test_util.py -imports-> file:pkg/util.py",
		"file:tests/test_util.py -tests-of-> file:pkg/util.py",
		"file:tests/test_util.py -tests-of-> sym:pkg/util.py#slugify",
		"file:web/api.test.ts -imports-> file:web/api.ts",
		"file:web/api.test.ts -references-> sym:web/api.ts#fetchUser",
		"file:web/api.test.ts -tests-of-> file:web/api.ts",
		"file:web/api.test.ts -tests-of-> sym:web/api.ts#fetchUser",
		"file:web/api.ts -defines-> sym:web/api.ts#fetchUser",
		"sym:p/a.go#Server -defines-> sym:p/a.go#Server.Serve",
		"sym:p/a.go#Server.Serve -calls-> sym:p/a.go#helper",
		"sym:p/a.go#Server.Serve -calls-> sym:q/b.go#Load",
		"sym:p/a_test.go#TestServer_Serve -calls-> sym:p/a.go#helper",
		"sym:p/a_test.go#TestServer_Serve -tests-of-> sym:p/a.go#Server",
		"sym:p/a_test.go#TestServer_Serve -tests-of-> sym:p/a.go#Server.Serve",
		"sym:q/b.go#Load -calls-> sym:q/b.go#Save",
		"sym:tests/test_util.py#test_slugify -calls-> sym:pkg/util.py#slugify",
		"sym:tests/test_util.py#test_slugify -tests-of-> sym:pkg/util.py#slugify",
	}
	if !slices.Equal(got, want) {
		t.Errorf("edges differ\n got: %q\nwant: %q", got, want)
		for _, e := range got {
			if !slices.Contains(want, e) {
				t.Errorf("unexpected %s", e)
			}
		}
		for _, e := range want {
			if !slices.Contains(got, e) {
				t.Errorf("missing %s", e)
			}
		}
	}
}

// TestGraphIncremental: a definition indexed after its user links up, and
// removing it unlinks.
func TestGraphIncremental(t *testing.T) {
	g, _ := NewGraph(GraphOptions{})
	facts := smallFacts()
	if err := g.SetFile(facts[0]); err != nil { // p/a.go before q/b.go exists
		t.Fatal(err)
	}
	has := func(e string) bool { return slices.Contains(edgeList(t, g), e) }
	if has("sym:p/a.go#Server.Serve -calls-> sym:q/b.go#Load") || has("file:p/a.go -imports-> dir:q") {
		t.Fatal("edge into a file not indexed yet")
	}
	if err := g.SetFile(facts[1]); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"sym:p/a.go#Server.Serve -calls-> sym:q/b.go#Load", "file:p/a.go -imports-> dir:q", "file:p/a.go -changes-with-> file:q/b.go"} {
		if !has(e) {
			t.Errorf("after adding q/b.go: missing %s", e)
		}
	}
	// Renaming Load to Fetch drops the call edge.
	renamed := facts[1]
	renamed.Symbols = []SymbolFact{{Name: "Fetch", Kind: "function"}, {Name: "Save", Kind: "function"}}
	renamed.Refs = []RefFact{{Name: "Save", From: "Fetch", Call: true}}
	if err := g.SetFile(renamed); err != nil {
		t.Fatal(err)
	}
	if has("sym:p/a.go#Server.Serve -calls-> sym:q/b.go#Load") || g.Has("sym:q/b.go#Load") {
		t.Error("the renamed symbol is still linked")
	}
	g.RemoveFile("q/b.go")
	if has("file:p/a.go -imports-> dir:q") || has("file:p/a.go -changes-with-> file:q/b.go") || g.Has("dir:q") {
		t.Errorf("edges into a removed file remain: %q", edgeList(t, g))
	}
}

// TestGraphIncrementalEqualsRebuild sets and removes files at random and
// compares the edges with a graph built from the final facts at once.
func TestGraphIncrementalEqualsRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	names := []string{"Alpha", "Beta", "Gamma", "Delta", "Open", "Close", "Read", "Write"}
	gen := func(i int) FileFacts {
		dir := fmt.Sprintf("d%d", i%4)
		f := FileFacts{Path: fmt.Sprintf("%s/f%d.go", dir, i), Lang: "go", Package: "ex.com/" + dir}
		for range rng.IntN(4) {
			f.Symbols = append(f.Symbols, SymbolFact{Name: names[rng.IntN(len(names))], Kind: "function"})
		}
		for range rng.IntN(6) {
			r := RefFact{Name: names[rng.IntN(len(names))], Call: rng.IntN(2) == 0}
			if len(f.Symbols) > 0 && rng.IntN(2) == 0 {
				r.From = f.Symbols[0].Name
			}
			if rng.IntN(3) == 0 {
				r.Qualifier = fmt.Sprintf("d%d", rng.IntN(4))
			}
			f.Refs = append(f.Refs, r)
		}
		if rng.IntN(2) == 0 {
			f.Imports = []string{fmt.Sprintf("ex.com/d%d", rng.IntN(4))}
		}
		if rng.IntN(2) == 0 {
			f.CoChanged = []CoChange{{Path: fmt.Sprintf("d%d/f%d.go", rng.IntN(4), rng.IntN(12)), Count: 1 + rng.IntN(5)}}
		}
		return f
	}
	inc, _ := NewGraph(GraphOptions{MaxAmbiguity: 3})
	state := map[string]FileFacts{}
	for op := range 400 {
		i := rng.IntN(12)
		if rng.IntN(4) == 0 {
			p := fmt.Sprintf("d%d/f%d.go", i%4, i)
			inc.RemoveFile(p)
			delete(state, p)
		} else {
			f := gen(i)
			if err := inc.SetFile(f); err != nil {
				t.Fatal(err)
			}
			state[f.Path] = f
		}
		if op%37 == 0 {
			inc.resolve() // resolve at various points, as queries would
		}
	}
	fresh, _ := NewGraph(GraphOptions{MaxAmbiguity: 3})
	for _, f := range state {
		if err := fresh.SetFile(f); err != nil {
			t.Fatal(err)
		}
	}
	a, b := edgeList(t, inc), edgeList(t, fresh)
	if !slices.Equal(a, b) {
		t.Fatalf("incremental graph differs from a rebuild\nincremental: %q\nrebuild:     %q", a, b)
	}
	na, ea := inc.Len()
	nb, eb := fresh.Len()
	if na != nb || ea != eb {
		t.Fatalf("Len: incremental %d nodes %d edges, rebuild %d %d", na, ea, nb, eb)
	}
}

func TestGraphNeighbors(t *testing.T) {
	g, _ := NewGraph(GraphOptions{})
	for _, f := range smallFacts() {
		if err := g.SetFile(f); err != nil {
			t.Fatal(err)
		}
	}
	ns, err := g.Neighbors("sym:p/a.go#helper", 1)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range ns {
		ids = append(ids, fmt.Sprintf("%s %s rev=%v d=%d", n.ID, n.Kind, n.Reverse, n.Depth))
	}
	want := []string{
		"file:p/a.go defines rev=true d=1",
		"file:p/a_test.go tests-of rev=true d=1",
		"sym:p/a.go#Server.Serve calls rev=true d=1",
		"sym:p/a_test.go#TestServer_Serve calls rev=true d=1",
	}
	if !slices.Equal(ids, want) {
		t.Errorf("Neighbors depth 1:\n got %q\nwant %q", ids, want)
	}
	ns, err = g.Neighbors("file:p/a.go", 2, EdgeCalls, EdgeDefines)
	if err != nil {
		t.Fatal(err)
	}
	var d2 []string
	for _, n := range ns {
		if n.Depth == 2 {
			d2 = append(d2, n.ID)
		}
	}
	if want := []string{"sym:p/a_test.go#TestServer_Serve", "sym:q/b.go#Load"}; !slices.Equal(d2, want) {
		t.Errorf("depth 2 by calls/defines: %q, want %q", d2, want)
	}
	for _, tt := range []struct {
		node  string
		depth int
		kinds []string
		want  error
	}{
		{"file:nope.go", 1, nil, ErrUnknownNode},
		{"file:p/a.go", 0, nil, ErrInvalidQuery},
		{"file:p/a.go", 1, []string{"likes"}, ErrInvalidQuery},
	} {
		if _, err := g.Neighbors(tt.node, tt.depth, tt.kinds...); !errors.Is(err, tt.want) {
			t.Errorf("Neighbors(%q, %d, %v) = %v, want %v", tt.node, tt.depth, tt.kinds, err, tt.want)
		}
	}
}

func TestGraphBadFacts(t *testing.T) {
	g, _ := NewGraph(GraphOptions{})
	for _, f := range []FileFacts{
		{},
		{Path: "/abs/x.go"},
		{Path: "a/../b.go"},
		{Path: "../x.go"},
		{Path: "a\\b.go"},
		{Path: "x.go", Symbols: []SymbolFact{{Kind: "function"}}},
		{Path: "x.go", Symbols: []SymbolFact{{Name: "F", StartLine: 9, EndLine: 2}}},
		{Path: "x.go", Refs: []RefFact{{}}},
		{Path: "x.go", CoChanged: []CoChange{{Path: "y.go", Count: -1}}},
	} {
		if err := g.SetFile(f); !errors.Is(err, ErrInvalidFacts) {
			t.Errorf("SetFile(%+v) = %v, want ErrInvalidFacts", f, err)
		}
	}
	if _, err := NewGraph(GraphOptions{Weights: map[string]float64{"likes": 1}}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("unknown weight kind: %v", err)
	}
	if _, err := NewGraph(GraphOptions{Reverse: 2}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("reverse 2: %v", err)
	}
}
