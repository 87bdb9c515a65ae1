package tflite

import "math"

// LEAKY_RELU, RESIZE_NEAREST_NEIGHBOR and STRIDED_SLICE, int8 and float32.

type leakyReluKernel struct {
	alpha           float32
	inZero, outZero int32
	mAlpha, mIdent  int32
	sAlpha, sIdent  int
}

func newLeakyRelu() Kernel { return &leakyReluKernel{} }

func (k *leakyReluKernel) Prepare(n *Node) error {
	if n.hasOpts {
		a, err := n.opts.float32(0, "alpha", 0)
		if err != nil {
			return err
		}
		k.alpha = a
	}
	if math.IsNaN(float64(k.alpha)) || math.IsInf(float64(k.alpha), 0) {
		return n.errf("alpha %v is not finite", k.alpha)
	}
	in, out, err := unaryIO(n)
	if err != nil {
		return err
	}
	if in.Type == Float32 {
		return nil
	}
	k.inZero, k.outZero = in.ZeroPoint(), out.ZeroPoint()
	// TFLite Micro forms both ratios in float before widening.
	k.mAlpha, k.sAlpha = quantizeMultiplier(float64(in.Scale() * k.alpha / out.Scale()))
	k.mIdent, k.sIdent = quantizeMultiplier(float64(in.Scale() / out.Scale()))
	return nil
}

func (k *leakyReluKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in.Type == Float32 {
		y := out.Float32()
		for i, v := range in.Float32() {
			if v > 0 {
				y[i] = v
			} else {
				y[i] = v * k.alpha
			}
		}
		return nil
	}
	y := out.Int8()
	for i, v := range in.Int8() {
		x := int32(v) - k.inZero
		var r int32
		if x >= 0 {
			r = k.outZero + multiplyByQuantizedMultiplier(x, k.mIdent, k.sIdent)
		} else {
			r = k.outZero + multiplyByQuantizedMultiplier(x, k.mAlpha, k.sAlpha)
		}
		y[i] = int8(clampInt32(r, math.MinInt8, math.MaxInt8))
	}
	return nil
}

type resizeNearestKernel struct {
	ys, xs []int32 // source row and column of each output row and column
	elem   int
}

func newResizeNearest() Kernel { return &resizeNearestKernel{} }

// nearest is GetNearestNeighbor of reference_ops::ResizeNearestNeighbor.
func nearest(v, inSize, outSize int, alignCorners, halfPixel bool) int {
	scale := float32(inSize) / float32(outSize)
	if alignCorners && outSize > 1 {
		scale = float32(inSize-1) / float32(outSize-1)
	}
	var off float32
	if halfPixel {
		off = 0.5
	}
	var o int
	if alignCorners {
		o = int(math.Round(float64((float32(v) + off) * scale)))
	} else {
		o = int(math.Floor(float64((float32(v) + off) * scale)))
	}
	o = min(o, inSize-1)
	if halfPixel {
		o = max(o, 0)
	}
	return o
}

func (k *resizeNearestKernel) Prepare(n *Node) error {
	var align, half bool
	if n.hasOpts {
		var err error
		if align, err = n.opts.bool(0, "align_corners", false); err != nil {
			return err
		}
		if half, err = n.opts.bool(1, "half_pixel_centers", false); err != nil {
			return err
		}
	}
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || len(in.Shape) != 4 || len(out.Shape) != 4 || in.Type != out.Type {
		return n.errf("needs 4-D input and output of one type")
	}
	size, err := constInt32(n, n.Input(1), "size")
	if err != nil {
		return err
	}
	if len(size) != 2 || int(size[0]) != out.Shape[1] || int(size[1]) != out.Shape[2] || out.Shape[0] != in.Shape[0] || out.Shape[3] != in.Shape[3] {
		return n.errf("size %v does not give output %v from %v", size, out.Shape, in.Shape)
	}
	if in.Type == Int8 && (in.Quant == nil || out.Quant == nil || in.Scale() != out.Scale() || in.ZeroPoint() != out.ZeroPoint()) {
		return n.errf("int8 input and output must share quantisation")
	}
	if in.Shape[1] == 0 || in.Shape[2] == 0 {
		return n.errf("empty input %v", in.Shape)
	}
	k.ys = make([]int32, out.Shape[1])
	k.xs = make([]int32, out.Shape[2])
	for y := range k.ys {
		k.ys[y] = int32(nearest(y, in.Shape[1], out.Shape[1], align, half))
	}
	for x := range k.xs {
		k.xs[x] = int32(nearest(x, in.Shape[2], out.Shape[2], align, half))
	}
	k.elem = in.Type.Size()
	return nil
}

