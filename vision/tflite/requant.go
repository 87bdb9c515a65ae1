package tflite

import "math"

// requantizer turns int32 accumulators into int8 outputs, lane by lane:
// y = clamp(MultiplyByQuantizedMultiplier(acc, mult, shift) + outOffset),
// TFLite's double rounding, with the shift split into its left and right
// parts. Its parameters are per lane (per output channel, repeated along a
// row where a kernel requantizes whole rows), so one call finishes many
// outputs: in AVX2, eight at a time.
type requantizer struct {
	mult, lsh, rsh    []int32
	outOffset, lo, hi int32
	// vector: no multiplier is MinInt32, the one case where the doubling
	// high multiply saturates and the vector kernel's 64-bit shortcut does not.
	vector bool
}

// newRequantizer repeats the per-channel multipliers and shifts reps times.
func newRequantizer(mult []int32, shift []int, reps int, outOffset, lo, hi int32) requantizer {
	n := len(mult) * reps
	q := requantizer{mult: make([]int32, n), lsh: make([]int32, n), rsh: make([]int32, n), outOffset: outOffset, lo: lo, hi: hi, vector: true}
	for i := range n {
		c := i % len(mult)
		q.mult[i] = mult[c]
		q.vector = q.vector && mult[c] != math.MinInt32
		if s := shift[c]; s > 0 {
			q.lsh[i] = int32(s)
		} else {
			q.rsh[i] = int32(-s)
		}
	}
	return q
}

// run requantizes acc[i] into y[i] for i < len(y), with lane i's parameters.
func (q *requantizer) run(acc []int32, y []int8) {
	n := len(y)
	if n8 := n &^ 7; useAVX2 && q.vector && n8 > 0 {
		_, _, _, _ = acc[n-1], q.mult[n-1], q.lsh[n-1], q.rsh[n-1]
		requantAVX2(&acc[0], &q.mult[0], &q.lsh[0], &q.rsh[0], &y[0], n8, q.outOffset, q.lo, q.hi)
		q.runGo(acc[n8:n], y[n8:], n8)
		return
	}
	q.runGo(acc[:n], y, 0)
}

// runGo is run's pure-Go twin, for lanes from first on.
func (q *requantizer) runGo(acc []int32, y []int8, first int) {
	mult, lsh, rsh := q.mult[first:][:len(y)], q.lsh[first:][:len(y)], q.rsh[first:][:len(y)]
	acc = acc[:len(y)]
	for i, a := range acc {
		v := roundingDivideByPOT(saturatingRoundingDoublingHighMul(a<<uint(lsh[i]), mult[i]), int(rsh[i])) + q.outOffset
		y[i] = int8(clampInt32(v, q.lo, q.hi))
	}
}
