package tflite

// ADD, SUB and MUL, int8 and float32, with NumPy broadcasting over up to six
// dimensions, as reference_integer_ops::{Add,Sub,Mul}Elementwise and
// BroadcastAdd/Sub/Mul4DSlow.

const maxDims = 6

// broadcast maps output positions to the two inputs' positions.
type broadcast struct {
	same     bool // identical shapes: index i everywhere
	dims     [maxDims]int
	sa, sb   [maxDims]int // strides of a and b per output dimension (0: broadcast)
	ndim     int
	outCount int
}

func newBroadcast(a, b, out []int) (broadcast, bool) {
	var bc broadcast
	n := max(len(a), len(b))
	if n > maxDims || len(out) != n {
		return bc, false
	}
	bc.ndim = n
	bc.outCount = 1
	get := func(s []int, i int) int { // right-aligned
		k := i - (n - len(s))
		if k < 0 {
			return 1
		}
		return s[k]
	}
	strideA, strideB := 1, 1
	for i := n - 1; i >= 0; i-- {
		da, db, do := get(a, i), get(b, i), out[i]
		if (da != do && da != 1) || (db != do && db != 1) {
			return bc, false
		}
		bc.dims[i] = do
		if da != 1 || do == 1 {
			bc.sa[i] = strideA
		}
		if db != 1 || do == 1 {
			bc.sb[i] = strideB
		}
		strideA *= da
		strideB *= db
		bc.outCount *= do
	}
	bc.same = len(a) == len(b) && strideA == bc.outCount && strideB == bc.outCount
	for i := range a {
		if i < len(b) && a[i] != b[i] {
			bc.same = false
		}
	}
	return bc, true
}

// each calls f(out, ia, ib) for every output element, allocation-free.
func (bc *broadcast) each(f func(o, ia, ib int)) {
	if bc.same {
		for i := 0; i < bc.outCount; i++ {
			f(i, i, i)
		}
		return
	}
	var idx [maxDims]int
	ia, ib := 0, 0
	for o := 0; o < bc.outCount; o++ {
		f(o, ia, ib)
		for d := bc.ndim - 1; d >= 0; d-- {
			idx[d]++
			ia += bc.sa[d]
			ib += bc.sb[d]
			if idx[d] < bc.dims[d] {
				break
			}
			ia -= bc.sa[d] * bc.dims[d]
			ib -= bc.sb[d] * bc.dims[d]
			idx[d] = 0
		}
	}
}

type binaryKernel struct {
	op                     BuiltinOp
	act                    Activation
	bc                     broadcast
	in1Off, in2Off, outOff int32
	m1, m2, mOut           int32
	s1, s2, sOut           int
	actMin, actMax         int32
	fMin, fMax             float32
	eval                   func(o, ia, ib int) // bound once in Prepare
	xa, xb, y              []int8
	fa, fb, fy             []float32
	// ADD and SUB in int8: each input's rescaled value depends on its byte
	// alone, so it is looked up (t1, t2: exact, computed in Prepare); equal
	// shapes then sum a block into raw and requantize it as a vector.
	t1, t2 [256]int32
	raw    []int32
	rq     requantizer
}

// binaryBlock is the elementwise fast path's block of outputs.
const binaryBlock = 256

func newAdd() Kernel { return &binaryKernel{op: OpAdd} }
func newSub() Kernel { return &binaryKernel{op: OpSub} }
func newMul() Kernel { return &binaryKernel{op: OpMul} }

const addLeftShift = 20

