package tflite

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The AVX2 requantizer gives multiplyByQuantizedMultiplier's bytes, lane by
// lane, over the whole range of accumulators, multipliers and shifts.
func TestRequantizerMatchesReference(t *testing.T) {
	defer func(a, b bool) { useAVX512, useAVX2 = a, b }(useAVX512, useAVX2)
	for _, isa := range []struct{ avx512, avx2 bool }{{useAVX512, useAVX2}, {false, useAVX2}, {false, false}} {
		useAVX512, useAVX2 = isa.avx512, isa.avx2
		requantMatchesReference(t)
	}
}

func requantMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	accs := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, 1 << 30, -(1 << 30), 12345, -12345}
	for trial := 0; trial < 300; trial++ {
		nch := 1 + r.IntN(40)
		mult, shift := make([]int32, nch), make([]int, nch)
		for c := range mult {
			switch r.IntN(8) {
			case 0:
				mult[c] = 0
			case 1:
				mult[c] = math.MaxInt32
			default:
				mult[c] = 1<<30 + r.Int32N(1<<30)
			}
			shift[c] = r.IntN(62) - 31 // −31 … 30
			if r.IntN(2) == 0 {
				shift[c] = -r.IntN(12) // the usual: small right shifts
			}
		}
		reps := 1 + r.IntN(5)
		off, lo, hi := int32(r.IntN(256)-128), int32(-128), int32(127)
		if trial%3 == 0 {
			lo, hi = int32(r.IntN(100)-128), int32(r.IntN(100)+27)
		}
		q := newRequantizer(mult, shift, reps, off, lo, hi)
		n := nch * reps
		acc := make([]int32, n)
		for i := range acc {
			if r.IntN(4) == 0 {
				acc[i] = accs[r.IntN(len(accs))]
			} else {
				acc[i] = int32(r.Uint32()) >> r.IntN(32)
			}
		}
		got := make([]int8, n)
		q.run(acc, got)
		for i, a := range acc {
			c := i % nch
			v := multiplyByQuantizedMultiplier(a, mult[c], shift[c]) + off
			if want := int8(clampInt32(v, lo, hi)); got[i] != want {
				t.Fatalf("trial %d lane %d: acc %d mult %d shift %d: got %d, want %d", trial, i, a, mult[c], shift[c], got[i], want)
			}
		}
	}
}

func TestRequantizerAllocs(t *testing.T) {
	q := newRequantizer([]int32{1 << 30}, []int{-3}, 64, 0, -128, 127)
	acc, y := make([]int32, 64), make([]int8, 64)
	if n := testing.AllocsPerRun(10, func() { q.run(acc, y) }); n != 0 {
		t.Fatalf("%v allocations per run", n)
	}
}
