package syntax

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/aios-dev/aios/repoindex/syntax/internal/talloc"
)

// snippets are what the random edits insert: code, half-typed code and
// lone brackets and quotes that break the syntax for a while.
var snippets = []string{
	"func added() {}\n", "x := 1\n", "{", "}", "(", ")", "\"", "'", "`", "\n", "  ",
	"// comment\n", "/* open", "*/", "def g(a):\n    return a\n", "class K:\n    pass\n",
	"const k = () => 1;\n", "interface I { a: number }\n", "<div>", "</div>", "é", "日本",
	"type T struct{ A int }\n", "import \"fmt\"\n", "if x {", "return\n",
}

// randomEdit replaces a random span of src (possibly empty) by a random
// snippet (possibly nothing).
func randomEdit(rng *rand.Rand, src []byte) []byte {
	start := rng.IntN(len(src) + 1)
	end := min(len(src), start+rng.IntN(40))
	if rng.IntN(3) == 0 {
		end = start // a pure insertion, as typing is
	}
	ins := ""
	if rng.IntN(4) != 0 {
		ins = snippets[rng.IntN(len(snippets))]
	}
	out := append([]byte(nil), src[:start]...)
	out = append(out, ins...)
	return append(out, src[end:]...)
}

// TestTreesMatchFreshParse edits files at random, valid and broken, and
// checks that a parse through Trees (incremental) gives exactly the File a
// fresh parse gives, at every step.
func TestTreesMatchFreshParse(t *testing.T) {
	files := append([]struct{ path, src string }(nil), samples...)
	if src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go")); err == nil {
		files = append(files, struct{ path, src string }{"server.go", string(src)})
	}
	trees := NewTrees(0)
	defer trees.Close()
	opts := Options{MaxChunkBytes: 400, MinChunkBytes: 60}
	for i, f := range files {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		steps := 300
		if len(f.src) > 20000 {
			steps = 40
		}
		src := []byte(f.src)
		for step := range steps {
			if step > 0 {
				src = randomEdit(rng, src)
			}
			got, gotErr := trees.Parse(context.Background(), f.path, src, opts)
			want, wantErr := Parse(f.path, src, opts)
			if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Fatalf("%s step %d: error %v, a fresh parse's %v", f.path, step, gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s step %d: the incremental parse differs from a fresh one\nsource:\n%s", f.path, step, src)
			}
		}
	}
	if n := trees.Len(); n != len(files) {
		t.Errorf("%d trees kept, want %d", n, len(files))
	}
}

// TestTreesBounded: the least recently used tree goes first; Forget and
// Close free trees; a cancelled parse drops its tree and the next parse
// is right.
func TestTreesBounded(t *testing.T) {
	drainPools()
	counter, uninstall := talloc.Install()
	defer func() {
		uninstall()
		setLibcAllocator()
	}()
	drainPools()
	base := counter.Live()
	trees := NewTrees(2)
	parse := func(ctx context.Context, path, src string) (*File, error) {
		return trees.Parse(ctx, path, []byte(src), Options{})
	}
	for _, p := range []string{"a.go", "b.go", "a.go", "c.go"} {
		if _, err := parse(context.Background(), p, goSample); err != nil {
			t.Fatal(err)
		}
	}
	if trees.Len() != 2 {
		t.Fatalf("%d trees kept, want 2", trees.Len())
	}
	trees.mu.Lock()
	_, hasB := trees.kept["b.go"]
	trees.mu.Unlock()
	if hasB {
		t.Error("b.go, the least recently used, is still kept")
	}
	trees.Forget("a.go")
	if trees.Len() != 1 {
		t.Fatalf("after Forget: %d trees", trees.Len())
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	big := generatedGo(512 << 10)
	if _, err := parse(context.Background(), "big.go", big); err != nil {
		t.Fatal(err)
	}
	if _, err := parse(cancelled, "big.go", big+"\nfunc z() {}\n"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled parse: %v", err)
	}
	got, err := parse(context.Background(), "big.go", big+"\nfunc y() {}\n")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Parse("big.go", []byte(big+"\nfunc y() {}\n"), Options{})
	if !reflect.DeepEqual(got, want) {
		t.Fatal("after a cancelled parse the next one differs from a fresh parse")
	}
	// A path whose language changed is parsed afresh.
	if _, err := parse(context.Background(), "c.go", pySample); err != nil {
		t.Fatal(err)
	}
	trees.Close()
	if trees.Len() != 0 {
		t.Fatal("trees kept after Close")
	}
	if _, err := parse(context.Background(), "d.go", goSample); err != nil || trees.Len() != 0 {
		t.Fatalf("parse after Close: %v, %d kept", err, trees.Len())
	}
	drainPools()
	if live := counter.Live(); live != base {
		t.Errorf("%d C allocations live after Close, want %d", live, base)
	}
}

func TestInputEdit(t *testing.T) {
	for _, c := range []struct {
		old, new             string
		start, oldEnd, nwEnd uint32
		sp, op, np           [2]uint32
	}{
		{"abc\ndef\n", "abc\ndXef\n", 5, 5, 6, [2]uint32{1, 1}, [2]uint32{1, 1}, [2]uint32{1, 2}},
		{"abc\ndef\n", "abc\n", 4, 8, 4, [2]uint32{1, 0}, [2]uint32{2, 0}, [2]uint32{1, 0}},
		{"aaaa", "aaaaaa", 4, 4, 6, [2]uint32{0, 4}, [2]uint32{0, 4}, [2]uint32{0, 6}},
		{"", "x\ny", 0, 0, 3, [2]uint32{0, 0}, [2]uint32{0, 0}, [2]uint32{1, 1}},
		{"0123456789abcdef0123456789", "0123456789abXdef0123456789", 12, 13, 13, [2]uint32{0, 12}, [2]uint32{0, 13}, [2]uint32{0, 13}},
	} {
		e, changed := inputEdit([]byte(c.old), []byte(c.new))
		if !changed {
			t.Fatalf("%q → %q: no change", c.old, c.new)
		}
		got := [9]uint32{uint32(e.start_byte), uint32(e.old_end_byte), uint32(e.new_end_byte),
			uint32(e.start_point.row), uint32(e.start_point.column), uint32(e.old_end_point.row), uint32(e.old_end_point.column),
			uint32(e.new_end_point.row), uint32(e.new_end_point.column)}
		want := [9]uint32{c.start, c.oldEnd, c.nwEnd, c.sp[0], c.sp[1], c.op[0], c.op[1], c.np[0], c.np[1]}
		if got != want {
			t.Errorf("%q → %q: edit %v, want %v", c.old, c.new, got, want)
		}
	}
	if _, changed := inputEdit([]byte("same"), []byte("same")); changed {
		t.Error("equal contents reported as changed")
	}
}
