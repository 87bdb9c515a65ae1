package tflite

import "math"

// RELU, RELU6, SQUEEZE, PAD, TRANSPOSE and CONCATENATION: activations and
// data movement, int8 and float32, as TFLite Micro's kernels.

type reluKernel struct {
	six             bool
	inZero, outZero int32
	mult            int32
	shift           int
	actMin, actMax  int32
	zero, sixQ      int32
}

func newRelu() Kernel  { return &reluKernel{} }
func newRelu6() Kernel { return &reluKernel{six: true} }

func (k *reluKernel) Prepare(n *Node) error {
	in, out, err := unaryIO(n)
	if err != nil {
		return err
	}
	if in.Type == Float32 {
		return nil
	}
	if k.six { // RELU6 clamps in the input's own quantisation
		k.zero = in.ZeroPoint()
		// FloatToQuantizedType: 6.0 quantised, clamped to int8.
		k.sixQ = clampInt32(in.ZeroPoint()+int32(math.Round(float64(6/in.Scale()))), math.MinInt8, math.MaxInt8)
		return nil
	}
	k.mult, k.shift = quantizeMultiplier(float64(in.Scale()) / float64(out.Scale()))
	k.inZero, k.outZero = in.ZeroPoint(), out.ZeroPoint()
	k.actMin = max(math.MinInt8, out.ZeroPoint()+int32(math.Round(float64(0/out.Scale()))))
	k.actMax = math.MaxInt8
	return nil
}

func (k *reluKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in.Type == Float32 {
		y := out.Float32()
		for i, v := range in.Float32() {
			v = max(v, 0)
			if k.six {
				v = min(v, 6)
			}
			y[i] = v
		}
		return nil
	}
	y := out.Int8()
	for i, v := range in.Int8() {
		if k.six {
			y[i] = int8(clampInt32(int32(v), k.zero, k.sixQ))
			continue
		}
		r := k.outZero + multiplyByQuantizedMultiplier(int32(v)-k.inZero, k.mult, k.shift)
		y[i] = int8(clampInt32(r, k.actMin, k.actMax))
	}
	return nil
}

// constInt32 reads a small constant int32 tensor (paddings, perm, axes).
func constInt32(n *Node, t *RTensor, what string) ([]int32, error) {
	if t == nil || t.Type != Int32 || !t.Const {
		return nil, n.errf("%s must be a constant int32 tensor", what)
	}
	return append([]int32(nil), t.Int32()...), nil
}

type padKernel struct {
	before, after [maxDims]int
	inDims        [maxDims]int
	outDims       [maxDims]int
	elem          int
	fill          []byte // one element of the pad value
}

func newPad() Kernel { return &padKernel{} }

func (k *padKernel) Prepare(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || len(in.Shape) != len(out.Shape) || len(in.Shape) > maxDims || in.Type != out.Type {
		return n.errf("input and output must have the same rank (≤ %d) and type", maxDims)
	}
	pads, err := constInt32(n, n.Input(1), "paddings")
	if err != nil {
		return err
	}
	rank := len(in.Shape)
	if len(pads) != 2*rank {
		return n.errf("%d paddings for rank %d", len(pads), rank)
	}
	off := maxDims - rank
	for d := 0; d < maxDims; d++ {
		k.inDims[d], k.outDims[d] = 1, 1
	}
	for d := 0; d < rank; d++ {
		b, a := int(pads[2*d]), int(pads[2*d+1])
		if b < 0 || a < 0 || in.Shape[d]+b+a != out.Shape[d] {
			return n.errf("dimension %d: %d + %d + %d ≠ %d", d, b, in.Shape[d], a, out.Shape[d])
		}
		k.before[off+d], k.after[off+d] = b, a
		k.inDims[off+d], k.outDims[off+d] = in.Shape[d], out.Shape[d]
	}
	k.elem = in.Type.Size()
	k.fill = make([]byte, k.elem)
	if c := n.Input(2); c != nil { // PADV2's constant
		if c.Type != in.Type || c.NumElements() != 1 || !c.Const {
			return n.errf("pad value must be one constant %s", in.Type)
		}
		copy(k.fill, c.Data)
	} else if in.Type == Int8 {
		if out.Quant == nil {
			return n.errf("int8 output without quantisation parameters")
		}
		k.fill[0] = byte(int8(out.ZeroPoint()))
	} else if in.Type != Float32 {
		return n.errf("type %s unsupported", in.Type)
	}
	return nil
}

func (k *padKernel) Eval(n *Node) error {
	src, dst := n.Input(0).Data, n.Output(0).Data
	e := k.elem
	for i := 0; i < len(dst); i += e {
		copy(dst[i:i+e], k.fill)
	}
	// Copy the input rows (innermost dimension) into place.
	var idx [maxDims]int
	rowIn := k.inDims[maxDims-1] * e
	rows := len(src) / max(rowIn, 1)
	for r := 0; r < rows; r++ {
		o := 0
		for d := 0; d < maxDims; d++ {
			o = o*k.outDims[d] + idx[d] + k.before[d]
		}
		copy(dst[o*e:o*e+rowIn], src[r*rowIn:(r+1)*rowIn])
		for d := maxDims - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < k.inDims[d] {
				break
			}
			idx[d] = 0
		}
	}
	return nil
}

