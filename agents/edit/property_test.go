package edit

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tricky lines that a diff parser could mistake for structure.
var tricky = []string{"", " ", "\t", "-- x", "++ y", "--- a", "+++ b", "@@ x @@", "@@ -1 +1 @@", "\\ x", "```", "```go", "diff --git a/x b/x", "}", "trailing  ", "  indented", "=======", "<<<<<<< SEARCH", ">>>>>>> REPLACE"}

// randLines makes n lines: unique ones ("line 17 k3"), and when trick is
// set, also lines from tricky and repeated ones.
func randLines(r *rand.Rand, n int, trick bool, tag string) []string {
	lines := make([]string, n)
	for i := range lines {
		switch {
		case trick && r.IntN(4) == 0:
			lines[i] = tricky[r.IntN(len(tricky))]
		case trick && r.IntN(6) == 0:
			lines[i] = fmt.Sprintf("\tdup %d", r.IntN(3))
		case !trick && r.IntN(10) == 0:
			lines[i] = ""
		default:
			lines[i] = fmt.Sprintf("%sline %d %x", tag, i, r.Uint32())
		}
	}
	return lines
}

// mutate applies random insertions, deletions and replacements.
func mutate(r *rand.Rand, lines []string, trick bool) []string {
	out := append([]string(nil), lines...)
	for k := r.IntN(5); k >= 0; k-- {
		pos := 0
		if len(out) > 0 {
			pos = r.IntN(len(out) + 1)
		}
		n := r.IntN(4)
		switch r.IntN(3) {
		case 0: // insert
			out = append(out[:pos], append(randLines(r, n+1, trick, fmt.Sprintf("new%d ", k)), out[pos:]...)...)
		case 1: // delete
			end := min(pos+n+1, len(out))
			out = append(out[:pos], out[end:]...)
		default: // replace
			end := min(pos+n+1, len(out))
			out = append(out[:pos], append(randLines(r, n+1, trick, fmt.Sprintf("chg%d ", k)), out[end:]...)...)
		}
	}
	return out
}

func join(lines []string, finalNL bool) []byte {
	s := strings.Join(lines, "\n")
	if finalNL && len(lines) > 0 {
		s += "\n"
	}
	return []byte(s)
}

type pair struct{ old, new []byte }

func randPairs(seed uint64, n int, trick, finalNL bool) []pair {
	r := rand.New(rand.NewPCG(seed, seed+1))
	var out []pair
	for len(out) < n {
		old := randLines(r, r.IntN(40), trick, "")
		new := mutate(r, old, trick)
		oldNL, newNL := finalNL, finalNL
		if !finalNL {
			oldNL, newNL = r.IntN(3) > 0, r.IntN(3) > 0
		}
		p := pair{join(old, oldNL), join(new, newNL)}
		if !bytes.Equal(p.old, p.new) {
			out = append(out, p)
		}
	}
	return out
}

func applyTo(t *testing.T, answer string, old []byte) ([]byte, error) {
	t.Helper()
	edits, err := ParseAndApply(answer, mapSource{"f.txt": string(old)}, Options{})
	if err != nil {
		return nil, err
	}
	if len(edits) != 1 {
		return nil, fmt.Errorf("%d edits", len(edits))
	}
	return edits[0].Content, nil
}

// UnifiedDiff(old, new) parsed and applied to old gives new exactly, also
// for lines that look like diff or SEARCH/REPLACE syntax.
func TestPropertyDiffRoundTrip(t *testing.T) {
	for i, p := range randPairs(7, 2000, true, false) {
		d := UnifiedDiff("f.txt", p.old, p.new)
		got, err := applyTo(t, d, p.old)
		if err != nil || !bytes.Equal(got, p.new) {
			t.Fatalf("case %d: err %v\nold %q\nnew %q\ngot %q\ndiff:\n%s", i, err, p.old, p.new, got, d)
		}
	}
}

var hunkNums = regexp.MustCompile(`(?m)^@@ -\d+(,\d+)? \+\d+(,\d+)? @@$`)

// With line numbers wrong by a constant or removed, a diff of unique lines
// still applies.
func TestPropertyDiffWrongNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i, p := range randPairs(9, 500, false, true) {
		d := UnifiedDiff("f.txt", p.old, p.new)
		shift := r.IntN(50) - 25
		var wrong string
		if i%2 == 0 {
			wrong = hunkNums.ReplaceAllString(d, "@@ ... @@")
		} else {
			wrong = hunkNums.ReplaceAllStringFunc(d, func(h string) string {
				var a, b, c, e int
				if n, _ := fmt.Sscanf(h, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &e); n == 4 {
					return fmt.Sprintf("@@ -%d,%d +%d,%d @@", max(a+shift, 1), b+1, max(c+shift, 1), e)
				}
				return h
			})
		}
		got, err := applyTo(t, wrong, p.old)
		if err != nil && errors.Is(err, ErrAmbiguous) && i%2 == 0 {
			continue // blank-only context can repeat
		}
		if err != nil || !bytes.Equal(got, p.new) {
			t.Fatalf("case %d: err %v\nold %q\nnew %q\ngot %q\ndiff:\n%s", i, err, p.old, p.new, got, wrong)
		}
	}
}

