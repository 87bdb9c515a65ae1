package tflite

import (
	"math"
	"math/bits"
)

// Fixed-point arithmetic of TFLite's reference kernels (kernels/internal/
// common.h, quantization_util.cc, gemmlowp's fixedpoint.h), with TFLite
// Micro's default double rounding. Each function is the exact integer
// arithmetic of its namesake.

// quantizeMultiplier splits a real multiplier into a Q31 significand and a
// power-of-two exponent: m ≈ q · 2^(shift−31).
func quantizeMultiplier(m float64) (q int32, shift int) {
	if m == 0 {
		return 0, 0
	}
	frac, exp := math.Frexp(m)
	qf := int64(math.Round(frac * (1 << 31))) // TfLiteRound: half away from zero
	if qf == 1<<31 {
		qf /= 2
		exp++
	}
	if exp < -31 {
		return 0, 0
	}
	return int32(qf), exp
}

// saturatingRoundingDoublingHighMul is gemmlowp's SRDHM: (a·b·2 + 2^31) >> 32
// with round-half-away-from-zero, saturating the one overflow case.
func saturatingRoundingDoublingHighMul(a, b int32) int32 {
	if a == b && a == math.MinInt32 {
		return math.MaxInt32
	}
	ab := int64(a) * int64(b)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - (1 << 30)
	}
	return int32((ab + nudge) / (1 << 31)) // division truncates, as in C++
}

// roundingDivideByPOT is x / 2^exp rounded half away from zero (gemmlowp's
// RoundingDivideByPOT, for int32 and int16 alike).
func roundingDivideByPOT[T int16 | int32](x T, exp int) T {
	mask := T(1)<<exp - 1
	remainder := x & mask
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	r := x >> exp
	if remainder > threshold {
		r++
	}
	return r
}

// multiplyByQuantizedMultiplier is x · q · 2^(shift−31), double rounding.
func multiplyByQuantizedMultiplier(x, q int32, shift int) int32 {
	left, right := 0, 0
	if shift > 0 {
		left = shift
	} else {
		right = -shift
	}
	return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x*(1<<left), q), right)
}

// activationRangeInt8 is CalculateActivationRangeQuantized for int8 outputs.
func activationRangeInt8(act Activation, scale float32, zero int32) (lo, hi int32, ok bool) {
	q := func(f float32) int32 { return zero + int32(math.Round(float64(f/scale))) }
	lo, hi = -128, 127
	switch act {
	case ActNone:
	case ActRelu:
		lo = max(lo, q(0))
	case ActRelu6:
		lo, hi = max(lo, q(0)), min(hi, q(6))
	case ActReluN1To1:
		lo, hi = max(lo, q(-1)), min(hi, q(1))
	default:
		return 0, 0, false
	}
	return lo, hi, true
}

// activationRangeFloat is CalculateActivationRange for float outputs.
func activationRangeFloat(act Activation) (lo, hi float32, ok bool) {
	switch act {
	case ActNone:
		return -math.MaxFloat32, math.MaxFloat32, true
	case ActRelu:
		return 0, math.MaxFloat32, true
	case ActRelu6:
		return 0, 6, true
	case ActReluN1To1:
		return -1, 1, true
	}
	return 0, 0, false
}

func clampInt32(v, lo, hi int32) int32 { return min(max(v, lo), hi) }

// gemmlowp fixed point on int32 raws: a FixedPoint<int32, I> has 31−I
// fractional bits. The functions below name their formats.

// fxMul multiplies F<a> by F<b> into F<a+b>.
func fxMul(a, b int32) int32 { return saturatingRoundingDoublingHighMul(a, b) }

// saturatingRoundingMultiplyByPOT multiplies by 2^exp, saturating (exp > 0)
// or rounding (exp < 0).
func saturatingRoundingMultiplyByPOT(x int32, exp int) int32 {
	switch {
	case exp == 0:
		return x
	case exp < 0:
		return roundingDivideByPOT(x, -exp)
	}
	threshold := int32(1)<<(31-exp) - 1
	if x > threshold {
		return math.MaxInt32
	}
	if x < -threshold {
		return math.MinInt32
	}
	return x << exp
}

// rescale converts F<src> to F<dst>.
func rescale(x int32, src, dst int) int32 { return saturatingRoundingMultiplyByPOT(x, src-dst) }

// expOnIntervalBetweenNegativeOneQuarterAnd0Excl: F0 → F0.
func expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a int32) int32 {
	const constantTerm = 1895147668 // exp(-1/8)
	const oneThird = 715827883
	x := a + 1<<28 // a + 1/8
	x2 := fxMul(x, x)
	x3 := fxMul(x2, x)
	x4 := fxMul(x2, x2)
	x4over4 := saturatingRoundingMultiplyByPOT(x4, -2)
	poly := saturatingRoundingMultiplyByPOT(fxMul(x4over4+x3, oneThird)+x2, -1)
	return constantTerm + fxMul(constantTerm, x+poly)
}

// expOnNegativeValues is exp(a) for a ≤ 0: F<intBits> → F0.
func expOnNegativeValues(a int32, intBits int) int32 {
	fracBits := 31 - intBits
	oneQuarter := int32(1) << (fracBits - 2)
	mask := oneQuarter - 1
	aModQuarterMinusOneQuarter := (a & mask) - oneQuarter
	result := expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, intBits, 0))
	remainder := aModQuarterMinusOneQuarter - a
	barrel := [...]struct {
		exp  int
		mult int32
	}{{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308}, {2, 39332535}, {3, 720401}, {4, 242}}
	for _, b := range barrel {
		if intBits > b.exp {
			if remainder&(int32(1)<<(fracBits+b.exp)) != 0 {
				result = fxMul(result, b.mult)
			}
		}
	}
	if intBits > 5 {
		clampB := 36 - intBits
		if a < -(int32(1) << clampB) {
			result = 0
		}
	}
	if a == 0 {
		result = math.MaxInt32
	}
	return result
}

// oneOverOnePlusXForXIn01 is 1/(1+a) for a in [0, 1): F0 → F0.
func oneOverOnePlusXForXIn01(a int32) int32 {
	// RoundingHalfSum(a, One) with One = INT32_MAX for F0.
	sum := int64(a) + math.MaxInt32
	sign := int64(1)
	if sum < 0 {
		sign = -1
	}
	halfDenominator := int32((sum + sign) / 2)
	const c48over17 = 1515870810     // F2
	const cNeg32over17 = -1010580540 // F2
	x := c48over17 + fxMul(halfDenominator, cNeg32over17)
	const oneF2 = int32(1) << 29
	for i := 0; i < 3; i++ {
		hdx := fxMul(halfDenominator, x)          // F0·F2 → F2
		oneMinus := oneF2 - hdx                   // F2
		x = x + rescale(fxMul(x, oneMinus), 4, 2) // F2·F2 = F4 → F2
	}
	// ExactMulByPot<-1>: F2 → F1 (same raw), then Rescale to F0.
	return rescale(x, 1, 0)
}

// getReciprocal returns 1/x (x in F<intDigits>) as F0 scaled by
// 2^numBitsOverUnit.
func getReciprocal(x int32, intDigits int) (recip int32, numBitsOverUnit int) {
	headroomPlusOne := bits.LeadingZeros32(uint32(x))
	numBitsOverUnit = intDigits - headroomPlusOne
	shiftedSumMinusOne := int32((uint32(x) << headroomPlusOne) - (uint32(1) << 31))
	return oneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit
}
