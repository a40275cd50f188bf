package knowledge

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// enclosingBrute is the definition: the shortest span holding b, the
// latest-starting on ties, the highest symbol of identical spans.
func enclosingBrute(spans []span, b int) int {
	best, bestLen, bestStart := -1, int(^uint(0)>>1), -1
	for _, s := range spans {
		if s.start <= b && b < s.end {
			if l := s.end - s.start; l < bestLen || (l == bestLen && (s.start > bestStart || s.start == bestStart && s.sym > best)) {
				best, bestLen, bestStart = s.sym, l, s.start
			}
		}
	}
	return best
}

// nested makes properly nested spans, as a syntax tree gives.
func nested(rng *rand.Rand, lo, hi, depth int, spans *[]span) {
	for at := lo; at < hi && depth > 0; {
		start := at + rng.IntN(max(1, (hi-at)/3+1))
		end := start + 1 + rng.IntN(max(1, hi-start))
		if end > hi {
			end = hi
		}
		if start >= end {
			break
		}
		*spans = append(*spans, span{start, end, len(*spans)})
		nested(rng, start, end, depth-1, spans)
		at = end
	}
}

func TestEnclosingAllMatchesTheDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for iter := 0; iter < 500; iter++ {
		var spans []span
		nested(rng, 0, 1+rng.IntN(400), 1+rng.IntN(5), &spans)
		rng.Shuffle(len(spans), func(i, j int) { spans[i], spans[j] = spans[j], spans[i] })
		pos := make([]int, rng.IntN(60))
		for i := range pos {
			pos[i] = rng.IntN(420) - 5
		}
		want := make([]int, len(pos))
		for i, b := range pos {
			want[i] = enclosingBrute(spans, b)
		}
		if got := enclosingAll(slices.Clone(spans), pos); !slices.Equal(got, want) {
			t.Fatalf("spans %v positions %v: got %v, want %v", spans, pos, got, want)
		}
	}
}
