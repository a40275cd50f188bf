//go:build !amd64 || purego

package vector

// kernelName names the scan kernels in use, for benchmarks and reports.
const kernelName = "go"

// haveAVX2: the vectorised kernels are not built here.
const haveAVX2 = false

func scoresF32(q, x []float32, stride int, out []float32) { scoresF32Go(q, x, stride, out) }

func scoresI8(_ []int16, q32 []int32, x []int8, stride int, out []int32) {
	scoresI8Go(q32, x, stride, out)
}
