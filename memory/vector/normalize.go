package vector

import (
	"fmt"
	"math"
)

// normalizeInto writes v / ‖v‖ into dst (len(dst) == len(v)). The norm is
// computed in float64, so very large or very small components neither
// overflow nor underflow. v must have length dim.
func normalizeInto(dst, v []float32, dim int) error {
	if len(v) != dim {
		return fmt.Errorf("%w: got %d, want %d", ErrDimension, len(v), dim)
	}
	// Squares of float32 values cannot overflow float64, so the sum is
	// finite exactly when every component is.
	ss := sumSquares(v)
	if math.IsNaN(ss) || math.IsInf(ss, 0) {
		return notFinite(v)
	}
	if ss == 0 {
		return ErrZeroVector
	}
	inv := 1 / math.Sqrt(ss)
	for i, x := range v {
		dst[i] = float32(float64(x) * inv)
	}
	return nil
}

func sumSquares(v []float32) float64 {
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(v); i += 2 {
		a, b := float64(v[i]), float64(v[i+1])
		s0 += a * a
		s1 += b * b
	}
	if i < len(v) {
		a := float64(v[i])
		s0 += a * a
	}
	return s0 + s1
}

// notFinite names the first NaN or infinite component of v.
func notFinite(v []float32) error {
	for i, x := range v {
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%w: component %d is %v", ErrNotFinite, i, x)
		}
	}
	return ErrNotFinite
}

// normalized returns a normalised copy of v.
func normalized(v []float32, dim int) ([]float32, error) {
	out := make([]float32, dim)
	if err := normalizeInto(out, v, dim); err != nil {
		return nil, err
	}
	return out, nil
}

// checkID rejects ids a store cannot hold.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty", ErrBadID)
	}
	if len(id) > MaxIDLen {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrBadID, len(id), MaxIDLen)
	}
	return nil
}

// checkDim rejects dimensions a store cannot have.
func checkDim(dim int) error {
	if dim < 1 || dim > MaxDim {
		return fmt.Errorf("%w: %d is outside [1, %d]", ErrDimension, dim, MaxDim)
	}
	return nil
}

// checkBatch validates an Upsert batch as a whole and returns the
// normalised vectors, so a bad entry rejects the batch before any change.
func checkBatch(ids []string, vecs [][]float32, dim int) ([]float32, error) {
	if len(ids) != len(vecs) {
		return nil, fmt.Errorf("%w: %d ids, %d vectors", ErrLength, len(ids), len(vecs))
	}
	flat := make([]float32, len(ids)*dim)
	for i, id := range ids {
		if err := checkID(id); err != nil {
			return nil, fmt.Errorf("upsert entry %d: %w", i, err)
		}
		if err := normalizeInto(flat[i*dim:(i+1)*dim], vecs[i], dim); err != nil {
			return nil, fmt.Errorf("upsert entry %d (id %q): %w", i, id, err)
		}
	}
	return flat, nil
}

// renormalize copies a vector read from a snapshot into dst. Exported
// vectors are normalised already and are kept bit for bit; one whose norm
// is off by more than float32 rounding is normalised again. NaN, Inf and
// zero vectors are errors.
func renormalize(dst, v []float32) error {
	ss := sumSquares(v)
	if math.IsNaN(ss) || math.IsInf(ss, 0) {
		return notFinite(v)
	}
	if math.Abs(ss-1) <= 1e-4 {
		copy(dst, v)
		return nil
	}
	return normalizeInto(dst, v, len(v))
}
