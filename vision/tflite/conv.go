package tflite

// CONV_2D and DEPTHWISE_CONV_2D, int8 (per-channel) and float32, with the
// arithmetic of TFLite's reference kernels (reference/integer_ops/conv.h,
// depthwise_conv.h, reference/conv.h).

// padding is ComputePaddingHeightWidth for one dimension.
func computePadding(stride, dilation, in, filter, out int) int {
	eff := (filter-1)*dilation + 1
	return max(((out-1)*stride+eff-in)/2, 0)
}

// outSize is ComputeOutSize.
func outSize(p Padding, in, filter, stride, dilation int) int {
	eff := (filter-1)*dilation + 1
	if p == PaddingSame {
		return (in + stride - 1) / stride
	}
	return (in + stride - eff) / stride
}

type convParams struct {
	padding              Padding
	strideW, strideH     int
	dilationW, dilationH int
	depthMultiplier      int
	act                  Activation
	padW, padH           int
	inOffset, outOffset  int32
	actMin, actMax       int32
	fMin, fMax           float32
	mult                 []int32
	shift                []int
	depthwise            bool
}

type convKernel struct {
	p      convParams
	fast   bool      // the fast path applies (int8, constant filter, no groups; conv without dilation)
	sumW   []int32   // conv: Σ of each output channel's filter
	accs   [][]int32 // conv without VNNI, per part (thread): one accumulator per channel
	patch  [][]byte  // conv without VNNI, per part: one receptive field, gathered
	pairs  []int64   // conv without a vector unit: filters packed two by two (packPairs)
	gemm   *gemmConv
	dw     *depthwiseRows
	rq     requantizer
	fH, fW int
	// The tensors of the Eval in progress, for the parts run by workers,
	// and the part functions, bound once in Prepare (binding allocates).
	in, filter, bias, out     *RTensor
	gemmPart, dotPart, dwPart func(part, parts int)
}

func newConv() Kernel      { return &convKernel{} }
func newDepthwise() Kernel { return &convKernel{p: convParams{depthwise: true}} }

