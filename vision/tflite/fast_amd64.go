package tflite

import "golang.org/x/sys/cpu"

// useAVX2 selects the AVX2 kernels; tests turn it off to run the Go twins.
var useAVX2 = cpu.X86.HasAVX2

// dot4Int8AVX2 computes, for n a positive multiple of 16,
//
//	for i := 0; i < n; i++ { s0 += x[i]*w0[i]; s1 += x[i]*w1[i]; s2 += …; s3 += … }
//
// sign-extending 16 bytes at a time to int16 and multiplying pairs into
// int32 with VPMADDWD.
//
//go:noescape
func dot4Int8AVX2(x, w0, w1, w2, w3 *int8, n int) (s0, s1, s2, s3 int32)

func dot4Int8Asm(x, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int32) {
	n := len(x)
	_, _, _, _ = w0[n-1], w1[n-1], w2[n-1], w3[n-1] // bounds, once
	return dot4Int8AVX2(&x[0], &w0[0], &w1[0], &w2[0], &w3[0], n)
}

// macInt8AVX2 computes, for n a positive multiple of 16,
//
//	for i := 0; i < n; i++ { acc[i] += int32(x[i]) * int32(w[i]) }
//
//go:noescape
func macInt8AVX2(acc *int32, x, w *int8, n int)

func macInt8Asm(acc []int32, x, w []int8) {
	n := len(x)
	_, _ = acc[n-1], w[n-1]
	macInt8AVX2(&acc[0], &x[0], &w[0], n)
}

// requantAVX2 is requantizer.runGo for n a positive multiple of 8 lanes:
// 64-bit products (VPMULDQ) for the doubling high multiply, per-lane
// shifts (VPSLLVD, VPSRAVD), and TFLite's rounding, lane by lane.
//
//go:noescape
func requantAVX2(acc, mult, lsh, rsh *int32, y *int8, n int, outOffset, lo, hi int32)

// useVNNI selects the AVX-512 VNNI convolution micro-kernel.
var useVNNI = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VNNI

// gemmVNNI is gemmGo in AVX-512 VNNI: eight patch rows against one block
// of 16 output channels at a time, 16 int32 lanes per row, VPDPBUSD adding
// four byte products into each lane.
//
//go:noescape
func gemmVNNI(a *uint8, kp int, w *int8, kg, nb int, corr, c *int32, ldc int)

// useAVX512 selects the 16-lane requantizer.
var useAVX512 = cpu.X86.HasAVX512F

// requantAVX512 is requantAVX2 sixteen lanes at a time, n a positive
// multiple of 16, with VPMOVSDB narrowing to bytes.
//
//go:noescape
func requantAVX512(acc, mult, lsh, rsh *int32, y *int8, n int, outOffset, lo, hi int32)

// macTapsAVX512 is macTaps for n a positive multiple of 32: for each 32
// accumulators, every tap's 32 products (VPMOVSXBW, VPMULLW: within int16)
// widened and added in registers, then one store.
//
//go:noescape
func macTapsAVX512(acc *int32, xs, ws **int8, taps, n int)
