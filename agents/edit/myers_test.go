package edit

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func lcs(a, b []int) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// checkMarks verifies that the unmarked elements of a and b are equal in
// order, and returns the edit distance.
func checkMarks(t *testing.T, a, b []int, del, ins []bool) int {
	t.Helper()
	var ka, kb []int
	d := 0
	for i, x := range a {
		if del[i] {
			d++
		} else {
			ka = append(ka, x)
		}
	}
	for j, x := range b {
		if ins[j] {
			d++
		} else {
			kb = append(kb, x)
		}
	}
	if len(ka) != len(kb) {
		t.Fatalf("kept %d of a, %d of b", len(ka), len(kb))
	}
	for i := range ka {
		if ka[i] != kb[i] {
			t.Fatalf("kept elements differ at %d", i)
		}
	}
	return d
}

func TestMyersMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 3000; iter++ {
		alpha := 1 + r.IntN(6)
		a := make([]int, r.IntN(25))
		b := make([]int, r.IntN(25))
		for i := range a {
			a[i] = r.IntN(alpha)
		}
		for i := range b {
			b[i] = r.IntN(alpha)
		}
		del, ins := diffMarks(a, b)
		d := checkMarks(t, a, b, del, ins)
		if want := len(a) + len(b) - 2*lcs(a, b); d != want {
			t.Fatalf("a=%v b=%v: edit distance %d, minimal %d", a, b, d, want)
		}
	}
}

// Beyond maxCost the script is still valid, just not minimal.
func TestMyersCostLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a := make([]int, 30000)
	b := make([]int, 30000)
	for i := range a {
		a[i] = r.IntN(1000)
	}
	for i := range b {
		b[i] = r.IntN(1000)
	}
	del, ins := diffMarks(a, b)
	checkMarks(t, a, b, del, ins)
}

func TestBlockOps(t *testing.T) {
	ops := blockOps(strings.Split("a b c d", " "), strings.Split("a x c d e", " "))
	var got []string
	for _, o := range ops {
		got = append(got, string(o.Op)+o.Text)
	}
	if s := strings.Join(got, ","); s != " a,-b,+x, c, d,+e" {
		t.Errorf("ops = %s", s)
	}
}

func TestUnifiedDiffFormat(t *testing.T) {
	tests := []struct {
		name, old, new, want string
		oldNil, newNil       bool
	}{
		{name: "equal", old: "a\n", new: "a\n", want: ""},
		{name: "one line", old: "a\n", new: "b\n", want: "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"},
		{name: "context and merge", old: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", new: "1\nX\n3\n4\n5\n6\n7\n8\nY\n10\n11\n12\n",
			want: "--- a/f\n+++ b/f\n@@ -1,12 +1,12 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+Y\n 10\n 11\n 12\n"},
		{name: "seven apart", old: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", new: "1\nX\n3\n4\n5\n6\n7\n8\n9\nY\n11\n12\n",
			want: "--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -7,6 +7,6 @@\n 7\n 8\n 9\n-10\n+Y\n 11\n 12\n"},
		{name: "two hunks", old: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n", new: "X\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nY\n",
			want: "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n@@ -10,4 +10,4 @@\n 10\n 11\n 12\n-13\n+Y\n"},
		{name: "no newline", old: "a\nb", new: "a\nb\n", want: "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
		{name: "insert into empty", old: "", new: "a\n", want: "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"},
		{name: "create", new: "a\n", oldNil: true, want: "--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"},
		{name: "delete", old: "a\n", newNil: true, want: "--- a/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"},
		{name: "pure insertion", old: "a\nb\n", new: "a\nx\nb\n", want: "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n+x\n b\n"},
	}
	for _, tc := range tests {
		old, new := []byte(tc.old), []byte(tc.new)
		if tc.oldNil {
			old = nil
		}
		if tc.newNil {
			new = nil
		}
		if got := UnifiedDiff("f", old, new); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	if got := UnifiedDiff("/abs/f", []byte("a\n"), []byte("b\n")); !strings.HasPrefix(got, "--- /abs/f\n+++ /abs/f\n") {
		t.Errorf("absolute path header: %q", got)
	}
}