func (k *convKernel) Prepare(n *Node) error {
	p := &k.p
	if !n.hasOpts {
		return n.errf("missing options")
	}
	o := n.opts
	var err error
	var pad, act uint8
	var sw, sh, dw, dh, dm int32
	if pad, err = o.uint8(0, "padding", 0); err != nil {
		return err
	}
	if sw, err = o.int32(1, "stride_w", 0); err != nil {
		return err
	}
	if sh, err = o.int32(2, "stride_h", 0); err != nil {
		return err
	}
	if p.depthwise {
		if dm, err = o.int32(3, "depth_multiplier", 0); err != nil {
			return err
		}
		if act, err = o.uint8(4, "fused_activation_function", 0); err != nil {
			return err
		}
		if dw, err = o.int32(5, "dilation_w_factor", 1); err != nil {
			return err
		}
		if dh, err = o.int32(6, "dilation_h_factor", 1); err != nil {
			return err
		}
	} else {
		if act, err = o.uint8(3, "fused_activation_function", 0); err != nil {
			return err
		}
		if dw, err = o.int32(4, "dilation_w_factor", 1); err != nil {
			return err
		}
		if dh, err = o.int32(5, "dilation_h_factor", 1); err != nil {
			return err
		}
	}
	if pad > 1 || sw < 1 || sh < 1 || dw < 1 || dh < 1 || sw > 1024 || sh > 1024 || dw > 1024 || dh > 1024 {
		return n.errf("padding %d, strides %dx%d or dilations %dx%d invalid", pad, sw, sh, dw, dh)
	}
	p.padding, p.strideW, p.strideH, p.dilationW, p.dilationH, p.act = Padding(pad), int(sw), int(sh), int(dw), int(dh), Activation(act)
	in, filter, bias, out := n.Input(0), n.Input(1), n.Input(2), n.Output(0)
	if in == nil || filter == nil || out == nil {
		return n.errf("needs an input, a filter and an output")
	}
	if len(in.Shape) != 4 || len(filter.Shape) != 4 || len(out.Shape) != 4 {
		return n.errf("input %v, filter %v and output %v must be 4-D", in.Shape, filter.Shape, out.Shape)
	}
	inH, inW, inC := in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW := filter.Shape[1], filter.Shape[2]
	outC := out.Shape[3]
	if out.Shape[0] != in.Shape[0] || filter.Shape[1] < 1 || filter.Shape[2] < 1 {
		return n.errf("batch or filter size mismatch: input %v, filter %v, output %v", in.Shape, filter.Shape, out.Shape)
	}
	if p.depthwise {
		if filter.Shape[0] != 1 || filter.Shape[3] != outC {
			return n.errf("depthwise filter %v does not match output channels %d", filter.Shape, outC)
		}
		if dm == 0 && inC > 0 {
			dm = int32(outC / inC)
		}
		if inC == 0 || int(dm)*inC != outC {
			return n.errf("depth multiplier %d: %d input channels cannot make %d outputs", dm, inC, outC)
		}
		p.depthMultiplier = int(dm)
	} else {
		if filter.Shape[0] != outC || filter.Shape[3] == 0 || inC == 0 || inC%filter.Shape[3] != 0 || outC%(inC/filter.Shape[3]) != 0 {
			return n.errf("filter %v does not match input channels %d and output channels %d", filter.Shape, inC, outC)
		}
	}
	oh, ow := outSize(p.padding, inH, fH, p.strideH, p.dilationH), outSize(p.padding, inW, fW, p.strideW, p.dilationW)
	if out.Shape[1] != oh || out.Shape[2] != ow {
		return n.errf("output %v, the options give %dx%d", out.Shape, oh, ow)
	}
	if p.depthwise {
		n.Cost = int64(out.NumElements()) * int64(fH) * int64(fW)
	} else {
		n.Cost = int64(out.NumElements()) * int64(fH) * int64(fW) * int64(filter.Shape[3])
	}
	p.padH = computePadding(p.strideH, p.dilationH, inH, fH, oh)
	p.padW = computePadding(p.strideW, p.dilationW, inW, fW, ow)
	if bias != nil && bias.NumElements() != outC {
		return n.errf("bias of %d elements for %d output channels", bias.NumElements(), outC)
	}
	switch {
	case in.Type == Float32 && filter.Type == Float32 && out.Type == Float32:
		if bias != nil && bias.Type != Float32 {
			return n.errf("float convolution with %s bias", bias.Type)
		}
		var ok bool
		if p.fMin, p.fMax, ok = activationRangeFloat(p.act); !ok {
			return n.errf("activation %d unsupported", p.act)
		}
	case in.Type == Int8 && filter.Type == Int8 && out.Type == Int8:
		if bias != nil && bias.Type != Int32 {
			return n.errf("int8 convolution with %s bias (int32 expected)", bias.Type)
		}
		if in.Quant == nil || filter.Quant == nil || out.Quant == nil {
			return n.errf("int8 tensors without quantisation parameters")
		}
		fq := filter.Quant
		qdim := 0
		if p.depthwise {
			qdim = 3
		}
		if len(fq.Scale) != 1 && (len(fq.Scale) != outC || fq.Dim != qdim) {
			return n.errf("filter has %d scales on dimension %d, want 1 or %d on dimension %d", len(fq.Scale), fq.Dim, outC, qdim)
		}
		for _, z := range fq.ZeroPoint {
			if z != 0 {
				return n.errf("filter zero point %d, want 0 (symmetric)", z)
			}
		}
		p.inOffset, p.outOffset = -in.ZeroPoint(), out.ZeroPoint()
		p.mult, p.shift = make([]int32, outC), make([]int, outC)
		for c := 0; c < outC; c++ {
			fs := fq.Scale[0]
			if len(fq.Scale) > 1 {
				fs = fq.Scale[c]
			}
			p.mult[c], p.shift[c] = quantizeMultiplier(float64(in.Scale()) * float64(fs) / float64(out.Scale()))
		}
		var ok bool
		if p.actMin, p.actMax, ok = activationRangeInt8(p.act, out.Scale(), out.ZeroPoint()); !ok {
			return n.errf("activation %d unsupported", p.act)
		}
		if filter.Const {
			k.prepareFast(filter, out, inC, outC, n.workers.threads())
		}
	default:
		return n.errf("types %s, %s → %s unsupported", in.Type, filter.Type, out.Type)
	}
	return nil
}

