package tflite

// FULLY_CONNECTED, int8 (per-tensor or per-channel weights) and float32,
// as reference/integer_ops/fully_connected.h and reference/fully_connected.h.

type fcKernel struct {
	act                    Activation
	inOffset, filterOffset int32
	outOffset              int32
	actMin, actMax         int32
	fMin, fMax             float32
	mult                   []int32
	shift                  []int
	batches, depth, units  int
	// The fast path (constant weights): four dot products at a time with
	// the offsets hoisted, Σ(w+fo)(x+io) = Σwx + io·Σw + fo·Σx + depth·fo·io,
	// exact in int32; then one vector requantization per batch.
	fast bool
	sumW []int32
	acc  []int32
	rq   requantizer
	// The Eval in progress, for the parts run by workers (units split in
	// fours), and the part function bound in Prepare.
	x, w, y []int8
	b       []int32
	part    func(part, parts int)
}

func newFullyConnected() Kernel { return &fcKernel{} }

func (k *fcKernel) Prepare(n *Node) error {
	if n.hasOpts {
		act, err := n.opts.uint8(0, "fused_activation_function", 0)
		if err != nil {
			return err
		}
		wf, err := n.opts.uint8(1, "weights_format", 0)
		if err != nil {
			return err
		}
		if wf != 0 {
			return n.errf("shuffled weights format %d unsupported", wf)
		}
		k.act = Activation(act)
	}
	in, filter, bias, out := n.Input(0), n.Input(1), n.Input(2), n.Output(0)
	if in == nil || filter == nil || out == nil {
		return n.errf("needs an input, weights and an output")
	}
	if len(filter.Shape) != 2 {
		return n.errf("weights of shape %v, want 2-D", filter.Shape)
	}
	k.units, k.depth = filter.Shape[0], filter.Shape[1]
	if k.depth == 0 || in.NumElements()%k.depth != 0 {
		return n.errf("input of %d elements is not a multiple of the weights' depth %d", in.NumElements(), k.depth)
	}
	k.batches = in.NumElements() / k.depth
	if out.NumElements() != k.batches*k.units {
		return n.errf("output %v, want %d×%d elements", out.Shape, k.batches, k.units)
	}
	n.Cost = int64(k.batches) * int64(k.units) * int64(k.depth)
	if bias != nil && bias.NumElements() != k.units {
		return n.errf("bias of %d elements for %d units", bias.NumElements(), k.units)
	}
	switch {
	case in.Type == Float32 && filter.Type == Float32 && out.Type == Float32:
		if bias != nil && bias.Type != Float32 {
			return n.errf("float fully connected with %s bias", bias.Type)
		}
		var ok bool
		if k.fMin, k.fMax, ok = activationRangeFloat(k.act); !ok {
			return n.errf("activation %d unsupported", k.act)
		}
	case in.Type == Int8 && filter.Type == Int8 && out.Type == Int8:
		if bias != nil && bias.Type != Int32 {
			return n.errf("int8 fully connected with %s bias", bias.Type)
		}
		if in.Quant == nil || filter.Quant == nil || out.Quant == nil {
			return n.errf("int8 tensors without quantisation parameters")
		}
		fq := filter.Quant
		if len(fq.Scale) != 1 && len(fq.Scale) != k.units {
			return n.errf("weights have %d scales for %d units", len(fq.Scale), k.units)
		}
		k.inOffset, k.filterOffset, k.outOffset = -in.ZeroPoint(), -filter.ZeroPoint(), out.ZeroPoint()
		k.mult, k.shift = make([]int32, len(fq.Scale)), make([]int, len(fq.Scale))
		for c, fs := range fq.Scale {
			k.mult[c], k.shift[c] = quantizeMultiplier(float64(in.Scale()) * float64(fs) / float64(out.Scale()))
		}
		var ok bool
		if k.actMin, k.actMax, ok = activationRangeInt8(k.act, out.Scale(), out.ZeroPoint()); !ok {
			return n.errf("activation %d unsupported", k.act)
		}
		if filter.Const && k.units > 0 {
			w := filter.Int8()
			k.sumW = make([]int32, k.units)
			for u := range k.sumW {
				k.sumW[u] = sumInt8(w[u*k.depth : (u+1)*k.depth])
			}
			k.acc = make([]int32, k.units)
			reps, mult, shift := 1, k.mult, k.shift
			if len(mult) == 1 {
				reps = k.units
			}
			k.rq = newRequantizer(mult, shift, reps, k.outOffset, k.actMin, k.actMax)
			k.part = k.partEval
			k.fast = true
		}
	default:
		return n.errf("types %s, %s → %s unsupported", in.Type, filter.Type, out.Type)
	}
	return nil
}

