package tflite

import "math"

// ADD (int8, float32; same shapes or a scalar), QUANTIZE (float32 → int8,
// int8 → int8 requantisation), DEQUANTIZE (int8 → float32) and RESHAPE.

type addKernel struct {
	act                    Activation
	in1Off, in2Off, outOff int32
	m1, m2, mOut           int32
	s1, s2, sOut           int
	actMin, actMax         int32
	fMin, fMax             float32
}

func newAdd() Kernel { return &addKernel{} }

const addLeftShift = 20

func (k *addKernel) Prepare(n *Node) error {
	if n.hasOpts {
		act, err := n.opts.uint8(0, "fused_activation_function", 0)
		if err != nil {
			return err
		}
		k.act = Activation(act)
	}
	a, b, out := n.Input(0), n.Input(1), n.Output(0)
	if a == nil || b == nil || out == nil {
		return n.errf("needs two inputs and an output")
	}
	if a.NumElements() != out.NumElements() || (b.NumElements() != out.NumElements() && b.NumElements() != 1) {
		return n.errf("shapes %v + %v → %v: only equal shapes or a scalar second input are supported", a.Shape, b.Shape, out.Shape)
	}
	if a.Type != out.Type || b.Type != out.Type {
		return n.errf("types %s + %s → %s", a.Type, b.Type, out.Type)
	}
	var ok bool
	switch out.Type {
	case Float32:
		k.fMin, k.fMax, ok = activationRangeFloat(k.act)
	case Int8:
		if a.Quant == nil || b.Quant == nil || out.Quant == nil {
			return n.errf("int8 tensors without quantisation parameters")
		}
		k.in1Off, k.in2Off, k.outOff = -a.ZeroPoint(), -b.ZeroPoint(), out.ZeroPoint()
		twiceMax := 2 * float64(max(a.Scale(), b.Scale()))
		k.m1, k.s1 = quantizeMultiplier(float64(a.Scale()) / twiceMax)
		k.m2, k.s2 = quantizeMultiplier(float64(b.Scale()) / twiceMax)
		k.mOut, k.sOut = quantizeMultiplier(twiceMax / (float64(int64(1)<<addLeftShift) * float64(out.Scale())))
		k.actMin, k.actMax, ok = activationRangeInt8(k.act, out.Scale(), out.ZeroPoint())
	default:
		return n.errf("type %s unsupported", out.Type)
	}
	if !ok {
		return n.errf("activation %d unsupported", k.act)
	}
	return nil
}

func (k *addKernel) Eval(n *Node) error {
	a, b, out := n.Input(0), n.Input(1), n.Output(0)
	scalar := b.NumElements() == 1
	if out.Type == Float32 {
		x, z, y := a.Float32(), b.Float32(), out.Float32()
		for i := range y {
			w := z[0]
			if !scalar {
				w = z[i]
			}
			y[i] = min(max(x[i]+w, k.fMin), k.fMax)
		}
		return nil
	}
	x, z, y := a.Int8(), b.Int8(), out.Int8()
	for i := range y {
		w := z[0]
		if !scalar {
			w = z[i]
		}
		v1 := multiplyByQuantizedMultiplier((int32(x[i])+k.in1Off)*(1<<addLeftShift), k.m1, k.s1)
		v2 := multiplyByQuantizedMultiplier((int32(w)+k.in2Off)*(1<<addLeftShift), k.m2, k.s2)
		o := multiplyByQuantizedMultiplier(v1+v2, k.mOut, k.sOut) + k.outOff
		y[i] = int8(clampInt32(o, k.actMin, k.actMax))
	}
	return nil
}

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
		for i, v := range in.Float32() {
			q := int32(math.Round(float64(v/k.scale))) + k.zero
			y[i] = int8(clampInt32(q, math.MinInt8, math.MaxInt8))
		}
		return nil
	}
	for i, v := range in.Int8() {
		q := multiplyByQuantizedMultiplier(int32(v)-k.inZero, k.mult, k.shift) + k.zero
		y[i] = int8(clampInt32(q, math.MinInt8, math.MaxInt8))
	}
	return nil
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
