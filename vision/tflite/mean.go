package tflite

import (
	"math"
	"math/bits"
)

// MEAN over any axes, int8 and float32: TFLite Micro's EvalMean, that is
// reference_ops::QuantizedMeanOrSum for int8 (integer rescaling folded
// into the output multiplier) and a float sum in input order divided by the
// count.

type meanKernel struct {
	outIndex []int32 // output position of each input element
	count    int64   // input elements per output
	sumI     []int32
	sumF     []float32
	mult     int32
	shift    int
	inZero   int32
	outZero  int32
}

func newMean() Kernel { return &meanKernel{} }

func (k *meanKernel) Prepare(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in == nil || out == nil || in.Type != out.Type || len(in.Shape) > maxDims {
		return n.errf("input and output must share a type, rank ≤ %d", maxDims)
	}
	axes, err := constInt32(n, n.Input(1), "axis")
	if err != nil {
		return err
	}
	rank := len(in.Shape)
	reduced := [maxDims]bool{}
	for _, a := range axes {
		if a < 0 {
			a += int32(rank)
		}
		if a < 0 || int(a) >= rank {
			return n.errf("axis %d outside rank %d", a, rank)
		}
		reduced[a] = true
	}
	// Output dims: reduced axes become 1 (kept) or vanish.
	keptCount, count := 1, int64(1)
	for d := 0; d < rank; d++ {
		if reduced[d] {
			count *= int64(in.Shape[d])
			continue
		}
		keptCount *= in.Shape[d]
	}
	if out.NumElements() != keptCount {
		return n.errf("output %v, reducing %v over %v leaves %d elements", out.Shape, in.Shape, axes, keptCount)
	}
	k.count = count
	k.outIndex = make([]int32, in.NumElements())
	var idx [maxDims]int
	for i := range k.outIndex {
		o := 0
		for d := 0; d < rank; d++ {
			if !reduced[d] {
				o = o*in.Shape[d] + idx[d]
			}
		}
		k.outIndex[i] = int32(o)
		for d := rank - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < in.Shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	switch in.Type {
	case Float32:
		k.sumF = make([]float32, keptCount)
	case Int8:
		if in.Quant == nil || out.Quant == nil {
			return n.errf("int8 tensors without quantisation parameters")
		}
		k.sumI = make([]int32, keptCount)
		k.inZero, k.outZero = in.ZeroPoint(), out.ZeroPoint()
		m, s := quantizeMultiplier(float64(in.Scale()) / float64(out.Scale()))
		if count > 0 {
			// Fold 1/count into the multiplier, as QuantizedMeanOrSum does.
			sh := 63 - bits.LeadingZeros64(uint64(count))
			sh = min(sh, 32, 31+s)
			m = int32((int64(m) << sh) / count)
			s -= sh
		}
		k.mult, k.shift = m, s
	default:
		return n.errf("type %s unsupported", in.Type)
	}
	return nil
}

func (k *meanKernel) Eval(n *Node) error {
	in, out := n.Input(0), n.Output(0)
	if in.Type == Float32 {
		clear(k.sumF)
		for i, v := range in.Float32() {
			k.sumF[k.outIndex[i]] += v
		}
		y := out.Float32()
		for o, s := range k.sumF {
			y[o] = s / float32(k.count)
		}
		return nil
	}
	clear(k.sumI)
	for i, v := range in.Int8() {
		k.sumI[k.outIndex[i]] += int32(v)
	}
	y := out.Int8()
	for o, s := range k.sumI {
		shifted := s - k.inZero*int32(k.count)
		r := multiplyByQuantizedMultiplier(shifted, k.mult, k.shift) + k.outZero
		y[o] = int8(clampInt32(r, math.MinInt8, math.MaxInt8))
	}
	return nil
}