// SEARCH/REPLACE blocks made from the hunks of UnifiedDiff(old, new) and
// applied to old in order give new.
func TestPropertyBlocksFromDiff(t *testing.T) {
	ambiguous := 0
	pairs := randPairs(13, 1000, false, true)
	for i, p := range pairs {
		if len(p.old) == 0 {
			continue
		}
		parsed, err := Parse(UnifiedDiff("f.txt", p.old, p.new), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, h := range parsed.Files[0].Hunks {
			b.WriteString("Change:\n\nf.txt\n```\n<<<<<<< SEARCH\n")
			var repl []string
			for _, l := range h.Lines {
				if l.Op != OpInsert {
					b.WriteString(l.Text + "\n")
				}
				if l.Op != OpDelete {
					repl = append(repl, l.Text)
				}
			}
			b.WriteString("=======\n")
			for _, l := range repl {
				b.WriteString(l + "\n")
			}
			b.WriteString(">>>>>>> REPLACE\n```\n\n")
		}
		got, err := applyTo(t, b.String(), p.old)
		if errors.Is(err, ErrAmbiguous) {
			ambiguous++
			continue
		}
		if err != nil || !bytes.Equal(got, p.new) {
			t.Fatalf("case %d: err %v\nold %q\nnew %q\ngot %q\nanswer:\n%s", i, err, p.old, p.new, got, b.String())
		}
	}
	if ambiguous > len(pairs)/50 {
		t.Errorf("%d of %d cases ambiguous", ambiguous, len(pairs))
	}
}

func needBinary(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Skipf("%s not installed", n)
		}
	}
}

func countChanges(d string) int {
	n := 0
	for _, l := range strings.Split(d, "\n") {
		if (strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "--- ")) || (strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++ ")) {
			n++
		}
	}
	return n
}

// Diffs made by GNU diff -u and git diff --no-index parse and apply; ours
// applies with GNU patch; ours is as small as diff --minimal's.
func TestPropertyRealTools(t *testing.T) {
	needBinary(t, "diff", "patch", "git")
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	oldF, newF := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	for i, p := range randPairs(17, 150, true, false) {
		if err := os.WriteFile(oldF, p.old, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(newF, p.new, 0o644); err != nil {
			t.Fatal(err)
		}
		ours := UnifiedDiff("f.txt", p.old, p.new)

		gnu, _ := exec.Command("diff", "-u", "-d", "--label", "a/f.txt", "--label", "b/f.txt", oldF, newF).Output()
		if got, err := applyTo(t, string(gnu), p.old); err != nil || !bytes.Equal(got, p.new) {
			t.Fatalf("case %d: GNU diff: err %v\ngot %q\nwant %q\n%s", i, err, got, p.new, gnu)
		}
		if a, b := countChanges(ours), countChanges(string(gnu)); a != b {
			t.Errorf("case %d: our diff changes %d lines, diff --minimal %d\nours:\n%s\ngnu:\n%s", i, a, b, ours, gnu)
		}

		gitOut, _ := exec.Command("git", "diff", "--no-index", "--no-color", "--no-ext-diff", oldF, newF).Output()
		edits, err := ParseAndApply(string(gitOut), mapSource{strings.TrimPrefix(oldF, "/"): string(p.old)}, Options{})
		if err != nil || len(edits) != 1 || !bytes.Equal(edits[0].Content, p.new) {
			t.Fatalf("case %d: git diff: err %v edits %+v\n%s", i, err, edits, gitOut)
		}

		work := filepath.Join(dir, "w")
		os.RemoveAll(work)
		os.MkdirAll(work, 0o755)
		os.WriteFile(filepath.Join(work, "f.txt"), p.old, 0o644)
		cmd := exec.Command("patch", "-p1", "-s", "-f", "--no-backup-if-mismatch")
		cmd.Dir = work
		cmd.Stdin = strings.NewReader(ours)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: patch: %v\n%s\n%s", i, err, out, ours)
		}
		if got, _ := os.ReadFile(filepath.Join(work, "f.txt")); !bytes.Equal(got, p.new) {
			t.Fatalf("case %d: patch result %q, want %q\n%s", i, got, p.new, ours)
		}
	}
}