func (k *binaryKernel) Prepare(n *Node) error {
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
	bc, ok := newBroadcast(a.Shape, b.Shape, out.Shape)
	if !ok {
		return n.errf("shapes %v and %v do not broadcast to %v", a.Shape, b.Shape, out.Shape)
	}
	k.bc = bc
	if a.Type != out.Type || b.Type != out.Type {
		return n.errf("types %s, %s → %s", a.Type, b.Type, out.Type)
	}
	switch out.Type {
	case Float32:
		k.fMin, k.fMax, ok = activationRangeFloat(k.act)
		k.eval = k.evalFloat
	case Int8:
		if a.Quant == nil || b.Quant == nil || out.Quant == nil {
			return n.errf("int8 tensors without quantisation parameters")
		}
		k.in1Off, k.in2Off, k.outOff = -a.ZeroPoint(), -b.ZeroPoint(), out.ZeroPoint()
		if k.op == OpMul {
			k.mOut, k.sOut = quantizeMultiplier(float64(a.Scale()) * float64(b.Scale()) / float64(out.Scale()))
			k.eval = k.evalMulInt8
		} else {
			twiceMax := 2 * float64(max(a.Scale(), b.Scale()))
			k.m1, k.s1 = quantizeMultiplier(float64(a.Scale()) / twiceMax)
			k.m2, k.s2 = quantizeMultiplier(float64(b.Scale()) / twiceMax)
			k.mOut, k.sOut = quantizeMultiplier(twiceMax / (float64(int64(1)<<addLeftShift) * float64(out.Scale())))
			k.eval = k.evalAddSubInt8
			for v := range 256 {
				x := int32(int8(v))
				k.t1[v] = multiplyByQuantizedMultiplier((x+k.in1Off)*(1<<addLeftShift), k.m1, k.s1)
				k.t2[v] = multiplyByQuantizedMultiplier((x+k.in2Off)*(1<<addLeftShift), k.m2, k.s2)
				if k.op == OpSub {
					k.t2[v] = -k.t2[v] // wraps as v1 − v2 does
				}
			}
		}
		k.actMin, k.actMax, ok = activationRangeInt8(k.act, out.Scale(), out.ZeroPoint())
		k.raw = make([]int32, binaryBlock)
		k.rq = newRequantizer([]int32{k.mOut}, []int{k.sOut}, binaryBlock, k.outOff, k.actMin, k.actMax)
	default:
		return n.errf("type %s unsupported", out.Type)
	}
	if !ok {
		return n.errf("activation %d unsupported", k.act)
	}
	return nil
}

func (k *binaryKernel) Eval(n *Node) error {
	a, b, out := n.Input(0), n.Input(1), n.Output(0)
	if out.Type == Float32 {
		k.fa, k.fb, k.fy = a.Float32(), b.Float32(), out.Float32()
	} else {
		k.xa, k.xb, k.y = a.Int8(), b.Int8(), out.Int8()
		if k.bc.same {
			k.evalSameInt8()
			return nil
		}
	}
	k.bc.each(k.eval)
	return nil
}

// evalSameInt8 is ADD, SUB or MUL of equal shapes, a block at a time.
func (k *binaryKernel) evalSameInt8() {
	xa, xb, y := k.xa, k.xb[:len(k.xa)], k.y[:len(k.xa)]
	for o := 0; o < len(xa); o += binaryBlock {
		a, b := xa[o:min(o+binaryBlock, len(xa))], xb[o:]
		raw := k.raw[:len(a)]
		if k.op == OpMul {
			for i, v := range a {
				raw[i] = (int32(v) + k.in1Off) * (int32(b[i]) + k.in2Off)
			}
		} else {
			for i, v := range a {
				raw[i] = k.t1[uint8(v)] + k.t2[uint8(b[i])]
			}
		}
		k.rq.run(raw, y[o:o+len(a)])
	}
}

func (k *binaryKernel) evalFloat(o, ia, ib int) {
	var v float32
	switch k.op {
	case OpAdd:
		v = k.fa[ia] + k.fb[ib]
	case OpSub:
		v = k.fa[ia] - k.fb[ib]
	default:
		v = k.fa[ia] * k.fb[ib]
	}
	k.fy[o] = min(max(v, k.fMin), k.fMax)
}

func (k *binaryKernel) evalAddSubInt8(o, ia, ib int) {
	raw := k.t1[uint8(k.xa[ia])] + k.t2[uint8(k.xb[ib])]
	r := multiplyByQuantizedMultiplier(raw, k.mOut, k.sOut) + k.outOff
	k.y[o] = int8(clampInt32(r, k.actMin, k.actMax))
}

func (k *binaryKernel) evalMulInt8(o, ia, ib int) {
	p := (int32(k.xa[ia]) + k.in1Off) * (int32(k.xb[ib]) + k.in2Off)
	r := multiplyByQuantizedMultiplier(p, k.mOut, k.sOut) + k.outOff
	k.y[o] = int8(clampInt32(r, k.actMin, k.actMax))
}
