package tflite

import "math"

// SOFTMAX, int8 → int8 with gemmlowp fixed point (reference/softmax.h and
// TFLite Micro's softmax_common.cc), and float32.

type softmaxKernel struct {
	beta         float32
	inputMult    int32
	inputShift   int
	diffMin      int32
	outer, depth int
}

func newSoftmax() Kernel { return &softmaxKernel{} }

const scaledDiffIntegerBits = 5
const accumulationIntegerBits = 12

func (k *softmaxKernel) Prepare(n *Node) error {
	k.beta = 1
	if n.hasOpts {
		b, err := n.opts.float32(0, "beta", 1)
		if err != nil {
			return err
		}
		k.beta = b
	}
	if !(k.beta > 0) || math.IsInf(float64(k.beta), 0) {
		return n.errf("beta %v is not positive and finite", k.beta)
	}
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || len(in.Shape) == 0 || in.NumElements() != out.NumElements() {
		return n.errf("input and output must have the same non-empty shape")
	}
	k.depth = in.Dim(-1)
	if k.depth == 0 {
		return n.errf("empty last dimension")
	}
	k.outer = in.NumElements() / k.depth
	switch {
	case in.Type == Float32 && out.Type == Float32:
	case in.Type == Int8 && out.Type == Int8:
		if in.Quant == nil || out.Quant == nil {
			return n.errf("int8 tensors without quantisation parameters")
		}
		// TFLite Micro requires the output to be scaled for [0, 1).
		if out.ZeroPoint() != -128 || math.Abs(float64(out.Scale())-1.0/256) > 0.001/256 {
			return n.errf("int8 output must have zero point -128 and scale 1/256, has %d and %v", out.ZeroPoint(), out.Scale())
		}
		realMult := math.Min(float64(k.beta)*float64(in.Scale())*float64(int64(1)<<(31-scaledDiffIntegerBits)), float64(int64(1)<<31-1))
		if !(realMult > 1) {
			return n.errf("input scale %v too small for the fixed-point softmax", in.Scale())
		}
		k.inputMult, k.inputShift = quantizeMultiplier(realMult)
		radius := math.Floor(float64((int64(1)<<scaledDiffIntegerBits-1)*(int64(1)<<(31-scaledDiffIntegerBits))) / float64(int64(1)<<k.inputShift))
		k.diffMin = -int32(radius)
	default:
		return n.errf("types %s → %s unsupported", in.Type, out.Type)
	}
	return nil
}

func (k *softmaxKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in.Type == Float32 {
		x, y := in.Float32(), out.Float32()
		for i := 0; i < k.outer; i++ {
			row, dst := x[i*k.depth:(i+1)*k.depth], y[i*k.depth:(i+1)*k.depth]
			mx := float32(-math.MaxFloat32)
			for _, v := range row {
				mx = max(mx, v)
			}
			var sum float32
			for c, v := range row {
				e := float32(math.Exp(float64((v - mx) * k.beta)))
				dst[c] = e
				sum += e
			}
			for c := range dst {
				dst[c] /= sum
			}
		}
		return nil
	}
	x, y := in.Int8(), out.Int8()
	for i := 0; i < k.outer; i++ {
		row, dst := x[i*k.depth:(i+1)*k.depth], y[i*k.depth:(i+1)*k.depth]
		mx := int32(math.MinInt8)
		for _, v := range row {
			mx = max(mx, int32(v))
		}
		var sum int32 // F<12>
		for _, v := range row {
			if d := int32(v) - mx; d >= k.diffMin {
				e := expOnNegativeValues(k.scaledDiff(d), scaledDiffIntegerBits)
				sum += rescale(e, 0, accumulationIntegerBits)
			}
		}
		scale, bitsOverUnit := getReciprocal(sum, accumulationIntegerBits)
		exponent := bitsOverUnit + 31 - 8
		for c, v := range row {
			d := int32(v) - mx
			if d < k.diffMin {
				dst[c] = math.MinInt8
				continue
			}
			e := expOnNegativeValues(k.scaledDiff(d), scaledDiffIntegerBits)
			o := roundingDivideByPOT(fxMul(scale, e), exponent) + math.MinInt8
			dst[c] = int8(clampInt32(o, math.MinInt8, math.MaxInt8))
		}
	}
	return nil
}

// scaledDiff is MultiplyByQuantizedMultiplierGreaterThanOne.
func (k *softmaxKernel) scaledDiff(d int32) int32 {
	return saturatingRoundingDoublingHighMul(d*(1<<k.inputShift), k.inputMult)
}
