package tflite

import "math"

// LOGISTIC, TANH and HARD_SWISH, int8 and float32: TFLite Micro's Prepare
// arithmetic and reference_integer_ops::{Logistic,Tanh}, reference_ops::
// HardSwish, with gemmlowp's fixed-point logistic and tanh.

// sigmoidTanhKernel implements LOGISTIC (tanh false) and TANH.
type sigmoidTanhKernel struct {
	tanh   bool
	inZero int32
	radius int32
	mult   int32
	shift  int
}

func newLogistic() Kernel { return &sigmoidTanhKernel{} }
func newTanh() Kernel     { return &sigmoidTanhKernel{tanh: true} }

const sigmoidInputIntBits = 4

func (k *sigmoidTanhKernel) Prepare(n *Node) error {
	in, out, err := unaryIO(n)
	if err != nil {
		return err
	}
	if in.Type == Float32 {
		return nil
	}
	wantZero, wantScale := int32(-128), 1.0/256
	if k.tanh {
		wantZero, wantScale = 0, 1.0/128
	}
	if out.ZeroPoint() != wantZero || math.Abs(float64(out.Scale())-wantScale) > wantScale*1e-3 {
		return n.errf("int8 output must have zero point %d and scale %v, has %d and %v", wantZero, wantScale, out.ZeroPoint(), out.Scale())
	}
	k.inZero = in.ZeroPoint()
	real := float64(in.Scale()) * float64(int64(1)<<(31-sigmoidInputIntBits))
	frac, exp := math.Frexp(real)
	k.mult = int32(int64(math.Round(frac * (1 << 31)))) // no halving: TFLite Micro uses frexp directly
	k.shift = exp
	r := math.Floor(float64((int64(1)<<sigmoidInputIntBits-1)*(int64(1)<<(31-sigmoidInputIntBits))) / math.Ldexp(1, k.shift))
	k.radius = int32(math.Min(r, math.MaxInt32))
	return nil
}

func (k *sigmoidTanhKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in.Type == Float32 {
		y := out.Float32()
		for i, v := range in.Float32() {
			if k.tanh {
				y[i] = float32(math.Tanh(float64(v)))
			} else {
				y[i] = float32(1 / (1 + math.Exp(-float64(v))))
			}
		}
		return nil
	}
	y := out.Int8()
	for i, v := range in.Int8() {
		x := int32(v) - k.inZero
		switch {
		case x <= -k.radius:
			y[i] = math.MinInt8
		case x >= k.radius:
			y[i] = math.MaxInt8
		case k.tanh:
			q4 := multiplyByQuantizedMultiplier(x, k.mult, k.shift)
			r := roundingDivideByPOT(fxTanh(q4, sigmoidInputIntBits), 31-7)
			y[i] = int8(clampInt32(r, math.MinInt8, math.MaxInt8))
		default:
			q4 := multiplyByQuantizedMultiplier(x, k.mult, k.shift)
			r := roundingDivideByPOT(fxLogistic(q4, sigmoidInputIntBits), 31-8) - 128
			y[i] = int8(clampInt32(r, math.MinInt8, math.MaxInt8))
		}
	}
	return nil
}

// fxLogistic is gemmlowp::logistic: F<intBits> → F0.
func fxLogistic(a int32, intBits int) int32 {
	if a == 0 {
		return 1 << 30 // one half
	}
	abs := a
	if a < 0 {
		abs = -a
	}
	pos := oneOverOnePlusXForXIn01(expOnNegativeValues(-abs, intBits))
	if a > 0 {
		return pos
	}
	return math.MaxInt32 - pos
}

// fxTanh is gemmlowp::tanh: F<intBits> → F0.
func fxTanh(a int32, intBits int) int32 {
	if a == 0 {
		return 0
	}
	neg := a
	if a > 0 {
		neg = -a
	}
	// neg_tanh_on_negative_values: exp(2·neg) via ExactMulByPot<1>, then
	// (1 − x)/(1 + x).
	t := oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(neg, intBits+1))
	if a < 0 {
		return -t
	}
	return t
}

