package edit

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// bigFile is about 1 MB of Go-like source.
func bigFile() []string {
	var lines []string
	for i := 0; len(lines) < 26000; i++ {
		lines = append(lines,
			fmt.Sprintf("// F%d does step %d.", i, i),
			fmt.Sprintf("func F%d(x int) int {", i),
			"\tif x > 0 {",
			fmt.Sprintf("\t\tx += %d", i),
			"\t}",
			"\treturn x",
			"}",
			"")
	}
	return lines
}

// tenEdits changes ten functions spread over the file.
func tenEdits(lines []string) []string {
	out := append([]string(nil), lines...)
	for k := 0; k < 10; k++ {
		i := (k*len(out)/10)/8*8 + 3
		out[i] = out[i] + " // changed"
	}
	return out
}

func bigCase() (old, new []byte) {
	lines := bigFile()
	return []byte(strings.Join(lines, "\n") + "\n"), []byte(strings.Join(tenEdits(lines), "\n") + "\n")
}

func BenchmarkApply1MB10Hunks(b *testing.B) {
	old, new := bigCase()
	d := UnifiedDiff("big.go", old, new)
	noNums := hunkNums.ReplaceAllString(d, "@@ @@")
	blocks := blocksFromDiff(b, d)
	spaces := strings.ReplaceAll(blocks, "\t", "    ")
	src := mapSource{"big.go": string(old)}
	for _, bc := range []struct{ name, answer string }{
		{"diff", d}, {"diff-no-numbers", noNums}, {"blocks", blocks}, {"blocks-spaces-for-tabs", spaces},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(old)))
			for b.Loop() {
				edits, err := ParseAndApply(bc.answer, src, Options{})
				if err != nil || len(edits) != 1 {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnifiedDiff1MB(b *testing.B) {
	old, new := bigCase()
	b.SetBytes(int64(len(old)))
	for b.Loop() {
		UnifiedDiff("big.go", old, new)
	}
}

func blocksFromDiff(tb testing.TB, d string) string {
	tb.Helper()
	p, err := Parse(d, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	var s strings.Builder
	for _, h := range p.Files[0].Hunks {
		s.WriteString("big.go\n<<<<<<< SEARCH\n")
		var repl []string
		for _, l := range h.Lines {
			if l.Op != OpInsert {
				s.WriteString(l.Text + "\n")
			}
			if l.Op != OpDelete {
				repl = append(repl, l.Text)
			}
		}
		s.WriteString("=======\n" + strings.Join(repl, "\n") + "\n>>>>>>> REPLACE\n")
	}
	return s.String()
}

// The 1 MB cases give the right result, also through the tolerant paths.
func TestLargeFile(t *testing.T) {
	old, new := bigCase()
	d := UnifiedDiff("big.go", old, new)
	blocks := blocksFromDiff(t, d)
	for name, answer := range map[string]string{
		"diff": d, "diff-no-numbers": hunkNums.ReplaceAllString(d, "@@ @@"),
		"blocks": blocks, "blocks-spaces-for-tabs": strings.ReplaceAll(blocks, "\t", "    "),
	} {
		edits, err := ParseAndApply(answer, mapSource{"big.go": string(old)}, Options{})
		if err != nil || len(edits) != 1 || string(edits[0].Content) != string(new) {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

// Degenerate inputs finish quickly with a clear error: no quadratic work.
func TestPathologicalInputs(t *testing.T) {
	same := strings.Repeat("x\n", 500000) // 1 MB of equal lines
	pat := strings.Repeat("x\n", 2000)
	r := rand.New(rand.NewPCG(5, 6))
	junk := make([]byte, 1<<20)
	for i := range junk {
		junk[i] = byte(32 + r.IntN(95))
		if r.IntN(40) == 0 {
			junk[i] = '\n'
		}
	}
	tests := []struct {
		name, answer string
		src          mapSource
		kind         ErrorKind
	}{
		{"no match among equal lines", "f\n<<<<<<< SEARCH\n" + pat + "y\n=======\nz\n>>>>>>> REPLACE\n", mapSource{"f": same}, NoMatch},
		{"ambiguous among equal lines", "f\n<<<<<<< SEARCH\n" + pat + "=======\nz\n>>>>>>> REPLACE\n", mapSource{"f": same}, Ambiguous},
		{"hunk among equal lines", "--- a/f\n+++ b/f\n@@ -250000,3 +250000,3 @@\n x\n-x\n+y\n x\n", mapSource{"f": same}, 0},
		{"1 MB of junk", string(junk), mapSource{}, NoEdit},
		{"1 MB SEARCH", "f\n<<<<<<< SEARCH\n" + string(junk) + "\n=======\nz\n>>>>>>> REPLACE\n", mapSource{"f": same}, NoMatch},
		{"1 MB whole file", "```\n" + same + "```\n", mapSource{"f": same}, NoEdit},
		{"binary answer", "\x00\x01\x02", mapSource{}, Malformed},
		{"huge answer", strings.Repeat("a", maxAnswerBytes+1), mapSource{}, Malformed},
	}
	for _, tc := range tests {
		start := time.Now()
		_, err := ParseAndApply(tc.answer, tc.src, Options{DefaultPath: "f", AllowWholeFile: true})
		el := time.Since(start)
		if tc.kind == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		} else if !errorsIsKind(err, tc.kind) {
			t.Errorf("%s: err %v, want kind %v", tc.name, err, tc.kind)
		}
		if el > 5*time.Second {
			t.Errorf("%s took %v", tc.name, el)
		}
		t.Logf("%s: %v", tc.name, el)
	}
}

func errorsIsKind(err error, k ErrorKind) bool {
	e := &Error{Kind: k}
	for _, x := range collect(err, nil) {
		if x.Is(e) {
			return true
		}
	}
	return false
}
