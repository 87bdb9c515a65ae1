//go:build !amd64

package tflite

// useAVX2 is false off amd64: the Go kernels run.
var useAVX2 = false

func dot4Int8Asm(x, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int32) {
	return dot4Int8Go(x, w0, w1, w2, w3)
}

func macInt8Asm(acc []int32, x, w []int8) { macInt8Go(acc, x, w) }

func requantAVX2(acc, mult, lsh, rsh *int32, y *int8, n int, outOffset, lo, hi int32) {
	panic("tflite: requantAVX2 without AVX2")
}

// useVNNI is false off amd64.
var useVNNI = false

func gemmVNNI(a *uint8, kp int, w *int8, kg, nb int, corr, c *int32, ldc int) {
	panic("tflite: gemmVNNI without AVX-512 VNNI")
}

// useAVX512 is false off amd64.
var useAVX512 = false

func requantAVX512(acc, mult, lsh, rsh *int32, y *int8, n int, outOffset, lo, hi int32) {
	panic("tflite: requantAVX512 without AVX-512")
}

func macTapsAVX512(acc *int32, xs, ws **int8, taps, n int) {
	panic("tflite: macTapsAVX512 without AVX-512")
}
