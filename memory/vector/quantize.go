package vector

import "math"

// Int8 quantisation.
//
// A stored vector v (already normalised) becomes codes c_j = round(v_j / s)
// with s = max|v_j| / 127, so the codes span [-127, 127] symmetrically and
// v ≈ s·c. A query q becomes int16 codes d_j = round(q_j / t) with
// t = max|q_j| / qmax. The kernels return the exact integer Σ c_j·d_j and the
// cosine estimate is s·t·Σ c_j·d_j.
//
// The kernels accumulate in int32 (AVX2 VPMADDWD / VPADDD). |Σ c_j·d_j| is
// at most dim·127·qmax, so queryCodeMax picks the largest qmax ≤ 32767 that
// keeps that below 2^31: 32767 up to dim 516, 258 at MaxDim. The query's
// precision is therefore never what limits recall for common dimensions.

// rowCodeMax is the largest int8 code magnitude; -128 is never produced.
const rowCodeMax = 127

// quantizeRow writes the codes of v into dst (len(dst) ≥ len(v); the rest
// is zeroed) and returns the scale. v must be normalised (non-zero).
func quantizeRow(dst []int8, v []float32) float32 {
	var m float32
	for _, x := range v {
		if a := abs32(x); a > m {
			m = a
		}
	}
	scale := m / rowCodeMax
	inv := rowCodeMax / float64(m)
	for j, x := range v {
		dst[j] = int8(roundClamp(float64(x)*inv, rowCodeMax))
	}
	clear(dst[len(v):])
	return scale
}

// queryCodeMax returns the largest query code magnitude for dimension dim
// (see the package comment above).
func queryCodeMax(dim int) int {
	m := (math.MaxInt32) / (dim * rowCodeMax)
	return min(m, math.MaxInt16)
}

// quantizeQuery writes the int16 codes of the normalised query q into dst
// (len(dst) ≥ len(q); the rest is zeroed) and returns the query scale t.
func quantizeQuery(dst []int16, q []float32) float32 {
	qmax := float64(queryCodeMax(len(q)))
	var m float32
	for _, x := range q {
		if a := abs32(x); a > m {
			m = a
		}
	}
	inv := qmax / float64(m)
	for j, x := range q {
		dst[j] = int16(roundClamp(float64(x)*inv, int32(qmax)))
	}
	clear(dst[len(q):])
	return float32(float64(m) / qmax)
}

// roundClamp rounds c half away from zero (as math.Round) and clamps it to
// ±m. Copysign and the truncating conversion keep it branch-free: signs are
// random, so a branch mispredicts half the time.
func roundClamp(c float64, m int32) int32 {
	r := int32(c + math.Copysign(0.5, c))
	return max(-m, min(m, r))
}

func abs32(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}