func (k *convKernel) Eval(n *Node) error {
	in, filter, bias, out := n.Input(0), n.Input(1), n.Input(2), n.Output(0)
	if in.Type == Float32 {
		if k.p.depthwise {
			k.depthwiseFloat(in, filter, bias, out)
		} else {
			k.convFloat(in, filter, bias, out)
		}
		return nil
	}
	switch {
	case k.fast:
		k.in, k.filter, k.bias, k.out = in, filter, bias, out
		switch {
		case k.p.depthwise:
			k.depthwiseInt8Fast(n)
		case k.gemm != nil:
			k.convInt8GEMM(n)
		default:
			k.convInt8Fast(n)
		}
	case k.p.depthwise:
		k.depthwiseInt8(in, filter, bias, out)
	default:
		k.convInt8(in, filter, bias, out)
	}
	return nil
}

// prepareFast precomputes the filter sums of the fast paths.
func (k *convKernel) prepareFast(filter, out *RTensor, inC, outC, parts int) {
	p := &k.p
	w := filter.Int8()
	if p.depthwise {
		k.fH, k.fW = filter.Shape[1], filter.Shape[2]
		outW := out.Shape[2]
		if outW == 0 || outC == 0 {
			return
		}
		k.dw = newDepthwiseRows(p, w, k.fH, k.fW, outW, outC, parts)
		k.dwPart = k.dwPartEval
		k.rq = newRequantizer(p.mult, p.shift, outW, p.outOffset, p.actMin, p.actMax)
		k.fast = true
		return
	}
	if filter.Shape[3] != inC || p.dilationW != 1 || p.dilationH != 1 {
		return
	}
	taps := len(w) / outC
	k.fH, k.fW = filter.Shape[1], filter.Shape[2]
	k.rq = newRequantizer(p.mult, p.shift, 1, p.outOffset, p.actMin, p.actMax)
	if useVNNI && taps > 0 && outC > 0 {
		k.gemm = newGEMMConv(w, outC, parts)
		k.gemmPart = k.gemmPartEval
	}
	k.dotPart = k.dotPartEval
	if !useAVX2 && !useVNNI { // the pure-Go path: filters packed in pairs
		k.pairs = packPairs(w, outC, taps)
	}
	for range parts {
		k.accs = append(k.accs, make([]int32, outC))
		k.patch = append(k.patch, make([]byte, taps))
	}
	k.sumW = make([]int32, outC)
	for oc := range k.sumW {
		k.sumW[oc] = sumInt8(w[oc*taps : (oc+1)*taps])
	}
	k.fast = true
}

func (k *convKernel) convInt8(in, filter, bias, out *RTensor) {
	p := &k.p
	x, w, y := in.Int8(), filter.Int8(), out.Int8()
	b := biasOf[int32](bias)
	inH, inW, inC := in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW, fC := filter.Shape[1], filter.Shape[2], filter.Shape[3]
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	groups := inC / fC
	perGroup := outC / groups
	for bt := 0; bt < in.Shape[0]; bt++ {
		for oy := 0; oy < outH; oy++ {
			iy0 := oy*p.strideH - p.padH
			for ox := 0; ox < outW; ox++ {
				ix0 := ox*p.strideW - p.padW
				for oc := 0; oc < outC; oc++ {
					g := oc / perGroup
					var acc int32
					for fy := 0; fy < fH; fy++ {
						iy := iy0 + p.dilationH*fy
						if iy < 0 || iy >= inH {
							continue
						}
						for fx := 0; fx < fW; fx++ {
							ix := ix0 + p.dilationW*fx
							if ix < 0 || ix >= inW {
								continue
							}
							xi := ((bt*inH+iy)*inW+ix)*inC + g*fC
							wi := ((oc*fH+fy)*fW + fx) * fC
							for ic := 0; ic < fC; ic++ {
								acc += int32(w[wi+ic]) * (int32(x[xi+ic]) + p.inOffset)
							}
						}
					}
					if b != nil {
						acc += b[oc]
					}
					acc = multiplyByQuantizedMultiplier(acc, p.mult[oc], p.shift[oc]) + p.outOffset
					y[((bt*outH+oy)*outW+ox)*outC+oc] = int8(clampInt32(acc, p.actMin, p.actMax))
				}
			}
		}
	}
}