type transposeKernel struct {
	rank    int
	perm    [maxDims]int
	outDims [maxDims]int
	strides [maxDims]int // input stride of each output dimension
	elem    int
}

func newTranspose() Kernel { return &transposeKernel{} }

func (k *transposeKernel) Prepare(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || in.Type != out.Type || len(in.Shape) != len(out.Shape) || len(in.Shape) > maxDims || len(in.Shape) == 0 {
		return n.errf("input and output must have the same rank (1 to %d) and type", maxDims)
	}
	perm, err := constInt32(n, n.Input(1), "perm")
	if err != nil {
		return err
	}
	k.rank = len(in.Shape)
	if len(perm) != k.rank {
		return n.errf("perm %v for rank %d", perm, k.rank)
	}
	seen := [maxDims]bool{}
	inStride := [maxDims]int{}
	s := 1
	for d := k.rank - 1; d >= 0; d-- {
		inStride[d] = s
		s *= in.Shape[d]
	}
	for d, p := range perm {
		if p < 0 || int(p) >= k.rank || seen[p] || out.Shape[d] != in.Shape[p] {
			return n.errf("perm %v does not map %v to %v", perm, in.Shape, out.Shape)
		}
		seen[p] = true
		k.perm[d] = int(p)
		k.outDims[d] = out.Shape[d]
		k.strides[d] = inStride[p]
	}
	k.elem = in.Type.Size()
	return nil
}

func (k *transposeKernel) Eval(n *Node) error {
	src, dst := n.Input(0).Data, n.Output(0).Data
	e, last := k.elem, k.rank-1
	inner, step := k.outDims[last], k.strides[last]
	var idx [maxDims]int
	ii := 0
	for o := 0; o < len(dst); o += inner * e {
		// The last output dimension: a strided run of the input.
		if e == 1 {
			d := dst[o : o+inner]
			for j := range d {
				d[j] = src[ii+j*step]
			}
		} else {
			for j := 0; j < inner; j++ {
				copy(dst[o+j*e:o+j*e+e], src[(ii+j*step)*e:])
			}
		}
		for d := last - 1; d >= 0; d-- {
			idx[d]++
			ii += k.strides[d]
			if idx[d] < k.outDims[d] {
				break
			}
			ii -= k.strides[d] * k.outDims[d]
			idx[d] = 0
		}
	}
	return nil
}

type concatKernel struct {
	outer int   // product of dimensions before the axis
	sizes []int // bytes of each input per outer step
}

func newConcatenation() Kernel { return &concatKernel{} }

func (k *concatKernel) Prepare(n *Node) error {
	out := n.Output(0)
	if out == nil || n.NumInputs() == 0 {
		return n.errf("needs inputs and an output")
	}
	var axis int32
	if n.hasOpts {
		a, err := n.opts.int32(0, "axis", 0)
		if err != nil {
			return err
		}
		act, err := n.opts.uint8(1, "fused_activation_function", 0)
		if err != nil {
			return err
		}
		if act != 0 {
			return n.errf("fused activation %d unsupported", act)
		}
		axis = a
	}
	rank := len(out.Shape)
	if axis < 0 {
		axis += int32(rank)
	}
	if axis < 0 || int(axis) >= rank {
		return n.errf("axis %d outside rank %d", axis, rank)
	}
	k.outer = 1
	for d := 0; d < int(axis); d++ {
		k.outer *= out.Shape[d]
	}
	total := 0
	k.sizes = k.sizes[:0]
	for i := 0; i < n.NumInputs(); i++ {
		in := n.Input(i)
		if in == nil || in.Type != out.Type || len(in.Shape) != rank {
			return n.errf("input %d does not match the output's type and rank", i)
		}
		for d := 0; d < rank; d++ {
			if d != int(axis) && in.Shape[d] != out.Shape[d] {
				return n.errf("input %d shape %v against output %v on axis %d", i, in.Shape, out.Shape, axis)
			}
		}
		if out.Type == Int8 && (in.Quant == nil || out.Quant == nil || in.Scale() != out.Scale() || in.ZeroPoint() != out.ZeroPoint()) {
			return n.errf("int8 input %d quantised differently from the output (TFLite Micro requires equal parameters)", i)
		}
		inner := in.Type.Size()
		for d := int(axis); d < rank; d++ {
			inner *= in.Shape[d]
		}
		k.sizes = append(k.sizes, inner)
		total += inner
	}
	if total*k.outer != len(out.Data) {
		return n.errf("inputs sum to %d bytes, output has %d", total*k.outer, len(out.Data))
	}
	return nil
}

func (k *concatKernel) Eval(n *Node) error {
	dst := n.Output(0).Data
	o := 0
	for q := 0; q < k.outer; q++ {
		for i, sz := range k.sizes {
			copy(dst[o:o+sz], n.Input(i).Data[q*sz:(q+1)*sz])
			o += sz
		}
	}
	return nil
}
