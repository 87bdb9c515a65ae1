package tflite

import "math"

// QUANTIZE (float32 → int8, int8 → int8 requantisation), DEQUANTIZE
// (int8 → float32) and RESHAPE.

type quantizeKernel struct {
	scale  float32
	zero   int32
	mult   int32
	shift  int
	inZero int32
}

func newQuantize() Kernel { return &quantizeKernel{} }

func (k *quantizeKernel) Prepare(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || in.NumElements() != out.NumElements() {
		return n.errf("input and output must have the same number of elements")
	}
	if out.Type != Int8 || out.Quant == nil || len(out.Quant.Scale) != 1 {
		return n.errf("output must be int8 with one scale, is %s", out.Type)
	}
	k.scale, k.zero = out.Scale(), out.ZeroPoint()
	switch in.Type {
	case Float32:
	case Int8:
		if in.Quant == nil {
			return n.errf("int8 input without quantisation parameters")
		}
		k.mult, k.shift = quantizeMultiplier(float64(in.Scale()) / float64(out.Scale()))
		k.inZero = in.ZeroPoint()
	default:
		return n.errf("input type %s unsupported", in.Type)
	}
	return nil
}

func (k *quantizeKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	y := out.Int8()
	if in.Type == Float32 {
		x := in.Float32()
		y = y[:len(x)]
		for i, v := range x {
			y[i] = k.quantize(v)
		}
		return nil
	}
	for i, v := range in.Int8() {
		q := multiplyByQuantizedMultiplier(int32(v)-k.inZero, k.mult, k.shift) + k.zero
		y[i] = int8(clampInt32(q, math.MinInt8, math.MaxInt8))
	}
	return nil
}

// quantize is TFLite's AffineQuantize of one value: round(v/scale), half
// away from zero, plus the zero point, clamped. The float32 quotient plus
// ±0.5 is exact in float64 while it is small, and truncation then rounds
// half away from zero without a branch; outside ±2^22 it is clamped as a
// float, so huge values and infinities saturate instead of wrapping. NaN
// gives the zero point.
func (k *quantizeKernel) quantize(v float32) int8 {
	r := float64(v / k.scale)
	q := int32(0)
	if r > -1<<22 && r < 1<<22 {
		q = int32(r + math.Copysign(0.5, r))
	} else if r > 0 {
		q = 1 << 22
	} else if r < 0 {
		q = -1 << 22
	}
	return int8(clampInt32(q+k.zero, math.MinInt8, math.MaxInt8))
}

type dequantizeKernel struct {
	scale float64
	zero  int32
}

func newDequantize() Kernel { return &dequantizeKernel{} }

func (k *dequantizeKernel) Prepare(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || in.NumElements() != out.NumElements() {
		return n.errf("input and output must have the same number of elements")
	}
	if in.Type != Int8 || out.Type != Float32 || in.Quant == nil {
		return n.errf("types %s → %s unsupported (int8 → float32)", in.Type, out.Type)
	}
	k.scale, k.zero = float64(in.Scale()), in.ZeroPoint()
	return nil
}

func (k *dequantizeKernel) Eval(n *Node) error {
	y := n.Output(0).Float32()
	for i, v := range n.Input(0).Int8() {
		y[i] = float32(k.scale * float64(int32(v)-k.zero))
	}
	return nil
}

// reshapeKernel copies its input: the shape is the output tensor's.
type reshapeKernel struct{}

func newReshape() Kernel { return reshapeKernel{} }

func (reshapeKernel) Prepare(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil {
		return n.errf("needs an input and an output")
	}
	if in.Type != out.Type || len(in.Data) != len(out.Data) {
		return n.errf("%s %v cannot become %s %v", in.Type, in.Shape, out.Type, out.Shape)
	}
	return nil
}

func (reshapeKernel) Eval(n *Node) error {
	copy(n.Output(0).Data, n.Input(0).Data)
	return nil
}