func (k *convKernel) depthwiseInt8(in, filter, bias, out *RTensor) {
	p := &k.p
	x, w, y := in.Int8(), filter.Int8(), out.Int8()
	b := biasOf[int32](bias)
	batches, inH, inW, inC := in.Shape[0], in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW := filter.Shape[1], filter.Shape[2]
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	dm := p.depthMultiplier
	for bt := 0; bt < batches; bt++ {
		for oy := 0; oy < outH; oy++ {
			iy0 := oy*p.strideH - p.padH
			for ox := 0; ox < outW; ox++ {
				ix0 := ox*p.strideW - p.padW
				for ic := 0; ic < inC; ic++ {
					for m := 0; m < dm; m++ {
						oc := ic*dm + m
						var acc int32
						for fy := 0; fy < fH; fy++ {
							iy := iy0 + p.dilationH*fy
							if iy < 0 || iy >= inH {
								continue
							}
							for fx := 0; fx < fW; fx++ {
								ix := ix0 + p.dilationW*fx
								if ix < 0 || ix >= inW {
									continue
								}
								acc += int32(w[(fy*fW+fx)*outC+oc]) * (int32(x[((bt*inH+iy)*inW+ix)*inC+ic]) + p.inOffset)
							}
						}
						if b != nil {
							acc += b[oc]
						}
						acc = multiplyByQuantizedMultiplier(acc, p.mult[oc], p.shift[oc]) + p.outOffset
						y[((bt*outH+oy)*outW+ox)*outC+oc] = int8(clampInt32(acc, p.actMin, p.actMax))
					}
				}
			}
		}
	}
}

func (k *convKernel) convFloat(in, filter, bias, out *RTensor) {
	p := &k.p
	x, w, y := in.Float32(), filter.Float32(), out.Float32()
	b := biasOf[float32](bias)
	batches, inH, inW, inC := in.Shape[0], in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW, fC := filter.Shape[1], filter.Shape[2], filter.Shape[3]
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	groups := inC / fC
	perGroup := outC / groups
	for bt := 0; bt < batches; bt++ {
		for oy := 0; oy < outH; oy++ {
			iy0 := oy*p.strideH - p.padH
			for ox := 0; ox < outW; ox++ {
				ix0 := ox*p.strideW - p.padW
				for oc := 0; oc < outC; oc++ {
					g := oc / perGroup
					var acc float32
					for fy := 0; fy < fH; fy++ {
						iy := iy0 + p.dilationH*fy
						if iy < 0 || iy >= inH {
							continue
						}
						for fx := 0; fx < fW; fx++ {
							ix := ix0 + p.dilationW*fx
							if ix < 0 || ix >= inW {
								continue
							}
							xi := ((bt*inH+iy)*inW+ix)*inC + g*fC
							wi := ((oc*fH+fy)*fW + fx) * fC
							for ic := 0; ic < fC; ic++ {
								acc += float32(x[xi+ic] * w[wi+ic]) // no FMA (package doc)
							}
						}
					}
					if b != nil {
						acc += b[oc]
					}
					y[((bt*outH+oy)*outW+ox)*outC+oc] = min(max(acc, p.fMin), p.fMax)
				}
			}
		}
	}
}

func (k *convKernel) depthwiseFloat(in, filter, bias, out *RTensor) {
	p := &k.p
	x, w, y := in.Float32(), filter.Float32(), out.Float32()
	b := biasOf[float32](bias)
	batches, inH, inW, inC := in.Shape[0], in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW := filter.Shape[1], filter.Shape[2]
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	dm := p.depthMultiplier
	for bt := 0; bt < batches; bt++ {
		for oy := 0; oy < outH; oy++ {
			iy0 := oy*p.strideH - p.padH
			for ox := 0; ox < outW; ox++ {
				ix0 := ox*p.strideW - p.padW
				for ic := 0; ic < inC; ic++ {
					for m := 0; m < dm; m++ {
						oc := ic*dm + m
						var acc float32
						for fy := 0; fy < fH; fy++ {
							iy := iy0 + p.dilationH*fy
							if iy < 0 || iy >= inH {
								continue
							}
							for fx := 0; fx < fW; fx++ {
								ix := ix0 + p.dilationW*fx
								if ix < 0 || ix >= inW {
									continue
								}
								acc += float32(x[((bt*inH+iy)*inW+ix)*inC+ic] * w[(fy*fW+fx)*outC+oc]) // no FMA (package doc)
							}
						}
						if b != nil {
							acc += b[oc]
						}
						y[((bt*outH+oy)*outW+ox)*outC+oc] = min(max(acc, p.fMin), p.fMax)
					}
				}
			}
		}
	}
}
