package tflite

import "math"

// AVERAGE_POOL_2D and MAX_POOL_2D, int8 and float32, as
// reference/integer_ops/pooling.h and reference/pooling.h.

type poolKernel struct {
	max              bool
	padding          Padding
	strideW, strideH int
	filterW, filterH int
	padW, padH       int
	act              Activation
	actMin, actMax   int32
	fMin, fMax       float32
}

func newAvgPool() Kernel { return &poolKernel{} }
func newMaxPool() Kernel { return &poolKernel{max: true} }

func (k *poolKernel) Prepare(n *Node) error {
	if !n.hasOpts {
		return n.errf("missing options")
	}
	o := n.opts
	var vals [5]int32
	names := [...]string{"padding", "stride_w", "stride_h", "filter_width", "filter_height"}
	pad, err := o.uint8(0, names[0], 0)
	if err != nil {
		return err
	}
	for i := 1; i < 5; i++ {
		if vals[i], err = o.int32(i, names[i], 0); err != nil {
			return err
		}
		if vals[i] < 1 || vals[i] > 4096 {
			return n.errf("%s %d invalid", names[i], vals[i])
		}
	}
	act, err := o.uint8(5, "fused_activation_function", 0)
	if err != nil {
		return err
	}
	if pad > 1 {
		return n.errf("padding %d invalid", pad)
	}
	k.padding, k.strideW, k.strideH, k.filterW, k.filterH, k.act = Padding(pad), int(vals[1]), int(vals[2]), int(vals[3]), int(vals[4]), Activation(act)
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || len(in.Shape) != 4 || len(out.Shape) != 4 {
		return n.errf("needs 4-D input and output")
	}
	if in.Type != out.Type || (in.Type != Int8 && in.Type != Float32) {
		return n.errf("types %s → %s unsupported", in.Type, out.Type)
	}
	oh, ow := outSize(k.padding, in.Shape[1], k.filterH, k.strideH, 1), outSize(k.padding, in.Shape[2], k.filterW, k.strideW, 1)
	if out.Shape[0] != in.Shape[0] || out.Shape[1] != oh || out.Shape[2] != ow || out.Shape[3] != in.Shape[3] {
		return n.errf("output %v, the options give [%d %d %d %d]", out.Shape, in.Shape[0], oh, ow, in.Shape[3])
	}
	n.Cost = int64(out.NumElements()) * int64(k.filterH) * int64(k.filterW)
	k.padH = computePadding(k.strideH, 1, in.Shape[1], k.filterH, oh)
	k.padW = computePadding(k.strideW, 1, in.Shape[2], k.filterW, ow)
	var ok bool
	if in.Type == Int8 {
		if in.Quant == nil || out.Quant == nil {
			return n.errf("int8 tensors without quantisation parameters")
		}
		k.actMin, k.actMax, ok = activationRangeInt8(k.act, out.Scale(), out.ZeroPoint())
	} else {
		k.fMin, k.fMax, ok = activationRangeFloat(k.act)
	}
	if !ok {
		return n.errf("activation %d unsupported", k.act)
	}
	return nil
}

func (k *poolKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	batches, inH, inW, depth := in.Shape[0], in.Shape[1], in.Shape[2], in.Shape[3]
	outH, outW := out.Shape[1], out.Shape[2]
	i8 := in.Type == Int8
	var xi, yi []int8
	var xf, yf []float32
	if i8 {
		xi, yi = in.Int8(), out.Int8()
	} else {
		xf, yf = in.Float32(), out.Float32()
	}
	for bt := 0; bt < batches; bt++ {
		for oy := 0; oy < outH; oy++ {
			iy0 := oy*k.strideH - k.padH
			fy0, fy1 := max(0, -iy0), min(k.filterH, inH-iy0)
			for ox := 0; ox < outW; ox++ {
				ix0 := ox*k.strideW - k.padW
				fx0, fx1 := max(0, -ix0), min(k.filterW, inW-ix0)
				o := ((bt*outH+oy)*outW + ox) * depth
				for c := 0; c < depth; c++ {
					count := 0
					var acc int32
					mx := int32(math.MinInt8)
					var accF float32
					mxF := float32(-math.MaxFloat32)
					for fy := fy0; fy < fy1; fy++ {
						for fx := fx0; fx < fx1; fx++ {
							i := ((bt*inH+iy0+fy)*inW+ix0+fx)*depth + c
							if i8 {
								v := int32(xi[i])
								acc += v
								mx = max(mx, v)
							} else {
								accF += xf[i]
								mxF = max(mxF, xf[i])
							}
							count++
						}
					}
					if count == 0 {
						return n.errf("empty pooling window")
					}
					switch {
					case i8 && k.max:
						yi[o+c] = int8(clampInt32(mx, k.actMin, k.actMax))
					case i8:
						half := int32(count / 2)
						if acc > 0 {
							acc = (acc + half) / int32(count)
						} else {
							acc = (acc - half) / int32(count)
						}
						yi[o+c] = int8(clampInt32(acc, k.actMin, k.actMax))
					case k.max:
						yf[o+c] = min(max(mxF, k.fMin), k.fMax)
					default:
						yf[o+c] = min(max(accF/float32(count), k.fMin), k.fMax)
					}
				}
			}
		}
	}
	return nil
}