func (k *fcKernel) Eval(n *Node) error {
	in, filter, bias, out := n.Input(0), n.Input(1), n.Input(2), n.Output(0)
	if in.Type == Float32 {
		x, w, y := in.Float32(), filter.Float32(), out.Float32()
		b := biasOf[float32](bias)
		for bt := 0; bt < k.batches; bt++ {
			xr := x[bt*k.depth : (bt+1)*k.depth]
			for u := 0; u < k.units; u++ {
				wr := w[u*k.depth : (u+1)*k.depth]
				var acc float32
				for d, v := range xr {
					acc += float32(v * wr[d]) // rounded: no fused multiply-add (package doc)
				}
				if b != nil {
					acc += b[u]
				}
				y[bt*k.units+u] = min(max(acc, k.fMin), k.fMax)
			}
		}
		return nil
	}
	x, w, y := in.Int8(), filter.Int8(), out.Int8()
	b := biasOf[int32](bias)
	if k.fast {
		k.x, k.w, k.b, k.y = x, w, b, y
		n.workers.run(n.workers.partsFor(n.Cost, (k.units+3)/4), k.part)
		return nil
	}
	for bt := 0; bt < k.batches; bt++ {
		xr := x[bt*k.depth : (bt+1)*k.depth]
		for u := 0; u < k.units; u++ {
			wr := w[u*k.depth : (u+1)*k.depth]
			var acc int32
			for d, v := range xr {
				acc += (int32(wr[d]) + k.filterOffset) * (int32(v) + k.inOffset)
			}
			if b != nil {
				acc += b[u]
			}
			c := 0
			if len(k.mult) > 1 {
				c = u
			}
			acc = multiplyByQuantizedMultiplier(acc, k.mult[c], k.shift[c]) + k.outOffset
			y[bt*k.units+u] = int8(clampInt32(acc, k.actMin, k.actMax))
		}
	}
	return nil
}

// partEval is one thread's share of the fast path: units [lo, hi) of every
// batch.
func (k *fcKernel) partEval(part, parts int) {
	d, x, w, b, y := k.depth, k.x, k.w, k.b, k.y
	lo, hi := span(k.units, parts, part, 4)
	for bt := 0; bt < k.batches; bt++ {
		xr := x[bt*d : (bt+1)*d]
		base := k.filterOffset*sumInt8(xr) + int32(d)*k.filterOffset*k.inOffset
		acc := k.acc[lo:hi]
		u := lo
		for ; u+4 <= hi; u += 4 {
			acc[u-lo], acc[u-lo+1], acc[u-lo+2], acc[u-lo+3] = dot4Int8(xr, w[u*d:], w[(u+1)*d:], w[(u+2)*d:], w[(u+3)*d:])
		}
		for ; u < hi; u++ {
			acc[u-lo] = dotInt8(w[u*d:(u+1)*d], xr)
		}
		for i, s := range k.sumW[lo:hi] {
			acc[i] += base + k.inOffset*s
			if b != nil {
				acc[i] += b[lo+i]
			}
		}
		k.rq.runFrom(lo, acc, y[bt*k.units+lo:][:hi-lo])
	}
}
