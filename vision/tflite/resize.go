package tflite

// RESIZE_BILINEAR: float32 as reference_ops::ResizeBilinear, int8 as
// reference_ops::ResizeBilinearInteger (10-bit fixed-point positions, no
// floating point), TFLite Micro's default double rounding.

type resizeBilinearKernel struct {
	align, half bool
	scaleH10    int32 // int8: scales in 1/1024
	scaleW10    int32
	scaleH      float32
	scaleW      float32
}

func newResizeBilinear() Kernel { return &resizeBilinearKernel{} }

func (k *resizeBilinearKernel) Prepare(n *Node) error {
	if n.hasOpts {
		var err error
		if k.align, err = n.opts.bool(2, "align_corners", false); err != nil {
			return err
		}
		if k.half, err = n.opts.bool(3, "half_pixel_centers", false); err != nil {
			return err
		}
	}
	if k.align && k.half {
		return n.errf("align_corners and half_pixel_centers are exclusive")
	}
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || len(in.Shape) != 4 || len(out.Shape) != 4 || in.Type != out.Type {
		return n.errf("needs 4-D input and output of one type")
	}
	size, err := constInt32(n, n.Input(1), "size")
	if err != nil {
		return err
	}
	if len(size) != 2 || size[0] < 1 || size[1] < 1 || int(size[0]) != out.Shape[1] || int(size[1]) != out.Shape[2] ||
		out.Shape[0] != in.Shape[0] || out.Shape[3] != in.Shape[3] || in.Shape[1] < 1 || in.Shape[2] < 1 {
		return n.errf("size %v does not give output %v from %v", size, out.Shape, in.Shape)
	}
	inH, inW, outH, outW := int32(in.Shape[1]), int32(in.Shape[2]), int32(out.Shape[1]), int32(out.Shape[2])
	switch in.Type {
	case Float32:
		k.scaleH, k.scaleW = float32(inH)/float32(outH), float32(inW)/float32(outW)
		if k.align && outH > 1 {
			k.scaleH = float32(inH-1) / float32(outH-1)
		}
		if k.align && outW > 1 {
			k.scaleW = float32(inW-1) / float32(outW-1)
		}
	case Int8:
		if in.Quant == nil || out.Quant == nil || in.Scale() != out.Scale() || in.ZeroPoint() != out.ZeroPoint() {
			return n.errf("int8 input and output must share quantisation")
		}
		k.scaleH10 = ((1<<10)*inH + outH/2) / outH
		k.scaleW10 = ((1<<10)*inW + outW/2) / outW
		if k.align && outH > 1 {
			k.scaleH10 = ((1<<10)*(inH-1) + (outH-1)/2) / (outH - 1)
		}
		if k.align && outW > 1 {
			k.scaleW10 = ((1<<10)*(inW-1) + (outW-1)/2) / (outW - 1)
		}
	default:
		return n.errf("type %s unsupported", in.Type)
	}
	return nil
}

func interpFloat(v int, scale float32, half bool, size int) (s float32, lo, hi int) {
	if half {
		s = (float32(v)+0.5)*scale - 0.5
	} else {
		s = float32(v) * scale
	}
	f := float32(int32(s))
	if f > s {
		f-- // floor
	}
	lo = max(int(f), 0)
	c := int(f)
	if float32(c) < s {
		c++ // ceil
	}
	hi = min(c, size-1)
	return s, lo, hi
}

func interpInt(v int32, scale10 int32, half bool, size int32) (s, lo, hi int32) {
	if half {
		s = v*scale10 + scale10/2 - (1 << 9)
	} else {
		s = v * scale10
	}
	lo = max(s/(1<<10), 0)
	hi = min((s+(1<<10)-1)/(1<<10), size-1)
	return s, lo, hi
}

func (k *resizeBilinearKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	batches, inH, inW, depth := in.Shape[0], in.Shape[1], in.Shape[2], in.Shape[3]
	outH, outW := out.Shape[1], out.Shape[2]
	at := func(b, y, x, c int) int { return ((b*inH+y)*inW+x)*depth + c }
	if in.Type == Float32 {
		src, dst := in.Float32(), out.Float32()
		for b := 0; b < batches; b++ {
			for y := 0; y < outH; y++ {
				iy, y0, y1 := interpFloat(y, k.scaleH, k.half, inH)
				dy := iy - float32(y0)
				for x := 0; x < outW; x++ {
					ix, x0, x1 := interpFloat(x, k.scaleW, k.half, inW)
					dx := ix - float32(x0)
					o := ((b*outH+y)*outW + x) * depth
					for c := 0; c < depth; c++ {
						dst[o+c] = src[at(b, y0, x0, c)]*(1-dy)*(1-dx) +
							src[at(b, y1, x0, c)]*dy*(1-dx) +
							src[at(b, y0, x1, c)]*(1-dy)*dx +
							src[at(b, y1, x1, c)]*dy*dx
					}
				}
			}
		}
		return nil
	}
	src, dst := in.Int8(), out.Int8()
	for b := 0; b < batches; b++ {
		for y := 0; y < outH; y++ {
			iy, y0, y1 := interpInt(int32(y), k.scaleH10, k.half, int32(inH))
			wy1 := int64(iy - (1<<10)*y0)
			wy0 := int64(1<<10) - wy1
			for x := 0; x < outW; x++ {
				ix, x0, x1 := interpInt(int32(x), k.scaleW10, k.half, int32(inW))
				wx1 := int64(ix - (1<<10)*x0)
				wx0 := int64(1<<10) - wx1
				o := ((b*outH+y)*outW + x) * depth
				for c := 0; c < depth; c++ {
					v := int64(src[at(b, int(y0), int(x0), c)])*wy0*wx0 +
						int64(src[at(b, int(y1), int(x0), c)])*wy1*wx0 +
						int64(src[at(b, int(y0), int(x1), c)])*wy0*wx1 +
						int64(src[at(b, int(y1), int(x1), c)])*wy1*wx1
					round := int64(1 << 19)
					if v <= 0 {
						round = -round
					}
					dst[o+c] = int8((v + round) / (1 << 20))
				}
			}
		}
	}
	return nil
}
