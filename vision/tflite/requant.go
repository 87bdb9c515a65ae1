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
func (q *requantizer) run(acc []int32, y []int8) { q.runFrom(0, acc, y) }

// runFrom is run with lane first+i's parameters.
func (q *requantizer) runFrom(first int, acc []int32, y []int8) {
	n := len(y)
	if !q.vector || n == 0 {
		q.runGo(acc[:n], y, first)
		return
	}
	_, _, _, _ = acc[n-1], q.mult[first+n-1], q.lsh[first+n-1], q.rsh[first+n-1]
	done := 0
	if n16 := n &^ 15; useAVX512 && n16 > 0 {
		requantAVX512(&acc[0], &q.mult[first], &q.lsh[first], &q.rsh[first], &y[0], n16, q.outOffset, q.lo, q.hi)
		done = n16
	}
	if n8 := (n - done) &^ 7; useAVX2 && n8 > 0 {
		i := first + done
		requantAVX2(&acc[done], &q.mult[i], &q.lsh[i], &q.rsh[i], &y[done], n8, q.outOffset, q.lo, q.hi)
		done += n8
	}
	q.runGo(acc[done:n], y[done:], first+done)
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
