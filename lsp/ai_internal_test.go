package lsp

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// commonAffixes must leave exactly the changed middle: old with
// old[p:len(old)-q] replaced by new[p:len(new)-q] is new, and the prefix
// and suffix start at line boundaries of old.
func TestCommonAffixes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"a", "b", "x = x", "\n", "\n", "\t", "func f() {}", ""}
	gen := func() []byte {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(words[rng.IntN(len(words))])
		}
		return []byte(b.String())
	}
	for range 5000 {
		a, b := gen(), gen()
		if rng.IntN(3) == 0 {
			b = append(append([]byte{}, a...), gen()...)
		}
		p, q := commonAffixes(a, b)
		if p+q > len(a) || p+q > len(b) {
			t.Fatalf("%q → %q: prefix %d + suffix %d overlap", a, b, p, q)
		}
		got := string(a[:p]) + string(b[p:len(b)-q]) + string(a[len(a)-q:])
		if got != string(b) {
			t.Fatalf("%q → %q: prefix %d suffix %d give %q", a, b, p, q, got)
		}
		if p > 0 && a[p-1] != '\n' {
			t.Fatalf("%q: prefix %d not at a line start", a, p)
		}
		if q > 0 && len(a)-q > 0 && a[len(a)-q-1] != '\n' {
			t.Fatalf("%q: suffix %d not at a line start", a, q)
		}
	}
}