func (k *resizeNearestKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	src, dst := in.Data, out.Data
	inH, inW, c := in.Shape[1], in.Shape[2], in.Shape[3]
	pix := c * k.elem
	o := 0
	for b := 0; b < in.Shape[0]; b++ {
		for _, sy := range k.ys {
			for _, sx := range k.xs {
				s := ((b*inH+int(sy))*inW + int(sx)) * pix
				copy(dst[o:o+pix], src[s:s+pix])
				o += pix
			}
		}
	}
	return nil
}

type stridedSliceKernel struct {
	rank          int
	start, stride [maxDims]int
	count         [maxDims]int // elements taken per axis
	inStride      [maxDims]int
	elem          int
}

func newStridedSlice() Kernel { return &stridedSliceKernel{} }

func (k *stridedSliceKernel) Prepare(n *Node) error {
	var masks [5]int32 // begin, end, ellipsis, new_axis, shrink_axis
	names := [...]string{"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"}
	if n.hasOpts {
		for i := range masks {
			v, err := n.opts.int32(i, names[i], 0)
			if err != nil {
				return err
			}
			masks[i] = v
		}
		if off, err := n.opts.bool(5, "offset", false); err != nil {
			return err
		} else if off {
			return n.errf("offset mode unsupported")
		}
	}
	if masks[2] != 0 || masks[3] != 0 {
		return n.errf("ellipsis and new-axis masks unsupported")
	}
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || in.Type != out.Type || len(in.Shape) > maxDims {
		return n.errf("input and output must share a type, rank ≤ %d", maxDims)
	}
	begin, err := constInt32(n, n.Input(1), "begin")
	if err != nil {
		return err
	}
	end, err := constInt32(n, n.Input(2), "end")
	if err != nil {
		return err
	}
	strides, err := constInt32(n, n.Input(3), "strides")
	if err != nil {
		return err
	}
	k.rank = len(in.Shape)
	if len(begin) != k.rank || len(end) != k.rank || len(strides) != k.rank {
		return n.errf("begin, end and strides must have %d elements", k.rank)
	}
	s := 1
	for d := k.rank - 1; d >= 0; d-- {
		k.inStride[d] = s
		s *= in.Shape[d]
	}
	var outShape []int
	total := 1
	for d := 0; d < k.rank; d++ {
		size, st := in.Shape[d], int(strides[d])
		if st == 0 {
			return n.errf("stride 0 on axis %d", d)
		}
		clampTo := func(v int) int {
			if st > 0 {
				return min(max(v, 0), size)
			}
			return min(max(v, -1), size-1)
		}
		start := int(begin[d])
		if masks[0]&(1<<d) != 0 {
			if st > 0 {
				start = 0
			} else {
				start = size - 1
			}
		} else {
			if start < 0 {
				start += size
			}
			start = clampTo(start)
		}
		stop := int(end[d])
		shrink := masks[4]&(1<<d) != 0
		switch {
		case shrink:
			stop = start + 1
		case masks[1]&(1<<d) != 0:
			if st > 0 {
				stop = size
			} else {
				stop = -1
			}
		default:
			if stop < 0 {
				stop += size
			}
			stop = clampTo(stop)
		}
		cnt := 0
		if st > 0 && stop > start {
			cnt = (stop - start + st - 1) / st
		} else if st < 0 && stop < start {
			cnt = (start - stop - st - 1) / -st
		}
		if shrink && (start < 0 || start >= size) {
			return n.errf("shrunk axis %d index %d outside [0, %d)", d, start, size)
		}
		k.start[d], k.stride[d], k.count[d] = start, st, cnt
		total *= cnt
		if !shrink {
			outShape = append(outShape, cnt)
		}
	}
	if total != out.NumElements() {
		return n.errf("slice gives %v (%d elements), output is %v", outShape, total, out.Shape)
	}
	if in.Type == Int8 && (in.Quant == nil || out.Quant == nil || in.Scale() != out.Scale() || in.ZeroPoint() != out.ZeroPoint()) {
		return n.errf("int8 input and output must share quantisation")
	}
	k.elem = in.Type.Size()
	return nil
}

func (k *stridedSliceKernel) Eval(n *Node) error {
	src, dst := n.Input(0).Data, n.Output(0).Data
	e := k.elem
	total := len(dst) / e
	var idx [maxDims]int
	for o := 0; o < total; o++ {
		s := 0
		for d := 0; d < k.rank; d++ {
			s += (k.start[d] + idx[d]*k.stride[d]) * k.inStride[d]
		}
		copy(dst[o*e:o*e+e], src[s*e:s*e+e])
		for d := k.rank - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < k.count[d] {
				break
			}
			idx[d] = 0
		}
	}
	return nil
}
