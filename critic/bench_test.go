package critic

import (
	"context"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// midPackage generates a mid-size package: 30 files of about 240 lines
// (8,000 lines with the tests) and tests in 6 of them.
func midPackage() map[string]string {
	files := make(map[string]string)
	for i := range 30 {
		var b strings.Builder
		b.WriteString("package mid\n\nimport (\n\t\"fmt\"\n\t\"sort\"\n\t\"strings\"\n)\n\n")
		for j := range 7 {
			n := fmt.Sprintf("T%d_%d", i, j)
			fmt.Fprintf(&b, "// %s is a generated record.\ntype %s struct {\n\tName   string\n\tValues []int\n\tIndex  map[string]int\n}\n\n", n, n)
			fmt.Fprintf(&b, "// Sum adds the even values and subtracts half the odd ones.\nfunc (t *%s) Sum() int {\n\ttotal := 0\n\tfor _, v := range t.Values {\n\t\tif v%%2 == 0 {\n\t\t\ttotal += v\n\t\t} else {\n\t\t\ttotal -= v / 2\n\t\t}\n\t}\n\treturn total\n}\n\n", n)
			fmt.Fprintf(&b, "// Keys returns the upper-cased keys, sorted.\nfunc (t *%s) Keys() []string {\n\tkeys := make([]string, 0, len(t.Index))\n\tfor k := range t.Index {\n\t\tkeys = append(keys, strings.ToUpper(k))\n\t}\n\tsort.Strings(keys)\n\treturn keys\n}\n\n", n)
			fmt.Fprintf(&b, "// String formats the record.\nfunc (t *%s) String() string {\n\treturn fmt.Sprintf(\"%%s:%%d:%%v\", t.Name, t.Sum(), t.Keys())\n}\n\n", n)
		}
		files[fmt.Sprintf("mid/f%02d.go", i)] = b.String()
		if i%5 == 0 {
			var tb strings.Builder
			tb.WriteString("package mid\n\nimport \"testing\"\n\n")
			for j := range 7 {
				n := fmt.Sprintf("T%d_%d", i, j)
				fmt.Fprintf(&tb, "func Test%s(t *testing.T) {\n\tr := &%s{Name: \"x\", Values: []int{1, 2, 3, 4}, Index: map[string]int{\"b\": 1, \"a\": 2}}\n\tif got := r.Sum(); got != 5 {\n\t\tt.Fatalf(\"Sum = %%d\", got)\n\t}\n\tif got := r.String(); got != \"x:5:[A B]\" {\n\t\tt.Fatalf(\"String = %%q\", got)\n\t}\n}\n\n", n, n)
			}
			files[fmt.Sprintf("mid/f%02d_test.go", i)] = tb.String()
		}
	}
	for name, src := range files {
		formatted, err := format.Source([]byte(src))
		if err != nil {
			panic(err)
		}
		files[name] = string(formatted)
	}
	return files
}

// BenchmarkCriticVsGoBuild times a Critic review of a one-file change in
// a mid-size package next to a plain `go build` of the same change, both
// with a warm build cache. Every iteration changes the file anew, so
// neither finds the package itself in the cache. Run with
// -benchtime=10x; it reports medians and the ratio critic/go build.
func BenchmarkCriticVsGoBuild(b *testing.B) {
	files := midPackage()
	lines := 0
	for _, f := range files {
		lines += strings.Count(f, "\n")
	}
	b.Logf("package: %d files, %d lines", len(files), lines)
	for _, withTests := range []bool{false, true} {
		name := "vet+build"
		if withTests {
			name = "vet+build+tests"
		}
		b.Run(name, func(b *testing.B) {
			ws := newModule(b, files)
			plain := newModule(b, files)
			c := newCritic(b, ws, func(o *Options) { o.DisableTests = !withTests })
			orig := files["mid/f03.go"]
			variant := func(i int) string {
				return orig + fmt.Sprintf("\n// Bench%d is iteration %d.\nconst Bench%d = %d\n", i, i, i, i)
			}
			goBuild := func(content string) (wall, cpu time.Duration) {
				if err := os.WriteFile(filepath.Join(plain, "mid", "f03.go"), []byte(content), 0o644); err != nil {
					b.Fatal(err)
				}
				cpu0, start := rusage(syscall.RUSAGE_CHILDREN), time.Now()
				cmd := exec.Command("go", "build", "./mid")
				cmd.Dir = plain
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("go build: %v: %s", err, out)
				}
				return time.Since(start), rusage(syscall.RUSAGE_CHILDREN) - cpu0
			}
			critic := func(content string) (wall, cpu time.Duration) {
				self0, start := rusage(syscall.RUSAGE_SELF), time.Now()
				rv, err := c.Review(context.Background(), Task{Kind: KindTodo}, Patch{[]FileChange{fchange("mid/f03.go", content)}})
				if err != nil {
					b.Fatal(err)
				}
				if !rv.Accepted {
					b.Fatalf("rejected:\n%s", explain(rv))
				}
				// The sandbox measures its commands' CPU itself: bubblewrap
				// does not pass its children's usage up to this process.
				return time.Since(start), rv.CPU + rusage(syscall.RUSAGE_SELF) - self0
			}
			// Warm both: the standard library and the unchanged package.
			goBuild(variant(100000))
			critic(variant(100001))
			var crit, build, ratio, critCPU, buildCPU []float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				g, gc := goBuild(variant(2 * i))
				k, kc := critic(variant(2*i + 1))
				build, buildCPU = append(build, ms(g)), append(buildCPU, ms(gc))
				crit, critCPU = append(crit, ms(k)), append(critCPU, ms(kc))
				ratio = append(ratio, ms(k)/ms(g))
			}
			b.StopTimer()
			b.ReportMetric(median(crit), "critic-ms")
			b.ReportMetric(median(build), "gobuild-ms")
			b.ReportMetric(median(crit)/median(build), "ratio")
			b.ReportMetric(slices.Min(ratio), "ratio-min")
			b.ReportMetric(slices.Max(ratio), "ratio-max")
			// CPU time (user+sys of child processes) does not depend on the
			// machine's load the way wall time does.
			b.ReportMetric(median(critCPU)/median(buildCPU), "cpu-ratio")
			b.Logf("%s: critic ms %v; go build ms %v", name, rounded(crit), rounded(build))
			b.Logf("%s: CPU ms: critic %v; go build %v", name, rounded(critCPU), rounded(buildCPU))
		})
	}
}

// rusage is the user+system time of this process (RUSAGE_SELF) or of its
// waited-for descendants (RUSAGE_CHILDREN).
func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func rounded(xs []float64) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x + 0.5)
	}
	return out
}
