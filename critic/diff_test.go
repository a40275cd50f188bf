package critic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n"
	new := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl"
	d := newFileDiff("x.txt", []byte(old), []byte(new), false, false)
	var b strings.Builder
	d.unified(&b)
	want := "--- a/x.txt\n+++ b/x.txt\n" +
		"@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n" +
		"@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n\\ No newline at end of file\n"
	if b.String() != want {
		t.Fatalf("diff:\n%s\nwant:\n%s", b.String(), want)
	}
	if a, del := d.counts(); a != 2 || del != 1 {
		t.Fatalf("counts %d %d", a, del)
	}
	created := newFileDiff("n.go", nil, []byte("package n\n"), true, false)
	b.Reset()
	created.unified(&b)
	if b.String() != "--- /dev/null\n+++ b/n.go\n@@ -0,0 +1 @@\n+package n\n" {
		t.Fatalf("creation diff:\n%s", b.String())
	}
	if lo, hi := d.newRange(2); lo != 2 || hi != 2 {
		t.Fatalf("newRange(2) = %d,%d", lo, hi)
	}
	if lo, hi := d.newRange(5); lo != 5 || hi != 5 {
		t.Fatalf("newRange(5) = %d,%d", lo, hi)
	}
}

// TestDiffApplies: applying the ops to a gives b, and the diff is
// minimal-ish, on random edits.
func TestDiffApplies(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		var a []string
		for range r.IntN(40) {
			a = append(a, fmt.Sprintf("l%d\n", r.IntN(8)))
		}
		b := append([]string(nil), a...)
		for range r.IntN(6) {
			switch p := r.IntN(len(b) + 1); r.IntN(3) {
			case 0:
				b = append(b[:p], append([]string{fmt.Sprintf("n%d\n", r.IntN(8))}, b[p:]...)...)
			case 1:
				if p < len(b) {
					b = append(b[:p], b[p+1:]...)
				}
			case 2:
				if p < len(b) {
					b[p] = "changed\n"
				}
			}
		}
		ops := diffLines(a, b)
		var got []string
		ai := 0
		for _, op := range ops {
			switch op.kind {
			case opEqual:
				if a[op.a] != b[op.b] || op.a != ai {
					t.Fatalf("case %d: bad equal op %+v", i, op)
				}
				got = append(got, a[op.a])
				ai++
			case opDelete:
				if op.a != ai {
					t.Fatalf("case %d: delete out of order %+v", i, op)
				}
				ai++
			case opInsert:
				got = append(got, b[op.b])
			}
		}
		if ai != len(a) || strings.Join(got, "") != strings.Join(b, "") {
			t.Fatalf("case %d: ops do not turn a into b:\na=%q\nb=%q\nops=%+v", i, a, b, ops)
		}
	}
}
