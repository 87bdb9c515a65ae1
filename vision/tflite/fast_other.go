//go:build !amd64

package tflite

// useAVX2 is false off amd64: the Go kernels run.
var useAVX2 = false

func dot4Int8Asm(x, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int32) {
	return dot4Int8Go(x, w0, w1, w2, w3)
}

func macInt8Asm(acc []int32, x, w []int8) { macInt8Go(acc, x, w) }
