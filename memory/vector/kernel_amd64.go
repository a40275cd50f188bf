//go:build amd64 && !purego

package vector

import "golang.org/x/sys/cpu"

// Assembly kernels (kernel_amd64.s).
//
// Why assembly: the Go compiler emits scalar SSE for these loops (it has no
// auto-vectoriser), and the scalar float32 scan of 100k×384 takes 6-9 ms on
// two cores, above the 5 ms target and well above the memory-bandwidth
// bound. Two short AVX2 loops, checked against the Go kernels in
// kernel_test.go, bring the scan to the bandwidth bound. Build with the
// purego tag to use the Go kernels everywhere.

// haveAVX2 reports AVX2 and FMA with OS support for the YMM state;
// x/sys/cpu sets HasAVX2 only when the OS saves YMM registers.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernelName names the scan kernels in use, for benchmarks and reports.
var kernelName = func() string {
	if haveAVX2 {
		return "avx2"
	}
	return "go"
}()

// scoresF32AVX2 computes rows dot products of q against consecutive rows
// of x, each stride floats long; stride must be a positive multiple of 32.
//
//go:noescape
func scoresF32AVX2(q *float32, x *float32, stride int, rows int, out *float32)

// scoresI8AVX2 is the int8 × int16 counterpart of scoresF32AVX2.
//
//go:noescape
func scoresI8AVX2(q *int16, x *int8, stride int, rows int, out *int32)

func scoresF32(q, x []float32, stride int, out []float32) {
	if !haveAVX2 || len(out) == 0 {
		scoresF32Go(q, x, stride, out)
		return
	}
	// Bounds checks the assembly cannot make.
	_ = q[stride-1]
	_ = x[len(out)*stride-1]
	scoresF32AVX2(&q[0], &x[0], stride, len(out), &out[0])
}

func scoresI8(q []int16, q32 []int32, x []int8, stride int, out []int32) {
	if !haveAVX2 || len(out) == 0 {
		scoresI8Go(q32, x, stride, out)
		return
	}
	_ = q[stride-1]
	_ = x[len(out)*stride-1]
	scoresI8AVX2(&q[0], &x[0], stride, len(out), &out[0])
}