// oneMinusXOverOnePlusXForXIn01 is (1−a)/(1+a) for a in [0, 1): F0 → F0.
func oneMinusXOverOnePlusXForXIn01(a int32) int32 {
	sum := int64(a) + math.MaxInt32
	sign := int64(1)
	if sum < 0 {
		sign = -1
	}
	halfDenominator := int32((sum + sign) / 2)
	const c48over17 = 1515870810
	const cNeg32over17 = -1010580540
	const oneF2 = int32(1) << 29
	x := c48over17 + fxMul(halfDenominator, cNeg32over17)
	for i := 0; i < 3; i++ {
		hdx := fxMul(halfDenominator, x)
		x = x + rescale(fxMul(x, oneF2-hdx), 4, 2)
	}
	return rescale(x-oneF2, 2, 0)
}

type hardSwishKernel struct {
	inZero, outZero      int32
	outMult16, reluMul16 int16
	outExp, reluExp      int
}

func newHardSwish() Kernel { return &hardSwishKernel{} }

// downScaleInt32ToInt16Multiplier rounds a Q31 multiplier to Q15.
func downScaleInt32ToInt16Multiplier(m int32) int16 {
	const off = 1 << 15
	if m >= math.MaxInt32-off {
		return math.MaxInt16
	}
	return int16((m + off) >> 16)
}

func (k *hardSwishKernel) Prepare(n *Node) error {
	in, out, err := unaryIO(n)
	if err != nil {
		return err
	}
	if in.Type == Float32 {
		return nil
	}
	k.inZero, k.outZero = in.ZeroPoint(), out.ZeroPoint()
	hires := (1.0 / 128.0) * in.Scale() // float32, as TFLite Micro
	const reluishScale = float32(3.0 / 32768.0)
	m, e := quantizeMultiplier(float64(hires / out.Scale()))
	k.outMult16, k.outExp = downScaleInt32ToInt16Multiplier(m), e
	if k.outExp > 0 {
		return n.errf("output scale %v too small for the input scale %v", out.Scale(), in.Scale())
	}
	m, e = quantizeMultiplier(float64(hires / reluishScale))
	k.reluMul16, k.reluExp = downScaleInt32ToInt16Multiplier(m), e
	return nil
}

// srdhm16 is gemmlowp's SaturatingRoundingDoublingHighMul on int16.
func srdhm16(a, b int16) int16 {
	if a == b && a == math.MinInt16 {
		return math.MaxInt16
	}
	ab := int32(a) * int32(b)
	nudge := int32(1 << 14)
	if ab < 0 {
		nudge = 1 - (1 << 14)
	}
	return int16((ab + nudge) / (1 << 15))
}

// sdhm16 is SaturatingDoublingHighMul: like srdhm16, rounding to zero.
func sdhm16(a, b int16) int16 {
	if a == b && a == math.MinInt16 {
		return math.MaxInt16
	}
	return int16(int32(a) * int32(b) / (1 << 15))
}

func satShl16(v int16, amount int) int16 {
	r := int64(v) * (int64(1) << amount)
	return int16(min(max(r, math.MinInt16), math.MaxInt16))
}

func (k *hardSwishKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in.Type == Float32 {
		y := out.Float32()
		for i, v := range in.Float32() {
			y[i] = v * min(6, max(0, v+3)) / 6
		}
		return nil
	}
	y := out.Int8()
	for i, v := range in.Int8() {
		x := int16(int32(v) - k.inZero)
		hires := x * (1 << 7)
		preshift := srdhm16(hires, k.outMult16)
		relu := hires
		if k.reluExp > 0 {
			relu = satShl16(relu, k.reluExp-1)
		}
		relu = srdhm16(relu, k.reluMul16)
		if k.reluExp > 0 {
			relu = satShl16(relu, 1)
		}
		if k.reluExp < 0 {
			relu = roundingDivideByPOT(relu, -k.reluExp)
		}
		relu = int16((int32(relu) + (1 << 15)) >> 1)
		o := roundingDivideByPOT(sdhm16(relu, preshift), -k.outExp)
		r := int32(o) + k.outZero
		y[i] = int8(clampInt32(r, math.MinInt8, math.MaxInt8))
	}
	return nil
}
