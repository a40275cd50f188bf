package vector

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestKernelsMatchPortableGo(t *testing.T) {
	t.Logf("scan kernels: %s", kernelName)
	r := rand.New(rand.NewPCG(1, 1))
	for _, stride := range []int{32, 64, 384, 416, 1536} {
		for _, rows := range []int{0, 1, 7, kernelBlock, kernelBlock + 3} {
			q := make([]float32, stride)
			x := make([]float32, rows*stride)
			for i := range q {
				q[i] = float32(r.NormFloat64())
			}
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
			got, want := make([]float32, rows), make([]float32, rows)
			scoresF32(q, x, stride, got)
			scoresF32Go(q, x, stride, want)
			for i := range got {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*math.Max(1, math.Abs(float64(want[i]))) {
					t.Fatalf("f32 stride %d row %d: %v, portable %v", stride, i, got[i], want[i])
				}
			}

			q16 := make([]int16, stride)
			x8 := make([]int8, rows*stride)
			qmax := queryCodeMax(stride)
			for i := range q16 {
				q16[i] = int16(r.IntN(2*qmax+1) - qmax)
			}
			for i := range x8 {
				x8[i] = int8(r.IntN(255) - 127)
			}
			q32 := widen(q16)
			gi, wi := make([]int32, rows), make([]int32, rows)
			scoresI8(q16, q32, x8, stride, gi)
			scoresI8Go(q32, x8, stride, wi)
			for i := range gi {
				if gi[i] != wi[i] {
					t.Fatalf("i8 stride %d row %d: %d, portable %d", stride, i, gi[i], wi[i])
				}
			}
		}
	}
}

// The int8 kernels must not overflow at the extremes quantize.go allows.
func TestKernelI8Extremes(t *testing.T) {
	for _, dim := range []int{32, 384, 4096, MaxDim} {
		qmax := queryCodeMax(dim)
		if int64(dim)*rowCodeMax*int64(qmax) > math.MaxInt32 {
			t.Fatalf("dim %d: qmax %d can overflow int32", dim, qmax)
		}
		for _, sign := range []int{1, -1} {
			q := make([]int16, dim)
			x := make([]int8, dim)
			for i := range q {
				q[i] = int16(sign * qmax)
				x[i] = rowCodeMax
			}
			want := int64(sign) * int64(dim) * rowCodeMax * int64(qmax)
			out, outGo := make([]int32, 1), make([]int32, 1)
			scoresI8(q, widen(q), x, dim, out)
			scoresI8Go(widen(q), x, dim, outGo)
			if int64(out[0]) != want || int64(outGo[0]) != want {
				t.Fatalf("dim %d sign %d: %d, portable %d, want %d", dim, sign, out[0], outGo[0], want)
			}
		}
	}
	if got := queryCodeMax(384); got != math.MaxInt16 {
		t.Errorf("queryCodeMax(384) = %d, want %d", got, math.MaxInt16)
	}
}

func TestQuantizeRow(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, dim := range []int{1, 3, 384} {
		v := randomVecs(r, 1, dim)[0]
		unit(v)
		codes := make([]int8, padStride(dim))
		for i := range codes {
			codes[i] = 99 // must be overwritten, padding included
		}
		scale := quantizeRow(codes, v)
		peak := 0
		for j, c := range codes {
			if j >= dim {
				if c != 0 {
					t.Fatalf("dim %d: padding code %d = %d", dim, j, c)
				}
				continue
			}
			peak = max(peak, int(c), -int(c))
			if d := math.Abs(float64(v[j]) - float64(c)*float64(scale)); d > float64(scale)/2+1e-7 {
				t.Fatalf("dim %d: component %d off by %g, scale %g", dim, j, d, scale)
			}
		}
		if peak != rowCodeMax {
			t.Fatalf("dim %d: peak code %d", dim, peak)
		}
	}
}

func widen(q []int16) []int32 {
	out := make([]int32, len(q))
	for i, c := range q {
		out[i] = int32(c)
	}
	return out
}
