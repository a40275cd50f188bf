package syntax

import (
	"context"
	"errors"
	"testing"

	"github.com/aios-dev/aios/repoindex/syntax/internal/talloc"
)

// drainPools closes every idle pooled parser.
func drainPools() {
	for lang := range grammars {
		grammarFor(lang).pool.drain()
	}
}

// samples are small valid files, one per language.
var samples = []struct{ path, src string }{
	{"shapes.go", goSample},
	{"geo.py", pySample},
	{"widget.js", jsSample},
	{"shape.ts", tsSample},
	{"app.tsx", tsxSample},
}

// TestParsersReused checks that sequential parses reuse one pooled parser
// per language instead of making new ones.
func TestParsersReused(t *testing.T) {
	for _, s := range samples {
		pool := grammarFor(LangForPath(s.path)).pool
		mustParse(t, s.path, s.src, Options{}) // at least one parser exists now
		before := pool.created.Load()
		for range 50 {
			mustParse(t, s.path, s.src, Options{})
		}
		if made := pool.created.Load() - before; made != 0 {
			t.Errorf("%s: %d parsers made for 50 sequential parses, want 0", s.path, made)
		}
	}
}

// TestNoCMemoryLeak counts tree-sitter's C allocations: over many parses
// (including files with syntax errors, oversized declarations and
// cancelled parses) the live count stays bounded, and closing the pooled
// parsers frees every allocation.
func TestNoCMemoryLeak(t *testing.T) {
	drainPools()
	counter, uninstall := talloc.Install()
	defer func() {
		uninstall()
		setLibcAllocator() // as Parse left it
	}()
	drainPools() // parsers made before the counter are not counted: close them
	base := counter.Live()
	files := append([]struct{ path, src string }(nil), samples...)
	files = append(files,
		struct{ path, src string }{"broken.go", "package p\nfunc (\n\tx := [}\n"},
		struct{ path, src string }{"broken.py", "def f(:\n  return )\nclass\n"},
		struct{ path, src string }{"big.go", bigGoFunc(400)},
	)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	big := []byte(generatedGo(512 << 10))
	g := grammarFor(LangGo)
	var afterTwo int
	for round := range 10 {
		for _, f := range files {
			if _, err := Parse(f.path, []byte(f.src), Options{MaxChunkBytes: 300, MinChunkBytes: 50}); err != nil {
				t.Fatal(err)
			}
		}
		// A parse halted by its cancellation flag.
		pp, err := g.pool.get()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pp.parse(cancelled, big, true); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled parse: err %v", err)
		}
		g.pool.put(pp)
		if round == 1 {
			afterTwo = counter.Live()
		}
	}
	// Pooled parsers keep bounded caches (a leaked tree alone would be
	// thousands of allocations a round).
	if live := counter.Live(); live > afterTwo+100 {
		t.Errorf("live C allocations grew from %d after two rounds to %d after ten", afterTwo, live)
	}
	drainPools()
	if live := counter.Live(); live != base {
		t.Errorf("%d C allocations live after closing the pools, want %d", live, base)
	}
}
